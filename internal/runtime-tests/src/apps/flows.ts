/**
 * The S3 and DynamoDB flows every runtime runs (Chromium, workerd, the edge
 * runtime), through the factory, against the testkit. Bundled per runtime by
 * the tests; uses nothing but web APIs.
 */
import { CreateTableCommand, DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { createClientFactory, type FactoryStats } from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { s3 } from '@dbp/aws-s3';

/** Client options as the testkit's `clientOptions(service)` gives them (plain JSON). */
export interface FlowClientOptions {
  /** The local region. */
  readonly region: string;
  /** The local key pair. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The local endpoint (and path-style addressing for S3). */
  readonly config: { readonly endpoint: string; readonly forcePathStyle?: true };
}

/** What a runtime gets from the test. */
export interface FlowInput {
  /** Unique per run, so bucket and table names never clash. */
  readonly runId: string;
  /** `clientOptions('s3')`. */
  readonly s3: FlowClientOptions;
  /** `clientOptions('dynamodb')`. */
  readonly dynamodb: FlowClientOptions;
}

/** What a runtime reports back. */
export interface FlowResult {
  /** How the runtime names itself (`navigator.userAgent`, `EdgeRuntime`). */
  readonly runtime: string;
  /** `DOMParser.name` before any client existed, or `'missing'`. */
  readonly domParserBefore: string;
  /** `DOMParser.name` after the flows, or `'missing'`. */
  readonly domParserAfter: string;
  /** The S3 flow. */
  readonly s3: {
    readonly bucket: string;
    /** The keys ListObjectsV2 returned (an XML response). */
    readonly listedKeys: string[];
    /** ListObjectsV2 `KeyCount`. */
    readonly keyCount: number | undefined;
    /** GetObject of the first key: its body and content type. */
    readonly body: string;
    readonly contentType: string | undefined;
    /** GetObject of a missing key: the error name parsed from the XML error body. */
    readonly missingKeyError: string;
  };
  /** The DynamoDB flow. */
  readonly dynamodb: {
    readonly table: string;
    readonly tableStatus: string | undefined;
    /** GetItem of the item PutItem wrote. */
    readonly item: { readonly pk: string | undefined; readonly message: string | undefined; readonly count: string | undefined };
  };
  /** How many times each service's client was asked for. */
  readonly getClientCalls: { readonly s3: number; readonly dynamodb: number };
  /** `factory.stats()` after the flows. */
  readonly stats: FactoryStats;
}

/** The keys the S3 flow writes; the second needs XML entity decoding when listed. */
export const OBJECT_KEYS: readonly [string, string] = ['hello.txt', 'notes/a&b <c> "é".txt'];

function domParserName(): string {
  const parser = (globalThis as { DOMParser?: { name?: string } }).DOMParser;
  return typeof parser === 'function' ? (parser.name ?? 'anonymous') : 'missing';
}

function runtimeName(): string {
  const edge = (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime;
  if (typeof edge === 'string') return `EdgeRuntime ${edge}`;
  return (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? 'unknown';
}

/** Runs both flows through one isolated factory and reports what came back. */
export async function runFlows(input: FlowInput, message: string): Promise<FlowResult> {
  const domParserBefore = domParserName();
  const factory = createClientFactory();
  const calls = { s3: 0, dynamodb: 0 };
  // Ask the factory for the client at every use, as application code would: the cache makes it one client each.
  const s3Client = () => {
    calls.s3++;
    return factory.getClient(s3, input.s3);
  };
  const dynamoClient = () => {
    calls.dynamodb++;
    return factory.getClient(dynamodb, input.dynamodb);
  };
  try {
    const bucket = `rt-${input.runId}`;
    await s3Client().send(new CreateBucketCommand({ Bucket: bucket }));
    for (const key of OBJECT_KEYS) {
      await s3Client().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `${message} (${key})`, ContentType: 'text/plain' }));
    }
    const listed = await s3Client().send(new ListObjectsV2Command({ Bucket: bucket }));
    const object = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: OBJECT_KEYS[0] }));
    const body = (await object.Body?.transformToString()) ?? '';
    let missingKeyError = 'none';
    try {
      await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: 'missing.txt' }));
    } catch (error) {
      missingKeyError = (error as Error).name;
    }

    const table = `rt-${input.runId}`;
    await dynamoClient().send(
      new CreateTableCommand({
        TableName: table,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    // A new table is CREATING for a moment; poll a bounded number of times.
    const describer = dynamoClient();
    let tableStatus: string | undefined;
    for (let attempt = 0; attempt < 100; attempt++) {
      tableStatus = (await describer.send(new DescribeTableCommand({ TableName: table }))).Table?.TableStatus;
      if (tableStatus === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await dynamoClient().send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'greeting' }, message: { S: message }, count: { N: '42' } } }));
    const got = await dynamoClient().send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'greeting' } }, ConsistentRead: true }));

    return {
      runtime: runtimeName(),
      domParserBefore,
      domParserAfter: domParserName(),
      s3: {
        bucket,
        listedKeys: (listed.Contents ?? []).map((entry) => entry.Key ?? ''),
        keyCount: listed.KeyCount,
        body,
        contentType: object.ContentType,
        missingKeyError,
      },
      dynamodb: { table, tableStatus, item: { pk: got.Item?.pk?.S, message: got.Item?.message?.S, count: got.Item?.count?.N } },
      getClientCalls: { ...calls },
      stats: factory.stats(),
    };
  } finally {
    factory.dispose();
  }
}
