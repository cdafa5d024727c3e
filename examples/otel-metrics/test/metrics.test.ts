import type { Readable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createClientFactory, getClientFactory } from '@dbp/aws-core';
import { getS3Client, s3 } from '@dbp/aws-s3';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAwsMetrics, METRIC_NAMES } from '../src/index.js';

// The example end to end: the real S3 client against the testkit, the
// OpenTelemetry metrics SDK with its in-memory exporter.

let local: LocalAws;
const BUCKET = 'otel';

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3'] });
  await using setup = createClientFactory();
  const client = setup.getClient(s3, local.clientOptions('s3'));
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'object', Body: 'metrics' }));
});

afterAll(async () => {
  await local.stop();
});

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A meter whose metrics the test collects on demand. */
function meter() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // The interval never fires during a test: collect() flushes.
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  cleanups.push(() => provider.shutdown());
  const collect = async (): Promise<MetricData[]> => {
    exporter.reset();
    await reader.forceFlush();
    return exporter.getMetrics().flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
  };
  return { meter: provider.getMeter('@dbp/example-otel-metrics'), collect };
}

/** The value of a metric's point whose attributes include `attributes` (summed over matching points). */
function value(metrics: MetricData[], name: string, attributes: Record<string, unknown> = {}): number | undefined {
  const metric = metrics.find((candidate) => candidate.descriptor.name === name);
  if (!metric) return undefined;
  const points = (metric.dataPoints as DataPoint<number>[]).filter((point) =>
    Object.entries(attributes).every(([key, expected]) => point.attributes[key] === expected),
  );
  return points.length === 0 ? undefined : points.reduce((sum, point) => sum + point.value, 0);
}

const tenant = (i: number) => {
  const options = local.clientOptions('s3');
  return { ...options, config: { ...options.config, customUserAgent: `tenant-${i}` } };
};
const getObject = (client: S3Client) => client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'object' }));

describe('createAwsMetrics', () => {
  it('turns one factory’s events (onEvent) and stats() into counters and gauges', async () => {
    const { meter: m, collect } = meter();
    const metrics = createAwsMetrics(m);
    const factory = createClientFactory({ onEvent: metrics.record, maxClients: 1, abandonedBodyMs: 100 });
    cleanups.push(() => factory.dispose());
    cleanups.push(metrics.observe(factory));
    const service = { 'aws.service': 's3', 'aws.region': local.region, 'dbp.aws.tier': 'standard' };

    const provider = async () => ({ ...local.credentials, expiration: new Date(Date.now() + 3_600_000) });
    const first = factory.getClient(s3, { ...tenant(1), credentials: provider });
    for (let i = 0; i < 3; i++) expect(factory.getClient(s3, { ...tenant(1), credentials: provider })).toBe(first);
    await expect((await getObject(first)).Body?.transformToString()).resolves.toBe('metrics');
    const unread = await getObject(first);
    let collected = await collect();
    expect(value(collected, METRIC_NAMES.created, { ...service, 'dbp.aws.credential_kind': 'provider' })).toBe(1);
    expect(value(collected, METRIC_NAMES.resolutions, { 'dbp.aws.refresh': false, 'dbp.aws.outcome': 'ok' })).toBe(1);
    expect(value(collected, METRIC_NAMES.clients)).toBe(1);
    expect(value(collected, METRIC_NAMES.misses)).toBe(1);
    expect(value(collected, METRIC_NAMES.hits)).toBe(3);
    expect(value(collected, METRIC_NAMES.inFlight, service)).toBe(1);
    expect(value(collected, METRIC_NAMES.sockets, { ...service, 'dbp.aws.socket_state': 'in_use', 'network.protocol.name': 'http/1.1' })).toBe(1);

    // The unread body is reported, then the client is evicted while it is in flight, and destroyed once the body is.
    for (let i = 0; i < 200 && value(await collect(), METRIC_NAMES.abandoned) === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    factory.getClient(s3, tenant(2));
    collected = await collect();
    expect(value(collected, METRIC_NAMES.abandoned, { ...service, 'aws.operation': 'GetObject' })).toBe(1);
    expect(value(collected, METRIC_NAMES.removed, { ...service, 'dbp.aws.reason': 'evicted' })).toBe(1);
    (unread.Body as unknown as Readable).destroy();
    for (let i = 0; i < 200 && factory.stats().draining > 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    collected = await collect();
    expect(value(collected, METRIC_NAMES.destroyed, { ...service, 'dbp.aws.reason': 'evicted' })).toBe(1);
    expect(value(collected, METRIC_NAMES.clients)).toBe(1);
  });

  it('records every factory in the process through diagnostics_channel, the process-wide one included', async () => {
    const { meter: m, collect } = meter();
    const metrics = createAwsMetrics(m);
    cleanups.push(metrics.subscribe());
    cleanups.push(() => getClientFactory().dispose());
    const client = getS3Client(local.clientOptions('s3'));
    await expect((await getObject(client)).Body?.transformToString()).resolves.toBe('metrics');
    getClientFactory().clearCache();
    const collected = await collect();
    expect(value(collected, METRIC_NAMES.created, { 'aws.service': 's3', 'dbp.aws.credential_kind': 'static' })).toBe(1);
    expect(value(collected, METRIC_NAMES.removed, { 'aws.service': 's3', 'dbp.aws.reason': 'cleared' })).toBe(1);
    expect(value(collected, METRIC_NAMES.destroyed, { 'aws.service': 's3', 'dbp.aws.reason': 'cleared' })).toBe(1);
  });

  it('after unsubscribe and stop, records nothing more', async () => {
    const { meter: m, collect } = meter();
    const metrics = createAwsMetrics(m);
    metrics.subscribe()();
    const factory = createClientFactory();
    cleanups.push(() => factory.dispose());
    metrics.observe(factory)();
    factory.getClient(s3, local.clientOptions('s3'));
    const collected = await collect();
    expect(value(collected, METRIC_NAMES.created)).toBeUndefined();
    expect(value(collected, METRIC_NAMES.clients)).toBeUndefined();
  });
});
