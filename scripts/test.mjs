#!/usr/bin/env node
// The one test command (README: `pnpm test`; .ci/run runs exactly this).
// Lint, typecheck and build every package, check every README code block
// (type-checked, and run when complete), run every package's tests (unit,
// contract, type, end-to-end and runtime suites) through turbo on the host's
// Node, run the Node matrix (the suites again on Node 22, 24 and 26, binaries
// from the npm registry; scripts/lib/nodeMatrix.mjs), check the packages as
// published (publint, scripts/check-packages.mjs with attw, size budgets, the
// release rehearsal), then print the pass counts per runtime and one closing
// total.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspaceDirs as listWorkspaceDirs, runMatrixEntry } from './lib/nodeMatrix.mjs';
import { BUN_VERSION, DENO_VERSION, NODE_MAJORS, resolveRuntime } from './lib/runtimes.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
  AWS_EC2_METADATA_DISABLED: 'true',
  FORCE_COLOR: process.env.FORCE_COLOR ?? '0',
};
const workspaceDirs = listWorkspaceDirs(root);

// What each Node major runs besides the host's full turbo run. Node 24 is the
// current LTS (and a Lambda runtime): every suite again but the files of other
// runtimes (OTHER_RUNTIME_FILES: Bun, Deno, Chromium, …, run by the host) and
// the host-only ones (HOST_ONLY_FILES: the tooling's tests, bundles built with
// fixed runtimes). 22 (LTS, Lambda) and
// 26 (current): the core, the contract suite of every service package and the
// end-to-end suite. Every major runs the demo.
const NODE_MATRIX = [
  { runtime: 'node24', suites: ['node', 'demo'] },
  { runtime: 'node22', suites: ['core', 'contract', 'e2e', 'demo'] },
  { runtime: 'node26', suites: ['core', 'contract', 'e2e', 'demo'] },
  { runtime: 'node20', suites: ['demo'] },
];
// Three entries at once, beside the host's run: the suites mostly wait on
// local sockets, timers and child runtimes (run one after another they kept
// about one of CI's two cores busy), and the three majors take about as long
// each, so none waits for another.
const MATRIX_CONCURRENCY = 3;
const hostMajor = Number(process.versions.node.split('.')[0]);
for (const major of NODE_MAJORS) {
  if (!NODE_MATRIX.some((entry) => entry.runtime === `node${major}`)) throw new Error(`NODE_MATRIX has no entry for Node ${major}`);
}
// Test files that prove a runtime of their own, for the per-runtime counts of the host run.
const RUNTIME_FILES = {
  'internal/runtime-tests/test/bun.test.ts': `Bun ${BUN_VERSION} (the built dist from node_modules)`,
  'internal/runtime-tests/test/deno.test.ts': `Deno ${DENO_VERSION} (npm: specifiers, the built dist)`,
  'internal/runtime-tests/test/bundlers.test.ts': 'one-file bundles (esbuild, webpack) run by plain node from an empty folder',
  'examples/lambda/test/lambdaRuntime.test.ts': 'AWS Lambda (local Runtime API, nodejs22.x and nodejs24.x)',
  'internal/runtime-tests/test/chromium.test.ts': 'Chromium',
  'internal/runtime-tests/test/workerd.test.ts': 'workerd (miniflare)',
  'internal/runtime-tests/test/edgeRuntime.test.ts': 'Vercel edge runtime',
};
const matrixResults = [];
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

/**
 * `step` that runs beside other work: resolves with the failure message (or
 * undefined) instead of exiting, so the caller can wait for every lane
 * before it reports.
 */
