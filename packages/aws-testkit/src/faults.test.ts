import * as http2 from 'node:http2';
import { AthenaClient, ListQueryExecutionsCommand } from '@aws-sdk/client-athena';
import { BedrockRuntimeClient, ConverseCommand, ValidationException } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListEndpointsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastRetries, rejection } from '../test/helpers.js';
import { type Fault, type LocalAws, type LocalServiceName, startLocalAws } from './index.js';

let local: LocalAws;

beforeAll(async () => {
  local = await startLocalAws();
  const s3 = new S3Client(s3Options({}));
  await s3.send(new CreateBucketCommand({ Bucket: 'faults' }));
  await s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'object.txt', Body: 'x'.repeat(1000) }));
  s3.destroy();
});

afterAll(async () => {
  await local?.stop();
});

function base(service: LocalServiceName) {
  const { region, credentials, config } = local.clientOptions(service);
  return { region, credentials, ...config };
}
function s3Options(extra: Record<string, unknown>) {
  return { ...base('s3'), ...extra };
}
const converse = () => new ConverseCommand({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', messages: [{ role: 'user', content: [{ text: 'hi' }] }] });

async function using<C extends { destroy(): void }, T>(client: C, fn: (client: C) => Promise<T>): Promise<T> {
  try {
    return await fn(client);
  } finally {
    client.destroy();
  }
}

interface Case {
  service: LocalServiceName;
  operation: string;
  throttleStatus: number;
  throttleName: string;
  badRequestName: string;
  call: (extra: Record<string, unknown>) => Promise<unknown>;
}

const cases: Case[] = [
  {
    service: 's3',
    operation: 'ListObjectsV2',
    throttleStatus: 503,
    throttleName: 'SlowDown',
    badRequestName: 'InvalidRequest',
    call: (extra) => using(new S3Client({ ...base('s3'), ...extra }), (c) => c.send(new ListObjectsV2Command({ Bucket: 'faults' }))),
  },
  {
    service: 'dynamodb',
    operation: 'ListTables',
    throttleStatus: 400,
    throttleName: 'ThrottlingException',
    badRequestName: 'ValidationException',
    call: (extra) => using(new DynamoDBClient({ ...base('dynamodb'), ...extra }), (c) => c.send(new ListTablesCommand({}))),
  },
  {
    service: 'bedrock-runtime',
    operation: 'Converse',
    throttleStatus: 429,
    throttleName: 'ThrottlingException',
    badRequestName: 'ValidationException',
    call: (extra) => using(new BedrockRuntimeClient({ ...base('bedrock-runtime'), ...extra }), (c) => c.send(converse())),
  },
  {
    service: 'sagemaker',
    operation: 'ListEndpoints',
    throttleStatus: 400,
    throttleName: 'ThrottlingException',
    badRequestName: 'ValidationException',
    call: (extra) => using(new SageMakerClient({ ...base('sagemaker'), ...extra }), (c) => c.send(new ListEndpointsCommand({}))),
  },
  {
    service: 'athena',
    operation: 'ListQueryExecutions',
    throttleStatus: 400,
    throttleName: 'TooManyRequestsException',
    badRequestName: 'InvalidRequestException',
    call: (extra) => using(new AthenaClient({ ...base('athena'), ...extra }), (c) => c.send(new ListQueryExecutionsCommand({}))),
  },
  {
    service: 'sts',
    operation: 'GetCallerIdentity',
    throttleStatus: 400,
    throttleName: 'Throttling',
    badRequestName: 'ValidationError',
    call: (extra) => using(new STSClient({ ...base('sts'), ...extra }), (c) => c.send(new GetCallerIdentityCommand({}))),
  },
  {
    service: 'sqs',
    operation: 'ListQueues',
    throttleStatus: 403,
    throttleName: 'RequestThrottled',
    badRequestName: 'InvalidParameterValue',
    call: (extra) => using(new SQSClient({ ...base('sqs'), ...extra }), (c) => c.send(new ListQueuesCommand({}))),
  },
];

describe.each(cases)('faults on $service', ({ service, operation, throttleStatus, throttleName, badRequestName, call }) => {
  it(`throttles with ${throttleStatus} ${throttleName}, which the SDK retries`, async () => {
    local.requests.reset();
    local.faults.inject(service, { kind: 'throttle', count: 2 }, { operation });
    expect(local.faults.pending(service)).toBe(2);
    await call(fastRetries(3));
    expect(local.requests.count(service, { operation })).toBe(3);
    expect(local.requests.count(service, { operation, status: throttleStatus })).toBe(2);
    expect(local.faults.pending(service)).toBe(0);
    local.faults.inject(service, { kind: 'throttle', count: 5 });
    const err = await rejection(call(fastRetries(2)));
    expect(err.name).toBe(throttleName);
    expect(err.$metadata?.attempts).toBe(2);
    local.faults.clear(service);
  });

  it('sends x-amz-retry-after with throttling: 100 ms by default, the given value, or none', async () => {
    const header = async (fault: Fault): Promise<string | undefined> => {
      local.faults.inject(service, fault);
      const err = await rejection(call(fastRetries(1)));
      expect(err.name).toBe(throttleName);
      return (err as { $response?: { headers: Record<string, string> } }).$response?.headers['x-amz-retry-after'];
    };
    expect(await header({ kind: 'throttle' })).toBe('100');
    expect(await header({ kind: 'throttle', retryAfterMs: 2500 })).toBe('2500');
    expect(await header({ kind: 'throttle', retryAfterMs: false })).toBeUndefined();
  });

  it('sends plain error statuses: 500 is retried, 400 is not', async () => {
    local.requests.reset();
    local.faults.inject(service, { kind: 'status', status: 500 });
    await call(fastRetries(3));
    expect(local.requests.count(service, { status: 500 })).toBe(1);
    expect(local.requests.count(service, { status: 200 })).toBe(1);
    local.faults.inject(service, { kind: 'status', status: 400, count: 3 });
    const err = await rejection(call(fastRetries(3)));
    expect(err.name).toBe(badRequestName);
    expect(err.$metadata?.httpStatusCode).toBe(400);
    expect(local.faults.pending(service)).toBe(2);
    local.faults.clear(service);
    expect(local.faults.pending()).toBe(0);
  });

  it('resets the connection; the SDK retries it and fails without retries', async () => {
    local.requests.reset();
    local.faults.inject(service, { kind: 'reset', count: 1 });
    const handler = service === 'bedrock-runtime' ? {} : { requestHandler: new NodeHttpHandler() };
    await call({ ...fastRetries(3), ...handler });
    expect(local.requests.count(service, { status: 0 })).toBe(1);
    local.faults.inject(service, { kind: 'reset', count: 1 });
    await rejection(call({ ...fastRetries(1), ...handler }));
    expect(local.requests.count(service, { status: 0 })).toBe(2);
  });
});

describe('fault matching', () => {
  it('applies a fault only to the matching operation', async () => {
    local.faults.inject('s3', { kind: 'status', status: 500, code: 'InternalError', message: 'boom' }, { operation: 'GetObject' });
    const s3 = new S3Client(s3Options(fastRetries(1)));
    try {
      await s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'other.txt', Body: 'y' }));
      expect(local.faults.pending('s3')).toBe(1);
      const err = await rejection(s3.send(new GetObjectCommand({ Bucket: 'faults', Key: 'other.txt' })));
      expect(err.name).toBe('InternalError');
      expect(err.message).toBe('boom');
      expect(local.faults.pending('s3')).toBe(0);
    } finally {
      s3.destroy();
    }
  });

  it('applies a fault only to requests signed with the matching access key id', async () => {
    const tenant = { accessKeyId: 'AKIDFAULTTENANT00001', secretAccessKey: 'fault-tenant-secret-0000000000000000' };
    local.addCredentials(tenant);
    local.faults.inject('s3', { kind: 'status', status: 500, code: 'InternalError', message: 'tenant fault' }, { accessKeyId: tenant.accessKeyId });
    const other = new S3Client(s3Options(fastRetries(1)));
    const mine = new S3Client({ ...s3Options(fastRetries(1)), credentials: tenant });
    try {
      await other.send(new GetObjectCommand({ Bucket: 'faults', Key: 'object.txt' }));
      expect(local.faults.pending('s3')).toBe(1);
      const err = await rejection(mine.send(new GetObjectCommand({ Bucket: 'faults', Key: 'object.txt' })));
      expect(err.message).toBe('tenant fault');
      expect(local.faults.pending('s3')).toBe(0);
    } finally {
      other.destroy();
      mine.destroy();
    }
  });

  it('validates faults', () => {
    expect(() => local.faults.inject('s3', { kind: 'status', status: 42 })).toThrow(TypeError);
    expect(() => local.faults.inject('s3', { kind: 'reset', count: 0 })).toThrow(TypeError);
    expect(() => local.faults.inject('s3', { kind: 'slow-body', chunkDelayMs: -1 })).toThrow(TypeError);
    expect(() => local.faults.inject('s3', { kind: 'nope' } as never)).toThrow(TypeError);
    expect(() => local.faults.inject('s3', { kind: 'throttle', retryAfterMs: -1 })).toThrow(/retryAfterMs/);
    expect(() => local.faults.inject('s3', { kind: 'throttle', retryAfterMs: 1.5 })).toThrow(TypeError);
    expect(() => local.faults.inject('s3', { kind: 'reset' }, { accessKeyId: '' })).toThrow(/match.accessKeyId/);
    expect(() => local.faults.inject('s3', { kind: 'reset' }, { operation: 42 as never })).toThrow(/match.operation/);
    // An operation spelt otherwise than AWS spells it would never match: the test would pass for nothing.
    expect(() => local.faults.inject('s3', { kind: 'reset' }, { operation: 'getObject' })).toThrow(
      "match.operation must be an operation name as AWS spells it, such as 'GetObject' or 'PutItem', got 'getObject'",
    );
    expect(local.faults.pending()).toBe(0);
  });

  it('refuses request-log filters that could only count 0: an unknown service, an operation spelt otherwise than AWS does', () => {
    expect(() => local.requests.count('s4' as never)).toThrow("requests.count: unknown service 's4'");
    expect(() => local.requests.entries('dynamo' as never)).toThrow("requests.entries: unknown service 'dynamo'");
    expect(() => local.requests.count('s3', { operation: 'putObject' })).toThrow(/filter.operation must be an operation name/);
    expect(local.requests.count('s3', { operation: 'PutObject' })).toBeGreaterThanOrEqual(0);
    // The filter first by mistake, and a null filter.
    expect(() => local.requests.count({ operation: 'PutObject' } as never)).toThrow(
      "requests.count(service, filter): the service comes first, as a name such as 's3', got object",
    );
    expect(local.requests.count('s3', null as never)).toBe(local.requests.count('s3'));
  });

  it('refuses a request-log filter naming a service this instance did not start, and takes services from any iterable (a Set)', async () => {
    await using only = await startLocalAws({ services: new Set(['sqs'] as const) });
    expect(only.requests.count('sqs')).toBe(0);
    expect(() => only.requests.count('dynamodb')).toThrow("requests.count: the service 'dynamodb' was not started");
    expect(() => only.requests.entries('s3')).toThrow("requests.entries: the service 's3' was not started");
  });

  it('answers with the service typed exception for an injected 400 on Bedrock', async () => {
    local.faults.inject('bedrock-runtime', { kind: 'status', status: 400 });
    const err = await rejection(using(new BedrockRuntimeClient({ ...base('bedrock-runtime'), ...fastRetries(1) }), (c) => c.send(converse())));
    expect(err).toBeInstanceOf(ValidationException);
  });
});

