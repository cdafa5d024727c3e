import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { FetchHttpHandler } from '@smithy/fetch-http-handler';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../test/helpers.js';
import { type LocalAws, startLocalAws } from './index.js';

const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';

let local: LocalAws;
let h2: BedrockRuntimeClient;
let h1: BedrockRuntimeClient;
let viaFetch: BedrockRuntimeClient;

beforeAll(async () => {
  local = await startLocalAws({ services: ['bedrock-runtime'], bedrockModels: ['custom-model-1'] });
  const { region, credentials, config } = local.clientOptions('bedrock-runtime');
  h2 = new BedrockRuntimeClient({ region, credentials, ...config });
  h1 = new BedrockRuntimeClient({ region, credentials, ...config, requestHandler: new NodeHttpHandler() });
  // What a browser uses: fetch over HTTP/1.1.
  viaFetch = new BedrockRuntimeClient({ region, credentials, ...config, requestHandler: new FetchHttpHandler() });
});

afterAll(async () => {
  h2?.destroy();
  h1?.destroy();
  viaFetch?.destroy();
  await local?.stop();
});

const anthropicBody = (text: string, maxTokens = 200): string =>
  JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: maxTokens, messages: [{ role: 'user', content: [{ type: 'text', text }] }] });

describe.each([
  ['HTTP/2 (the default Node handler)', () => h2, 'h2'],
  ['HTTP/1.1 (NodeHttpHandler)', () => h1, 'http/1.1'],
  ['HTTP/1.1 (FetchHttpHandler, as in browsers)', () => viaFetch, 'http/1.1'],
] as const)('Bedrock Runtime over %s', (_name, client, protocol) => {
  it('answers Converse', async () => {
    local.requests.reset();
    const out = await client().send(new ConverseCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'What is 2+2?' }] }] }));
    expect(out.output?.message?.role).toBe('assistant');
    expect(out.output?.message?.content?.[0]?.text).toContain('What is 2+2?');
    expect(out.stopReason).toBe('end_turn');
    expect(out.usage?.totalTokens).toBe((out.usage?.inputTokens ?? 0) + (out.usage?.outputTokens ?? 0));
    expect(out.metrics?.latencyMs).toBeTypeOf('number');
    expect(local.requests.entries('bedrock-runtime')).toMatchObject([{ operation: 'Converse', status: 200, protocol, signatureValid: true }]);
  });

  it('answers InvokeModel with an Anthropic messages body, deterministically', async () => {
    const send = () => client().send(new InvokeModelCommand({ modelId: `us.${MODEL}`, contentType: 'application/json', body: anthropicBody('Hello there') }));
    const first = JSON.parse(new TextDecoder().decode((await send()).body));
    const second = JSON.parse(new TextDecoder().decode((await send()).body));
    expect(first).toEqual(second);
    expect(first).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn', content: [{ type: 'text' }] });
    expect(first.content[0].text).toContain('Hello there');
    expect(first.usage.input_tokens).toBeGreaterThan(0);
  });

  it('answers InvokeModel for Titan embeddings and any JSON body of a known model', async () => {
    const embed = await client().send(
      new InvokeModelCommand({ modelId: 'amazon.titan-embed-text-v2:0', body: JSON.stringify({ inputText: 'hi', dimensions: 256 }) }),
    );
    expect(JSON.parse(new TextDecoder().decode(embed.body)).embedding).toHaveLength(256);
    const custom = await client().send(new InvokeModelCommand({ modelId: 'custom-model-1', body: JSON.stringify({ anything: true }) }));
    expect(JSON.parse(new TextDecoder().decode(custom.body))).toMatchObject({ input: { anything: true } });
  });

  it('maps unknown models to ResourceNotFoundException and bad bodies to ValidationException', async () => {
    const unknown = await rejection(
      client().send(new ConverseCommand({ modelId: 'nobody.nothing-v1', messages: [{ role: 'user', content: [{ text: 'x' }] }] })),
    );
    expect(unknown).toBeInstanceOf(ResourceNotFoundException);
    expect(unknown.$metadata?.httpStatusCode).toBe(404);
    const notJson = await rejection(client().send(new InvokeModelCommand({ modelId: MODEL, body: 'not json' })));
    expect(notJson).toBeInstanceOf(ValidationException);
    const noVersion = await rejection(client().send(new InvokeModelCommand({ modelId: MODEL, body: JSON.stringify({ messages: [] }) })));
    expect(noVersion).toBeInstanceOf(ValidationException);
    const assistantFirst = await rejection(client().send(new ConverseCommand({ modelId: MODEL, messages: [{ role: 'assistant', content: [{ text: 'x' }] }] })));
    expect(assistantFirst).toBeInstanceOf(ValidationException);
    expect(assistantFirst.message).toMatch(/must start with a user message/);
  });

  it('streams ConverseStream events', async () => {
    const out = await client().send(
      new ConverseStreamCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: 'Tell me a story' }] }], inferenceConfig: { maxTokens: 5 } }),
    );
    let text = '';
    const kinds: string[] = [];
    for await (const event of out.stream!) {
      kinds.push(Object.keys(event).find((k) => k !== '$unknown') ?? '?');
      text += event.contentBlockDelta?.delta?.text ?? '';
      if (event.messageStop) expect(event.messageStop.stopReason).toBe('max_tokens');
      if (event.metadata) expect(event.metadata.usage?.outputTokens).toBe(5);
    }
    expect(kinds[0]).toBe('messageStart');
    expect(kinds.slice(-3)).toEqual(['contentBlockStop', 'messageStop', 'metadata']);
    expect(text.split(/\s+/).filter(Boolean)).toHaveLength(5);
  });

  it('streams InvokeModelWithResponseStream chunks', async () => {
    const out = await client().send(new InvokeModelWithResponseStreamCommand({ modelId: MODEL, body: anthropicBody('Stream please') }));
    const types: string[] = [];
    let text = '';
    for await (const event of out.body!) {
      const chunk = JSON.parse(new TextDecoder().decode(event.chunk?.bytes));
      types.push(chunk.type);
      if (chunk.type === 'content_block_delta') text += chunk.delta.text;
    }
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(text).toContain('Stream please');
  });
});

