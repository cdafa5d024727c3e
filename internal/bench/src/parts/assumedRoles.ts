import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { type AwsCredentialProvider, createClientFactory, type Logger } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import { assumeRole } from '@dbp/aws-sts';
import { Bench } from 'tinybench';
import type { LocalAwsProcess } from '../lib/localAws.js';
import { type Figure, type PartResult, verdict } from '../lib/report.js';
import { DEFINITIONS, SERVICE_CALLS } from '../lib/serviceCalls.js';
import { FAKE_CREDENTIALS } from '../lib/services.js';
import { fmt, fmtNs, median, pool } from '../lib/stats.js';

/** Calls per tinybench sample (one timer read per call would dominate). */
const BATCH = 1000;
const REGION = 'us-east-1';
const ROLE = 'arn:aws:iam::111122223333:role/tenant-acme';
const EXTERNAL_ID = 'acme-7f3a';
const REQUESTS = 1000;
const CALLERS = 50;
/** The ≤ 2× target applies to the common per-request form; the other forms are shown beside it. */
const WAYS = [
  { id: 'static', label: 'static credentials, fresh object per call (the baseline)' },
  { id: 'role', label: 'assumeRole({ roleArn, externalId }) per call' },
  { id: 'source', label: 'assumeRole({ roleArn, externalId, source: { accessKeyId, secretAccessKey } }) per call, fresh source object' },
  { id: 'tags', label: "assumeRole({ roleArn, externalId, tags: { tenant: 'acme' } }) per call, fresh tags object" },
] as const;
type Way = (typeof WAYS)[number]['id'];

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Part (a): a cache hit with `assumeRole(…)` built per call, against a static-credentials hit. */
async function hitCost(quick: boolean) {
  const factory = createClientFactory();
  const { accessKeyId, secretAccessKey } = FAKE_CREDENTIALS;
  let sink: unknown;
  const tasks: Record<Way, () => void> = {
    static: () => {
      for (let i = 0; i < BATCH; i++) sink = factory.getClient(s3, { region: REGION, credentials: { accessKeyId, secretAccessKey } });
    },
    role: () => {
      for (let i = 0; i < BATCH; i++) sink = factory.getClient(s3, { region: REGION, credentials: assumeRole({ roleArn: ROLE, externalId: EXTERNAL_ID }) });
    },
    source: () => {
      for (let i = 0; i < BATCH; i++) {
        sink = factory.getClient(s3, {
          region: REGION,
          credentials: assumeRole({ roleArn: ROLE, externalId: EXTERNAL_ID, source: { accessKeyId, secretAccessKey } }),
        });
      }
    },
    tags: () => {
      for (let i = 0; i < BATCH; i++) {
        sink = factory.getClient(s3, { region: REGION, credentials: assumeRole({ roleArn: ROLE, externalId: EXTERNAL_ID, tags: { tenant: 'acme' } }) });
      }
    },
  };
  // Correctness first: each way is one client however often it is asked for (no STS call is made: a hit resolves nothing).
  const firsts = WAYS.map((way) => {
    tasks[way.id]();
    return sink;
  });
  for (const way of WAYS) tasks[way.id]();
  const sameClients = WAYS.every((way, i) => {
    tasks[way.id]();
    return sink === firsts[i];
  });
  const rounds = quick ? 1 : 3;
  const samples = new Map<Way, number[]>(WAYS.map((way) => [way.id, []]));
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time: quick ? 150 : 400, warmupTime: quick ? 50 : 100, iterations: 20 });
    const order = [...WAYS.slice(round % WAYS.length), ...WAYS.slice(0, round % WAYS.length)];
    for (const way of order) bench.add(way.id, tasks[way.id]);
    await bench.run();
    for (const task of bench.tasks) {
      if (task.result.state !== 'completed') throw new Error(`tinybench task ${task.name} ${task.result.state}`);
      samples.get(task.name as Way)!.push((task.result.latency.p50 * 1e6) / BATCH);
    }
  }
  if (sink === undefined) throw new Error('unreachable');
  const stats = factory.stats();
  await factory.dispose();
  const ns = (way: Way): number => median(samples.get(way)!);
  return { ns, samples, rounds, sameClients, clients: stats.clients, misses: stats.misses, hits: stats.hits };
}

/** What `fromTemporaryCredentials({ params: { RoleArn } })` built per request is: a provider with its own STS client. */
function temporaryCredentialsProvider(local: LocalAwsProcess, made: STSClient[]): AwsCredentialProvider {
  let client: STSClient | undefined;
  return async () => {
    if (client === undefined) {
      client = new STSClient({ region: local.region, credentials: { ...local.credentials }, endpoint: local.endpoints.sts });
      made.push(client);
    }
    const { Credentials } = await client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'per-request', ExternalId: EXTERNAL_ID }));
    return {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken,
      expiration: Credentials!.Expiration,
    };
  };
}

interface StsRun {
  stsCalls: number;
  failures: number;
  firstError: string;
  seconds: number;
  clients: number;
  misses: number;
  evictions: number;
}

/** Part (b): 1,000 requests over five services from 50 concurrent callers, credentials built per request, against the testkit. */
async function stsCalls(local: LocalAwsProcess, credentials: () => AwsCredentialProvider): Promise<StsRun> {
  await local.reset();
  const factory = createClientFactory({ defaultRegion: local.region, logger: silent });
  let failures = 0;
  let firstError = '';
  const started = performance.now();
  await pool(REQUESTS, CALLERS, async (i) => {
    const call = SERVICE_CALLS[i % SERVICE_CALLS.length]!;
    const client = factory.getClient(DEFINITIONS[call.id] as typeof s3, {
      credentials: credentials(),
      config: local.clientOptions(call.id).config,
    });
    try {
      await client.send(call.command() as never);
    } catch (error) {
      failures++;
      firstError ||= error instanceof Error ? `${error.name}: ${error.message.slice(0, 120)}` : String(error);
    }
  });
  const seconds = (performance.now() - started) / 1000;
  const { clients, misses, evictions } = factory.stats();
  await factory.dispose();
  return { stsCalls: (await local.requests('sts')).total, failures, firstError, seconds, clients, misses, evictions };
}

