import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { build } from 'esbuild';
import { lambdaBuildOptions } from '../../../../examples/lambda/esbuild.config.mjs';
import { resolveRuntime } from '../../../../scripts/lib/runtimes.mjs';
import { LAMBDA_HANDLERS, LAMBDA_OVERHEAD_TARGET_BYTES } from '../../../../scripts/lib/weight.mjs';
import type { LocalAwsProcess } from '../lib/localAws.js';
import { DIST_DIR, ROOT_DIR } from '../lib/paths.js';
import { type Figure, type PartResult, verdict } from '../lib/report.js';
import { FAKE_CREDENTIALS } from '../lib/services.js';
import { fmt, fmtBytes, median } from '../lib/stats.js';

const run = promisify(execFile);
const TARGET = 1.03;
/** Lambda's Node runtimes: nodejs22.x and nodejs24.x. */
const LAMBDA_NODES = ['node22', 'node24'] as const;

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

/** How a probe runs: its environment, and the first invocation's event (none: no records). */
interface ProbeRun {
  env: Record<string, string>;
  event?: string;
}

const INIT_ONLY: ProbeRun = { env: LAMBDA_ENV };

async function probe(node: string, file: string, how: ProbeRun): Promise<Probe> {
  const started = performance.now();
  const { stdout } = await run(node, [join(DIST_DIR, 'lambda-init-probe.js'), file, ...(how.event === undefined ? [] : [how.event])], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), ...how.env },
    timeout: 60_000,
  });
  const processMs = performance.now() - started;
  return { ...(JSON.parse(stdout) as Omit<Probe, 'processMs'>), processMs };
}

/** Fresh processes, the two handlers alternating (A B, B A, …) after one discarded run each. */
async function compare(node: string, a: string, b: string, n: number, how: ProbeRun): Promise<{ a: Probe[]; b: Probe[] }> {
  const out = { a: [] as Probe[], b: [] as Probe[] };
  await probe(node, a, how);
  await probe(node, b, how);
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      out.a.push(await probe(node, a, how));
      out.b.push(await probe(node, b, how));
    } else {
      out.b.push(await probe(node, b, how));
      out.a.push(await probe(node, a, how));
    }
  }
  return out;
}

/**
 * The first invocation with one record, served by the testkit's local S3 and
 * DynamoDB (an object to head, a table to write to): both handlers then do
 * the same work before their first response (credentials, endpoints, signing,
 * one HeadObject and one PutItem), wherever they do it, init or invocation.
 */
