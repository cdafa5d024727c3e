// The Node matrix of scripts/test.mjs: the workspace's vitest suites and the
// demo, run by another Node binary than the one that built them. The tooling
// (turbo, tsup, tsc, biome) stays on the host's Node; only the test processes
// change: vitest's CLI started with the other binary forks its workers with
// that same binary (`process.execPath`), and a module preloaded into every
// worker (`--import`) fails the run when a worker runs another major than
// the one asked for.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { run as runCommand } from './process.mjs';

/** Workspace folders (`packages/*`, `internal/*`, `examples/*`) with a package.json. */
export function workspaceDirs(root) {
  return ['packages', 'internal', 'examples'].flatMap((group) => {
    const dir = join(root, group);
    return existsSync(dir)
      ? readdirSync(dir)
          .sort()
          .map((name) => join(dir, name))
          .filter((path) => existsSync(join(path, 'package.json')))
      : [];
  });
}

/** The folders whose `test` script runs vitest: the full suite of the repository. */
export function vitestDirs(root) {
  return workspaceDirs(root).filter((dir) => /\bvitest run\b/.test(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts?.test ?? ''));
}

/** The service packages' contract suites: every `packages/*` with a `src/contract.test.ts`. */
export function contractDirs(root) {
  return workspaceDirs(root).filter((dir) => dir.startsWith(join(root, 'packages')) && existsSync(join(dir, 'src', 'contract.test.ts')));
}

/**
 * Test files whose subject is another runtime (Bun, Deno, Chromium, workerd,
 * the edge runtime): the vitest process's Node only starts that runtime, so
 * the host runs them and the Node matrix does not.
 */
export const OTHER_RUNTIME_FILES = [
  'internal/runtime-tests/test/bun.test.ts',
  'internal/runtime-tests/test/deno.test.ts',
  'internal/runtime-tests/test/chromium.test.ts',
  'internal/runtime-tests/test/workerd.test.ts',
  'internal/runtime-tests/test/edgeRuntime.test.ts',
];

/**
 * Test files whose subject runs on the host's Node whatever the vitest
 * process's Node is: the repository's own tooling (scripts run by
 * `pnpm test` on the host) and bundles built and traced with fixed runtimes
 * (`bun build`, @vercel/nft on Node 22); the Node matrix would only repeat
 * them. Bundles run by the matrix's own Node are `bundlers.test.ts`, which
 * it keeps.
 */
export const HOST_ONLY_FILES = ['internal/runtime-tests/test/typecheckPrograms.test.ts', 'internal/runtime-tests/test/sdkCoreBundles.test.ts'];

/**
 * The suites a matrix entry can name, each a list of vitest runs (a folder,
 * the files to run, all when empty, and files to leave out) or the demo.
 * `node`: every suite but the files of other runtimes and the host-only files.
 * @param {string} root
 * @returns {Record<string, Array<{ dir: string, files: string[], exclude?: string[] } | { demo: true }>>}
 */
export function suites(root) {
  const leftOut = [...OTHER_RUNTIME_FILES, ...HOST_ONLY_FILES];
  // A listed file that was moved or renamed would silently stop being left out.
  for (const file of leftOut) if (!existsSync(join(root, file))) throw new Error(`scripts/lib/nodeMatrix.mjs lists ${file}, which does not exist`);
  return {
    all: vitestDirs(root).map((dir) => ({ dir, files: [] })),
    node: vitestDirs(root).map((dir) => ({
      dir,
      files: [],
      exclude: leftOut.filter((file) => join(root, file).startsWith(join(dir, '/'))).map((file) => relative(dir, join(root, file))),
    })),
    core: [{ dir: join(root, 'packages', 'aws-core'), files: [] }],
    contract: contractDirs(root).map((dir) => ({ dir, files: ['src/contract.test.ts'] })),
    e2e: [{ dir: join(root, 'internal', 'e2e'), files: [] }],
    demo: [{ demo: true }],
  };
}