describe('stalled and slow bodies over HTTP/1.1', () => {
  it('stall-after-headers: the response never completes, so socketTimeout fails the call', async () => {
    local.faults.inject('s3', { kind: 'stall-after-headers' }, { operation: 'ListObjectsV2' });
    const err = await rejection(
      using(new S3Client(s3Options({ ...fastRetries(1), requestHandler: { socketTimeout: 300 } })), (c) =>
        c.send(new ListObjectsV2Command({ Bucket: 'faults' })),
      ),
    );
    expect(err.name).toBe('TimeoutError');
  });

  it('stall-after-headers on GetObject: headers arrive, the body read times out', async () => {
    local.faults.inject('s3', { kind: 'stall-after-headers' }, { operation: 'GetObject' });
    const err = await rejection(
      using(new S3Client(s3Options({ ...fastRetries(1), requestHandler: { socketTimeout: 300 } })), async (c) => {
        const out = await c.send(new GetObjectCommand({ Bucket: 'faults', Key: 'object.txt' }));
        expect(out.$metadata.httpStatusCode).toBe(200);
        return out.Body?.transformToString();
      }),
    );
    expect(err).toBeInstanceOf(Error);
  });

  it('slow-body: a body that keeps flowing outlives a smaller idle timeout', async () => {
    local.requests.reset();
    // 250 ms between chunks against a 1 s idle limit (slack for a loaded machine), 1.5 s in all: longer than the limit.
    local.faults.inject('s3', { kind: 'slow-body', chunkDelayMs: 250, chunks: 6 }, { operation: 'GetObject' });
    const body = await using(new S3Client(s3Options({ ...fastRetries(1), requestHandler: { socketTimeout: 1_000 } })), async (c) => {
      const out = await c.send(new GetObjectCommand({ Bucket: 'faults', Key: 'object.txt' }));
      return out.Body?.transformToString();
    });
    expect(body).toBe('x'.repeat(1000));
    expect(local.requests.count('s3', { operation: 'GetObject' })).toBe(1);
  });
});

