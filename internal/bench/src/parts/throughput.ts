import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import type { LocalClientOptions } from '@dbp/aws-testkit';
import type { LocalAwsProcess } from '../lib/localAws.js';
import { DIST_DIR } from '../lib/paths.js';
import { type Figure, type PartResult, verdict } from '../lib/report.js';
import { SocketGroup, SocketTracker, settle } from '../lib/sockets.js';
import { fmt, median, pool, sum } from '../lib/stats.js';
import { BODY, BUCKET, KEY } from '../lib/tenants.js';

const CONCURRENCY = 16;
const run = promisify(execFile);

/** A full GC between timed rounds, so no mode pays for the garbage of the one before (new-client-per-request makes plenty). */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return typeof gc === 'function' ? gc : () => {};
}

/** Each rotation of the modes and each rotation reversed: every mode runs in every position equally often. */
function latinOrders<T>(items: readonly T[]): T[][] {
  const rotations = items.map((_, i) => [...items.slice(i), ...items.slice(0, i)]);
  return [...rotations, ...rotations.map((order) => [...order].reverse())];
}

type Mode = 'factory' | 'shared' | 'twin' | 'fresh';
const LABELS: Record<Mode, string> = {
  factory: 'factory.getClient() per request',
  shared: 'one shared S3Client',
  twin: 'a second shared S3Client (control)',
  fresh: 'new S3Client per request (destroyed after)',
};

async function getObject(client: S3Client): Promise<void> {
  const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
  const bytes = await out.Body!.transformToByteArray();
  if (bytes.byteLength !== BODY.byteLength) throw new Error(`GetObject returned ${bytes.byteLength} bytes`);
}

/** Creates the bench bucket and its 1 KiB object (idempotent). */
export async function seedBucket(local: LocalAwsProcess): Promise<void> {
  const { region, credentials, config } = local.clientOptions('s3');
  const client = new S3Client({ region, credentials, ...config });
  try {
    await client.send(new CreateBucketCommand({ Bucket: BUCKET })).catch((error: { name?: string }) => {
      if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
    });
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: BODY }));
  } finally {
    client.destroy();
  }
}

/** What the throughput child measures and hands back (JSON on stdout). */
export interface ThroughputRaw {
  total: number;
  rounds: number;
  perRound: number;
  modes: Mode[];
  times: Record<Mode, number[]>;
  cpu: Record<Mode, number[]>;
  opened: Record<Mode, number>;
  peak: Record<Mode, number>;
  openAtEnd: Record<Mode, number>;
  openBefore: number;
  afterDestroy: number;
  stats: { clients: number; hits: number; misses: number };
}

