import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  type MessageAttributeValue,
  MessageNotInflight,
  PurgeQueueCommand,
  PurgeQueueInProgress,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fastRetries, rejection } from '../test/helpers.js';
import { type LocalAws, startLocalAws } from './index.js';
import type { AwsRequest } from './internal/request.js';
import { createSqsBackend } from './internal/services/sqs.js';

let local: LocalAws;
let sqs: SQSClient;

function client(extra: Record<string, unknown> = {}): SQSClient {
  const { region, credentials, config } = local.clientOptions('sqs');
  return new SQSClient({ region, credentials, ...config, ...extra });
}

async function queue(name: string, attributes: Record<string, string> = {}): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return QueueUrl!;
}

/** The MD5 of message attributes, written from the SQS developer guide independently of the server's. */
function expectedAttributesMd5(attributes: Record<string, MessageAttributeValue>): string {
  const parts: Buffer[] = [];
  const field = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const a = attributes[name]!;
    field(Buffer.from(name));
    field(Buffer.from(a.DataType!));
    if (a.BinaryValue) {
      parts.push(Buffer.from([2]));
      field(Buffer.from(a.BinaryValue));
    } else {
      parts.push(Buffer.from([1]));
      field(Buffer.from(a.StringValue!));
    }
  }
  return createHash('md5').update(Buffer.concat(parts)).digest('hex');
}

beforeAll(async () => {
  local = await startLocalAws({ services: ['sqs'] });
  sqs = client();
});

afterAll(async () => {
  sqs?.destroy();
  await local?.stop();
});

describe('SQS queues', () => {
  it('creates, finds, lists and deletes queues', async () => {
    const url = await queue('orders');
    expect(url).toBe(`${local.endpoints.sqs}/000000000000/orders`);
    expect(await queue('orders')).toBe(url);
    await queue('orders-dlq');
    await queue('payments');
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }))).QueueUrl).toBe(url);
    expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'orders' }))).QueueUrls).toEqual([url, `${url}-dlq`]);
    const page = await sqs.send(new ListQueuesCommand({ MaxResults: 2 }));
    expect(page.QueueUrls).toHaveLength(2);
    const rest = await sqs.send(new ListQueuesCommand({ MaxResults: 2, NextToken: page.NextToken }));
    expect(rest.QueueUrls).toEqual([`${local.endpoints.sqs}/000000000000/payments`]);
    expect(rest.NextToken).toBeUndefined();
    await sqs.send(new DeleteQueueCommand({ QueueUrl: `${url}-dlq` }));
    const gone = await rejection(sqs.send(new GetQueueUrlCommand({ QueueName: 'orders-dlq' })));
    expect(gone).toBeInstanceOf(QueueDoesNotExist);
    expect(gone.$metadata?.httpStatusCode).toBe(400);
    expect((gone as { Code?: string }).Code).toBe('AWS.SimpleQueueService.NonExistentQueue');
  });

  it('answers a missing queue with QueueDoesNotExist and a clashing create with QueueNameExists', async () => {
    const missing = await rejection(sqs.send(new SendMessageCommand({ QueueUrl: `${local.endpoints.sqs}/000000000000/nope`, MessageBody: 'x' })));
    expect(missing).toBeInstanceOf(QueueDoesNotExist);
    await queue('settings', { VisibilityTimeout: '10' });
    const clash = await rejection(queue('settings', { VisibilityTimeout: '20' }));
    expect(clash).toBeInstanceOf(QueueNameExists);
    const bad = await rejection(queue('bad name!'));
    expect([bad.name, bad.$metadata?.httpStatusCode]).toEqual(['InvalidParameterValue', 400]);
    const attribute = await rejection(queue('attr', { Colour: 'blue' }));
    expect(attribute.name).toBe('InvalidAttributeName');
  });
});

