/**
 * What a user's compiler says, against the built declaration files of the
 * packages (as installed: `@dbp/aws-core` and `@dbp/aws-s3` resolved from
 * this package's node_modules, under each `moduleResolution` the README
 * names): a string id works once its register entry is imported, and
 * without it the error names the fix instead of saying `never`. Checked with
 * the workspace's TypeScript (5.9, through its API) and with TypeScript 7
 * (its `tsc`, from the npm registry through npx as the other runtimes are:
 * what `npm i -D typescript` installs today), which reports only the last
 * overload's error when no overload matches.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
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
  // Each error as `line:column text`: where the compiler puts it, and all it says.
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: -1, character: -1 };
    return `${at.line + 1}:${at.character + 1} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe.each(RESOLUTIONS)('a user program (moduleResolution $name)', (resolution) => {
  it("getClient('s3') and warm('athena') without the register entry: the error says which import to add", () => {
    const errors = check(
      'unregistered',
      [
        "import { createClientFactory } from '@dbp/aws-core';",
        'const factory = createClientFactory();',
        "factory.getClient('s3');",
        "void factory.warm('athena');",
        "factory.getClient('sqs');",
        '',
      ].join('\n'),
      resolution,
    );
    expect(errors).toEqual([
      expect.stringMatching(/^3:19 [\s\S]*'s3' is not a registered service id: import its register entry once \(import '@dbp\/aws-s3\/register'/),
      // Each id its own package's entry, not the first one's.
      expect.stringMatching(/^4:19 [\s\S]*'athena' is not a registered service id: import its register entry once \(import '@dbp\/aws-athena\/register'/),
      // An id no package serves: the general advice, by client class.
      expect.stringMatching(/^5:19 [\s\S]*'sqs' is not a registered service id\. For a service a @dbp\/aws package serves, [\s\S]*getClient\(SQSClient\)/),
    ]);
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
    expect(errors).toEqual([
      // On the config value itself.
      expect.stringMatching(/^8:37 [\s\S]*Type 'string' is not assignable to type '\(boolean/),
      expect.stringMatching(/^9:19 [\s\S]*'s4' is not a registered service id/),
    ]);
  });

  it('a misspelt option or config key is named where it is, whichever way the service is given (definition, id, client class)', () => {
    const errors = check(
      'misspelt',
      [
        "import { STSClient } from '@aws-sdk/client-sts';",
        "import { createClientFactory } from '@dbp/aws-core';",
        "import { s3 } from '@dbp/aws-s3';",
        "import '@dbp/aws-s3/register';",
        'const factory = createClientFactory();',
        "factory.getClient(s3, { region: 'eu-west-1', config: { maxAttempt: 2 } });",
        "factory.getClient('s3', { regoin: 'eu-west-1' });",
        'void factory.warm(STSClient, { config: { useGlobalEndpont: true } });',
        'const sts: STSClient = factory.getClient(STSClient, { config: { useGlobalEndpoint: true } });',
        'void sts;',
        '',
      ].join('\n'),
      resolution,
    );
    expect(errors).toEqual([
      expect.stringMatching(/^6:56 [\s\S]*'maxAttempt' does not exist in type [\s\S]*Did you mean to write 'maxAttempts'\?$/),
      expect.stringMatching(/^7:27 [\s\S]*'regoin' does not exist in type [\s\S]*Did you mean to write 'region'\?$/),
      expect.stringMatching(/^8:42 [\s\S]*'useGlobalEndpont' does not exist in type [\s\S]*Did you mean to write 'useGlobalEndpoint'\?$/),
    ]);
  });

  it("the caller's own generic code (a type parameter constrained to ids, definitions or classes) compiles", () => {
    const errors = check(
      'generic',
      [
        "import type { S3Client } from '@aws-sdk/client-s3';",
        "import { createClientFactory, type SdkClientClass, type SdkClientLike, type ServiceDefinition, type ServiceId } from '@dbp/aws-core';",
        "import { s3 } from '@dbp/aws-s3';",
        "import '@dbp/aws-s3/register';",
        'const factory = createClientFactory();',
        'export const byId = <T extends ServiceId>(id: T) => factory.getClient(id);',
        'export const byDefinition = <D extends ServiceDefinition<SdkClientLike, never>>(definition: D) => factory.warm(definition);',
        'export const byClass = <C extends SdkClientClass>(cls: C) => factory.getClient(cls);',
        "const client: S3Client = byId('s3');",
        'const warmed: Promise<S3Client> = byDefinition(s3);',
        'void client; void warmed;',
        '',
      ].join('\n'),
      resolution,
    );
    expect(errors).toEqual([]);
  });
});

/** TypeScript 7's version, pinned like Bun's and Deno's (scripts/lib/runtimes.mjs). */
const TYPESCRIPT_7 = '7.0.2';

