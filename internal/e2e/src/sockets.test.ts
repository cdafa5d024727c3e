import { ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { bedrockRuntime } from '@dbp/aws-bedrock';
import { type AwsClientFactory, createClientFactory, type SocketStats } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposedAfterEach, eventually, openSockets, portOf } from './helpers.js';

// stats().entries[].sockets against real traffic: the SDK's own handlers and
// agents, the testkit's endpoints, and the sockets Node actually opened
// (seen through the net.client.socket diagnostics channel) as the reference.

let local: LocalAws;
const BUCKET = 'sockets';
const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3', 'bedrock-runtime'] });
  await using setup = createClientFactory();
  const client = setup.getClient(s3, local.clientOptions('s3'));
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'object', Body: 'socket stats' }));
});

afterAll(async () => {
  await local.stop();
});

const disposeAfterTest = disposedAfterEach(() => local);

function factory(): AwsClientFactory {
  const created = createClientFactory({ disposeGraceMs: 0 });
  disposeAfterTest(created);
  return created;
}

const socketsOf = (target: AwsClientFactory, service: string): SocketStats | undefined =>
  target.stats().entries.find((entry) => entry.service === service)?.sockets;
const read = (client: ReturnType<AwsClientFactory['getClient']>) =>
  (client as import('@aws-sdk/client-s3').S3Client)
    .send(new GetObjectCommand({ Bucket: BUCKET, Key: 'object' }))
    .then((object) => object.Body?.transformToString());

describe('sockets in stats(): Node HTTP/1.1 (the S3 client’s NodeHttpHandler)', () => {
  it('shows no socket before the first request, one idle kept-alive socket after it, one in use during it', async () => {
    const target = factory();
    const s3Port = portOf(local.endpoints.s3);
    expect(await eventually(() => openSockets(s3Port) === 0)).toBe(true);
    const client = target.getClient(s3, local.clientOptions('s3'));
    expect(socketsOf(target, 's3')).toEqual({ open: 0, idle: 0, queued: 0, protocol: 'http/1.1' });

    await expect(read(client)).resolves.toBe('socket stats');
    expect(await eventually(() => socketsOf(target, 's3')?.idle === 1)).toBe(true);
    expect(socketsOf(target, 's3')).toEqual({ open: 1, idle: 1, queued: 0, protocol: 'http/1.1' });
    expect(openSockets(s3Port)).toBe(1);

    local.faults.inject('s3', { kind: 'slow-body', chunkDelayMs: 200, chunks: 3 }, { operation: 'GetObject' });
    const slow = read(client);
    expect(await eventually(() => socketsOf(target, 's3')?.idle === 0)).toBe(true);
    // The kept-alive socket was reused: still one open, now in use.
    expect(socketsOf(target, 's3')).toEqual({ open: 1, idle: 0, queued: 0, protocol: 'http/1.1' });
    await expect(slow).resolves.toBe('socket stats');
    expect(await eventually(() => socketsOf(target, 's3')?.idle === 1)).toBe(true);
  });

  it('counts requests queued for a socket when the pool is full (maxSockets), and the pool after they ran', async () => {
    const target = factory();
    const options = local.clientOptions('s3');
    const client = target.getClient(s3, { ...options, config: { ...options.config, requestHandler: { httpAgent: { maxSockets: 2 } } } });
    local.faults.inject('s3', { kind: 'slow-body', chunkDelayMs: 200, chunks: 3, count: 5 }, { operation: 'GetObject' });
    const reads = Array.from({ length: 5 }, () => read(client));
    expect(await eventually(() => socketsOf(target, 's3')?.queued === 3), JSON.stringify(socketsOf(target, 's3'))).toBe(true);
    expect(socketsOf(target, 's3')).toEqual({ open: 2, idle: 0, queued: 3, protocol: 'http/1.1' });
    await expect(Promise.all(reads)).resolves.toEqual(Array(5).fill('socket stats'));
    expect(await eventually(() => socketsOf(target, 's3')?.idle === 2)).toBe(true);
    expect(socketsOf(target, 's3')).toEqual({ open: 2, idle: 2, queued: 0, protocol: 'http/1.1' });
  });

  it('shows a caller’s own NodeHttpHandler instance (it has agents), and no sockets for a handler that exposes none', async () => {
    const target = factory();
    const options = local.clientOptions('s3');
    const own = new NodeHttpHandler({ httpAgent: { maxSockets: 4 } });
    const withOwn = target.getClient(s3, { ...options, config: { ...options.config, requestHandler: own } });
    await expect(read(withOwn)).resolves.toBe('socket stats');
    expect(await eventually(() => socketsOf(target, 's3')?.idle === 1)).toBe(true);

    // A caller's wrapper (logging, say) around a handler: it works, but shows no agent.
    const inner = new NodeHttpHandler();
    const wrapper = { handle: inner.handle.bind(inner), destroy: () => inner.destroy(), updateHttpClientConfig() {}, httpHandlerConfigs: () => ({}) };
    const other = createClientFactory();
    disposeAfterTest(other);
    const wrapped = other.getClient(s3, { ...options, config: { ...options.config, requestHandler: wrapper as never } });
    await expect(read(wrapped)).resolves.toBe('socket stats');
    const row = other.stats().entries[0];
    expect(row).toBeDefined();
    expect(row && 'sockets' in row).toBe(false);
    own.destroy();
    inner.destroy();
  });
});