/** The measurement itself; runs in `dist/throughput-child.js`, a fresh process. */
export async function measureThroughput(options: LocalClientOptions, quick: boolean): Promise<ThroughputRaw> {
  const { region, credentials, config } = options;
  const { accessKeyId, secretAccessKey } = credentials;
  const endpoint = config.endpoint;
  const total = quick ? 400 : 2000;
  const rounds = quick ? 8 : 40;
  const perRound = total / rounds;

  const factory = createClientFactory();
  const shared = new S3Client({ region, credentials: { accessKeyId, secretAccessKey }, endpoint, forcePathStyle: true });
  // The control: a client identical to the shared one. How far it lands from
  // the shared client is the noise of this run.
  const twin = new S3Client({ region, credentials: { accessKeyId, secretAccessKey }, endpoint, forcePathStyle: true });
  const request: Record<Mode, () => Promise<void>> = {
    // A request handler as an application writes it: options built per request.
    factory: () => getObject(factory.getClient(s3, { region, credentials: { accessKeyId, secretAccessKey }, config: { endpoint, forcePathStyle: true } })),
    shared: () => getObject(shared),
    twin: () => getObject(twin),
    fresh: async () => {
      const client = new S3Client({ region, credentials: { accessKeyId, secretAccessKey }, endpoint, forcePathStyle: true });
      try {
        await getObject(client);
      } finally {
        client.destroy();
      }
    },
  };
  const modes: Mode[] = ['factory', 'shared', 'twin', 'fresh'];
  const tracker = new SocketTracker();
  const groups: Record<Mode, SocketGroup> = { factory: new SocketGroup(), shared: new SocketGroup(), twin: new SocketGroup(), fresh: new SocketGroup() };
  const times: Record<Mode, number[]> = { factory: [], shared: [], twin: [], fresh: [] };
  const cpu: Record<Mode, number[]> = { factory: [], shared: [], twin: [], fresh: [] };
  try {
    // Warm-up: JIT, the factory's client, the shared client's sockets.
    for (const mode of modes) {
      tracker.use(groups[mode]);
      await pool(100, CONCURRENCY, () => request[mode]());
    }
    const gc = collector();
    const orders = latinOrders(modes);
    for (let round = 0; round < rounds; round++) {
      for (const mode of orders[round % orders.length]!) {
        gc();
        tracker.use(groups[mode]);
        const started = performance.now();
        const cpuStart = process.cpuUsage();
        await pool(perRound, CONCURRENCY, () => request[mode]());
        const used = process.cpuUsage(cpuStart);
        times[mode].push(performance.now() - started);
        cpu[mode].push(used.user + used.system);
      }
    }
    tracker.use(undefined);
  } finally {
    tracker.close();
  }
  const openAtEnd: Record<Mode, number> = {
    factory: groups.factory.open(),
    shared: groups.shared.open(),
    twin: groups.twin.open(),
    fresh: await settle(() => groups.fresh.open(), 0),
  };
  const openBefore = modes.reduce((n, m) => n + groups[m].open(), 0);
  const { clients, hits, misses } = factory.stats();
  factory.dispose();
  shared.destroy();
  twin.destroy();
  const afterDestroy = await settle(() => modes.reduce((n, m) => n + groups[m].open(), 0), 0);
  const per = (pick: (g: SocketGroup) => number): Record<Mode, number> => ({
    factory: pick(groups.factory),
    shared: pick(groups.shared),
    twin: pick(groups.twin),
    fresh: pick(groups.fresh),
  });
  return {
    total,
    rounds,
    perRound,
    modes,
    times,
    cpu,
    opened: per((g) => g.opened),
    peak: per((g) => g.peak),
    openAtEnd,
    openBefore,
    afterDestroy,
    stats: { clients, hits, misses },
  };
}