describe('a body fault on a response that has no body (a conditional GET answered 304, as a browser revalidates)', () => {
  it.each(['slow-body', 'stall-after-headers'] as const)('%s: the 304 is sent as it is, and the connection serves the next requests', async (kind) => {
    const body = await using(
      new S3Client(s3Options({ ...fastRetries(1), requestHandler: { socketTimeout: 2_000, httpAgent: { maxSockets: 1 } } })),
      async (client) => {
        const first = await client.send(new GetObjectCommand({ Bucket: 'faults', Key: 'object.txt' }));
        await first.Body?.transformToString();
        for (let i = 0; i < 3; i++) {
          local.faults.inject('s3', kind === 'slow-body' ? { kind, chunkDelayMs: 100, chunks: 3 } : { kind }, { operation: 'GetObject' });
          const err = await rejection(client.send(new GetObjectCommand({ Bucket: 'faults', Key: 'object.txt', IfNoneMatch: first.ETag })));
          expect(err).toMatchObject({ $metadata: { httpStatusCode: 304 } });
        }
        local.faults.clear('s3');
        const out = await client.send(new GetObjectCommand({ Bucket: 'faults', Key: 'object.txt' }));
        return out.Body?.transformToString();
      },
    );
    expect(body).toBe('x'.repeat(1000));
  });
});

