import { createHash, randomBytes } from 'node:crypto';
import { LOCAL_ACCOUNT_ID } from '../identities.js';
import { awsJsonError, awsJsonOk, jsonAuthCode, parseJsonObject, queryAuthError, type ServiceBackend, targetOperation } from '../protocols.js';
import { type AwsRequest, type AwsResponse, uuid } from '../request.js';

const TARGET_PREFIX = 'AmazonSQS';
const NS = 'com.amazonaws.sqs#';

/**
 * The awsQuery error codes of SQS's modeled errors (`x-amzn-query-error`); the SDK maps either
 * the header's code or the `__type` shape name to its exception class (client-sqs schemas).
 */
const QUERY_CODES: Readonly<Record<string, string>> = Object.freeze({
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
  QueueNameExists: 'QueueAlreadyExists',
  MessageNotInflight: 'AWS.SimpleQueueService.MessageNotInflight',
  PurgeQueueInProgress: 'AWS.SimpleQueueService.PurgeQueueInProgress',
  EmptyBatchRequest: 'AWS.SimpleQueueService.EmptyBatchRequest',
  TooManyEntriesInBatchRequest: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
  BatchEntryIdsNotDistinct: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
  InvalidBatchEntryId: 'AWS.SimpleQueueService.InvalidBatchEntryId',
  BatchRequestTooLong: 'AWS.SimpleQueueService.BatchRequestTooLong',
  UnsupportedOperation: 'AWS.SimpleQueueService.UnsupportedOperation',
  InvalidParameterValueException: 'InvalidParameterValue',
});

/** Queue attributes a queue can be created with, their default and range. */
const NUMERIC_ATTRIBUTES: Readonly<Record<string, { default: number; min: number; max: number }>> = Object.freeze({
  DelaySeconds: { default: 0, min: 0, max: 900 },
  MaximumMessageSize: { default: 1_048_576, min: 1024, max: 1_048_576 },
  MessageRetentionPeriod: { default: 345_600, min: 60, max: 1_209_600 },
  ReceiveMessageWaitTimeSeconds: { default: 0, min: 0, max: 20 },
  VisibilityTimeout: { default: 30, min: 0, max: 43_200 },
});
/** Attributes kept as given (no behaviour here). */
const OPAQUE_ATTRIBUTES = new Set(['Policy', 'RedrivePolicy', 'RedriveAllowPolicy', 'KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled']);
const SYSTEM_ATTRIBUTES = ['SenderId', 'SentTimestamp', 'ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp'] as const;

const QUEUE_NAME = /^[\w-]{1,80}$/;
const BATCH_ID = /^[\w-]{1,80}$/;
/** What a message may contain (SQS SendMessage). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the allowed control characters are the point
const INVALID_BODY = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const PURGE_INTERVAL_MS = 60_000;

interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

interface Message {
  readonly id: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly attributes: Record<string, MessageAttributeValue>;
  readonly senderId: string;
  readonly sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt: number | undefined;
  receipt: string | undefined;
}

interface Queue {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly createdAt: number;
  modifiedAt: number;
  messages: Message[];
  purgedAt: number | undefined;
}

class SqsError extends Error {
  constructor(
    readonly status: number,
    readonly shape: string,
    message: string,
  ) {
    super(message);
  }
}

function sqsError(status: number, shape: string, message: string): AwsResponse {
  const res = awsJsonError('1.0', status, shape.includes('#') ? shape : `${NS}${shape}`, message);
  const name = shape.includes('#') ? shape.slice(shape.indexOf('#') + 1) : shape;
  res.headers['x-amzn-query-error'] = `${QUERY_CODES[name] ?? name};${status >= 500 ? 'Receiver' : 'Sender'}`;
  return res;
}

const invalidParameter = (message: string): SqsError => new SqsError(400, 'InvalidParameterValueException', message);
const noQueue = (): SqsError => new SqsError(400, 'QueueDoesNotExist', 'The specified queue does not exist.');

function codeForStatus(status: number): string {
  if (status === 400) return 'InvalidParameterValueException';
  if (status === 403) return 'AccessDenied';
  if (status === 503) return 'ServiceUnavailable';
  return status >= 500 ? 'InternalError' : 'InvalidParameterValueException';
}

function md5Hex(data: Uint8Array | string): string {
  return createHash('md5').update(data).digest('hex');
}

/**
 * `MD5OfMessageAttributes`: the attributes sorted by name, each as length-prefixed name, data type,
 * a transport byte (1 string, 2 binary) and length-prefixed value (SQS developer guide,
 * "Calculating the MD5 message digest for message attributes").
 */
