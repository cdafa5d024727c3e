import { createHash } from 'node:crypto';
import { encodeEvent } from '../eventStream.js';
import { jsonAuthCode, parseJsonObject, restJsonError, type ServiceBackend } from '../protocols.js';
import { type AwsRequest, type AwsResponse, jsonBody, requestId } from '../request.js';

/** Bedrock model providers: `<provider>.<model>` ids with these prefixes exist. */
const PROVIDERS = new Set([
  'ai21',
  'amazon',
  'anthropic',
  'cohere',
  'deepseek',
  'google',
  'luma',
  'meta',
  'minimax',
  'mistral',
  'moonshot',
  'nvidia',
  'openai',
  'qwen',
  'stability',
  'twelvelabs',
  'writer',
]);

/** Cross-region inference profile prefixes. */
const GEO_PREFIX = /^(us|eu|apac|us-gov|global|ca|jp|au)\./;

const ACTIONS: Record<string, string> = {
  invoke: 'InvokeModel',
  'invoke-with-response-stream': 'InvokeModelWithResponseStream',
  converse: 'Converse',
  'converse-stream': 'ConverseStream',
  'count-tokens': 'CountTokens',
};

interface Route {
  readonly operation: string;
  readonly modelId: string;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function route(req: AwsRequest): Route | undefined {
  const m = /^\/model\/([^/]+)\/([a-z-]+)$/.exec(req.path);
  if (!m || req.method !== 'POST') return undefined;
  const operation = ACTIONS[m[2]!];
  return operation ? { operation, modelId: decode(m[1]!) } : undefined;
}

/** `arn:…:foundation-model/anthropic.x` / `us.anthropic.x` → `anthropic.x`. */
function baseModelId(modelId: string): string {
  const id = modelId.startsWith('arn:') ? (modelId.split('/').pop() ?? '') : modelId;
  return id.replace(GEO_PREFIX, '');
}

function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

function tokenCount(text: string): number {
  return Math.max(1, words(text).length);
}

function validation(message: string): AwsResponse {
  return restJsonError(400, 'ValidationException', message);
}

function replyFor(modelId: string, prompt: string): string {
  const said = prompt.trim().replace(/\s+/g, ' ');
  const echo = said.length > 200 ? `${said.slice(0, 200)}…` : said;
  return echo === '' ? `Hello from the local ${modelId}.` : `Hello from the local ${modelId}. You said: "${echo}"`;
}

/** Cuts a reply to at most `maxTokens` words. */
function limit(text: string, maxTokens: number | undefined): { text: string; truncated: boolean } {
  if (maxTokens === undefined) return { text, truncated: false };
  const all = words(text);
  return all.length <= maxTokens ? { text, truncated: false } : { text: all.slice(0, maxTokens).join(' '), truncated: true };
}

function isPositiveInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** The text of content that is a string or an array of `{ text }` / `{ type: 'text', text }` blocks. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => (block && typeof block === 'object' && typeof (block as { text?: unknown }).text === 'string' ? (block as { text: string }).text : ''))
    .filter((t) => t !== '')
    .join('\n');
}

interface ChatMessage {
  role: string;
  content: unknown;
}

function checkMessages(messages: unknown, contentMustBeArray: boolean): string | ChatMessage[] {
  if (!Array.isArray(messages) || messages.length === 0) return 'The messages field must be a non-empty list of messages.';
  for (const [i, m] of messages.entries()) {
    if (!m || typeof m !== 'object') return `messages.${i} must be an object.`;
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (role !== 'user' && role !== 'assistant') return `messages.${i}.role must be one of user, assistant.`;
    if (contentMustBeArray ? !Array.isArray(content) || content.length === 0 : typeof content !== 'string' && !Array.isArray(content)) {
      return `messages.${i}.content must be ${contentMustBeArray ? 'a non-empty list of content blocks' : 'a string or a list of content blocks'}.`;
    }
  }
  if ((messages[0] as ChatMessage).role !== 'user') {
    return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
  }
  return messages as ChatMessage[];
}

function lastUserText(messages: ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return contentText(messages[i]!.content);
  return '';
}

function allText(messages: ChatMessage[], system?: unknown): string {
  return [contentText(system), ...messages.map((m) => contentText(m.content))].join(' ');
}

