import { ConverseStreamCommand, type ConverseStreamCommandOutput, InvokeModelWithResponseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { bedrockRuntime } from '@dbp/aws-bedrock';
import { type ClientFactoryOptions, createClientFactory, type FactoryEvent } from '@dbp/aws-core';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposedAfterEach, eventually, openSockets, portOf } from './helpers.js';

// Event streams stay in flight until their iterator finishes. The testkit's S3
// (s3rver) has no SelectObjectContent, so these use Bedrock Runtime's
// ConverseStream and InvokeModelWithResponseStream: the real client, over the
// SDK's Node HTTP/2 handler, against the testkit's h2c endpoint.

let local: LocalAws;
const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';

beforeAll(async () => {
  local = await startLocalAws({ services: ['bedrock-runtime'] });
});

afterAll(async () => {
  await local.stop();
});

const disposeAfterTest = disposedAfterEach(() => local);

function setup(options: ClientFactoryOptions = {}) {
  const events: FactoryEvent[] = [];
  const warnings: string[] = [];
  const factory = createClientFactory({
    logger: { warn: (...args: unknown[]) => warnings.push(args.map(String).join(' ')) },
    onEvent: (event) => events.push(event),
    ...options,
  });
  disposeAfterTest(factory);
  const client = factory.getClient(bedrockRuntime, local.clientOptions('bedrock-runtime'));
  const entry = () => factory.stats().entries.find((row) => row.service === 'bedrock-runtime');
  return { factory, client, events, warnings, entry };
}

const converse = (text: string) =>
  new ConverseStreamCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text }] }], inferenceConfig: { maxTokens: 60 } });

/** Every text delta of a ConverseStream, and how many events it had. */
async function readAll(output: ConverseStreamCommandOutput, onEvent: () => void = () => {}): Promise<{ text: string; events: number }> {
  let text = '';
  let events = 0;
  for await (const event of output.stream ?? []) {
    events++;
    text += event.contentBlockDelta?.delta?.text ?? '';
    onEvent();
  }
  return { text, events };
}

describe('event streams (Bedrock Runtime over HTTP/2)', () => {
  it('a ConverseStream counts in flight until its iterator finishes', async () => {
    const { client, entry } = setup();
    // The server sends the event stream in 6 pieces, 150 ms apart.
    local.faults.inject('bedrock-runtime', { kind: 'slow-body', chunkDelayMs: 150, chunks: 6 }, { operation: 'ConverseStream' });
    const output = await client.send(converse('Tell me a long story about sockets'));
    expect(entry()).toMatchObject({ inFlight: 1, bodies: 1 });
    const seen: number[] = [];
    const { text, events } = await readAll(output, () => seen.push(entry()?.inFlight ?? -1));
    expect(text.length).toBeGreaterThan(0);
    expect(events).toBeGreaterThan(2);
    // In flight while events were still coming, done once the iterator finished.
    expect(seen.slice(0, -1).every((inFlight) => inFlight === 1)).toBe(true);
    expect(await eventually(() => entry()?.inFlight === 0)).toBe(true);
    expect(entry()?.bodies).toBe(0);
  });

  it('break out of for await ends the stream: no longer in flight, its HTTP/2 session closed', async () => {
    const { client, entry } = setup();
    const port = portOf(local.endpoints['bedrock-runtime']);
    // The previous test's session closes a moment after its stream ended.
    expect(await eventually(() => openSockets(port) === 0)).toBe(true);
    const baseline = 0;
    // Slow enough that the server is still sending when the loop breaks.
    local.faults.inject('bedrock-runtime', { kind: 'slow-body', chunkDelayMs: 300, chunks: 6 }, { operation: 'ConverseStream' });
    const output = await client.send(converse('Tell me a long story about sockets'));
    expect(openSockets(port)).toBe(baseline + 1);
    for await (const _event of output.stream ?? []) {
      expect(entry()?.inFlight).toBe(1);
      break;
    }
    // The SDK's iterators do not pass return() on to the body; the factory destroys it.
    expect(await eventually(() => entry()?.inFlight === 0)).toBe(true);
    expect(entry()?.bodies).toBe(0);
    expect(await eventually(() => openSockets(port) === baseline)).toBe(true);
    // The client goes on working.
    await expect(readAll(await client.send(converse('And another')))).resolves.toMatchObject({ text: expect.any(String) });
  });

  it('InvokeModelWithResponseStream counts in flight until its iterator finishes', async () => {
    const { client, entry } = setup();
    local.faults.inject('bedrock-runtime', { kind: 'slow-body', chunkDelayMs: 150, chunks: 4 }, { operation: 'InvokeModelWithResponseStream' });
    const output = await client.send(
      new InvokeModelWithResponseStreamCommand({
        modelId: MODEL,
        contentType: 'application/json',
        body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 60, messages: [{ role: 'user', content: 'Stream please' }] }),
      }),
    );
    expect(entry()?.inFlight).toBe(1);
    let chunks = 0;
    for await (const part of output.body ?? []) if (part.chunk) chunks++;
    expect(chunks).toBeGreaterThan(0);
    expect(await eventually(() => entry()?.inFlight === 0)).toBe(true);
  });

  it('clearing the cache mid-stream does not abort the stream; the client is destroyed once it ends', async () => {
    const { factory, client, events } = setup();
    local.faults.inject('bedrock-runtime', { kind: 'slow-body', chunkDelayMs: 150, chunks: 6 }, { operation: 'ConverseStream' });
    const output = await client.send(converse('Tell me a long story about sockets'));
    const whole = await setup().client.send(converse('Tell me a long story about sockets'));
    const expected = await readAll(whole);
    expect(factory.clearCache()).toBe(1);
    expect(factory.stats().draining).toBe(1);
    expect(events.filter((event) => event.name === 'dbp:aws:client:destroy')).toEqual([]);
    await expect(readAll(output)).resolves.toEqual(expected);
    expect(await eventually(() => factory.stats().draining === 0)).toBe(true);
    expect(events.filter((event) => event.name === 'dbp:aws:client:destroy')).toMatchObject([{ service: 'bedrock-runtime', reason: 'cleared' }]);
  });

  it('a stream nobody iterates is reported as abandoned, naming ConverseStream', async () => {
    const { client, events, warnings } = setup({ abandonedBodyMs: 150, disposeGraceMs: 0 });
    local.faults.inject('bedrock-runtime', { kind: 'slow-body', chunkDelayMs: 50, chunks: 2 }, { operation: 'ConverseStream' });
    await client.send(converse('Nobody will read this'));
    expect(await eventually(() => events.some((event) => event.name === 'dbp:aws:body:abandoned'))).toBe(true);
    expect(events.find((event) => event.name === 'dbp:aws:body:abandoned')).toMatchObject({
      service: 'bedrock-runtime',
      tier: 'ai',
      reason: 'ConverseStream',
      count: 1,
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('1 response body of ConverseStream');
  });

  it("a stream read while the model pauses longer than abandonedBodyMs is not reported (and 'destroy' does not kill it)", async () => {
    const { client, events } = setup({ abandonedBodyMs: 100, onAbandonedBody: 'destroy' });
    local.faults.inject('bedrock-runtime', { kind: 'slow-body', chunkDelayMs: 400, chunks: 3 }, { operation: 'ConverseStream' });
    const output = await client.send(converse('Think hard before each word'));
    const { text } = await readAll(output);
    expect(text.length).toBeGreaterThan(0);
    expect(events.filter((event) => event.name === 'dbp:aws:body:abandoned')).toEqual([]);
  });
});
