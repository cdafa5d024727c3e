import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { bedrockRuntime } from '@dbp/aws-bedrock';
import { type AwsClientFactory, createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, openSockets, portOf } from './helpers.js';

// DESIGN.md, "Ownership and lifecycle": in flight means until the response is
// done. A GetObject body counts from send() until it ends or is destroyed
// (stats().entries[].inFlight and .bodies show it), an event stream until its
// iterator finishes; clearCache, eviction and ttl take the client out of the
// cache at once but destroy it (close its sockets) only after that.

let local: LocalAws;
const BODY = 'b'.repeat(40 * 1024);
const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3', 'bedrock-runtime'] });
  const setup = createClientFactory();
  const client = setup.getClient(s3, local.clientOptions('s3'));
  await client.send(new CreateBucketCommand({ Bucket: 'bodies' }));
  await client.send(new PutObjectCommand({ Bucket: 'bodies', Key: 'object', Body: BODY }));
  await setup.dispose();
});

afterAll(async () => {
  await local.stop();
});

function tenant(tag: string) {
  const options = local.clientOptions('s3');
  return { ...options, config: { ...options.config, customUserAgent: tag } };
}

/**
 * A GetObject whose body nobody has read yet, and the socket under it. With
 * `slow`, the body is still arriving (eight pieces 100 ms apart), so destroying
 * the socket would cut it short.
 */
async function unreadBody(client: S3Client, slow = false): Promise<{ body: IncomingMessage & { transformToString(): Promise<string> }; socket: Socket }> {
  if (slow) local.faults.inject('s3', { kind: 'slow-body', chunkDelayMs: 100, chunks: 8 }, { operation: 'GetObject' });
  const { Body } = await client.send(new GetObjectCommand({ Bucket: 'bodies', Key: 'object' }));
  const body = Body as unknown as IncomingMessage & { transformToString(): Promise<string> };
  expect(body.socket, 'a Node IncomingMessage holds its socket while unread').toBeTruthy();
  return { body, socket: body.socket as Socket };
}

/** 'whole' when a body read gives back exactly the object (without printing 40 kB on failure). */
async function whole(text: Promise<string>): Promise<string> {
  const read = await text;
  return read === BODY ? 'whole' : `${read.length} of ${BODY.length} bytes`;
}

function row(factory: AwsClientFactory) {
  const [entry] = factory.stats().entries;
  return entry && { inFlight: entry.inFlight, bodies: entry.bodies };
}

