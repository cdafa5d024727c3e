import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { lambdaBuildOptions } from '../../../../examples/lambda/esbuild.config.mjs';
import { resolveRuntime } from '../../../../scripts/lib/runtimes.mjs';
import { BENCH_DIR, DIST_DIR, ROOT_DIR } from '../lib/paths.js';
import { type Figure, type PartResult, verdict } from '../lib/report.js';
import { FAKE_CREDENTIALS } from '../lib/services.js';
import { fmt, fmtBytes, median } from '../lib/stats.js';

const run = promisify(execFile);
const TARGET = 1.03;
/** The bundle overhead target, minified (the handler bundled as AWS documents). */
const BUNDLE_TARGET_BYTES = 30 * 1024;
/** Lambda's Node runtimes: nodejs22.x and nodejs24.x. */
const LAMBDA_NODES = ['node22', 'node24'] as const;
const EXAMPLE_HANDLER = join(ROOT_DIR, 'examples', 'lambda', 'src', 'handler.ts');
const BARE_HANDLER = join(BENCH_DIR, 'src', 'lambda', 'bareHandler.ts');

interface Probe {
  loadMs: number;
  firstCallMs: number;
  initMs: number;
  cpuMs: number;
  /** Spawn to exit, as this process sees it (Node's own start-up included). */
  processMs: number;
}

interface Built {
  file: string;
  bytes: number;
  gzip: number;
}

/** What Lambda sets for a function (region, role credentials) plus the handler's own variable. */
const LAMBDA_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
  AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEEXAMPLETOKEN',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  INDEX_TABLE: 'bench',
};

/** Bundles a handler the way the example is bundled (examples/lambda/esbuild.config.mjs), into `dir/handler.mjs`. */
async function bundle(entry: string, dir: string): Promise<Built> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'handler.mjs');
  const result = await build({ ...lambdaBuildOptions({ entryPoints: [entry], outfile: file }), sourcemap: false, write: false, logLevel: 'silent' });
  const code = result.outputFiles[0]!.contents;
  writeFileSync(file, code);
  return { file, bytes: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength };
}

async function probe(node: string, file: string): Promise<Probe> {
  const started = performance.now();
  const { stdout } = await run(node, [join(DIST_DIR, 'lambda-init-probe.js'), file], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), ...LAMBDA_ENV },
    timeout: 60_000,
  });
  const processMs = performance.now() - started;
  return { ...(JSON.parse(stdout) as Omit<Probe, 'processMs'>), processMs };
}

/** Fresh processes, the two handlers alternating (A B, B A, …) after one discarded run each. */
async function compare(node: string, a: string, b: string, n: number): Promise<{ a: Probe[]; b: Probe[] }> {
  const out = { a: [] as Probe[], b: [] as Probe[] };
  await probe(node, a);
  await probe(node, b);
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      out.a.push(await probe(node, a));
      out.b.push(await probe(node, b));
    } else {
      out.b.push(await probe(node, b));
      out.a.push(await probe(node, a));
    }
  }
  return out;
}

const paired = (a: Probe[], b: Probe[], metric: keyof Probe): number => median(a.map((sample, i) => sample[metric] / b[i]![metric]));

