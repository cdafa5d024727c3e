/**
 * What a Bun or Deno user does with @dbp/aws, run inside that runtime
 * (`bun serverRuntime.ts`; Deno runs a copy whose imports are `npm:`
 * specifiers): clients through the package getters (the process-wide
 * factory), real work against the testkit, and the typed errors. Each step
 * is recorded, failure included, and the whole report is printed as JSON;
 * the Node test asserts on it. The process ends by itself.
 *
 * Input: `DBP_TARGET` (JSON {@link ServerRuntimeInput}); the default
 * credential chain reads `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`.
 */

import { subscribe } from 'node:diagnostics_channel';
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { CreateTableCommand, DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getBedrockRuntimeClient } from '@dbp/aws-bedrock';
import { AwsClientError, AwsCredentialError, AwsRegionError, createClientFactory, getClientFactory } from '@dbp/aws-core';
import { getDynamoDBClient } from '@dbp/aws-dynamodb';
import { getS3Client, s3 } from '@dbp/aws-s3';

/** `clientOptions(service)` of the testkit. */
interface TargetOptions {
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly config: { readonly endpoint: string; readonly forcePathStyle?: boolean };
}

/** What the test passes in. */
export interface ServerRuntimeInput {
  readonly runId: string;
  readonly model: string;
  readonly s3: TargetOptions;
  readonly dynamodb: TargetOptions;
  readonly bedrock: TargetOptions;
}

/** One step's outcome. */
export type Step = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: { name: string; message: string; stack?: string } };

const input = JSON.parse(process.env.DBP_TARGET ?? '{}') as ServerRuntimeInput;
const steps: Record<string, Step> = {};

async function step(name: string, body: () => Promise<unknown> | unknown): Promise<void> {
  try {
    steps[name] = { ok: true, value: await body() };
  } catch (error) {
    const failure = error as Error;
    steps[name] = { ok: false, error: { name: failure?.name ?? 'unknown', message: String(failure?.message ?? failure), stack: failure?.stack } };
  }
}

/** The thrown error, described (or a note that nothing was thrown). */
function caught(body: () => unknown): unknown {
  try {
    body();
    return { threw: false };
  } catch (error) {
    const failure = error as AwsClientError & { suggestion?: string };
    return {
      threw: true,
      name: failure.name,
      code: failure.code,
      isAwsClientError: failure instanceof AwsClientError,
      isAwsRegionError: failure instanceof AwsRegionError,
      isAwsCredentialError: failure instanceof AwsCredentialError,
      suggestion: failure.suggestion,
      message: failure.message,
    };
  }
}

const globals = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };

await step('runtime', () => ({
  name: globals.Bun ? 'bun' : globals.Deno ? 'deno' : 'node',
  version: globals.Bun?.version ?? globals.Deno?.version.deno ?? process.version,
  // Where the packages came from: the built dist of the workspace.
  resolved: ['@dbp/aws-core', '@dbp/aws-s3', '@dbp/aws-dynamodb', '@dbp/aws-bedrock'].map((specifier) =>
    import.meta.resolve(globals.Deno ? `npm:${specifier}` : specifier),
  ),
}));

const bucket = `rt-${input.runId}`;
await step('s3', async () => {
  const s3 = getS3Client(input.s3);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'hello.txt', Body: 'hello from a server runtime', ContentType: 'text/plain' }));
  const object = await getS3Client(input.s3).send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt' }));
  return { body: await object.Body?.transformToString(), contentType: object.ContentType, sameClient: getS3Client(input.s3) === s3 };
});

await step('dynamodb', async () => {
  const dynamodb = getDynamoDBClient(input.dynamodb);
  const table = `rt-${input.runId}`;
  await dynamodb.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  // A new table is CREATING for a moment: a bounded number of polls.
  let status: string | undefined;
  for (let attempt = 0; attempt < 100 && status !== 'ACTIVE'; attempt++) {
    status = (await dynamodb.send(new DescribeTableCommand({ TableName: table }))).Table?.TableStatus;
    if (status !== 'ACTIVE') await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'greeting' }, message: { S: 'hello' }, count: { N: '42' } } }));
  const got = await getDynamoDBClient(input.dynamodb).send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'greeting' } }, ConsistentRead: true }));
  return { status, item: { message: got.Item?.message?.S, count: got.Item?.count?.N } };
});

await step('bedrock', async () => {
  const output = await getBedrockRuntimeClient(input.bedrock).send(
    new ConverseCommand({ modelId: input.model, messages: [{ role: 'user', content: [{ text: 'Say hello.' }] }] }),
  );
  return { text: output.output?.message?.content?.[0]?.text, stopReason: output.stopReason };
});

// No credentials passed: the Node build's default chain reads them from the environment, as on a server.
await step('defaultCredentials', async () => {
  const { Buckets } = await getS3Client({ region: input.s3.region, config: input.s3.config }).send(new ListBucketsCommand({}));
  return { buckets: Buckets?.map((entry) => entry.Name) };
});

await step('typoRegion', () => caught(() => getS3Client({ region: 'us-east-l', credentials: input.s3.credentials })));

const secret = input.s3.credentials.secretAccessKey;
await step('credentialsWithoutSecret', () =>
  caught(() => getS3Client({ region: input.s3.region, credentials: { accessKeyId: input.s3.credentials.accessKeyId } as never })),
);
await step('credentialsWithEmptyKey', () => caught(() => getS3Client({ region: input.s3.region, credentials: { accessKeyId: '', secretAccessKey: secret } })));
await step('credentialsOfWrongType', () =>
  caught(() => getS3Client({ region: input.s3.region, credentials: { accessKeyId: 42, secretAccessKey: secret } as never })),
);

// Subscribed by name, as Node's docs show, before the channel's first message; Bun dropped a
// channel nobody held (and the subscription with it) at its next collection.
await step('channelByName', async () => {
  const destroyed: unknown[] = [];
  subscribe('dbp:aws:client:destroy', (message) => destroyed.push((message as { service?: unknown }).service));
  (globalThis as { Bun?: { gc(force: boolean): void } }).Bun?.gc(true);
  const factory = createClientFactory();
  factory.getClient(s3, { region: input.s3.region, credentials: input.s3.credentials });
  await factory.dispose();
  return destroyed;
});

await step('stats', () => {
  const { clients, misses, hits, sessions } = getClientFactory().stats();
  return { clients, misses, hits, sessions };
});

process.stdout.write(JSON.stringify(steps));