const VITEST_TIMEOUT_MS = 15 * 60_000;
const DEMO_TIMEOUT_MS = 3 * 60_000;
/** What the demo prints when each service did its real work against the embedded endpoints. */
const DEMO_EXPECTED = [
  'put + get s3://dbp-demo-bucket/demo/hello.txt → "hello from @dbp/aws"',
  'greeting = "hello"',
  'Converse → "',
  'create + describe dbp-demo-endpoint → ',
  'query SUCCEEDED',
  'caught and destroyed, one warning: "[@dbp/aws] s3 (',
  'PutObject succeeded on attempt 4',
  'built per request → 1 AssumeRole call',
  'getClient(SQSClient) → send + receive → "hello from SQS"',
  'AwsRegionError (',
  'done.',
];

/** `run` with its output also written to `log`. */
async function runLogged(command, args, { log, ...options }) {
  const result = await runCommand(command, args, options);
  writeFileSync(log, result.output);
  return result;
}

/**
 * Runs one matrix entry: every run of its suites, in order, with `runtime`'s
 * binary. Output goes to `.tmp/matrix/<runtime>/…log` (shown on failure).
 * @param {{ root: string, runtime: { name: string, label: string, version: string, path: string }, suiteNames: string[], env: NodeJS.ProcessEnv }} options
 */
export async function runMatrixEntry({ root, runtime, suiteNames, env }) {
  const all = suites(root);
  const logDir = join(root, '.tmp', 'matrix', runtime.name);
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  const major = runtime.version.replace(/^v/, '').split('.')[0];
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const guard = pathToFileURL(join(root, 'scripts', 'lib', 'expectNodeMajor.mjs')).href;
  const result = { runtime, passed: 0, failed: 0, skipped: 0, demos: 0, failures: [], seconds: 0, runs: [] };
  const started = Date.now();
  for (const suite of suiteNames) {
    const runs = all[suite];
    if (!runs) throw new Error(`unknown suite '${suite}'; expected one of ${Object.keys(all).join(', ')}`);
    for (const run of runs) {
      const t0 = Date.now();
      if ('demo' in run) {
        const log = join(logDir, 'demo.log');
        const { code, output } = await runLogged(runtime.path, [join(root, 'examples', 'demo', 'dist', 'demo.js')], {
          cwd: root,
          env,
          timeoutMs: DEMO_TIMEOUT_MS,
          log,
        });
        const missing = DEMO_EXPECTED.filter((text) => !output.includes(text));
        const ok = code === 0 && missing.length === 0;
        if (ok) result.demos++;
        else result.failures.push({ what: 'demo', log, why: code !== 0 ? `exit ${code}` : `missing output: ${missing.join(' · ')}` });
        result.runs.push({ what: 'demo', ok, seconds: (Date.now() - t0) / 1000 });
        continue;
      }
      const name = relative(root, run.dir).replaceAll('/', '-');
      const tag = `${suite}-${name}`;
      const log = join(logDir, `${tag}.log`);
      const json = join(logDir, `${tag}.json`);
      const { code } = await runLogged(
        runtime.path,
        [
          vitest,
          'run',
          ...run.files,
          ...(run.exclude ?? []).map((file) => `--exclude=${file}`),
          // Type tests are tsc's verdict on the sources, the same on every runtime: they run once, on the host.
          '--typecheck.enabled=false',
          `--execArgv=--import=${guard}`,
          '--reporter=dot',
          '--reporter=json',
          `--outputFile.json=${json}`,
        ],
        { cwd: run.dir, env: { ...env, DBP_EXPECT_NODE_MAJOR: major }, timeoutMs: VITEST_TIMEOUT_MS, log },
      );
      const counts = existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')) : undefined;
      const passed = counts?.numPassedTests ?? 0;
      const failed = counts?.numFailedTests ?? 0;
      const skipped = (counts?.numPendingTests ?? 0) + (counts?.numTodoTests ?? 0);
      result.passed += passed;
      result.failed += failed;
      result.skipped += skipped;
      const ok = code === 0 && failed === 0 && skipped === 0 && passed > 0;
      if (!ok) {
        result.failures.push({ what: `${suite} ${relative(root, run.dir)}`, log, why: `exit ${code}, ${passed} passed, ${failed} failed, ${skipped} skipped` });
      }
      result.runs.push({ what: `${suite} ${relative(root, run.dir)}`, ok, passed, seconds: (Date.now() - t0) / 1000 });
    }
  }
  result.seconds = (Date.now() - started) / 1000;
  return result;
}
