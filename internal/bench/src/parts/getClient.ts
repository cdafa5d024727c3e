import { S3Client } from '@aws-sdk/client-s3';
import { createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import { Bench } from 'tinybench';
import { type Bar, type Figure, type PartResult, verdict } from '../lib/report.js';
import { FAKE_CREDENTIALS } from '../lib/services.js';
import { fmt, fmtNs, median } from '../lib/stats.js';

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}
interface Options {
  region: string;
  credentials: Creds;
  config?: { endpoint: string; forcePathStyle: boolean };
}

/** Calls per tinybench sample for the sub-microsecond tasks (one timer read per call would dominate). */
const BATCH = 1000;

/**
 * The floor: the cache a careful application writes by hand. Keyed by the
 * values, never by the options object's identity (callers may mutate it).
 */
function handWrittenCache(): (options: Options) => S3Client {
  const cache = new Map<string, S3Client>();
  return (options) => {
    const c = options.credentials;
    const config = options.config;
    let key = `${options.region}\u0000${c.accessKeyId}\u0000${c.secretAccessKey}\u0000${c.sessionToken ?? ''}`;
    if (config !== undefined) key += `\u0000${config.endpoint}\u0000${config.forcePathStyle}`;
    let client = cache.get(key);
    if (client === undefined) {
      client = new S3Client({ region: options.region, credentials: { ...c }, ...config });
      cache.set(key, client);
    }
    return client;
  };
}

/** The floor for the default chain: one client per region, by hand. */
function handWrittenChainCache(): (region: string) => S3Client {
  const cache = new Map<string, S3Client>();
  return (region) => {
    let client = cache.get(region);
    if (client === undefined) {
      client = new S3Client({ region });
      cache.set(region, client);
    }
    return client;
  };
}

const REGION = 'us-east-1';
const WAYS = [
  { id: 'same', label: 'same options object', short: 'same object' },
  { id: 'fresh', label: 'fresh equal options object', short: 'fresh options' },
  { id: 'creds', label: 'fresh credentials object', short: 'fresh credentials' },
  { id: 'rotate', label: '8 clients in turn, fresh objects', short: '8 clients in turn' },
  { id: 'config', label: 'fresh objects with config { endpoint, forcePathStyle }', short: 'with config' },
  { id: 'chain', label: 'default credential chain, fresh { region }', short: 'default chain' },
] as const;
/** The three ways the brief names; the others are extra. */
const CORE_WAYS: ReadonlySet<string> = new Set(['same', 'fresh', 'creds']);
/** The same-object hit's absolute target on the 2-core machine, and its ratio to the hand-written Map. */
const SAME_HIT_NS = 50;
const SAME_HIT_RATIO = 0.3;
const ENDPOINT = 'http://127.0.0.1:4566';
type Way = (typeof WAYS)[number]['id'];
/** Eight distinct clients (two regions × four key pairs), asked for in turn: no two calls in a row are equal. */
const TENANTS = Array.from({ length: 8 }, (_, i) => ({
  region: i % 2 === 0 ? 'us-east-1' : 'eu-west-1',
  accessKeyId: `AKIAROTATE0000000${i >> 1}XX`.slice(0, 20),
  secretAccessKey: `rotate/${i >> 1}/`.padEnd(40, 's'),
}));