describe('slow-body leaves the connection usable once the client has every byte', () => {
  it('a body in fewer bytes than chunks (5 bytes, 4 chunks) and an empty 200 (PutObject): the next requests on the one socket answer', async () => {
    const body = await using(
      new S3Client(s3Options({ ...fastRetries(1), requestHandler: { socketTimeout: 2_000, httpAgent: { maxSockets: 1 } } })),
      async (client) => {
        await client.send(new PutObjectCommand({ Bucket: 'faults', Key: 'five.txt', Body: 'hello' }));
        local.faults.inject('s3', { kind: 'slow-body', chunkDelayMs: 30, chunks: 4 }, { operation: 'GetObject' });
        const texts: (string | undefined)[] = [];
        for (let i = 0; i < 3; i++)
          texts.push(await (await client.send(new GetObjectCommand({ Bucket: 'faults', Key: 'five.txt' }))).Body?.transformToString());
        local.faults.inject('s3', { kind: 'slow-body', chunkDelayMs: 30 }, { operation: 'PutObject' });
        await client.send(new PutObjectCommand({ Bucket: 'faults', Key: 'five.txt', Body: 'again' }));
        texts.push(await (await client.send(new GetObjectCommand({ Bucket: 'faults', Key: 'five.txt' }))).Body?.transformToString());
        return texts;
      },
    );
    expect(body).toEqual(['hello', 'hello', 'hello', 'again']);
  });
});

