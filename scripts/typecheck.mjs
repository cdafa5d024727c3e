#!/usr/bin/env node
// `pnpm typecheck`: every workspace package's own `typecheck` program (its
// tsconfig.json, as its `typecheck` script runs it), all in one process
// (scripts/lib/typecheckPrograms.mjs): each package is still its own program,
// with its own options and only its own files, so nothing one package
// declares (a `register` entry's augmentation, a global) reaches another's
// check; what is shared is the parse of the declaration files every program
// reads (the AWS SDK's, @types/node), which was most of the time of twenty
// `tsc` processes (~140 s of CPU, against ~45 s here).
//
// A package takes part when its `typecheck` script is `tsc` or
// `tsc -p tsconfig.json`; any other script is refused here, so a package that
// needs something else says so in its package.json and this script is changed
// with it, not silently skipped.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspaceDirs } from './lib/nodeMatrix.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const PLAIN_TSC = /^tsc(?: -p tsconfig\.json)?$/;

const tsconfigs = [];
for (const dir of workspaceDirs(root)) {
  const script = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts?.typecheck;
  if (script === undefined) continue;
  if (!PLAIN_TSC.test(script.trim())) {
    console.error(
      `✖ ${relative(root, dir)}: its typecheck script is "${script}"; scripts/typecheck.mjs runs only "tsc -p tsconfig.json". Change one or the other.`,
    );
    process.exit(2);
  }
  tsconfigs.push(relative(root, join(dir, 'tsconfig.json')));
}

const typescript = dirname(createRequire(join(root, 'package.json')).resolve('typescript/package.json'));
const t0 = Date.now();
const result = spawnSync(process.execPath, [join(root, 'scripts', 'lib', 'typecheckPrograms.mjs'), typescript, ...tsconfigs], {
  cwd: root,
  stdio: 'inherit',
});
console.log(`${result.status === 0 ? '✓' : '✖'} typecheck: ${tsconfigs.length} programs in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.exit(result.status ?? 1);