export async function benchGetClient(quick: boolean): Promise<PartResult> {
  const factory = createClientFactory();
  const floor = handWrittenCache();
  const chainFloor = handWrittenChainCache();
  const shared: Options = { region: REGION, credentials: { ...FAKE_CREDENTIALS } };
  const { accessKeyId, secretAccessKey } = FAKE_CREDENTIALS;
  let sink: unknown;

  const hits: Record<Way, () => void> = {
    same: () => {
      for (let i = 0; i < BATCH; i++) sink = factory.getClient(s3, shared);
    },
    fresh: () => {
      for (let i = 0; i < BATCH; i++) sink = factory.getClient(s3, { region: REGION, credentials: shared.credentials });
    },
    creds: () => {
      for (let i = 0; i < BATCH; i++) sink = factory.getClient(s3, { region: REGION, credentials: { accessKeyId, secretAccessKey } });
    },
    config: () => {
      for (let i = 0; i < BATCH; i++) {
        sink = factory.getClient(s3, { region: REGION, credentials: { accessKeyId, secretAccessKey }, config: { endpoint: ENDPOINT, forcePathStyle: true } });
      }
    },
    rotate: () => {
      for (let i = 0; i < BATCH; i++) {
        const t = TENANTS[i & 7]!;
        sink = factory.getClient(s3, { region: t.region, credentials: { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey } });
      }
    },
    chain: () => {
      for (let i = 0; i < BATCH; i++) sink = factory.getClient(s3, { region: REGION });
    },
  };
  const floors: Record<Way, () => void> = {
    same: () => {
      for (let i = 0; i < BATCH; i++) sink = floor(shared);
    },
    fresh: () => {
      for (let i = 0; i < BATCH; i++) sink = floor({ region: REGION, credentials: shared.credentials });
    },
    creds: () => {
      for (let i = 0; i < BATCH; i++) sink = floor({ region: REGION, credentials: { accessKeyId, secretAccessKey } });
    },
    config: () => {
      for (let i = 0; i < BATCH; i++) {
        sink = floor({ region: REGION, credentials: { accessKeyId, secretAccessKey }, config: { endpoint: ENDPOINT, forcePathStyle: true } });
      }
    },
    rotate: () => {
      for (let i = 0; i < BATCH; i++) {
        const t = TENANTS[i & 7]!;
        sink = floor({ region: t.region, credentials: { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey } });
      }
    },
    chain: () => {
      for (let i = 0; i < BATCH; i++) sink = chainFloor(REGION);
    },
  };
  const construct = (): void => {
    const client = new S3Client({ region: REGION, credentials: { accessKeyId, secretAccessKey } });
    sink = client;
    client.destroy();
  };

  // Correctness before speed: equal inputs share a client whatever the
  // object, and mutating an options object the factory has seen gives the
  // client for the new values (nothing is cached by identity).
  const first = factory.getClient(s3, shared);
  const checks: [string, boolean][] = [];
  checks.push([
    'a fresh equal options object returns the same client',
    factory.getClient(s3, { region: REGION, credentials: { accessKeyId, secretAccessKey } }) === first,
  ]);
  shared.region = 'eu-west-1';
  const moved = factory.getClient(s3, shared);
  checks.push(['mutating options.region in place returns another client, in that region', moved !== first && (await moved.config.region()) === 'eu-west-1']);
  shared.region = REGION;
  checks.push(['mutating it back returns the first client', factory.getClient(s3, shared) === first]);
  shared.credentials.secretAccessKey = `${secretAccessKey}x`;
  const rekeyed = factory.getClient(s3, shared);
  checks.push([
    'mutating credentials.secretAccessKey in place returns another client, with that secret',
    rekeyed !== first && rekeyed !== moved && (await rekeyed.config.credentials()).secretAccessKey === `${secretAccessKey}x`,
  ]);
  shared.credentials.secretAccessKey = secretAccessKey;
  checks.push(['restoring the secret returns the first client', factory.getClient(s3, shared) === first]);
  factory.clearCache();
  factory.getClient(s3, shared);
  for (const t of TENANTS) factory.getClient(s3, { region: t.region, credentials: { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey } });
  factory.getClient(s3, { region: REGION, credentials: { accessKeyId, secretAccessKey }, config: { endpoint: ENDPOINT, forcePathStyle: true } });
  const chainClient = factory.getClient(s3, { region: REGION });
  checks.push(['the default chain is a hit for equal { region } objects', factory.getClient(s3, { region: REGION }) === chainClient]);

  const rounds = quick ? 1 : 3;
  const names = [...WAYS.flatMap((w) => [`floor:${w.id}`, `factory:${w.id}`]), 'new'];
  const samples = new Map<string, number[]>(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time: quick ? 150 : 400, warmupTime: quick ? 50 : 100, iterations: 20 });
    // Rotate the order each round so drift on a shared machine spreads evenly.
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
    for (const name of order) {
      const [kind, way] = name.split(':') as ['floor' | 'factory' | 'new', Way];
      bench.add(name, kind === 'new' ? construct : kind === 'floor' ? floors[way] : hits[way]);
    }
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== 'completed') throw new Error(`tinybench task ${task.name} ${result.state}`);
      const perCall = task.name === 'new' ? 1 : BATCH;
      samples.get(task.name)!.push((result.latency.p50 * 1e6) / perCall);
    }
  }
  if (sink === undefined) throw new Error('unreachable');
  const ns = (name: string): number => median(samples.get(name)!);
  const newNs = ns('new');
  const stats = factory.stats();
  factory.dispose();

  const figures: Figure[] = [];
  const rows: string[][] = [];
  const bars: Bar[] = [];
  let worstHit = 0;
  for (const way of WAYS) {
    const hit = ns(`factory:${way.id}`);
    const base = ns(`floor:${way.id}`);
    const ratio = hit / base;
    if (CORE_WAYS.has(way.id)) worstHit = Math.max(worstHit, hit);
    // The default chain's floor is one Map.get by region (no credentials to
    // read or compare): the ratio is shown, the absolute cost is what matters.
    const informational = way.id === 'chain';
    figures.push({
      metric: `getClient hit, ${way.label}: × hand-written Map`,
      value: `${fmtNs(hit)} vs ${fmtNs(base)} = ${fmt(ratio)}×`,
      target: informational ? '(≤ 3×)' : '≤ 3×',
      verdict: informational ? 'INFO' : verdict(ratio <= 3),
      ...(informational ? {} : { budget: ratio / 3, chart: `hit ÷ Map, ${way.short}` }),
    });
    // The kernel split must not cost the commonest hit: the same options object, within noise of before it (41–46 ns on the 2-core machine).
    if (way.id === 'same') {
      figures.push({
        metric: 'getClient hit, same options object: ns and × hand-written Map',
        value: `${fmtNs(hit)}; ${fmt(ratio)}×`,
        target: `≤ ${SAME_HIT_NS} ns; ≤ ${SAME_HIT_RATIO}×`,
        verdict: verdict(hit <= SAME_HIT_NS && ratio <= SAME_HIT_RATIO),
        budget: Math.max(hit / SAME_HIT_NS, ratio / SAME_HIT_RATIO),
      });
    }
    rows.push([way.label, fmtNs(base), fmtNs(hit), `${fmt(ratio)}×`, `${fmt(newNs / hit)}×`, `${fmt(newNs / base)}×`]);
    bars.push({ label: `Map, ${way.short}`, value: base, group: 'floor' });
    bars.push({ label: `getClient, ${way.short}`, value: hit, group: 'factory' });
  }
  bars.push({ label: 'new S3Client()', value: newNs, group: 'sdk' });
  const speedup = newNs / worstHit;
  figures.push({
    metric: 'getClient hit (slowest of the three ways) vs new S3Client() per call',
    value: `${fmtNs(newNs)} / ${fmtNs(worstHit)} = ${fmt(speedup)}× faster`,
    target: '≥ 1000×',
    verdict: verdict(speedup >= 1000),
    budget: 1000 / speedup,
    chart: 'hit vs new S3Client (≥ 1000×)',
  });
  const rotateHit = ns('factory:rotate');
  const rotateFloor = ns('floor:rotate');
  figures.push({
    metric: 'getClient hit, 8 clients in turn, vs new S3Client() per call',
    value: `${fmt(newNs / rotateHit)}× faster (the hand-written Map: ${fmt(newNs / rotateFloor)}×)`,
    target: '(≥ 1000×)',
    verdict: 'INFO',
  });
  const passed = checks.every(([, ok]) => ok);
  figures.push({
    metric: 'correctness: keyed by value, never by object identity',
    value: `${checks.filter(([, ok]) => ok).length}/${checks.length} checks`,
    target: 'all',
    verdict: verdict(passed),
  });
  return {
    id: 1,
    title: 'getClient cache hit',
    method: [
      `One \`createClientFactory()\`, \`getClient(s3, { region: 'us-east-1', credentials })\` with static credentials, measured three ways: the same options object every call; a fresh equal options object per call; a fresh credentials object (and options object) per call. A fourth way asks for eight distinct clients in turn (two regions × four key pairs, fresh objects), so no call repeats the one before it; a fifth adds \`config: { endpoint, forcePathStyle: true }\` (fresh objects), as code pointed at LocalStack, MinIO or the testkit does, with the floor's key extended by endpoint and forcePathStyle.`,
      `The floor is a hand-written \`Map<string, S3Client>\` keyed by region + accessKeyId + secretAccessKey + sessionToken, fed the same shapes of input. The ceiling is \`new S3Client({ region, credentials })\` per call (then \`destroy()\`).`,
      `tinybench 6, ${BATCH} calls per sample for the hits, median sample; ${rounds} rounds with the task order rotated, median of the rounds. ns per call. The ≥ 1000× target is checked on the slowest of the three named ways.`,
    ].join(' '),
    figures,
    tables: [
      {
        title: 'ns per call (median of rounds)',
        header: ['way', 'hand-written Map', 'getClient hit', 'hit ÷ Map', 'new S3Client ÷ hit', 'new S3Client ÷ Map'],
        rows,
      },
      {
        title: 'raw round medians (ns per call)',
        header: ['task', ...Array.from({ length: rounds }, (_, i) => `round ${i + 1}`)],
        rows: names.map((n) => [n, ...samples.get(n)!.map((v) => fmt(v))]),
      },
      { title: 'correctness checks', header: ['check', ''], rows: checks.map(([what, ok]) => [what, ok ? 'PASS' : 'MISS']) },
    ],
    notes: [
      `new S3Client() per call: ${fmtNs(newNs)}.`,
      `Factory counters after the run: ${stats.hits.toLocaleString('en-US')} hits, ${stats.misses} misses, ${stats.clients} client(s).`,
    ],
    bars,
  };
}