describe(`TypeScript ${TYPESCRIPT_7} (tsc)`, () => {
  it('reports the misspelt option, the misspelt config key and the unregistered id where they are', () => {
    const dir = join(DIR, 'typescript7');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      join(dir, 'tsconfig.json'),
      '{ "compilerOptions": { "strict": true, "noEmit": true, "skipLibCheck": true, "target": "es2022", "module": "nodenext", "moduleResolution": "nodenext", "types": [] }, "include": ["*.ts"] }\n',
    );
    writeFileSync(
      join(dir, 'index.ts'),
      [
        "import { createClientFactory } from '@dbp/aws-core';",
        "import { s3 } from '@dbp/aws-s3';",
        'const factory = createClientFactory();',
        "factory.getClient(s3, { region: 'eu-west-1', config: { maxAttempt: 2 } });",
        "factory.getClient('athena', { regoin: 'eu-west-1' });",
        '',
      ].join('\n'),
    );
    // Outside the workspace, so npx neither reads nor writes this repository's lockfile.
    const run = spawnSync('npx', ['-y', '-p', `typescript@${TYPESCRIPT_7}`, 'tsc', '-v'], { cwd: homedir(), encoding: 'utf8', timeout: 300_000 });
    expect(run.stdout.trim()).toBe(`Version ${TYPESCRIPT_7}`);
    // --pretty false: one line per error, however the environment sets colours (FORCE_COLOR in CI).
    const tsc = spawnSync('npx', ['-y', '-p', `typescript@${TYPESCRIPT_7}`, 'tsc', '--pretty', 'false', '-p', join(dir, 'tsconfig.json')], {
      cwd: homedir(),
      encoding: 'utf8',
      timeout: 300_000,
    });
    // Paths are relative to the working directory (the home directory): keep each line from its file name.
    const lines = tsc.stdout
      .split('\n')
      .filter((line) => line.includes('index.ts('))
      .map((line) => line.slice(line.indexOf('index.ts(')));
    // Where each error is: on the misspelt key, and on the unregistered id.
    expect(lines, `${tsc.stdout}${tsc.stderr}`).toEqual([
      expect.stringMatching(/^index\.ts\(4,56\): error /),
      expect.stringMatching(/^index\.ts\(5,19\): error /),
    ]);
    // What it says: TypeScript 7 shows only the last overload's error, which is the precise one.
    expect(tsc.stdout).toMatch(/'maxAttempt' does not exist in type 'Partial<S3ClientConfig>'\. Did you mean to write 'maxAttempts'\?/);
    expect(tsc.stdout).toMatch(
      /Argument of type '"athena"' is not assignable to parameter of type '"'athena' is not a registered service id: import its register entry once \(import '@dbp\/aws-athena\/register'/,
    );
    expect(tsc.stdout).not.toMatch(/SdkClientClass/);
  }, 300_000);
});

describe.each(RESOLUTIONS.filter((resolution) => resolution.name !== 'bundler'))(
  'a user program with ES module and CommonJS files (moduleResolution $name)',
  ({ name: resolutionName, ...resolution }) => {
    it('sees one copy of the packages: a register entry imported from either kind types the id in both, and one factory type', () => {
      const dir = join(DIR, `mixed-${resolutionName}`);
      mkdirSync(dir, { recursive: true });
      const files: Record<string, string> = {
        'package.json': '{ "type": "module" }\n',
        // The register entry imported from a CommonJS file, the id used in an ES module…
        'register.cts': "import '@dbp/aws-s3/register';\n",
        'use.mts': [
          "import type { S3Client } from '@aws-sdk/client-s3';",
          "import { getClientFactory } from '@dbp/aws-core';",
          "export const s3: S3Client = getClientFactory().getClient('s3');",
          '',
        ].join('\n'),
        // …and the other way round (one augmentation, whichever kind imported it).
        'register.mts': "import '@dbp/aws-dynamodb/register';\n",
        'use.cts': [
          "import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
          "import core = require('@dbp/aws-core');",
          "export const dynamo: DynamoDBClient = core.getClientFactory().getClient('dynamodb');",
          'export const factory = (): core.AwsClientFactory => core.getClientFactory();',
          '',
        ].join('\n'),
        // The factory a CommonJS file hands over is the ES module's type (its #private member made them two).
        'app.mts': [
          "import { type AwsClientFactory, getClientFactory } from '@dbp/aws-core';",
          "import { factory } from './use.cjs';",
          'const held: AwsClientFactory = factory();',
          'export const same: boolean = held === getClientFactory();',
          '',
        ].join('\n'),
      };
      for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
      const roots = Object.keys(files)
        .filter((file) => file !== 'package.json')
        .map((file) => join(dir, file));
      const program = ts.createProgram(roots, { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, types: [], ...resolution });
      const errors = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      expect(errors).toEqual([]);
    });
  },
);