function stepBeside(title, command, args) {
  const t0 = Date.now();
  console.log(`\n▶ ${title}\n  $ ${[command, ...args].join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env });
    child.on('error', (error) => resolve(`${title} failed to start: ${error.message}`));
    child.on('close', (code, signal) => {
      const seconds = ((Date.now() - t0) / 1000).toFixed(1);
      timings.push(`${title}: ${seconds}s`);
      resolve(code === 0 ? undefined : `${title} failed (exit ${code ?? signal}) after ${seconds}s`);
    });
  });
}

/** Waits for every lane (each resolves with its failure message or undefined); reports the failures and exits when there are any. */
async function lanes(running) {
  const failures = (await Promise.all(running)).filter(Boolean);
  if (failures.length === 0) return;
  for (const failure of failures) console.error(`\n✖ ${failure}`);
  summarise();
  process.exit(1);
}

function summarise() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const byFile = {};
  for (const dir of workspaceDirs) {
    const report = join(dir, '.tmp', 'vitest-results.json');
    if (!existsSync(report)) continue;
    const json = JSON.parse(readFileSync(report, 'utf8'));
    passed += json.numPassedTests ?? 0;
    failed += json.numFailedTests ?? 0;
    skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
    for (const file of json.testResults ?? []) {
      const statuses = (file.assertionResults ?? []).map((test) => test.status);
      byFile[relative(root, file.name)] = { passed: statuses.filter((s) => s === 'passed').length, failed: statuses.filter((s) => s === 'failed').length };
    }
  }
  const hostPassed = passed;
  const hostFailed = failed;
  console.log(`\n${timings.map((line) => `  ${line}`).join('\n')}\n  total: ${((Date.now() - started) / 1000).toFixed(1)}s`);
  console.log('\nPer runtime (vitest tests passed; the demo is one more check per Node):');
  const results = matrixResults.filter(Boolean);
  const hostDemo = results.find((result) => result.runtime.name === `node${hostMajor}` && result.suites.join() === 'demo');
  const demoText = (result) => (result ? `; demo ${result.demos ? 'ok' : 'FAILED'}` : '');
  console.log(`  Node ${process.version} (host): ${hostPassed} passed, ${hostFailed} failed: every suite, type tests included${demoText(hostDemo)}`);
  for (const result of results) {
    passed += result.passed;
    failed += result.failed;
    skipped += result.skipped;
    if (result === hostDemo) continue;
    const what = result.suites.includes('all')
      ? 'every suite but the type tests'
      : result.suites.includes('node')
        ? "every suite but the type tests, other runtimes' files and host-only files"
        : result.suites.filter((suite) => suite !== 'demo').join(', ');
    console.log(
      `  ${result.runtime.label} ${result.runtime.version}: ${result.passed} passed, ${result.failed} failed: ${what}${demoText(result)} (${result.seconds.toFixed(0)}s)`,
    );
  }
  for (const [file, label] of Object.entries(RUNTIME_FILES)) {
    const counts = byFile[file];
    if (counts) console.log(`  ${label}: ${counts.passed} passed, ${counts.failed} failed (${file})`);
  }
  console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return { passed, failed, skipped };
}

/**
 * Fetches every runtime binary the tests use (Node majors, Bun, Deno) from the
 * npm registry up front, so a fresh clone downloads them here rather than
 * inside a test's time limit; the tests' own look-ups then hit npx's cache.
 */
async function fetchRuntimes() {
  const t0 = Date.now();
  const names = [...NODE_MAJORS.map((major) => `node${major}`), 'bun', 'deno'];
  console.log(`\n▶ Runtimes from the npm registry: ${names.join(', ')}`);
  try {
    for (const runtime of await Promise.all(names.map((name) => resolveRuntime(name)))) console.log(`  ${runtime.label} ${runtime.version}: ${runtime.path}`);
  } catch (error) {
    console.error(`\n✖ ${error instanceof Error ? error.message : String(error)}`);
    summarise();
    process.exit(1);
  }
  timings.push(`Runtimes from the npm registry: ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

/**
 * Runs the Node matrix, `MATRIX_CONCURRENCY` entries at a time; prints each
 * entry's outcome as it ends, and resolves with a failure message (the logs'
 * tails printed) or undefined.
 */
async function nodeMatrix() {
  const t0 = Date.now();
  console.log(`\n▶ Node matrix: ${NODE_MATRIX.map((entry) => `${entry.runtime} (${entry.suites.join(', ')})`).join(' · ')}`);
  const runtimes = await Promise.all(NODE_MATRIX.map((entry) => resolveRuntime(entry.runtime)));
  for (const runtime of runtimes) console.log(`  ${runtime.label}: ${runtime.version} ${runtime.path}`);
  let next = 0;
  const worker = async () => {
    while (next < NODE_MATRIX.length) {
      const index = next++;
      const entry = NODE_MATRIX[index];
      const result = await runMatrixEntry({ root, runtime: runtimes[index], suiteNames: entry.suites, env });
      result.suites = entry.suites;
      matrixResults[index] = result;
      const status = result.failures.length ? '✖' : '✓';
      console.log(`  ${status} ${result.runtime.label}: ${result.passed} passed, ${result.failed} failed in ${result.seconds.toFixed(0)}s`);
      for (const run of result.runs)
        console.log(`      ${run.ok ? '✓' : '✖'} ${run.what}${run.passed !== undefined ? `: ${run.passed} passed` : ''} (${run.seconds.toFixed(1)}s)`);
    }
  };
  await Promise.all(Array.from({ length: MATRIX_CONCURRENCY }, worker));
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  timings.push(`Node matrix (${NODE_MATRIX.map((entry) => entry.runtime).join(', ')}): ${seconds}s`);
  const failures = matrixResults.filter(Boolean).flatMap((result) => result.failures.map((failure) => ({ ...failure, runtime: result.runtime })));
  if (failures.length === 0) return undefined;
  for (const failure of failures) {
    const log = readFileSync(failure.log, 'utf8').split('\n');
    console.error(`\n✖ ${failure.runtime.label} ${failure.runtime.version}: ${failure.what}: ${failure.why}. Last lines of ${relative(root, failure.log)}:`);
    console.error(log.slice(-120).join('\n'));
  }
  return `Node matrix failed after ${seconds}s`;
}

for (const dir of workspaceDirs) rmSync(join(dir, '.tmp', 'vitest-results.json'), { force: true });

if (existsSync(join(root, 'scripts', 'ensure-chromium.sh'))) step('Chromium for the browser tests', 'bash', [join(root, 'scripts', 'ensure-chromium.sh')]);
step('Lint and format (Biome)', bin('biome'), ['ci', '.']);
step('Import graph of the core: no cycle, the kernel imports no plug-in (scripts/import-graph.mjs)', process.execPath, [
  join(root, 'scripts', 'import-graph.mjs'),
]);
// The service manifest and the API reference (both read sources only, no build).
step('Service manifest ↔ packages/ and the README table (scripts/services.mjs)', process.execPath, [join(root, 'scripts', 'services.mjs')]);
step('README performance table ↔ BENCHMARKS.md (scripts/bench-readme.mjs)', process.execPath, [join(root, 'scripts', 'bench-readme.mjs')]);
step('API reference (TypeDoc: JSDoc on every export, links, Errors page, link check of the site; scripts/docs.mjs)', process.execPath, [
  join(root, 'scripts', 'docs.mjs'),
]);
// Side by side: the build (tsup, two packages at a time) and every package's
// typecheck program in one process (scripts/typecheck.mjs), which read no
// output of each other.
await lanes([
  stepBeside('Build (turbo, tsup)', bin('turbo'), ['run', 'build', '--output-logs=errors-only', '--concurrency=2']),
  stepBeside('Typecheck (every package, one process: scripts/typecheck.mjs)', process.execPath, [join(root, 'scripts', 'typecheck.mjs')]),
]);
// Both need the built packages: the blocks import them as a user's project does.
// Side by side: each is mostly one single-threaded TypeScript program, in a folder of its own.
await lanes([
  stepBeside('README code blocks: the check fails on broken blocks (scripts/readme-blocks.mjs --self-check)', process.execPath, [
    join(root, 'scripts', 'readme-blocks.mjs'),
    '--self-check',
  ]),
  stepBeside('README code blocks: type-checked (nodenext, bundler) and run (scripts/readme-blocks.mjs)', process.execPath, [
    join(root, 'scripts', 'readme-blocks.mjs'),
  ]),
]);
await fetchRuntimes();
// The host's run and the Node matrix at once: both mostly wait on local
// sockets, timers and child runtimes (one after the other, CI used about one
// of its two cores), and neither needs the other's output.
// The host's packages two at a time: the end-to-end suite spends most of its
// time waiting (back-offs, a 20 s soak), and the other packages fill it.
await lanes([
  stepBeside('Tests (vitest, every workspace package)', bin('turbo'), ['run', 'test', '--output-logs=full', '--concurrency=2']),
  // A throw (an unreadable report, a runtime that cannot start) is the matrix's failure, reported after the host's run ends.
  nodeMatrix().catch((error) => `Node matrix failed: ${error instanceof Error ? error.stack : String(error)}`),
]);
for (const dir of workspaceDirs.filter((path) => path.includes(`${join(root, 'packages')}`))) {
  step(`publint --strict ${dir.slice(root.length)}`, bin('publint'), ['--strict', dir]);
}
step('Package checks (metadata, exports ↔ dist, attw)', process.execPath, [join(root, 'scripts', 'check-packages.mjs')]);
step('Size budgets (browser bundles, minified + gzip; the Lambda bundle, minified)', process.execPath, [join(root, 'scripts', 'size.mjs')]);
step('Release rehearsal (changeset version, pnpm pack, npm install in a clean consumer)', process.execPath, [join(root, 'scripts', 'release-rehearsal.mjs')]);

const { passed, failed, skipped } = summarise();
if (failed > 0 || skipped > 0 || passed === 0) {
  console.error(failed > 0 ? '✖ failing tests' : skipped > 0 ? '✖ skipped tests are defects here' : '✖ no tests ran');
  process.exit(1);
}