describe('Bedrock Runtime body formats', () => {
  const invoke = async (modelId: string, body: unknown) =>
    JSON.parse(new TextDecoder().decode((await h1.send(new InvokeModelCommand({ modelId, body: JSON.stringify(body) }))).body));

  it('answers in the format of each provider', async () => {
    expect(
      await invoke('amazon.nova-lite-v1:0', { messages: [{ role: 'user', content: [{ text: 'nova?' }] }], inferenceConfig: { maxTokens: 3 } }),
    ).toMatchObject({
      output: { message: { role: 'assistant', content: [{ text: expect.any(String) }] } },
      stopReason: 'max_tokens',
      usage: { outputTokens: 3 },
    });
    expect(await invoke('amazon.titan-text-express-v1', { inputText: 'titan?' })).toMatchObject({ results: [{ completionReason: 'FINISH' }] });
    expect(await invoke('meta.llama3-8b-instruct-v1:0', { prompt: 'llama?' })).toMatchObject({
      stop_reason: 'stop',
      generation: expect.stringContaining('llama?'),
    });
    expect(await invoke('mistral.mistral-7b-instruct-v0:2', { prompt: 'mistral?' })).toMatchObject({ outputs: [{ stop_reason: 'stop' }] });
    expect(
      await invoke(`arn:aws:bedrock:us-east-1::foundation-model/${MODEL}`, { prompt: '\n\nHuman: old?\n\nAssistant:', max_tokens_to_sample: 50 }),
    ).toMatchObject({
      type: 'completion',
    });
  });

  it('returns a toolUse block when the request forces a tool', async () => {
    const out = await h1.send(
      new ConverseCommand({
        modelId: MODEL,
        messages: [{ role: 'user', content: [{ text: 'weather?' }] }],
        toolConfig: {
          tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }],
          toolChoice: { tool: { name: 'get_weather' } },
        },
      }),
    );
    expect(out.stopReason).toBe('tool_use');
    expect(out.output?.message?.content?.[0]?.toolUse?.name).toBe('get_weather');
  });
});