async function firstResponseRun(local: LocalAwsProcess): Promise<ProbeRun> {
  const bucket = 'bench-lambda';
  const key = 'photos/first response.jpg';
  const sdkOptions = (service: 's3' | 'dynamodb') => {
    const { region, credentials, config } = local.clientOptions(service);
    return { region, credentials, ...config };
  };
  const s3 = new S3Client(sdkOptions('s3'));
  const dynamodb = new DynamoDBClient(sdkOptions('dynamodb'));
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch(() => undefined);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x', ContentType: 'image/jpeg' }));
    await dynamodb
      .send(
        new CreateTableCommand({
          TableName: LAMBDA_ENV.INDEX_TABLE,
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      )
      .catch(() => undefined);
  } finally {
    s3.destroy();
    dynamodb.destroy();
  }
  const { AWS_SESSION_TOKEN: _token, ...env } = LAMBDA_ENV;
  return {
    env: {
      ...env,
      AWS_ACCESS_KEY_ID: local.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: local.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_S3: local.clientOptions('s3').config.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: local.clientOptions('dynamodb').config.endpoint,
    },
    event: JSON.stringify({ Records: [{ s3: { bucket: { name: bucket }, object: { key: key.replace(/ /g, '+') } } }] }),
  };
}

const paired = (a: Probe[], b: Probe[], metric: keyof Probe): number => median(a.map((sample, i) => sample[metric] / b[i]![metric]));

/** One measure of the two handlers: `ours / bare ms` (medians), then ` = ratio×` (the paired ratio) when `ratio` is set. */
function medians(a: Probe[], b: Probe[], metric: keyof Probe, { ratio = false, digits }: { ratio?: boolean; digits?: number } = {}): string {
  const text = `${fmt(median(a.map((p) => p[metric])), digits)} / ${fmt(median(b.map((p) => p[metric])), digits)} ms`;
  return ratio ? `${text} = ${fmt(paired(a, b, metric))}×` : text;
}

export async function benchLambdaInit(quick: boolean, local: LocalAwsProcess | undefined, localError: string): Promise<PartResult> {
  const dir = mkdtempSync(join(tmpdir(), 'dbp-bench-lambda-'));
  try {
    const ours = await bundle(join(ROOT_DIR, LAMBDA_HANDLERS.example), join(dir, 'dbp'));
    const bare = await bundle(join(ROOT_DIR, LAMBDA_HANDLERS.bare), join(dir, 'bare'));
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
    const firstResponse = local ? await firstResponseRun(local) : undefined;
    if (!firstResponse) notes.push(`The first response was not measured: ${localError}`);
    const firstRows: string[][] = [];
    for (const runtime of runtimes) {
      const { a, b } = await compare(runtime.path, ours.file, bare.file, n, INIT_ONLY);
      const node = runtime.label.split(' (')[0];
      const cpuRatio = paired(a, b, 'cpuMs');
      figures.push({
        metric: `Lambda init (load + first getClient) ÷ bare SDK handler, CPU, ${node}`,
        value: `${fmt(median(a.map((p) => p.cpuMs)))} vs ${fmt(median(b.map((p) => p.cpuMs)))} ms; paired ${fmt(cpuRatio)}×`,
        target: `≤ ${TARGET}×`,
        verdict: verdict(cpuRatio <= TARGET),
        budget: cpuRatio / TARGET,
        chart: `Lambda init CPU, ${node}`,
      });
      rows.push([
        runtime.label,
        String(n),
        medians(a, b, 'cpuMs', { ratio: true }),
        medians(a, b, 'initMs', { ratio: true }),
        medians(a, b, 'loadMs'),
        medians(a, b, 'firstCallMs', { digits: 2 }),
        medians(a, b, 'processMs', { ratio: true }),
      ]);
    }
    for (const runtime of firstResponse ? runtimes : []) {
      const { a, b } = await compare(runtime.path, ours.file, bare.file, n, firstResponse as ProbeRun);
      const node = runtime.label.split(' (')[0];
      const cpuRatio = paired(a, b, 'cpuMs');
      figures.push({
        metric: `Lambda cold start to first response (init + one invocation with a record) ÷ bare SDK handler, CPU, ${node}`,
        value: `${fmt(median(a.map((p) => p.cpuMs)))} vs ${fmt(median(b.map((p) => p.cpuMs)))} ms; paired ${fmt(cpuRatio)}×`,
        target: `(≤ ${TARGET}×)`,
        verdict: 'INFO',
      });
      firstRows.push([
        runtime.label,
        String(n),
        medians(a, b, 'cpuMs', { ratio: true }),
        medians(a, b, 'loadMs'),
        medians(a, b, 'firstCallMs'),
        medians(a, b, 'initMs', { ratio: true }),
      ]);
    }
    const bundleOverhead = ours.bytes - bare.bytes;
    figures.push({
      metric: 'Lambda bundle overhead, @dbp vs bare SDK handler (minified; gzip)',
      value: `+${fmtBytes(bundleOverhead)} (${fmtBytes(ours.bytes)} vs ${fmtBytes(bare.bytes)}); gzip +${fmtBytes(ours.gzip - bare.gzip)}`,
      target: `≤ ${LAMBDA_OVERHEAD_TARGET_BYTES / 1024} KiB`,
      verdict: verdict(bundleOverhead <= LAMBDA_OVERHEAD_TARGET_BYTES),
      budget: Math.max(bundleOverhead, 0) / LAMBDA_OVERHEAD_TARGET_BYTES,
    });
    return {
      id: 7,
      title: 'AWS Lambda: init time and bundle size',
      method: [
        'The example function (examples/lambda/src/handler.ts: both clients warmed with `factory.warm()` at init, then `getS3Client()` and `getDynamoDBClient()` on each invocation) and the same handler with bare SDK clients made at module scope, as AWS recommends, their credentials resolved at init as `factory.warm()` resolves the example’s (internal/bench/src/lambda/bareHandler.ts), each bundled the way the example is built (examples/lambda/esbuild.config.mjs: esbuild, ESM, SDK bundled, `mainFields: [module, main]`, minified) into its own empty folder.',
        'Each sample is a fresh `node` process (`dist/lambda-init-probe.js`) with the environment Lambda sets: it imports the bundle and calls the handler once with an event without records, so each handler gets its clients and returns without a request. Headline: CPU time (user + system) of the two steps; the two handlers alternate (A B, B A, …) after one discarded run each, and the ratio is the median of the ratios of back-to-back pairs.',
        'The init figure charges `factory.warm()` with the first request’s preparation (endpoint, signing key) that the bare handler leaves to its first invocation. So the same pairs are also run to the first response: an event with one record, which each handler serves with a HeadObject and a PutItem against the testkit’s local S3 and DynamoDB (started in another process, with the endpoints in `AWS_ENDPOINT_URL_S3` and `AWS_ENDPOINT_URL_DYNAMODB`): the same work for both, wherever each does it (INFO).',
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
        ...(firstRows.length > 0
          ? [
              {
                title: 'median cold start to first response (one record: HeadObject + PutItem on the local S3 and DynamoDB), @dbp / bare SDK handler',
                header: ['Node', 'processes each', 'CPU', 'wall, module load (init)', 'wall, first invocation', 'wall, init + first invocation'],
                rows: firstRows,
              },
            ]
          : []),
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