export async function benchThroughput(local: LocalAwsProcess, quick: boolean): Promise<PartResult> {
  await seedBucket(local);
  await local.reset();
  // A fresh process, so what the earlier parts left in this one (JIT state,
  // heap, esbuild's service) cannot colour the comparison.
  const { stdout } = await run(process.execPath, [join(DIST_DIR, 'throughput-child.js'), JSON.stringify({ options: local.clientOptions('s3'), quick })], {
    maxBuffer: 16 * 1024 * 1024,
    timeout: 240_000,
  });
  const raw = JSON.parse(stdout.trim().split('\n').pop()!) as ThroughputRaw;
  const served = await local.requests('s3');
  const { total, rounds, perRound, modes, times, cpu, openAtEnd, openBefore, afterDestroy, stats } = raw;
  const groups = Object.fromEntries(modes.map((m) => [m, { opened: raw.opened[m], peak: raw.peak[m] }])) as Record<Mode, { opened: number; peak: number }>;
  const rps = (mode: Mode): number => total / (sum(times[mode]) / 1000);
  // Each round runs the modes back to back, so a round's factory ÷ shared
  // ratio compares like with like; the median of those ratios is the figure.
  const pairRatio = (mode: Mode): number => median(times.shared.map((shared, i) => shared / times[mode][i]!));
  const ratio = pairRatio('factory');
  // Client-side CPU per request (the endpoints run in another process): what
  // the factory adds to a request, far steadier than wall time on a busy machine.
  const cpuPerRequest = (mode: Mode): number => sum(cpu[mode]) / total;
  const cpuPairRatio = (mode: Mode): number => median(cpu[mode].map((used, i) => used / cpu.shared[i]!));
  const cpuRatio = cpuPairRatio('factory');
  const figures: Figure[] = [
    {
      metric: 'GetObject throughput, factory ÷ shared client',
      value: `${fmt(rps('factory'))} vs ${fmt(rps('shared'))} req/s; paired ${fmt(ratio)}× (control ${fmt(pairRatio('twin'))}×)`,
      target: '≥ 0.95×',
      verdict: verdict(ratio >= 0.95),
      budget: 0.95 / ratio,
      chart: 'GetObject/s, factory vs shared',
    },
    {
      metric: 'client CPU per GetObject, factory ÷ shared client',
      value: `${fmt(cpuPerRequest('factory'))} vs ${fmt(cpuPerRequest('shared'))} µs; paired ${fmt(cpuRatio)}× (control ${fmt(cpuPairRatio('twin'))}×)`,
      target: '(≤ 1.05×)',
      verdict: 'INFO',
    },
    {
      metric: 'GetObject throughput, new client per request ÷ shared',
      value: `${fmt(rps('fresh'))} req/s = ${fmt(rps('fresh') / rps('shared'))}×; client CPU ${fmt(cpuPerRequest('fresh'))} µs per request`,
      target: '—',
      verdict: 'INFO',
    },
    {
      metric: 'TCP connections opened: factory / shared / new-per-request',
      value: `${groups.factory.opened} / ${groups.shared.opened} / ${groups.fresh.opened.toLocaleString('en-US')}`,
      target: 'factory = shared',
      verdict: verdict(groups.factory.opened <= Math.max(groups.shared.opened, CONCURRENCY)),
    },
  ];
  return {
    id: 4,
    title: 'Throughput: GetObject against the local S3',
    method: [
      `${total.toLocaleString('en-US')} GetObject (1 KiB body, read to the end) per mode against the testkit's S3 (s3rver behind the testkit's SigV4-checking front end), which runs in a child process; the clients run in another fresh child process; ${CONCURRENCY} requests in flight.`,
      `Modes: ${modes.map((m) => `**${m}** = ${LABELS[m]}`).join('; ')}. The factory call builds its options object and credentials object per request.`,
      `${rounds} rounds of ${perRound} requests per mode, the modes back to back in each round, in eight orders in turn (each mode in each position equally often), with a full GC before each mode's round (untimed), after 100 warm-up requests per mode; requests/s = requests ÷ summed round time; the target is checked on the median of the per-round ratios to the shared client ("paired", robust to load that comes and goes on a shared machine). The control mode is a second client identical to the shared one: its paired ratio is this run's noise. The local S3 is the bottleneck, so requests/s mostly measures it; the client process's own CPU time per request (\`process.cpuUsage()\`, the endpoints being in another process) shows what each mode costs the client (informational: on a busy machine its noise, see the control, is of the order of the 5 % target).`,
      'Sockets: every TCP connection the client process opens is attributed to the running mode (`net.client.socket` diagnostics channel); peak = most of that mode’s sockets open at once (sampled every 5 ms and on every new connection).',
    ].join(' '),
    figures,
    tables: [
      {
        title: 'per mode',
        header: [
          'mode',
          'requests/s',
          '÷ shared',
          `round time, ms (${perRound} requests)`,
          'client CPU per request',
          'connections opened',
          'peak open',
          'open at end',
        ],
        rows: modes.map((m) => [
          LABELS[m],
          fmt(rps(m)),
          `${fmt(rps(m) / rps('shared'))}× (paired ${fmt(pairRatio(m))}×)`,
          `${fmt(Math.min(...times[m]))} – ${fmt(Math.max(...times[m]))}`,
          `${fmt(cpuPerRequest(m))} µs (paired ${fmt(cpuPairRatio(m))}×)`,
          String(groups[m].opened),
          String(groups[m].peak),
          String(openAtEnd[m]),
        ]),
      },
    ],
    notes: [
      `The local endpoints answered ${served.total.toLocaleString('en-US')} S3 requests (status counts ${JSON.stringify(served.byStatus)}).`,
      `Factory after the run: ${stats.clients} client, ${stats.hits.toLocaleString('en-US')} hits, ${stats.misses} miss.`,
      `Open client sockets: ${openBefore} after the run (the idle keep-alive sockets of the factory's client, the shared client and the control), ${afterDestroy} after \`factory.dispose()\` and \`destroy()\` of the others.`,
      '`process.getActiveResourcesInfo()` lists only ref’d handles, and the HTTP agent unrefs idle keep-alive sockets, so it undercounts open sockets; hence the per-socket count.',
    ],
  };
}