export async function benchAssumedRoles(local: LocalAwsProcess | undefined, quick: boolean): Promise<PartResult> {
  const hits = await hitCost(quick);
  const base = hits.ns('static');
  const ratio = (way: Way): number => hits.ns(way) / base;
  const figures: Figure[] = [
    {
      metric: 'getClient hit with assumeRole({ roleArn, externalId }) built per call ÷ static-credentials hit',
      value: `${fmtNs(hits.ns('role'))} vs ${fmtNs(base)} = ${fmt(ratio('role'))}×`,
      target: '≤ 2×',
      verdict: verdict(ratio('role') <= 2 && hits.sameClients),
      budget: ratio('role') / 2,
      chart: 'assumeRole() per call ÷ static hit',
    },
    {
      metric: 'same, with a fresh static source object / a fresh tags object',
      value: `${fmt(ratio('source'))}× / ${fmt(ratio('tags'))}×`,
      target: '(≤ 2×)',
      verdict: 'INFO',
    },
  ];
  const notes = [
    `Hit factory after the run: ${hits.clients} clients (one per way), ${hits.misses} misses, ${hits.hits.toLocaleString('en-US')} hits; each way returned its first client every time: ${hits.sameClients ? 'yes' : 'NO'}.`,
  ];
  const tables = [
    {
      title: 'ns per getClient call, assumeRole() call included (median of rounds)',
      header: ['way', 'ns', '÷ static', ...Array.from({ length: hits.rounds }, (_, i) => `round ${i + 1}`)],
      rows: WAYS.map((way) => [way.label, fmt(hits.ns(way.id)), `${fmt(ratio(way.id))}×`, ...hits.samples.get(way.id)!.map((v) => fmt(v))]),
    },
  ];

  if (local === undefined || local.endpoints.sts === undefined) {
    figures.push({ metric: 'STS calls for 1,000 requests', value: "not run: the testkit's endpoints did not start", target: '1', verdict: 'MISS' });
  } else {
    const before = process.env.AWS_ENDPOINT_URL_STS;
    // The SDK reads it: the STS client the factory builds for assumeRole() talks to the testkit.
    process.env.AWS_ENDPOINT_URL_STS = local.endpoints.sts;
    const made: STSClient[] = [];
    let ours: StsRun;
    let perRequest: StsRun;
    try {
      ours = await stsCalls(local, () => assumeRole({ roleArn: ROLE, externalId: EXTERNAL_ID, source: { ...local.credentials } }));
      perRequest = await stsCalls(local, () => temporaryCredentialsProvider(local, made));
    } finally {
      for (const client of made) client.destroy();
      if (before === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
      else process.env.AWS_ENDPOINT_URL_STS = before;
    }
    figures.push({
      metric: `STS calls, ${REQUESTS.toLocaleString('en-US')} requests over ${SERVICE_CALLS.length} services from ${CALLERS} concurrent callers, one role, assumeRole() per request`,
      value: `${ours.stsCalls} (a fromTemporaryCredentials-style provider per request: ${perRequest.stsCalls.toLocaleString('en-US')})`,
      target: '1',
      verdict: verdict(ours.stsCalls === 1 && ours.failures === 0),
      budget: ours.stsCalls,
      chart: 'STS calls, 1,000 requests (1)',
    });
    tables.push({
      title: `${REQUESTS.toLocaleString('en-US')} requests, ${CALLERS} concurrent callers, against the testkit`,
      header: ['credentials built per request', 'STS calls', 'failed requests', 'clients created', 'clients at the end', 'evictions', 'seconds'],
      rows: [['assumeRole({ roleArn, externalId, source })', ours] as const, ['fromTemporaryCredentials-style provider', perRequest] as const].map(
        ([label, run]) => [label, String(run.stsCalls), String(run.failures), String(run.misses), String(run.clients), String(run.evictions), fmt(run.seconds)],
      ),
    });
    if (ours.failures + perRequest.failures > 0) notes.push(`First failure: ${ours.firstError || perRequest.firstError}`);
  }

  return {
    id: 8,
    title: 'Assumed roles (@dbp/aws-sts)',
    method: [
      `(a) One \`createClientFactory()\`; \`getClient(s3, { region, credentials })\` where \`credentials\` is built afresh on every call: a static \`{ accessKeyId, secretAccessKey }\` object (the baseline, part 1's "fresh credentials object"), or \`assumeRole({ … })\` in three forms. A hit never calls STS. tinybench 6, ${BATCH} calls per sample, median sample; ${hits.rounds} rounds with the order rotated, median of the rounds.`,
      `(b) ${REQUESTS.toLocaleString('en-US')} requests (S3 ListBuckets, DynamoDB ListTables, Bedrock Converse, SageMaker ListEndpoints, Athena ListQueryExecutions in turn) from ${CALLERS} concurrent callers through one factory, each building its credentials per request: \`assumeRole({ roleArn, externalId, source })\`, then a provider function that does what \`fromTemporaryCredentials()\` does (its own STS client, one \`AssumeRole\` when asked), built per request. STS calls are counted in the testkit's request log (the testkit runs in its own process; the factory's STS client reaches it through \`AWS_ENDPOINT_URL_STS\`).`,
    ].join(' '),
    figures,
    tables,
    notes,
  };
}
