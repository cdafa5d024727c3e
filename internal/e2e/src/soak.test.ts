import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createClientFactory } from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { s3 } from '@dbp/aws-s3';
import { type Fault, type LocalAws, startLocalAws } from '@dbp/aws-testkit';
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
        // Each worker has tenants of its own (w, w + 12), so the faults it injects for them
        // below reach its own next request and no other worker's.
        const i = w + WORKERS * (Math.floor(n / 2) % (TENANTS / WORKERS));
        const credentials = tenants[i] as { accessKeyId: string; secretAccessKey: string };
        const key = `w${w}-n${n}`;
        if (n % 10 === 0) {
          // Faults the tier's retries absorb, for this worker's own tenant and its next request
          // to that service, so that no request meets more than one: S3 throttling, 503,
          // resets and slow bodies in turn (n is even: S3); DynamoDB throttling (at n + 1).
          const s3Faults: Array<[Fault, string]> = [
            [{ kind: 'throttle' }, 'PutObject'],
            [{ kind: 'status', status: 503 }, 'GetObject'],
            [{ kind: 'reset' }, 'PutObject'],
            [{ kind: 'slow-body', chunkDelayMs: 20 }, 'GetObject'],
          ];
          const [fault, operation] = s3Faults[(n / 10) % 4] as [Fault, string];
          local.faults.inject('s3', fault, { accessKeyId: credentials.accessKeyId, operation });
          local.faults.inject('dynamodb', { kind: 'throttle' }, { accessKeyId: credentials.accessKeyId });
        }
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
        if (heapAtThird === 0 && Date.now() - started > SOAK_MS / 3) heapAtThird = heapAfterGc();
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    // Faults were met (and, with no failures, absorbed by retries).
    expect(local.requests.count('s3', { status: 503 })).toBeGreaterThan(0);
    expect(local.requests.count('dynamodb', { status: 400 })).toBeGreaterThan(0);
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