export async function benchLambdaInit(quick: boolean): Promise<PartResult> {
  const dir = mkdtempSync(join(tmpdir(), 'dbp-bench-lambda-'));
  try {
    const ours = await bundle(EXAMPLE_HANDLER, join(dir, 'dbp'));
    const bare = await bundle(BARE_HANDLER, join(dir, 'bare'));
    const figures: Figure[] = [];
    const rows: string[][] = [];
    const notes: string[] = [];
    // Lambda's runtimes (nodejs22.x, nodejs24.x), from the npm registry; the host's Node if one cannot be had.
    const runtimes: { label: string; path: string }[] = [];
    for (const name of LAMBDA_NODES) {
      try {
        const node = await resolveRuntime(name);
        runtimes.push({ label: `Node ${node.version} (nodejs${name.slice(4)}.x)`, path: node.path });
      } catch (error) {
        notes.push(`${name} could not be had from the npm registry (${error instanceof Error ? error.message : String(error)}).`);
      }
    }
    if (runtimes.length === 0) runtimes.push({ label: `Node ${process.version} (host)`, path: process.execPath });
    const n = quick ? 4 : 15;
    for (const runtime of runtimes) {
      const { a, b } = await compare(runtime.path, ours.file, bare.file, n);
      const cpuRatio = paired(a, b, 'cpuMs');
      const oursCpu = median(a.map((p) => p.cpuMs));
      const bareCpu = median(b.map((p) => p.cpuMs));
      figures.push({
        metric: `Lambda init (load + first getClient) ÷ bare SDK handler, CPU, ${runtime.label.split(' (')[0]}`,
        value: `${fmt(oursCpu)} vs ${fmt(bareCpu)} ms; paired ${fmt(cpuRatio)}×`,
        target: `≤ ${TARGET}×`,
        verdict: verdict(cpuRatio <= TARGET),
        budget: cpuRatio / TARGET,
        chart: `Lambda init CPU, ${runtime.label.split(' (')[0]}`,
      });
      rows.push([
        runtime.label,
        String(n),
        `${fmt(oursCpu)} / ${fmt(bareCpu)} ms = ${fmt(cpuRatio)}×`,
        `${fmt(median(a.map((p) => p.initMs)))} / ${fmt(median(b.map((p) => p.initMs)))} ms = ${fmt(paired(a, b, 'initMs'))}×`,
        `${fmt(median(a.map((p) => p.loadMs)))} / ${fmt(median(b.map((p) => p.loadMs)))} ms`,
        `${fmt(median(a.map((p) => p.firstCallMs)), 2)} / ${fmt(median(b.map((p) => p.firstCallMs)), 2)} ms`,
        `${fmt(median(a.map((p) => p.processMs)))} / ${fmt(median(b.map((p) => p.processMs)))} ms = ${fmt(paired(a, b, 'processMs'))}×`,
      ]);
    }
    const bundleOverhead = ours.bytes - bare.bytes;
    figures.push({
      metric: 'Lambda bundle overhead, @dbp vs bare SDK handler (minified; gzip)',
      value: `+${fmtBytes(bundleOverhead)} (${fmtBytes(ours.bytes)} vs ${fmtBytes(bare.bytes)}); gzip +${fmtBytes(ours.gzip - bare.gzip)}`,
      target: '≤ 30 KiB',
      verdict: verdict(bundleOverhead <= BUNDLE_TARGET_BYTES),
      budget: Math.max(bundleOverhead, 0) / BUNDLE_TARGET_BYTES,
    });
    return {
      id: 7,
      title: 'AWS Lambda: init time and bundle size',
      method: [
        'The example function (examples/lambda/src/handler.ts: both clients warmed with `factory.warm()` at init, then `getS3Client()` and `getDynamoDBClient()` on each invocation) and the same handler with bare SDK clients made at module scope, as AWS recommends, their credentials resolved at init as `factory.warm()` resolves the example’s (internal/bench/src/lambda/bareHandler.ts), each bundled the way the example is built (examples/lambda/esbuild.config.mjs: esbuild, ESM, SDK bundled, `mainFields: [module, main]`, minified) into its own empty folder.',
        'Each sample is a fresh `node` process (`dist/lambda-init-probe.js`) with the environment Lambda sets: it imports the bundle and calls the handler once with an event without records, so each handler gets its clients and returns without a request. Headline: CPU time (user + system) of the two steps; the two handlers alternate (A B, B A, …) after one discarded run each, and the ratio is the median of the ratios of back-to-back pairs.',
      ].join(' '),
      figures,
      tables: [
        {
          title: 'median init, @dbp / bare SDK handler',
          header: [
            'Node',
            'processes each',
            'CPU (headline)',
            'wall, load + first call',
            'wall, module load',
            'wall, first call',
            'process wall (spawn to exit)',
          ],
          rows,
        },
        {
          title: 'bundles',
          header: ['handler', 'minified', 'gzip'],
          rows: [
            ['@dbp (examples/lambda)', fmtBytes(ours.bytes), fmtBytes(ours.gzip)],
            ['bare SDK clients', fmtBytes(bare.bytes), fmtBytes(bare.gzip)],
          ],
        },
      ],
      notes,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
