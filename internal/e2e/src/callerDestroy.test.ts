import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createClientFactory } from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { s3 } from '@dbp/aws-s3';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './helpers.js';

// DESIGN.md, "Ownership and lifecycle": cached clients are shared. A caller's
// client.destroy() retires the client in the cache (the next getClient
// returns a fresh, working client) while other callers' in-flight requests
// and bodies on the old one finish; the old one is destroyed after them.

let local: LocalAws;
const BODY = 'c'.repeat(40 * 1024);
const ITEM = { pk: { S: 'shared' }, note: { S: 'x'.repeat(8 * 1024) } };

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3', 'dynamodb'] });
  const setup = createClientFactory();
  const client = setup.getClient(s3, local.clientOptions('s3'));
  await client.send(new CreateBucketCommand({ Bucket: 'shared' }));
  await client.send(new PutObjectCommand({ Bucket: 'shared', Key: 'object', Body: BODY }));
  const table = setup.getClient(dynamodb, local.clientOptions('dynamodb'));
  await table.send(
    new CreateTableCommand({
      TableName: 'shared',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await table.send(new PutItemCommand({ TableName: 'shared', Item: ITEM }));
  await setup.dispose();
});

afterAll(async () => {
  await local.stop();
});

type NodeBody = IncomingMessage & { transformToString(): Promise<string> };

/** 'whole' when a body read gives back exactly the object (without printing 40 kB on failure). */
async function whole(text: Promise<string>): Promise<string> {
  const read = await text;
  return read === BODY ? 'whole' : `${read.length} of ${BODY.length} bytes`;
}

/** A GetObject body still arriving (eight pieces 100 ms apart), unread, and the socket under it. */
async function slowBody(client: S3Client): Promise<{ body: NodeBody; socket: Socket }> {
  local.faults.inject('s3', { kind: 'slow-body', chunkDelayMs: 100, chunks: 8 }, { operation: 'GetObject' });
  const { Body } = await client.send(new GetObjectCommand({ Bucket: 'shared', Key: 'object' }));
  const body = Body as unknown as NodeBody;
  return { body, socket: body.socket as Socket };
}

describe('a caller’s client.destroy() on a cached client', () => {
  it('retires it: the next getClient returns a fresh client that works, and the old one’s sockets close', async () => {
    await using factory = createClientFactory();
    const first = factory.getClient(s3, local.clientOptions('s3'));
    const { body, socket } = await slowBody(first);
    await expect(whole(body.transformToString())).resolves.toBe('whole');
    expect(await eventually(() => factory.stats().entries[0]?.inFlight === 0)).toBe(true);
    expect(socket.destroyed).toBe(false);

    first.destroy();

    const second = factory.getClient(s3, local.clientOptions('s3'));
    expect(second).not.toBe(first);
    expect(factory.getClient(s3, local.clientOptions('s3'))).toBe(second);
    await expect(second.send(new ListBucketsCommand({}))).resolves.toMatchObject({ Buckets: [{ Name: 'shared' }] });
    expect(factory.stats()).toMatchObject({ clients: 1, draining: 0 });
    // The first client was idle: destroyed at once, its pooled socket with it.
    expect(socket.destroyed).toBe(true);
  });

  it('lets another caller’s body on it finish, then destroys it', async () => {
    await using factory = createClientFactory();
    const callerA = factory.getClient(s3, local.clientOptions('s3'));
    const callerB = factory.getClient(s3, local.clientOptions('s3'));
    expect(callerB).toBe(callerA);
    const { body, socket } = await slowBody(callerB);
    expect(body.complete, 'the body is still arriving').toBe(false);

    callerA.destroy();

    expect(factory.stats()).toMatchObject({ clients: 0, draining: 1 });
    expect(socket.destroyed).toBe(false);
    await expect(whole(body.transformToString())).resolves.toBe('whole');
    expect(await eventually(() => factory.stats().draining === 0)).toBe(true);
    expect(await eventually(() => socket.destroyed)).toBe(true);
  });

  it('lets another caller’s DynamoDB request on it finish without a retry', async () => {
    await using factory = createClientFactory();
    const callerA = factory.getClient(dynamodb, local.clientOptions('dynamodb'));
    const callerB = factory.getClient(dynamodb, local.clientOptions('dynamodb'));
    local.requests.reset();
    local.faults.inject('dynamodb', { kind: 'slow-body', chunkDelayMs: 100, chunks: 8 }, { operation: 'GetItem' });
    const pending = callerB.send(new GetItemCommand({ TableName: 'shared', Key: { pk: { S: 'shared' } } }));
    expect(await eventually(() => local.requests.count('dynamodb', { operation: 'GetItem' }) === 1)).toBe(true);

    callerA.destroy();

    await expect(pending).resolves.toMatchObject({ Item: ITEM });
    // A destroyed socket under the response would have been retried by the SDK: one request means none was.
    expect(local.requests.count('dynamodb', { operation: 'GetItem' })).toBe(1);
    expect(await eventually(() => factory.stats().draining === 0)).toBe(true);
  });

  // Negative controls: a plain SDK client shared by two callers, destroyed by one.
  it('the SDK’s own destroy() on a shared plain S3Client cuts the other caller’s body short (the checks above can fail)', async () => {
    const { region, credentials, config } = local.clientOptions('s3');
    const shared = new S3Client({ region, credentials, ...config });
    const { body } = await slowBody(shared);
    expect(body.complete, 'the body is still arriving').toBe(false);
    shared.destroy();
    await expect(whole(body.transformToString())).rejects.toThrow();
  });

  it('the SDK’s own destroy() on a shared plain DynamoDBClient makes the other caller’s request retry', async () => {
    const { region, credentials, config } = local.clientOptions('dynamodb');
    const shared = new DynamoDBClient({ region, credentials, ...config });
    local.requests.reset();
    local.faults.inject('dynamodb', { kind: 'slow-body', chunkDelayMs: 100, chunks: 8 }, { operation: 'GetItem' });
    const pending = shared.send(new GetItemCommand({ TableName: 'shared', Key: { pk: { S: 'shared' } } }));
    expect(await eventually(() => local.requests.count('dynamodb', { operation: 'GetItem' }) === 1)).toBe(true);
    shared.destroy();
    await pending.catch(() => undefined);
    expect(local.requests.count('dynamodb', { operation: 'GetItem' })).toBeGreaterThan(1);
    shared.destroy();
  });
});