describe('sockets in stats(): Bedrock Runtime’s Node HTTP/2 handler', () => {
  const converse = (text: string) => new ConverseCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text }] }] });

  it('with @dbp/aws-bedrock’s default (disableConcurrentStreams: true) every request has its own session outside the pool: no socket numbers, not zeros', async () => {
    const target = factory();
    const port = portOf(local.endpoints['bedrock-runtime']);
    expect(await eventually(() => openSockets(port) === 0)).toBe(true);
    const client = target.getClient(bedrockRuntime, local.clientOptions('bedrock-runtime'));
    // Before the first request nothing is open, and the handler says so.
    expect(socketsOf(target, 'bedrock-runtime')).toEqual({ open: 0, idle: 0, queued: 0, protocol: 'h2' });
    local.faults.inject('bedrock-runtime', { kind: 'slow-body', chunkDelayMs: 200, chunks: 3, count: 3 }, { operation: 'ConverseStream' });
    const streams = await Promise.all(
      [1, 2, 3].map(() => client.send(new ConverseStreamCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'hi' }] }] }))),
    );
    // Three sessions are open (one per request), none of them in the handler's pool.
    expect(openSockets(port)).toBe(3);
    const [row] = target.stats().entries;
    expect(row).toMatchObject({ inFlight: 3 });
    expect(row && 'sockets' in row).toBe(false);
    for (const output of streams) for await (const _event of output.stream ?? []);
    expect(await eventually(() => openSockets(port) === 0)).toBe(true);
  });

  it('with disableConcurrentStreams: false, shows the pooled sessions: open, and idle when no stream is active', async () => {
    const target = factory();
    const port = portOf(local.endpoints['bedrock-runtime']);
    expect(await eventually(() => openSockets(port) === 0)).toBe(true);
    const options = local.clientOptions('bedrock-runtime');
    const client = target.getClient(bedrockRuntime, { ...options, config: { ...options.config, requestHandler: { disableConcurrentStreams: false } } });
    local.faults.inject('bedrock-runtime', { kind: 'slow-body', chunkDelayMs: 200, chunks: 3, count: 2 }, { operation: 'Converse' });
    const replies = Promise.all([client.send(converse('one')), client.send(converse('two'))]);
    // Two concurrent streams share one pooled session.
    expect(await eventually(() => socketsOf(target, 'bedrock-runtime')?.open === 1)).toBe(true);
    expect(socketsOf(target, 'bedrock-runtime')).toEqual({ open: 1, idle: 0, queued: 0, protocol: 'h2' });
    // The session counts as open from its first byte out; its socket has a remote port once connected.
    expect(await eventually(() => openSockets(port) === 1)).toBe(true);
    await replies;
    expect(await eventually(() => socketsOf(target, 'bedrock-runtime')?.idle === 1)).toBe(true);
    expect(socketsOf(target, 'bedrock-runtime')).toEqual({ open: 1, idle: 1, queued: 0, protocol: 'h2' });
  });
});