describe('stalled and slow bodies over HTTP/2 (Bedrock Runtime)', () => {
  it('stall-after-headers: the server sends headers and keeps the stream open without data', async () => {
    await using lenient = await startLocalAws({ services: ['bedrock-runtime'], verifySignatures: false });
    lenient.faults.inject('bedrock-runtime', { kind: 'stall-after-headers' });
    const session = http2.connect(lenient.endpoints['bedrock-runtime']);
    try {
      const seen = await new Promise<{ status: number; data: number; ended: boolean }>((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': '/model/amazon.nova-micro-v1%3A0/converse', 'content-type': 'application/json' });
        const seen = { status: 0, data: 0, ended: false };
        stream.on('response', (headers) => {
          seen.status = Number(headers[':status']);
          // Headers are here; now wait for the body to go idle.
          stream.setTimeout(200, () => {
            resolve(seen);
            stream.close();
          });
        });
        stream.on('data', (chunk: Buffer) => {
          seen.data += chunk.length;
        });
        stream.on('end', () => {
          seen.ended = true;
          resolve(seen);
        });
        stream.on('error', reject);
        stream.end(JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] }));
      });
      expect(seen).toEqual({ status: 200, data: 0, ended: false });
      expect(lenient.requests.entries()).toMatchObject([{ operation: 'Converse', status: 200, protocol: 'h2' }]);
    } finally {
      session.destroy();
    }
  });

  it('stall-after-headers: requestTimeout (per-stream idle) ends the call without a reply', async () => {
    local.faults.inject('bedrock-runtime', { kind: 'stall-after-headers' });
    // Known SDK behaviour (@smithy/node-http-handler 4.14, NodeHttp2Handler): when requestTimeout
    // fires after the headers arrived, the handler closes the stream without an error, so the SDK
    // parses an empty body and resolves with an EMPTY output instead of rejecting with
    // TimeoutError. Both outcomes are accepted so this test survives a fix; neither is a reply.
    const outcome = await using(
      new BedrockRuntimeClient({ ...base('bedrock-runtime'), ...fastRetries(1), requestHandler: { requestTimeout: 300, disableConcurrentStreams: true } }),
      (c) => c.send(converse()),
    ).then(
      (out) => ({ out, err: undefined }),
      (err: Error) => ({ out: undefined, err }),
    );
    if (outcome.err) expect(outcome.err.name).toBe('TimeoutError');
    else expect(outcome.out?.output).toBeUndefined();
    expect(local.requests.entries('bedrock-runtime').at(-1)).toMatchObject({ operation: 'Converse', status: 200, protocol: 'h2' });
    expect(local.faults.pending('bedrock-runtime')).toBe(0);
  });

  it('slow-body: a body that keeps flowing outlives a smaller requestTimeout', async () => {
    // 250 ms between chunks against a 1 s per-stream idle limit, 1.5 s in all.
    local.faults.inject('bedrock-runtime', { kind: 'slow-body', chunkDelayMs: 250, chunks: 6 });
    const out = await using(
      new BedrockRuntimeClient({ ...base('bedrock-runtime'), ...fastRetries(1), requestHandler: { requestTimeout: 1_000, disableConcurrentStreams: true } }),
      (c) => c.send(converse()),
    );
    expect(out.output?.message?.content?.[0]?.text).toContain('hi');
  });

  it('slow-body over HTTP/1.1 fetch-like handler too', async () => {
    local.faults.inject('bedrock-runtime', { kind: 'slow-body', chunkDelayMs: 50, chunks: 3 });
    const out = await using(
      new BedrockRuntimeClient({ ...base('bedrock-runtime'), ...fastRetries(1), requestHandler: new NodeHttpHandler({ socketTimeout: 1_000 }) }),
      (c) => c.send(converse()),
    );
    expect(out.stopReason).toBe('end_turn');
    expect(local.requests.entries('bedrock-runtime').at(-1)?.protocol).toBe('http/1.1');
  });
});