function embedding(text: string, dimensions: number, normalize: boolean): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}:${text}`).digest();
    for (const byte of digest) if (values.length < dimensions) values.push(byte / 127.5 - 1);
  }
  if (!normalize) return values;
  const norm = Math.sqrt(values.reduce((s, v) => s + v * v, 0)) || 1;
  return values.map((v) => Math.round((v / norm) * 1e6) / 1e6);
}

interface InvokeResult {
  body: unknown;
  inputTokens: number;
  outputTokens: number;
  /** The reply text, for the streaming variant. */
  text: string;
  stopReason: string;
}

/** InvokeModel: a deterministic reply in the body format of the model's provider. */
function invoke(modelId: string, body: Record<string, unknown>): InvokeResult | AwsResponse {
  const base = baseModelId(modelId);
  const provider = base.split('.')[0] ?? '';
  if (provider === 'anthropic') {
    if (body.messages !== undefined) {
      if (typeof body.anthropic_version !== 'string')
        return validation('Malformed input request: #: required key [anthropic_version] not found, please reformat your input and try again.');
      if (!isPositiveInt(body.max_tokens))
        return validation('Malformed input request: #: required key [max_tokens] not found, please reformat your input and try again.');
      const messages = checkMessages(body.messages, false);
      if (typeof messages === 'string') return validation(messages);
      const input = tokenCount(allText(messages, body.system));
      const { text, truncated } = limit(replyFor(base, lastUserText(messages)), body.max_tokens);
      const output = tokenCount(text);
      const stopReason = truncated ? 'max_tokens' : 'end_turn';
      return {
        inputTokens: input,
        outputTokens: output,
        text,
        stopReason,
        body: {
          id: `msg_bdrk_${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 24)}`,
          type: 'message',
          role: 'assistant',
          model: base,
          content: [{ type: 'text', text }],
          stop_reason: stopReason,
          stop_sequence: null,
          usage: { input_tokens: input, output_tokens: output },
        },
      };
    }
    if (typeof body.prompt === 'string') {
      if (!isPositiveInt(body.max_tokens_to_sample))
        return validation('Malformed input request: #: required key [max_tokens_to_sample] not found, please reformat your input and try again.');
      const { text, truncated } = limit(replyFor(base, body.prompt.replace(/\n\nHuman:|\n\nAssistant:/g, ' ')), body.max_tokens_to_sample);
      const stopReason = truncated ? 'max_tokens' : 'stop_sequence';
      return {
        inputTokens: tokenCount(body.prompt),
        outputTokens: tokenCount(text),
        text,
        stopReason,
        body: { type: 'completion', completion: ` ${text}`, stop_reason: stopReason, stop: truncated ? null : '\n\nHuman:' },
      };
    }
    return validation('Malformed input request: #: required key [messages] not found, please reformat your input and try again.');
  }
  if (provider === 'amazon' && /embed/.test(base)) {
    if (typeof body.inputText !== 'string' || body.inputText === '')
      return validation('Malformed input request: #: required key [inputText] not found, please reformat your input and try again.');
    const dimensions = isPositiveInt(body.dimensions) ? body.dimensions : 1024;
    const vector = embedding(body.inputText, dimensions, body.normalize !== false);
    const input = tokenCount(body.inputText);
    return {
      inputTokens: input,
      outputTokens: 0,
      text: '',
      stopReason: 'end_turn',
      body: { embedding: vector, embeddingsByType: { float: vector }, inputTextTokenCount: input },
    };
  }
  if (provider === 'amazon' && base.startsWith('amazon.nova')) {
    const messages = checkMessages(body.messages, true);
    if (typeof messages === 'string') return validation(`Malformed input request: ${messages}`);
    const maxTokens =
      (body.inferenceConfig as { maxTokens?: unknown; max_new_tokens?: unknown } | undefined)?.max_new_tokens ??
      (body.inferenceConfig as { maxTokens?: unknown } | undefined)?.maxTokens;
    const input = tokenCount(allText(messages, body.system));
    const { text, truncated } = limit(replyFor(base, lastUserText(messages)), isPositiveInt(maxTokens) ? maxTokens : undefined);
    const output = tokenCount(text);
    const stopReason = truncated ? 'max_tokens' : 'end_turn';
    return {
      inputTokens: input,
      outputTokens: output,
      text,
      stopReason,
      body: {
        output: { message: { role: 'assistant', content: [{ text }] } },
        stopReason,
        usage: { inputTokens: input, outputTokens: output, totalTokens: input + output },
      },
    };
  }
  if (provider === 'amazon' && base.startsWith('amazon.titan')) {
    if (typeof body.inputText !== 'string')
      return validation('Malformed input request: #: required key [inputText] not found, please reformat your input and try again.');
    const maxTokens = (body.textGenerationConfig as { maxTokenCount?: unknown } | undefined)?.maxTokenCount;
    const { text, truncated } = limit(replyFor(base, body.inputText), isPositiveInt(maxTokens) ? maxTokens : undefined);
    const input = tokenCount(body.inputText);
    const output = tokenCount(text);
    const stopReason = truncated ? 'LENGTH' : 'FINISH';
    return {
      inputTokens: input,
      outputTokens: output,
      text,
      stopReason,
      body: { inputTextTokenCount: input, results: [{ tokenCount: output, outputText: text, completionReason: stopReason }] },
    };
  }
  if (provider === 'meta' || provider === 'mistral') {
    if (typeof body.prompt !== 'string')
      return validation('Malformed input request: #: required key [prompt] not found, please reformat your input and try again.');
    const maxTokens = body.max_gen_len ?? body.max_tokens;
    const { text, truncated } = limit(replyFor(base, body.prompt), isPositiveInt(maxTokens) ? maxTokens : undefined);
    const input = tokenCount(body.prompt);
    const output = tokenCount(text);
    const stopReason = truncated ? 'length' : 'stop';
    const out =
      provider === 'meta'
        ? { generation: text, prompt_token_count: input, generation_token_count: output, stop_reason: stopReason }
        : { outputs: [{ text, stop_reason: stopReason }] };
    return { inputTokens: input, outputTokens: output, text, stopReason, body: out };
  }
  // Any other JSON body: echo it with a reply.
  const prompt = typeof body.prompt === 'string' ? body.prompt : typeof body.inputText === 'string' ? body.inputText : JSON.stringify(body);
  const text = replyFor(base, prompt);
  const input = tokenCount(prompt);
  const output = tokenCount(text);
  return { inputTokens: input, outputTokens: output, text, stopReason: 'end_turn', body: { model: base, outputText: text, input: body } };
}

interface ConverseResult {
  content: Array<Record<string, unknown>>;
  text: string;
  stopReason: string;
  usage: { inputTokens: number; outputTokens: number; totalTokens: number };
}

/** Converse / ConverseStream. */
function converse(modelId: string, body: Record<string, unknown>): ConverseResult | AwsResponse {
  const base = baseModelId(modelId);
  if (/embed/.test(base)) return validation("This action doesn't support the model that you provided. Try again with a supported text or chat model.");
  const messages = checkMessages(body.messages, true);
  if (typeof messages === 'string') return validation(messages);
  if (body.system !== undefined && !Array.isArray(body.system)) return validation('The system field must be a list of system content blocks.');
  const inference = (body.inferenceConfig ?? {}) as { maxTokens?: unknown };
  if (inference.maxTokens !== undefined && !isPositiveInt(inference.maxTokens)) {
    return validation(
      `1 validation error detected: Value '${String(inference.maxTokens)}' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1`,
    );
  }
  const input = tokenCount(allText(messages, body.system));
  const toolConfig = body.toolConfig as
    | { tools?: Array<{ toolSpec?: { name?: string } }>; toolChoice?: { tool?: { name?: string }; any?: unknown } }
    | undefined;
  const forcedTool = toolConfig?.toolChoice?.tool?.name ?? (toolConfig?.toolChoice?.any !== undefined ? toolConfig?.tools?.[0]?.toolSpec?.name : undefined);
  if (forcedTool) {
    const toolUse = { toolUseId: `tooluse_${createHash('sha256').update(JSON.stringify(messages)).digest('hex').slice(0, 22)}`, name: forcedTool, input: {} };
    return { content: [{ toolUse }], text: '', stopReason: 'tool_use', usage: { inputTokens: input, outputTokens: 1, totalTokens: input + 1 } };
  }
  const { text, truncated } = limit(replyFor(base, lastUserText(messages)), inference.maxTokens as number | undefined);
  const output = tokenCount(text);
  return {
    content: [{ text }],
    text,
    stopReason: truncated ? 'max_tokens' : 'end_turn',
    usage: { inputTokens: input, outputTokens: output, totalTokens: input + output },
  };
}

/** Splits a reply into a few deterministic stream deltas. */
function deltas(text: string): string[] {
  const parts = text.match(/\S+\s*/g) ?? [];
  const out: string[] = [];
  for (let i = 0; i < parts.length; i += 3) out.push(parts.slice(i, i + 3).join(''));
  return out.length > 0 ? out : [''];
}

function eventStreamResponse(events: Buffer[]): AwsResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': requestId(36), 'x-amzn-bedrock-content-type': 'application/json' },
    body: Buffer.concat(events),
  };
}

function codeForStatus(status: number): string {
  const codes: Record<number, string> = {
    400: 'ValidationException',
    403: 'AccessDeniedException',
    404: 'ResourceNotFoundException',
    408: 'ModelTimeoutException',
    424: 'ModelErrorException',
    429: 'ThrottlingException',
    500: 'InternalServerException',
    503: 'ServiceUnavailableException',
  };
  return codes[status] ?? (status >= 500 ? 'InternalServerException' : 'ValidationException');
}

/** Bedrock Runtime (restJson1): InvokeModel, InvokeModelWithResponseStream, Converse, ConverseStream. */
export function createBedrockBackend(extraModels: readonly string[]): ServiceBackend {
  const extra = new Set(extraModels.map(baseModelId));
  const exists = (modelId: string): boolean => {
    const base = baseModelId(modelId);
    if (extra.has(base) || extra.has(modelId)) return true;
    const dot = base.indexOf('.');
    return dot > 0 && dot < base.length - 1 && PROVIDERS.has(base.slice(0, dot));
  };

  return {
    name: 'bedrock-runtime',
    signingName: 'bedrock',
    operation: (req) => route(req)?.operation ?? 'Unknown',
    codeForStatus,
    error: (_req, status, code, message) => restJsonError(status, code, message),
    throttle: () => restJsonError(429, 'ThrottlingException', 'Too many requests, please wait before trying again.'),
    authError: (_req, { kind, message }) => restJsonError(403, jsonAuthCode(kind), message),
    async handle(req) {
      const r = route(req);
      if (!r) return restJsonError(404, 'UnknownOperationException', `No operation matches ${req.method} ${req.path}`);
      if (r.operation === 'CountTokens') return restJsonError(400, 'ValidationException', 'CountTokens is not supported by @dbp/aws-testkit.');
      if (!exists(r.modelId))
        return restJsonError(404, 'ResourceNotFoundException', `Model not found: the model '${r.modelId}' does not exist or is not available.`);
      const body = parseJsonObject(req.body);
      if (!body) return validation('Malformed input request, please reformat your input and try again.');

      if (r.operation === 'InvokeModel' || r.operation === 'InvokeModelWithResponseStream') {
        const result = invoke(r.modelId, body);
        if ('status' in result) return result;
        if (r.operation === 'InvokeModel') {
          return {
            status: 200,
            headers: {
              'content-type': 'application/json',
              'x-amzn-requestid': requestId(36),
              'x-amzn-bedrock-input-token-count': String(result.inputTokens),
              'x-amzn-bedrock-output-token-count': String(result.outputTokens),
              'x-amzn-bedrock-invocation-latency': '1',
            },
            body: jsonBody(result.body),
          };
        }
        const chunk = (value: unknown): Buffer => encodeEvent('chunk', { bytes: jsonBody(value).toString('base64') });
        const metrics = { inputTokenCount: result.inputTokens, outputTokenCount: result.outputTokens, invocationLatency: 1, firstByteLatency: 1 };
        if (baseModelId(r.modelId).startsWith('anthropic.') && body.messages !== undefined) {
          const message = result.body as Record<string, unknown>;
          const events = [
            chunk({
              type: 'message_start',
              message: { ...message, content: [], stop_reason: null, usage: { input_tokens: result.inputTokens, output_tokens: 0 } },
            }),
            chunk({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
            ...deltas(result.text).map((text) => chunk({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })),
            chunk({ type: 'content_block_stop', index: 0 }),
            chunk({ type: 'message_delta', delta: { stop_reason: result.stopReason, stop_sequence: null }, usage: { output_tokens: result.outputTokens } }),
            chunk({ type: 'message_stop', 'amazon-bedrock-invocationMetrics': metrics }),
          ];
          return eventStreamResponse(events);
        }
        return eventStreamResponse([chunk({ ...(result.body as Record<string, unknown>), 'amazon-bedrock-invocationMetrics': metrics })]);
      }

      const result = converse(r.modelId, body);
      if ('status' in result) return result;
      if (r.operation === 'Converse') {
        return {
          status: 200,
          headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId(36) },
          body: jsonBody({
            output: { message: { role: 'assistant', content: result.content } },
            stopReason: result.stopReason,
            usage: result.usage,
            metrics: { latencyMs: 1 },
          }),
        };
      }
      const events = [encodeEvent('messageStart', { role: 'assistant' })];
      const first = result.content[0] ?? {};
      if (first.toolUse) {
        const toolUse = first.toolUse as { toolUseId: string; name: string; input: unknown };
        events.push(encodeEvent('contentBlockStart', { contentBlockIndex: 0, start: { toolUse: { toolUseId: toolUse.toolUseId, name: toolUse.name } } }));
        events.push(encodeEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: JSON.stringify(toolUse.input) } } }));
      } else {
        for (const text of deltas(result.text)) events.push(encodeEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text } }));
      }
      events.push(encodeEvent('contentBlockStop', { contentBlockIndex: 0 }));
      events.push(encodeEvent('messageStop', { stopReason: result.stopReason }));
      events.push(encodeEvent('metadata', { usage: result.usage, metrics: { latencyMs: 1 } }));
      return eventStreamResponse(events);
    },
    async close() {},
  };
}
