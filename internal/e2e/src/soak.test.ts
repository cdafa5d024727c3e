import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createClientFactory } from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { s3 } from '@dbp/aws-s3';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, heapAfterGc, openSockets, portOf } from './helpers.js';

// A bounded soak: mixed getClient, clearCache, LRU eviction and requests
// against the testkit with faults injected. Nothing may be lost (every
// request resolves with the right data), the heap stays flat and the sockets
// of removed clients close.
const SOAK_MS = Number(process.env.SOAK_MS ?? 20_000);
const TENANTS = 24;
const WORKERS = 12;
let local: LocalAws;

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3', 'dynamodb'] });
  const setup = createClientFactory();
  await setup.getClient(s3, local.clientOptions('s3')).send(new CreateBucketCommand({ Bucket: 'soak' }));
  await setup.getClient(dynamodb, local.clientOptions('dynamodb')).send(
    new CreateTableCommand({
      TableName: 'soak',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  setup.dispose();
}, 60_000);

afterAll(async () => {
  await local.stop();
});

describe('soak', () => {
  it(`runs ${SOAK_MS / 1000} s of mixed traffic, eviction and clearing with faults, losing nothing`, async () => {
    const factory = createClientFactory({ maxClients: 8 });
    const baselineSockets = openSockets(portOf(local.endpoints.s3));
    const tenants = Array.from({ length: TENANTS }, (_, i) => {
      const credentials = { accessKeyId: `AKIDSOAK${String(i).padStart(12, '0')}`, secretAccessKey: `soak-secret-${i}-${'s'.repeat(24)}` };
      local.addCredentials(credentials);
      return credentials;
    });
    const started = Date.now();
    let requests = 0;
    let heapAtThird = 0;
    const failures: string[] = [];
    const worker = async (w: number) => {
      for (let n = 0; Date.now() - started < SOAK_MS && n < 100_000; n++) {
        const i = (w * 7 + n) % TENANTS;
        const credentials = tenants[i] as { accessKeyId: string; secretAccessKey: string };
        const key = `w${w}-n${n}`;
        try {
          if (n % 2 === 0) {
            const client = factory.getClient(s3, { ...local.clientOptions('s3'), credentials });
            await client.send(new PutObjectCommand({ Bucket: 'soak', Key: key, Body: key }));
            const got = await factory.getClient(s3, { ...local.clientOptions('s3'), credentials }).send(new GetObjectCommand({ Bucket: 'soak', Key: key }));
            if ((await got.Body?.transformToString()) !== key) failures.push(`s3 ${key}: wrong body`);
          } else {
            const client = factory.getClient(dynamodb, { ...local.clientOptions('dynamodb'), credentials });
            await client.send(new PutItemCommand({ TableName: 'soak', Item: { pk: { S: key } } }));
            const got = await client.send(new GetItemCommand({ TableName: 'soak', Key: { pk: { S: key } } }));
            if (got.Item?.pk?.S !== key) failures.push(`dynamodb ${key}: wrong item`);
          }
          requests += 2;
        } catch (error) {
          failures.push(`${key}: ${(error as Error).name}: ${(error as Error).message}`);
        }
        if (n % 25 === 0) factory.clearCache({ service: n % 50 === 0 ? 's3' : undefined });
        if (n % 10 === 0) {
          // Faults the tier's retries absorb: throttling, 503, resets, slow bodies.
          local.faults.inject(
            's3',
            [
              { kind: 'throttle' as const },
              { kind: 'status' as const, status: 503 },
              { kind: 'reset' as const },
              { kind: 'slow-body' as const, chunkDelayMs: 20 },
            ][n % 4] as never,
          );
          local.faults.inject('dynamodb', { kind: 'throttle' });
        }
        if (heapAtThird === 0 && Date.now() - started > SOAK_MS / 3) heapAtThird = heapAfterGc();
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    local.faults.clear();
    const stats = factory.stats();
    factory.dispose();
    const heapAtEnd = heapAfterGc();
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(200);
    expect(stats.clients).toBeLessThanOrEqual(8);
    expect(stats.evictions).toBeGreaterThan(0);
    // Flat: the last two thirds of the run grew the heap by less than 16 MiB.
    expect(heapAtEnd - heapAtThird).toBeLessThan(16 * 1024 * 1024);
    expect(
      await eventually(() => openSockets(portOf(local.endpoints.s3)) <= baselineSockets, 200),
      `open sockets ${openSockets(portOf(local.endpoints.s3))} > ${baselineSockets}`,
    ).toBe(true);
    console.log(
      `soak: ${requests} requests, ${stats.misses} clients created, ${stats.evictions} evictions, heap ${(heapAtThird / 1e6).toFixed(1)} → ${(heapAtEnd / 1e6).toFixed(1)} MB`,
    );
  }, 120_000);
});
