/**
 * What a user's compiler says, against the built declaration files of the
 * packages (as installed: `@dbp/aws-core` and `@dbp/aws-s3` resolved from
 * this package's node_modules, under each `moduleResolution` the README
 * names): a string id works once its register entry is imported, and
 * without it the error names the fix instead of saying `never`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { TMP_DIR } from '../src/bundle.js';

const DIR = join(TMP_DIR, 'userTypes');

const RESOLUTIONS = [
  { name: 'nodenext', module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
  { name: 'node16', module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 },
  { name: 'bundler', module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler },
] as const;

/** Type-checks one user file (an ES module) and returns its diagnostics as text, one per error. */
function check(name: string, source: string, { name: resolutionName, ...resolution }: (typeof RESOLUTIONS)[number]): string[] {
  const dir = join(DIR, `${name}-${resolutionName}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const file = join(dir, 'index.ts');
  writeFileSync(file, source);
  const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, types: [], ...resolution });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe.each(RESOLUTIONS)('a user program (moduleResolution $name)', (resolution) => {
  it("getClient('s3') and warm('s3') without the register entry: the error says which import to add", () => {
    const errors = check(
      'unregistered',
      [
        "import { createClientFactory } from '@dbp/aws-core';",
        'const factory = createClientFactory();',
        "factory.getClient('s3');",
        "void factory.warm('athena');",
        '',
      ].join('\n'),
      resolution,
    );
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain(`"'s3' is not a registered service id: import its package's register entry (for 's3': import '@dbp/aws-s3/register')`);
    expect(errors[1]).toContain(`"'athena' is not a registered service id`);
    for (const error of errors) expect(error).not.toMatch(/type 'never'/);
  });

  it("with the register entry, getClient('s3') is an S3Client, its config is S3's, and an unknown id still names the fix", () => {
    const errors = check(
      'registered',
      [
        "import type { S3Client } from '@aws-sdk/client-s3';",
        "import { createClientFactory } from '@dbp/aws-core';",
        "import '@dbp/aws-s3/register';",
        'const factory = createClientFactory();',
        "const client: S3Client = factory.getClient('s3', { region: 'us-east-1', config: { forcePathStyle: true } });",
        "const warmed: Promise<S3Client> = factory.warm('s3');",
        'void client; void warmed;',
        "factory.getClient('s3', { config: { forcePathStyle: 'yes' } });",
        "factory.getClient('s4');",
        '',
      ].join('\n'),
      resolution,
    );
    expect(errors).toHaveLength(2);
    // The registered overload is the one that failed, on the config value.
    expect(errors[0]).toContain(
      "'(service: \"s3\", options?: GetClientOptions<S3ClientConfig> | undefined): S3Client', gave the following error.\n    Type 'string' is not assignable to type '(boolean",
    );
    expect(errors[1]).toContain(`"'s4' is not a registered service id`);
  });
});
