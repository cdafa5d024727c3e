/**
 * scripts/lib/typecheckPrograms.mjs (`pnpm typecheck` through
 * scripts/typecheck.mjs, and the release rehearsal) stands in for one
 * `tsc -p <tsconfig>` per package: on each broken project here it must fail
 * and report every error code `tsc` reports, and pass where `tsc` passes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TMP_DIR } from '../src/bundle.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts', 'lib', 'typecheckPrograms.mjs');
const TYPESCRIPT = dirname(createRequire(join(ROOT, 'package.json')).resolve('typescript/package.json'));
const TSC = join(TYPESCRIPT, 'bin', 'tsc');
const DIR = join(TMP_DIR, 'typecheckPrograms');

const OPTIONS =
  '"noEmit": true, "strict": true, "skipLibCheck": true, "types": [], "lib": ["es2022"], "target": "es2022", "module": "esnext", "moduleResolution": "bundler"';
const TSCONFIG = `{ "compilerOptions": { ${OPTIONS} }, "include": ["src"] }`;
const GOOD = { 'src/a.ts': 'export const a: number = 1;\n' };

/** Each project: its tsconfig.json (undefined: none) and its files. */
const PROJECTS: Record<string, { tsconfig: string | undefined; files: Record<string, string> }> = {
  clean: { tsconfig: TSCONFIG, files: GOOD },
  'a JSON syntax error in tsconfig.json (a missing comma)': {
    tsconfig: `{ "compilerOptions": { ${OPTIONS} } "include": ["src"] }`,
    files: { 'src/a.ts': "export const a: number = 'not a number';\n" },
  },
  'a JSON syntax error in tsconfig.json (two commas)': {
    tsconfig: `{ "compilerOptions": { ${OPTIONS},, "noImplicitAny": true }, "include": ["src"] }`,
    files: GOOD,
  },
  'an unknown compiler option': { tsconfig: `{ "compilerOptions": { ${OPTIONS}, "strictt": true }, "include": ["src"] }`, files: GOOD },
  'no tsconfig.json': { tsconfig: undefined, files: GOOD },
  'no input files': { tsconfig: `{ "compilerOptions": { ${OPTIONS} }, "include": ["srcc"] }`, files: GOOD },
  'a syntax error': { tsconfig: TSCONFIG, files: { 'src/a.ts': 'export const a = ;\n' } },
  'a type error in a test file': { tsconfig: TSCONFIG, files: { ...GOOD, 'src/a.test.ts': "const n: number = 'x';\nvoid n;\n" } },
  'an unused @ts-expect-error': { tsconfig: TSCONFIG, files: { ...GOOD, 'src/b.ts': '// @ts-expect-error nothing to expect\nexport const b = 1;\n' } },
  'a syntax error in a .d.ts (skipLibCheck does not skip it)': { tsconfig: TSCONFIG, files: { ...GOOD, 'src/c.d.ts': 'export declare const c: ;\n' } },
};

function project(name: string): string {
  const dir = join(DIR, name.replace(/\W+/g, '-'));
  rmSync(dir, { recursive: true, force: true });
  const { tsconfig, files } = PROJECTS[name]!;
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  if (tsconfig !== undefined) writeFileSync(join(dir, 'tsconfig.json'), tsconfig);
  return join(dir, 'tsconfig.json');
}

const codes = (text: string): string[] => [...new Set(text.match(/\bTS\d{4,5}\b/g) ?? [])].sort();

function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [command, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe('scripts/lib/typecheckPrograms.mjs reports what tsc -p reports', () => {
  it.each(Object.keys(PROJECTS))('%s', (name) => {
    const tsconfig = project(name);
    const tsc = run(TSC, ['-p', tsconfig]);
    const ours = run(SCRIPT, [TYPESCRIPT, tsconfig]);
    // tsc checks that the tsconfig.json it is given exists (TS5058) before the API reads it (TS5083, "Cannot read file").
    const expected = name === 'no tsconfig.json' ? codes(tsc.output).map((code) => (code === 'TS5058' ? 'TS5083' : code)) : codes(tsc.output);
    expect({ failed: ours.status !== 0, codes: codes(ours.output) }).toEqual({ failed: tsc.status !== 0, codes: expect.arrayContaining(expected) });
    // The clean project is the control: both pass.
    if (name === 'clean') expect([tsc.status, ours.status]).toEqual([0, 0]);
    else expect(codes(tsc.output).length).toBeGreaterThan(0);
  });

  it('checks every program after a broken one, and fails', () => {
    const tsconfigs = ['no tsconfig.json', 'a JSON syntax error in tsconfig.json (a missing comma)', 'clean'].map(project);
    const ours = run(SCRIPT, [TYPESCRIPT, ...tsconfigs]);
    expect(ours.status).toBe(1);
    expect(codes(ours.output)).toEqual(expect.arrayContaining(['TS5083', 'TS1005', 'TS2322']));
    expect(ours.output).toContain(`✓ ${tsconfigs[2]}`);
  });
});