describe('a GetObject body is in flight until it is done', () => {
  it('stats() counts it from send() until the body ends', async () => {
    await using factory = createClientFactory();
    const { body } = await unreadBody(factory.getClient(s3, tenant('ends')));
    expect(row(factory)).toEqual({ inFlight: 1, bodies: 1 });
    await expect(whole(body.transformToString())).resolves.toBe('whole');
    expect(await eventually(() => row(factory)?.inFlight === 0)).toBe(true);
    expect(row(factory)).toEqual({ inFlight: 0, bodies: 0 });
  });

  it('stats() counts it until the caller destroys the body', async () => {
    await using factory = createClientFactory();
    const { body } = await unreadBody(factory.getClient(s3, tenant('destroyed')));
    expect(row(factory)).toEqual({ inFlight: 1, bodies: 1 });
    body.destroy();
    expect(await eventually(() => row(factory)?.inFlight === 0)).toBe(true);
    expect(row(factory)).toEqual({ inFlight: 0, bodies: 0 });
  });

  const removals: readonly { name: string; factory: () => AwsClientFactory; remove: (factory: AwsClientFactory) => Promise<void> }[] = [
    {
      name: 'clearCache',
      factory: () => createClientFactory(),
      remove: async (factory) => {
        expect(factory.clearCache()).toBe(1);
      },
    },
    {
      name: 'LRU eviction',
      factory: () => createClientFactory({ maxClients: 1 }),
      remove: async (factory) => {
        factory.getClient(s3, tenant('newcomer'));
        expect(factory.stats().evictions).toBe(1);
      },
    },
    {
      name: 'ttl expiry',
      // Long enough that the client is still cached when send() resolves on a loaded CI machine
      // (50 ms was not: the client had expired before the first stats() read), short enough for eventually().
      factory: () => createClientFactory({ ttlMs: 1_000 }),
      remove: async (factory) => {
        expect(await eventually(() => factory.stats().clients === 0)).toBe(true);
      },
    },
  ];

  for (const removal of removals) {
    it(`${removal.name} waits for an unread body: it reads whole afterwards, then the client's sockets close`, async () => {
      await using factory = removal.factory();
      const { body, socket } = await unreadBody(factory.getClient(s3, tenant('unread')), true);
      expect(row(factory)).toEqual({ inFlight: 1, bodies: 1 });
      expect(body.complete, 'the body is still arriving').toBe(false);

      await removal.remove(factory);

      expect(factory.stats().draining).toBe(1);
      expect(socket.destroyed).toBe(false);
      await expect(whole(body.transformToString())).resolves.toBe('whole');
      expect(await eventually(() => factory.stats().draining === 0)).toBe(true);
      // Back in the pool after the body ended, then closed with the drained client.
      expect(await eventually(() => socket.destroyed)).toBe(true);
    });
  }

  it('the SDK’s own destroy() does not wait: an unread body of a plain client breaks (the check above can fail)', async () => {
    const { region, credentials, config } = local.clientOptions('s3');
    const client = new S3Client({ region, credentials, ...config });
    const { body } = await unreadBody(client, true);
    expect(body.complete, 'the body is still arriving').toBe(false);
    client.destroy();
    await expect(whole(body.transformToString())).rejects.toThrow();
  });
});

describe('an event stream is in flight until its iterator finishes', () => {
  function converseStream(factory: AwsClientFactory) {
    return factory
      .getClient(bedrockRuntime, local.clientOptions('bedrock-runtime'))
      .send(new ConverseStreamCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'Tell me a story' }] }] }));
  }

  it('clearCache while a ConverseStream is being read: every event arrives, then the HTTP/2 connection closes', async () => {
    const port = portOf(local.endpoints['bedrock-runtime']);
    const baseline = openSockets(port);
    await using factory = createClientFactory();
    local.faults.inject('bedrock-runtime', { kind: 'slow-body', chunkDelayMs: 100, chunks: 4 }, { operation: 'ConverseStream' });
    const { stream } = await converseStream(factory);
    expect(row(factory)).toEqual({ inFlight: 1, bodies: 1 });

    expect(factory.clearCache()).toBe(1);
    expect(factory.stats().draining).toBe(1);
    const kinds: string[] = [];
    for await (const event of stream ?? []) kinds.push(Object.keys(event)[0] as string);

    expect(kinds[0]).toBe('messageStart');
    expect(kinds).toContain('messageStop');
    expect(kinds.at(-1)).toBe('metadata');
    expect(await eventually(() => factory.stats().draining === 0)).toBe(true);
    expect(await eventually(() => openSockets(port) <= baseline)).toBe(true);
  });

  it('breaking out of the iterator ends it: a cleared client is destroyed then, its HTTP/2 connection closed', async () => {
    const port = portOf(local.endpoints['bedrock-runtime']);
    const baseline = openSockets(port);
    await using factory = createClientFactory();
    local.faults.inject('bedrock-runtime', { kind: 'slow-body', chunkDelayMs: 100, chunks: 4 }, { operation: 'ConverseStream' });
    const { stream } = await converseStream(factory);
    expect(factory.clearCache()).toBe(1);
    expect(factory.stats().draining).toBe(1);

    for await (const event of stream ?? []) {
      expect(Object.keys(event)).toEqual(['messageStart']);
      break;
    }

    expect(await eventually(() => factory.stats().draining === 0)).toBe(true);
    expect(await eventually(() => openSockets(port) <= baseline)).toBe(true);
  });
});
