import { ConverseCommand, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { bedrockRuntime } from '@dbp/aws-bedrock';
import { createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Custom tiers with small timeouts, against real slow servers: a response
// that stalls fails after the read timeout; one that keeps flowing does not.
// A flowing body sends a chunk every quarter of the read timeout: 750 ms of
// slack per gap for a loaded machine (half of 400 ms was not enough margin
// for CI's four Node lanes). The connect timeout has a tier of its own, so a
// slow connect under load does not fail the read cases.
const READ_MS = 1_000;
const FLOWING_CHUNK_MS = READ_MS / 4;
const tiers = {
  quick: { maxAttempts: 1, retryMode: 'standard' as const, connectTimeoutMs: 10_000, readTimeoutMs: READ_MS },
  unreachable: { maxAttempts: 1, retryMode: 'standard' as const, connectTimeoutMs: 300, readTimeoutMs: 10_000 },
};
/** Well under the other timeout of each tier: a timeout that fired must be the one the test configured. */
const NOT_THE_OTHER_TIMEOUT_MS = 5_000;
const model = 'anthropic.claude-3-haiku-20240307-v1:0';
let local: LocalAws;
const factory = createClientFactory({ tiers });

beforeAll(async () => {
  local = await startLocalAws();
  const client = factory.getClient(s3, local.clientOptions('s3'));
  await client.send(new CreateBucketCommand({ Bucket: 'slow' }));
  await client.send(new PutObjectCommand({ Bucket: 'slow', Key: 'big.txt', Body: 'x'.repeat(64 * 1024) }));
});

afterAll(async () => {
  factory.dispose();
  await local.stop();
});

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const start = performance.now();
  try {
    const value = await run();
    return { ms: performance.now() - start, value };
  } catch (error) {
    return { ms: performance.now() - start, error };
  }
}

describe('read timeout on Node HTTP/1.1 (S3)', () => {
  it('fails a response that stalls after its headers, no sooner than the read timeout', async () => {
    const client = factory.getClient(s3, { ...local.clientOptions('s3'), tier: 'quick' });
    local.faults.inject('s3', { kind: 'stall-after-headers' }, { operation: 'GetObject' });
    const result = await timed(async () => {
      const object = await client.send(new GetObjectCommand({ Bucket: 'slow', Key: 'big.txt' }));
      return object.Body?.transformToString();
    });
    expect(result.error).toBeDefined();
    expect(String((result.error as Error).name)).toMatch(/Timeout/i);
    expect(result.ms).toBeGreaterThanOrEqual(READ_MS - 5);
    expect(result.ms).toBeLessThan(NOT_THE_OTHER_TIMEOUT_MS);
  });

  it('lets a slow but flowing response finish although it takes longer than the read timeout in total', async () => {
    const client = factory.getClient(s3, { ...local.clientOptions('s3'), tier: 'quick' });
    local.faults.inject('s3', { kind: 'slow-body', chunkDelayMs: FLOWING_CHUNK_MS, chunks: 6 }, { operation: 'GetObject' });
    const result = await timed(async () => {
      const object = await client.send(new GetObjectCommand({ Bucket: 'slow', Key: 'big.txt' }));
      return object.Body?.transformToString();
    });
    expect(result.error).toBeUndefined();
    expect(result.value).toHaveLength(64 * 1024);
    expect(result.ms).toBeGreaterThan(READ_MS);
  });
});

describe('connect timeout on Node HTTP/1.1', () => {
  it('fires on a listener that never accepts', async () => {
    const listener = await local.unresponsive();
    const client = factory.getClient(s3, { ...local.clientOptions('s3'), tier: 'unreachable', config: { endpoint: listener.endpoint, forcePathStyle: true } });
    const result = await timed(() => client.send(new ListBucketsCommand({})));
    expect(result.error).toBeDefined();
    expect(String((result.error as Error).name)).toMatch(/Timeout/i);
    expect(result.ms).toBeGreaterThanOrEqual(tiers.unreachable.connectTimeoutMs - 5);
    expect(result.ms).toBeLessThan(NOT_THE_OTHER_TIMEOUT_MS);
    await listener.close();
  });
});

describe('read timeout on Bedrock Runtime over HTTP/2', () => {
  const invoke = () =>
    new InvokeModelCommand({
      modelId: model,
      contentType: 'application/json',
      body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 512, messages: [{ role: 'user', content: 'Write a long answer' }] }),
    });
  const converse = () => new ConverseCommand({ modelId: model, messages: [{ role: 'user', content: [{ text: 'Write a long answer' }] }] });

  for (const [name, command] of [
    ['InvokeModel', invoke],
    ['Converse', converse],
  ] as const) {
    it(`fails a stalled ${name} instead of returning a truncated body`, async () => {
      const client = factory.getClient(bedrockRuntime, { ...local.clientOptions('bedrock-runtime'), tier: 'quick' });
      local.faults.inject('bedrock-runtime', { kind: 'stall-after-headers' }, { operation: name });
      const result = await timed(() => client.send(command() as never));
      expect(local.requests.entries('bedrock-runtime').at(-1)?.protocol).toBe('h2');
      expect(result.error, `a stalled ${name} must not resolve`).toBeDefined();
      expect(result.ms).toBeGreaterThanOrEqual(READ_MS - 5);
      expect(result.ms).toBeLessThan(NOT_THE_OTHER_TIMEOUT_MS);
    });

    it(`lets a slow but flowing ${name} finish`, async () => {
      const client = factory.getClient(bedrockRuntime, { ...local.clientOptions('bedrock-runtime'), tier: 'quick' });
      local.faults.inject('bedrock-runtime', { kind: 'slow-body', chunkDelayMs: FLOWING_CHUNK_MS, chunks: 5 }, { operation: name });
      const result = await timed(() => client.send(command() as never));
      expect(result.error).toBeUndefined();
      expect(result.ms).toBeGreaterThan(READ_MS);
    });
  }
});
