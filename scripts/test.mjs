#!/usr/bin/env node
// The one test command (README: `pnpm test`; .ci/run runs exactly this).
// Lint, typecheck and build every package, run every package's tests (unit,
// contract, type, end-to-end and runtime suites) through turbo, check the
// packages as published (publint, scripts/check-packages.mjs with attw, size
// budgets, the release rehearsal), then print one closing total.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
  AWS_EC2_METADATA_DISABLED: 'true',
  FORCE_COLOR: process.env.FORCE_COLOR ?? '0',
};
const workspaceDirs = ['packages', 'internal', 'examples'].flatMap((group) => {
  const dir = join(root, group);
  return existsSync(dir)
    ? readdirSync(dir)
        .map((name) => join(dir, name))
        .filter((path) => existsSync(join(path, 'package.json')))
    : [];
});
const started = Date.now();
const timings = [];

function step(title, command, args, options = {}) {
  const t0 = Date.now();
  console.log(`\n▶ ${title}\n  $ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env, ...options });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  timings.push(`${title}: ${seconds}s`);
  if (result.status !== 0) {
    console.error(`\n✖ ${title} failed (exit ${result.status ?? result.signal}) after ${seconds}s`);
    summarise();
    process.exit(result.status || 1);
  }
}

function summarise() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const dir of workspaceDirs) {
    const report = join(dir, '.tmp', 'vitest-results.json');
    if (!existsSync(report)) continue;
    const json = JSON.parse(readFileSync(report, 'utf8'));
    passed += json.numPassedTests ?? 0;
    failed += json.numFailedTests ?? 0;
    skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  }
  console.log(`\n${timings.map((line) => `  ${line}`).join('\n')}\n  total: ${((Date.now() - started) / 1000).toFixed(1)}s`);
  console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return { passed, failed, skipped };
}

for (const dir of workspaceDirs) rmSync(join(dir, '.tmp', 'vitest-results.json'), { force: true });

if (existsSync(join(root, 'scripts', 'ensure-chromium.sh'))) step('Chromium for the browser tests', 'bash', [join(root, 'scripts', 'ensure-chromium.sh')]);
step('Lint and format (Biome)', bin('biome'), ['ci', '.']);
// The service manifest and the API reference (both read sources only, no build).
step('Service manifest ↔ packages/ and the README table (scripts/services.mjs)', process.execPath, [join(root, 'scripts', 'services.mjs')]);
step('API reference (TypeDoc: JSDoc on every export, links, Errors page; scripts/docs.mjs)', process.execPath, [join(root, 'scripts', 'docs.mjs')]);
step('Typecheck and build', bin('turbo'), ['run', 'typecheck', 'build', '--output-logs=errors-only', '--concurrency=2']);
step('Tests (vitest, every workspace package)', bin('turbo'), ['run', 'test', '--output-logs=full', '--concurrency=1']);
for (const dir of workspaceDirs.filter((path) => path.includes(`${join(root, 'packages')}`))) {
  step(`publint --strict ${dir.slice(root.length)}`, bin('publint'), ['--strict', dir]);
}
step('Package checks (metadata, exports ↔ dist, attw)', process.execPath, [join(root, 'scripts', 'check-packages.mjs')]);
step('Size budgets (size-limit: browser, minified + gzip)', process.execPath, [join(root, 'scripts', 'size.mjs')]);
step('Release rehearsal (changeset version, pnpm pack, npm install in a clean consumer)', process.execPath, [join(root, 'scripts', 'release-rehearsal.mjs')]);

const { passed, failed, skipped } = summarise();
if (failed > 0 || skipped > 0 || passed === 0) {
  console.error(failed > 0 ? '✖ failing tests' : skipped > 0 ? '✖ skipped tests are defects here' : '✖ no tests ran');
  process.exit(1);
}