describe('SQS messages', () => {
  it('round-trips a message with attributes: MD5s, receive counts, visibility, delete', async () => {
    const url = await queue('roundtrip');
    const attributes: Record<string, MessageAttributeValue> = {
      tenant: { DataType: 'String', StringValue: 'a' },
      attempt: { DataType: 'Number', StringValue: '3' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 2, 255]) },
    };
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'héllo ✓', MessageAttributes: attributes }));
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update('héllo ✓').digest('hex'));
    expect(sent.MD5OfMessageAttributes).toBe(expectedAttributesMd5(attributes));
    const got = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        VisibilityTimeout: 30,
      }),
    );
    const [message] = got.Messages!;
    expect(message).toMatchObject({
      MessageId: sent.MessageId,
      Body: 'héllo ✓',
      MD5OfBody: sent.MD5OfMessageBody,
      MD5OfMessageAttributes: sent.MD5OfMessageAttributes,
    });
    expect(message!.MessageAttributes?.blob?.BinaryValue).toEqual(new Uint8Array([0, 1, 2, 255]));
    expect(message!.Attributes?.ApproximateReceiveCount).toBe('1');
    // In flight: not received again, counted as not visible.
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();
    const counts = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    expect(counts.Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '1',
      QueueArn: 'arn:aws:sqs:us-east-1:000000000000:roundtrip',
    });
    // Visible again at once, with a new receipt handle and receive count 2.
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: message!.ReceiptHandle, VisibilityTimeout: 0 }));
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['tenant'] }));
    const [second] = again.Messages!;
    expect(second!.ReceiptHandle).not.toBe(message!.ReceiptHandle);
    expect(second!.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(Object.keys(second!.MessageAttributes ?? {})).toEqual(['tenant']);
    expect(second!.MD5OfMessageAttributes).toBe(expectedAttributesMd5({ tenant: attributes.tenant! }));
    // The old receipt handle no longer deletes it; the current one does.
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message!.ReceiptHandle }));
    expect((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }))).Attributes).toEqual({
      ApproximateNumberOfMessagesNotVisible: '1',
    });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second!.ReceiptHandle }));
    expect((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }))).Attributes).toEqual({
      ApproximateNumberOfMessagesNotVisible: '0',
    });
    const notInflight = await rejection(
      sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: second!.ReceiptHandle, VisibilityTimeout: 5 })),
    );
    expect(notInflight.name).toBe('InvalidParameterValue');
  });

  it('sends and deletes in batches, up to MaxNumberOfMessages at a time, in order', async () => {
    const url = await queue('batch');
    const entries = Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `body ${i}` }));
    const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
    expect(sent.Successful?.map((s) => s.Id)).toEqual(entries.map((e) => e.Id));
    expect(sent.Failed).toEqual([]);
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 7 }));
    const second = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 7 }));
    expect([...first.Messages!, ...second.Messages!].map((m) => m.Body)).toEqual(entries.map((e) => e.MessageBody));
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [...first.Messages!.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })), { Id: 'junk', ReceiptHandle: 'not-a-handle' }],
      }),
    );
    expect(deleted.Successful).toHaveLength(7);
    expect(deleted.Failed).toEqual([expect.objectContaining({ Id: 'junk', Code: 'ReceiptHandleIsInvalid', SenderFault: true })]);
    const tooMany = await rejection(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `x${i}`, MessageBody: 'x' })) })),
    );
    expect(tooMany).toBeInstanceOf(TooManyEntriesInBatchRequest);
    const invalidHandle = await rejection(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' })));
    expect(invalidHandle).toBeInstanceOf(ReceiptHandleIsInvalid);
  });

  it('long-polls: WaitTimeSeconds returns as soon as a message arrives', async () => {
    const url = await queue('longpoll');
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    // The poll is waiting on the server before the message is sent.
    for (let i = 0; i < 200 && local.requests.count('sqs', { operation: 'ReceiveMessage' }) === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake up' }));
    expect((await polling).Messages?.map((m) => m.Body)).toEqual(['wake up']);
    const bad = await rejection(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 21 })));
    expect(bad.name).toBe('InvalidParameterValue');
    expect(bad.message).toContain('WaitTimeSeconds');
  });

  it("answers a client's pending long poll when the endpoints stop: an empty receive, not a connection refused after retries", async () => {
    const own = await startLocalAws({ services: ['sqs'] });
    const { region, credentials, config } = own.clientOptions('sqs');
    const consumer = new SQSClient({ region, credentials, ...config });
    try {
      const { QueueUrl } = await consumer.send(new CreateQueueCommand({ QueueName: 'stopping' }));
      const polling = consumer.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 })).then(
        (output) => ({ output }),
        (error: unknown) => ({ error }),
      );
      for (let i = 0; i < 200 && own.requests.count('sqs', { operation: 'ReceiveMessage' }) === 0; i++) await new Promise((r) => setTimeout(r, 5));
      await own.stop();
      const outcome = await polling;
      expect(outcome).toMatchObject({ output: { $metadata: { httpStatusCode: 200, attempts: 1 } } });
      expect((outcome as { output: { Messages?: unknown } }).output.Messages).toBeUndefined();
    } finally {
      consumer.destroy();
      await own.stop();
    }
  });

  it('ends pending long polls at once when the endpoints stop', async () => {
    // Straight on the backend with fake timers: only close() can end this 20 s poll.
    const backend = createSqsBackend('us-east-1');
    const request = (operation: string, body: unknown): AwsRequest => ({
      method: 'POST',
      path: '/',
      rawQuery: '',
      query: {},
      headers: { host: '127.0.0.1:1', 'x-amz-target': `AmazonSQS.${operation}`, 'content-type': 'application/x-amz-json-1.0' },
      body: Buffer.from(JSON.stringify(body)),
      protocol: 'http/1.1',
    });
    const context = { signing: undefined, verify: false, accessKeyId: undefined };
    const created = await backend.handle(request('CreateQueue', { QueueName: 'stopping' }), context);
    const { QueueUrl } = JSON.parse(created.body.toString()) as { QueueUrl: string };
    vi.useFakeTimers();
    try {
      const polling = backend.handle(request('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 20 }), context);
      await backend.close();
      const res = await polling;
      expect([res.status, res.body.toString()]).toEqual([200, '{}']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('purges a queue, once a minute', async () => {
    const url = await queue('purge');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();
    const again = await rejection(sqs.send(new PurgeQueueCommand({ QueueUrl: url })));
    expect(again).toBeInstanceOf(PurgeQueueInProgress);
    expect(again.$metadata?.httpStatusCode).toBe(403);
  });

  it('delays messages by DelaySeconds', async () => {
    const url = await queue('delayed');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 900 }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();
    const counts = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] }));
    expect(counts.Attributes).toEqual({ ApproximateNumberOfMessagesDelayed: '1' });
  });

  it('is unchanged by a visibility change of a message that is not in flight', async () => {
    const url = await queue('inflight');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    const [m] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }))).Messages!;
    const err = await rejection(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m!.ReceiptHandle, VisibilityTimeout: 10 })));
    expect(err).toBeInstanceOf(MessageNotInflight);
  });
});

describe('SQS faults', () => {
  it('throttles with RequestThrottled, which the SDK retries', async () => {
    const url = await queue('throttled');
    local.requests.reset();
    local.faults.inject('sqs', { kind: 'throttle', count: 2, retryAfterMs: 0 }, { operation: 'SendMessage' });
    const c = client(fastRetries(3));
    try {
      await c.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
      expect(local.requests.count('sqs', { operation: 'SendMessage', status: 403 })).toBe(2);
      local.faults.inject('sqs', { kind: 'throttle', count: 5 });
      const err = await rejection(c.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' })));
      expect(err.name).toBe('RequestThrottled');
      expect(err.$metadata?.attempts).toBe(3);
    } finally {
      c.destroy();
      local.faults.clear();
    }
  });
});