export function md5OfMessageAttributes(attributes: Record<string, MessageAttributeValue>): string {
  const hash = createHash('md5');
  const withLength = (bytes: Buffer): void => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length);
    hash.update(bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name]!;
    withLength(Buffer.from(name, 'utf8'));
    withLength(Buffer.from(value.DataType, 'utf8'));
    if (value.BinaryValue !== undefined && value.DataType.startsWith('Binary')) {
      hash.update(Buffer.from([2]));
      withLength(Buffer.from(value.BinaryValue, 'base64'));
    } else {
      hash.update(Buffer.from([1]));
      withLength(Buffer.from(value.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}

function integer(value: unknown, name: string, min: number, max: number, reason: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidParameter(`Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason}`);
  }
  return value;
}

function stringField(input: Record<string, unknown>, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') throw new SqsError(400, 'MissingParameter', `The request must contain the parameter ${name}.`);
  return value;
}

function checkMessageAttributes(raw: unknown): Record<string, MessageAttributeValue> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidParameter('MessageAttributes must be a map of attribute names to values.');
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > 10) throw invalidParameter(`Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`);
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of entries) {
    const v = value as Partial<MessageAttributeValue> | null;
    if (!/^[\w.-]{1,256}$/.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..') || /^(aws|amazon)\./i.test(name)) {
      throw invalidParameter(`Message attribute name '${name}' is invalid.`);
    }
    const type = v?.DataType;
    if (typeof type !== 'string' || !/^(String|Number|Binary)(\..+)?$/.test(type)) {
      throw invalidParameter(
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    if (type.startsWith('Binary')) {
      if (typeof v?.BinaryValue !== 'string' || v.BinaryValue === '') {
        throw invalidParameter(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
      }
      out[name] = { DataType: type, BinaryValue: v.BinaryValue };
    } else {
      if (typeof v?.StringValue !== 'string' || v.StringValue === '') {
        throw invalidParameter(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
      }
      if (type.startsWith('Number') && !Number.isFinite(Number(v.StringValue))) {
        throw invalidParameter(`Can't cast the value of message (user) attribute '${name}' to a number.`);
      }
      out[name] = { DataType: type, StringValue: v.StringValue };
    }
  }
  return out;
}

function attributesSize(attributes: Record<string, MessageAttributeValue>): number {
  let size = 0;
  for (const [name, v] of Object.entries(attributes)) {
    size +=
      Buffer.byteLength(name) +
      Buffer.byteLength(v.DataType) +
      (v.BinaryValue !== undefined ? Buffer.from(v.BinaryValue, 'base64').length : Buffer.byteLength(v.StringValue ?? ''));
  }
  return size;
}

/** Which names of a list like `['All']`, `['.*']`, `['a', 'prefix.*']` are selected. */
function selector(names: unknown): (name: string) => boolean {
  if (!Array.isArray(names) || names.length === 0) return () => false;
  const list = names.filter((n): n is string => typeof n === 'string');
  if (list.includes('All') || list.includes('.*')) return () => true;
  return (name) => list.some((n) => n === name || (n.endsWith('.*') && name.startsWith(n.slice(0, -1))));
}

/**
 * SQS (awsJson1_0 with awsQuery-compatible errors, as the current SDK speaks it): standard queues
 * in memory. Messages become invisible when received and visible again when their visibility
 * timeout passes; ReceiveMessage long-polls up to `WaitTimeSeconds` (and returns at once on stop).
 */
export function createSqsBackend(region: string): ServiceBackend {
  const queues = new Map<string, Queue>();
  const waiters = new Set<() => void>();
  let closed = false;

  const wake = (): void => {
    for (const waiter of [...waiters]) waiter();
  };

  const arnOf = (name: string): string => `arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:${name}`;
  const urlOf = (req: AwsRequest, name: string): string => `http://${req.headers.host ?? req.headers[':authority'] ?? '127.0.0.1'}/${LOCAL_ACCOUNT_ID}/${name}`;

  const queueOf = (input: Record<string, unknown>): Queue => {
    const url = stringField(input, 'QueueUrl');
    let path: string;
    try {
      path = new URL(url, 'http://127.0.0.1').pathname;
    } catch {
      throw new SqsError(404, 'InvalidAddress', `The address ${url} is not valid for this endpoint.`);
    }
    const [account, name, ...rest] = path.split('/').filter((s) => s !== '');
    if (account !== LOCAL_ACCOUNT_ID || name === undefined || rest.length > 0) throw noQueue();
    const queue = queues.get(name);
    if (!queue) throw noQueue();
    return queue;
  };

  const numeric = (queue: Queue, name: keyof typeof NUMERIC_ATTRIBUTES): number => Number(queue.attributes[name]);

  const checkQueueAttributes = (raw: unknown): Record<string, string> => {
    if (raw === undefined || raw === null) return {};
    if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidParameter('Attributes must be a map of attribute names to values.');
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
      const range = NUMERIC_ATTRIBUTES[name];
      if (name === 'FifoQueue' || name === 'ContentBasedDeduplication') {
        throw invalidParameter(`@dbp/aws-testkit supports standard queues only; attribute ${name} is not supported.`);
      }
      if (!range && !OPAQUE_ATTRIBUTES.has(name)) throw new SqsError(400, 'InvalidAttributeName', `Unknown Attribute ${name}.`);
      const text = String(value);
      if (range) {
        const n = Number(text);
        if (!/^\d+$/.test(text) || n < range.min || n > range.max) throw new SqsError(400, 'InvalidAttributeValue', `Invalid value for the parameter ${name}.`);
      }
      out[name] = text;
    }
    return out;
  };

  const dropExpired = (queue: Queue, now: number): void => {
    const retentionMs = numeric(queue, 'MessageRetentionPeriod') * 1000;
    queue.messages = queue.messages.filter((m) => now - m.sentAt < retentionMs);
  };

  const enqueue = (
    queue: Queue,
    entry: Record<string, unknown>,
    sender: string,
  ): { MessageId: string; MD5OfMessageBody: string; MD5OfMessageAttributes?: string } => {
    const body = entry.MessageBody;
    if (typeof body !== 'string' || body === '') throw new SqsError(400, 'MissingParameter', 'The request must contain the parameter MessageBody.');
    if (INVALID_BODY.test(body)) {
      throw new SqsError(
        400,
        'InvalidMessageContents',
        'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
      );
    }
    const delay = integer(entry.DelaySeconds, 'DelaySeconds', 0, 900, 'Must be >= 0 and <= 900, if provided.') ?? numeric(queue, 'DelaySeconds');
    const attributes = checkMessageAttributes(entry.MessageAttributes);
    const size = Buffer.byteLength(body) + attributesSize(attributes);
    const max = numeric(queue, 'MaximumMessageSize');
    if (size > max) throw invalidParameter(`One or more parameters are invalid. Reason: Message must be shorter than ${max} bytes.`);
    const now = Date.now();
    const message: Message = {
      id: uuid(),
      body,
      md5OfBody: md5Hex(body),
      attributes,
      senderId: sender,
      sentAt: now,
      visibleAt: now + delay * 1000,
      receiveCount: 0,
      firstReceiveAt: undefined,
      receipt: undefined,
    };
    queue.messages.push(message);
    wake();
    return {
      MessageId: message.id,
      MD5OfMessageBody: message.md5OfBody,
      ...(Object.keys(attributes).length > 0 ? { MD5OfMessageAttributes: md5OfMessageAttributes(attributes) } : {}),
    };
  };

  /** The message a receipt handle names; `undefined` when the handle is well-formed but stale. */
  const byReceipt = (queue: Queue, handle: unknown): Message | undefined => {
    const text = typeof handle === 'string' ? Buffer.from(handle, 'base64').toString('utf8') : '';
    const [queueName, messageId] = text.split('\n');
    if (typeof handle !== 'string' || queueName === undefined || messageId === undefined || text.split('\n').length !== 3) {
      throw new SqsError(404, 'ReceiptHandleIsInvalid', `The input receipt handle "${String(handle)}" is not a valid receipt handle.`);
    }
    if (queueName !== queue.name) throw new SqsError(404, 'ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);
    return queue.messages.find((m) => m.id === messageId && m.receipt === handle);
  };

  const take = (queue: Queue, max: number, visibilityMs: number, now: number): Message[] => {
    dropExpired(queue, now);
    const out: Message[] = [];
    for (const m of queue.messages) {
      if (out.length >= max) break;
      if (m.visibleAt > now) continue;
      m.receiveCount++;
      m.firstReceiveAt ??= now;
      m.visibleAt = now + visibilityMs;
      m.receipt = Buffer.from(`${queue.name}\n${m.id}\n${randomBytes(24).toString('base64')}`, 'utf8').toString('base64');
      out.push(m);
    }
    return out;
  };

  /** Waits until something may have become receivable, or `until`, or stop. */
  const waitForMessages = (queue: Queue, until: number): Promise<void> =>
    new Promise((resolve) => {
      const now = Date.now();
      const next = queue.messages.reduce((soonest, m) => (m.visibleAt > now ? Math.min(soonest, m.visibleAt) : soonest), until);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(next, until) - now));
      waiters.add(done);
    });

  const receive = async (queue: Queue, input: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const max = integer(input.MaxNumberOfMessages, 'MaxNumberOfMessages', 1, 10, 'Must be between 1 and 10, if provided.') ?? 1;
    const visibility =
      integer(input.VisibilityTimeout, 'VisibilityTimeout', 0, 43_200, 'Must be >= 0 and <= 43200, if provided.') ?? numeric(queue, 'VisibilityTimeout');
    const wait =
      integer(input.WaitTimeSeconds, 'WaitTimeSeconds', 0, 20, 'Must be >= 0 and <= 20, if provided.') ?? numeric(queue, 'ReceiveMessageWaitTimeSeconds');
    const until = Date.now() + wait * 1000;
    let messages = take(queue, max, visibility * 1000, Date.now());
    while (messages.length === 0 && !closed && Date.now() < until && queues.get(queue.name) === queue) {
      await waitForMessages(queue, until);
      messages = take(queue, max, visibility * 1000, Date.now());
    }
    if (messages.length === 0) return {};
    const wantAttribute = selector(input.MessageAttributeNames);
    const wantSystem = selector([
      ...(Array.isArray(input.AttributeNames) ? input.AttributeNames : []),
      ...(Array.isArray(input.MessageSystemAttributeNames) ? input.MessageSystemAttributeNames : []),
    ]);
    return {
      Messages: messages.map((m) => {
        const attributes: Record<string, MessageAttributeValue> = {};
        for (const [name, value] of Object.entries(m.attributes)) if (wantAttribute(name)) attributes[name] = value;
        const system: Record<string, string> = {};
        const values: Record<(typeof SYSTEM_ATTRIBUTES)[number], string> = {
          SenderId: m.senderId,
          SentTimestamp: String(m.sentAt),
          ApproximateReceiveCount: String(m.receiveCount),
          ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt ?? m.sentAt),
        };
        for (const name of SYSTEM_ATTRIBUTES) if (wantSystem(name)) system[name] = values[name];
        const hasAttributes = Object.keys(attributes).length > 0;
        return {
          MessageId: m.id,
          ReceiptHandle: m.receipt,
          MD5OfBody: m.md5OfBody,
          Body: m.body,
          ...(Object.keys(system).length > 0 ? { Attributes: system } : {}),
          ...(hasAttributes ? { MD5OfMessageAttributes: md5OfMessageAttributes(attributes), MessageAttributes: attributes } : {}),
        };
      }),
    };
  };

  const batchEntries = (input: Record<string, unknown>, request: string): Array<Record<string, unknown> & { Id: string }> => {
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length === 0) {
      throw new SqsError(400, 'EmptyBatchRequest', `There should be at least one ${request}RequestEntry in the request.`);
    }
    if (entries.length > 10)
      throw new SqsError(400, 'TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${entries.length}.`);
    const seen = new Set<string>();
    for (const entry of entries as Array<Record<string, unknown>>) {
      const id = entry?.Id;
      if (typeof id !== 'string' || !BATCH_ID.test(id)) {
        throw new SqsError(
          400,
          'InvalidBatchEntryId',
          'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
        );
      }
      if (seen.has(id)) throw new SqsError(400, 'BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
      seen.add(id);
    }
    return entries as Array<Record<string, unknown> & { Id: string }>;
  };

  const failure = (id: string, err: unknown): Record<string, unknown> => {
    if (!(err instanceof SqsError)) throw err;
    return { Id: id, SenderFault: err.status < 500, Code: QUERY_CODES[err.shape] ?? err.shape, Message: err.message };
  };

  const run = async (operation: string, input: Record<string, unknown>, req: AwsRequest, sender: string): Promise<unknown> => {
    const now = Date.now();
    switch (operation) {
      case 'CreateQueue': {
        const name = stringField(input, 'QueueName');
        if (!QUEUE_NAME.test(name)) {
          throw invalidParameter('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
        }
        const given = checkQueueAttributes(input.Attributes);
        const existing = queues.get(name);
        if (existing) {
          for (const [attribute, value] of Object.entries(given)) {
            if (existing.attributes[attribute] !== value) {
              throw new SqsError(400, 'QueueNameExists', `A queue already exists with the same name and a different value for attribute ${attribute}`);
            }
          }
          return { QueueUrl: urlOf(req, name) };
        }
        const attributes: Record<string, string> = {};
        for (const [attribute, range] of Object.entries(NUMERIC_ATTRIBUTES)) attributes[attribute] = String(range.default);
        queues.set(name, { name, attributes: { ...attributes, ...given }, createdAt: now, modifiedAt: now, messages: [], purgedAt: undefined });
        return { QueueUrl: urlOf(req, name) };
      }
      case 'GetQueueUrl': {
        const name = stringField(input, 'QueueName');
        const owner = input.QueueOwnerAWSAccountId;
        if (!queues.has(name) || (owner !== undefined && owner !== LOCAL_ACCOUNT_ID)) throw noQueue();
        return { QueueUrl: urlOf(req, name) };
      }
      case 'ListQueues': {
        const max = integer(input.MaxResults, 'MaxResults', 1, 1000, 'Must be between 1 and 1000, if provided.');
        const prefix = typeof input.QueueNamePrefix === 'string' ? input.QueueNamePrefix : '';
        const names = [...queues.keys()].filter((n) => n.startsWith(prefix)).sort();
        let start = 0;
        if (input.NextToken !== undefined) {
          start = Number(Buffer.from(String(input.NextToken), 'base64url').toString('utf8'));
          if (!Number.isInteger(start) || start < 0) throw invalidParameter('Invalid NextToken value.');
        }
        // Without MaxResults SQS returns up to 1000 queues and no token.
        const page = names.slice(start, start + (max ?? 1000));
        const next = max !== undefined && start + max < names.length ? Buffer.from(String(start + max)).toString('base64url') : undefined;
        return { ...(page.length > 0 ? { QueueUrls: page.map((n) => urlOf(req, n)) } : {}), ...(next ? { NextToken: next } : {}) };
      }
      case 'DeleteQueue': {
        const queue = queueOf(input);
        queues.delete(queue.name);
        wake();
        return {};
      }
      case 'PurgeQueue': {
        const queue = queueOf(input);
        if (queue.purgedAt !== undefined && now - queue.purgedAt < PURGE_INTERVAL_MS) {
          throw new SqsError(403, 'PurgeQueueInProgress', `Only one PurgeQueue operation on ${queue.name} is allowed every 60 seconds.`);
        }
        queue.purgedAt = now;
        queue.messages = [];
        return {};
      }
      case 'GetQueueAttributes': {
        const queue = queueOf(input);
        dropExpired(queue, now);
        const want = selector(input.AttributeNames);
        const all: Record<string, string> = {
          ...queue.attributes,
          QueueArn: arnOf(queue.name),
          ApproximateNumberOfMessages: String(queue.messages.filter((m) => m.visibleAt <= now).length),
          ApproximateNumberOfMessagesNotVisible: String(queue.messages.filter((m) => m.visibleAt > now && m.receiveCount > 0).length),
          ApproximateNumberOfMessagesDelayed: String(queue.messages.filter((m) => m.visibleAt > now && m.receiveCount === 0).length),
          CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
          LastModifiedTimestamp: String(Math.floor(queue.modifiedAt / 1000)),
        };
        const attributes: Record<string, string> = {};
        for (const [name, value] of Object.entries(all)) if (want(name)) attributes[name] = value;
        if (Array.isArray(input.AttributeNames)) {
          for (const name of input.AttributeNames) {
            if (typeof name === 'string' && name !== 'All' && !(name in all)) throw new SqsError(400, 'InvalidAttributeName', `Unknown Attribute ${name}.`);
          }
        }
        return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
      }
      case 'SetQueueAttributes': {
        const queue = queueOf(input);
        Object.assign(queue.attributes, checkQueueAttributes(input.Attributes));
        queue.modifiedAt = now;
        return {};
      }
      case 'SendMessage':
        return enqueue(queueOf(input), input, sender);
      case 'SendMessageBatch': {
        const queue = queueOf(input);
        const entries = batchEntries(input, 'SendMessageBatch');
        const total = entries.reduce((n, e) => n + (typeof e.MessageBody === 'string' ? Buffer.byteLength(e.MessageBody) : 0), 0);
        const max = numeric(queue, 'MaximumMessageSize');
        if (total > max) throw new SqsError(400, 'BatchRequestTooLong', `Batch requests cannot be longer than ${max} bytes. You have sent ${total} bytes.`);
        const Successful: unknown[] = [];
        const Failed: unknown[] = [];
        for (const entry of entries) {
          try {
            Successful.push({ Id: entry.Id, ...enqueue(queue, entry, sender) });
          } catch (err) {
            Failed.push(failure(entry.Id, err));
          }
        }
        return { Successful, Failed };
      }
      case 'ReceiveMessage':
        return receive(queueOf(input), input);
      case 'DeleteMessage': {
        const queue = queueOf(input);
        const message = byReceipt(queue, input.ReceiptHandle);
        // A stale receipt handle succeeds without deleting (SQS DeleteMessage).
        if (message) queue.messages = queue.messages.filter((m) => m !== message);
        return {};
      }
      case 'DeleteMessageBatch': {
        const queue = queueOf(input);
        const Successful: unknown[] = [];
        const Failed: unknown[] = [];
        for (const entry of batchEntries(input, 'DeleteMessageBatch')) {
          try {
            const message = byReceipt(queue, entry.ReceiptHandle);
            if (message) queue.messages = queue.messages.filter((m) => m !== message);
            Successful.push({ Id: entry.Id });
          } catch (err) {
            Failed.push(failure(entry.Id, err));
          }
        }
        return { Successful, Failed };
      }
      case 'ChangeMessageVisibility': {
        const queue = queueOf(input);
        const timeout = integer(input.VisibilityTimeout, 'VisibilityTimeout', 0, 43_200, 'Must be >= 0 and <= 43200, if provided.');
        if (timeout === undefined) throw new SqsError(400, 'MissingParameter', 'The request must contain the parameter VisibilityTimeout.');
        const message = byReceipt(queue, input.ReceiptHandle);
        if (!message) {
          throw invalidParameter(
            `Value ${String(input.ReceiptHandle)} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
          );
        }
        if (message.visibleAt <= now) throw new SqsError(400, 'MessageNotInflight', 'Message not inflight.');
        message.visibleAt = now + timeout * 1000;
        if (timeout === 0) wake();
        return {};
      }
      default:
        throw new SqsError(400, 'UnsupportedOperation', `@dbp/aws-testkit does not implement AmazonSQS.${operation}.`);
    }
  };

  return {
    name: 'sqs',
    signingName: 'sqs',
    operation: (req) => targetOperation(req, TARGET_PREFIX),
    codeForStatus,
    error: (_req, status, code, message) => sqsError(status, code, message),
    throttle: () => sqsError(403, 'RequestThrottled', 'Request is throttled.'),
    authError(_req, { kind, message }) {
      // The JSON shape names the coral exception; the query-compatible header carries the code the SDK names the error by.
      const res = awsJsonError('1.0', queryAuthError(kind).status, `com.amazon.coral.service#${jsonAuthCode(kind)}`, message);
      res.headers['x-amzn-query-error'] = `${queryAuthError(kind).code};Sender`;
      return res;
    },
    async handle(req, context) {
      const operation = targetOperation(req, TARGET_PREFIX);
      const input = parseJsonObject(req.body);
      if (!input) return sqsError(400, 'InvalidParameterValueException', 'The request body is not a JSON object.');
      try {
        const sender = context.accessKeyId ?? 'anonymous';
        return awsJsonOk('1.0', await run(operation, input, req, sender));
      } catch (err) {
        if (err instanceof SqsError) return sqsError(err.status, err.shape, err.message);
        throw err;
      }
    },
    quiesce() {
      closed = true;
      const waiting = waiters.size > 0;
      wake();
      return waiting;
    },
    async close() {
      closed = true;
      wake();
      queues.clear();
    },
  };
}
