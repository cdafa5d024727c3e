import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, openSockets, portOf } from './helpers.js';

let local: LocalAws;
const BODY = 'y'.repeat(32 * 1024);

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3'] });
  const setup = createClientFactory();
  const client = setup.getClient(s3, local.clientOptions('s3'));
  await client.send(new CreateBucketCommand({ Bucket: 'drain' }));
  await client.send(new PutObjectCommand({ Bucket: 'drain', Key: 'object', Body: BODY }));
  setup.dispose();
  // The set-up client's sockets close before any test takes its baseline.
  expect(await eventually(() => openSockets(portOf(local.endpoints.s3)) === 0)).toBe(true);
});

afterAll(async () => {
  await local.stop();
});

function tenant(i: number) {
  const options = local.clientOptions('s3');
  // A distinct config value per tenant gives each its own client (and sockets).
  return { ...options, config: { ...options.config, customUserAgent: `tenant-${i}` } };
}

async function read(factory: ReturnType<typeof createClientFactory>, i: number): Promise<string | undefined> {
  const object = await factory.getClient(s3, tenant(i)).send(new GetObjectCommand({ Bucket: 'drain', Key: 'object' }));
  return object.Body?.transformToString();
}

/**
 * Between the chunks of a slow body: 2 s per body, so every body is still
 * flowing when the test removes its client, even when the machine is slow to
 * log the last of the requests (600 ms bodies left too little margin).
 */
const SLOW_CHUNK_MS = 500;

async function waitForRequests(count: number): Promise<void> {
  const target = local.requests.count('s3', { operation: 'GetObject' }) + count;
  expect(await eventually(() => local.requests.count('s3', { operation: 'GetObject' }) >= target)).toBe(true);
}

describe('removing clients while requests are in flight', () => {
  it('clearCache fails no running request, and closes the removed clients’ sockets afterwards', async () => {
    const baseline = openSockets(portOf(local.endpoints.s3));
    const factory = createClientFactory();
    local.faults.inject('s3', { kind: 'slow-body', chunkDelayMs: SLOW_CHUNK_MS, chunks: 4, count: 3 }, { operation: 'GetObject' });
    const pending = [0, 1, 2].map((i) => read(factory, i));
    await waitForRequests(3);
    expect(factory.stats().entries.reduce((sum, entry) => sum + (entry.inFlight ?? Number.NaN), 0)).toBe(3);
    expect(factory.clearCache()).toBe(3);
    expect(factory.stats().draining).toBe(3);
    await expect(Promise.all(pending)).resolves.toEqual([BODY, BODY, BODY]);
    expect(factory.stats().draining).toBe(0);
    expect(
      await eventually(() => openSockets(portOf(local.endpoints.s3)) <= baseline),
      `sockets still open: ${openSockets(portOf(local.endpoints.s3))} > ${baseline}`,
    ).toBe(true);
  });

  it('keeps the sockets of clients still in the cache open (the check above can fail)', async () => {
    const baseline = openSockets(portOf(local.endpoints.s3));
    const factory = createClientFactory();
    await read(factory, 9);
    expect(openSockets(portOf(local.endpoints.s3))).toBeGreaterThan(baseline);
    factory.dispose();
    expect(await eventually(() => openSockets(portOf(local.endpoints.s3)) <= baseline)).toBe(true);
  });

  it('LRU eviction fails no running request, and closes the evicted clients’ sockets afterwards', async () => {
    const baseline = openSockets(portOf(local.endpoints.s3));
    const factory = createClientFactory({ maxClients: 2 });
    local.faults.inject('s3', { kind: 'slow-body', chunkDelayMs: SLOW_CHUNK_MS, chunks: 4, count: 2 }, { operation: 'GetObject' });
    const slow = [0, 1].map((i) => read(factory, i));
    await waitForRequests(2);
    // Two more tenants push the two busy clients out of the cache.
    await expect(Promise.all([read(factory, 2), read(factory, 3)])).resolves.toEqual([BODY, BODY]);
    expect(factory.stats().evictions).toBe(2);
    expect(factory.stats().draining, 'the evicted clients’ bodies are still flowing').toBe(2);
    await expect(Promise.all(slow)).resolves.toEqual([BODY, BODY]);
    expect(factory.stats().draining).toBe(0);
    factory.dispose();
    expect(
      await eventually(() => openSockets(portOf(local.endpoints.s3)) <= baseline),
      `sockets still open: ${openSockets(portOf(local.endpoints.s3))} > ${baseline}`,
    ).toBe(true);
  });
});
