/**
 * Invokes the built Lambda bundle (`dist/handler.mjs`, the file that goes in
 * the zip) in Node against the testkit's local S3 and DynamoDB, configured
 * the way Lambda configures a function: through environment variables.
 */
import { pathToFileURL } from 'node:url';
import { CreateTableCommand, DescribeTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { type AwsClientFactory, createClientFactory, getClientFactory } from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { s3 } from '@dbp/aws-s3';
import { generateTestCredentials, type LocalAws, localAwsEnv, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type HandlerModule = typeof import('../src/handler.js');

let local: LocalAws;
let setup: AwsClientFactory;
let handler: HandlerModule['handler'];
/** What the init phase (importing the bundle) left: the process-wide factory's stats and the requests signed with the function's key. */
let afterInit: { clients: number; misses: number; requests: number };
// The function's role credentials: another key pair than the one the test set-up uses.
const functionCredentials = generateTestCredentials();
const savedEnv = { ...process.env };

function event(bucket: string, ...keys: string[]) {
  return { Records: keys.map((key) => ({ s3: { bucket: { name: bucket }, object: { key } } })) };
}

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3', 'dynamodb'] });
  setup = createClientFactory();
  const bucket = setup.getClient(s3, local.clientOptions('s3'));
  await bucket.send(new CreateBucketCommand({ Bucket: 'uploads' }));
  await bucket.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'photos/summer day.jpg', Body: new Uint8Array(2048), ContentType: 'image/jpeg' }));
  await bucket.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'notes.txt', Body: 'hello', ContentType: 'text/plain' }));
  const table = setup.getClient(dynamodb, local.clientOptions('dynamodb'));
  await table.send(
    new CreateTableCommand({
      TableName: 'objects',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  // dynalite makes a new table ACTIVE shortly after creating it.
  let status: string | undefined;
  for (let i = 0; i < 100 && status !== 'ACTIVE'; i++) status = (await table.send(new DescribeTableCommand({ TableName: 'objects' }))).Table?.TableStatus;
  expect(status).toBe('ACTIVE');

  // What Lambda sets (region, the role's credentials) plus the function's own variables.
  local.addCredentials(functionCredentials);
  Object.assign(process.env, localAwsEnv(local), {
    AWS_REGION: local.region,
    AWS_ACCESS_KEY_ID: functionCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: functionCredentials.secretAccessKey,
    INDEX_TABLE: 'objects',
  });
  ({ handler } = (await import(pathToFileURL(`${import.meta.dirname}/../dist/handler.mjs`).href)) as HandlerModule);
  const { clients, misses } = getClientFactory().stats();
  afterInit = { clients, misses, requests: local.requests.count(undefined, { accessKeyId: functionCredentials.accessKeyId }) };
});

afterAll(async () => {
  process.env = savedEnv;
  getClientFactory().dispose();
  setup?.dispose();
  await local?.stop();
});

describe('the Lambda handler (dist/handler.mjs)', () => {
  it('makes and warms both clients in the init phase, sending nothing to S3 or DynamoDB', () => {
    expect(afterInit).toEqual({ clients: 2, misses: 2, requests: 0 });
  });

  it('indexes the objects of an S3 event in DynamoDB, decoding S3 event keys', async () => {
    const result = await handler(event('uploads', 'photos/summer+day.jpg'));
    expect(result.indexed).toEqual([{ bucket: 'uploads', key: 'photos/summer day.jpg', size: 2048, contentType: 'image/jpeg', etag: expect.any(String) }]);
    const row = await setup
      .getClient(dynamodb, local.clientOptions('dynamodb'))
      .send(new GetItemCommand({ TableName: 'objects', Key: { pk: { S: 'uploads/photos/summer day.jpg' } } }));
    expect(row.Item?.contentType?.S).toBe('image/jpeg');
    expect(row.Item?.size?.N).toBe('2048');
  });

  it('signs with the credentials from the environment, as a function role provides them', () => {
    const byFunction = (filter: { operation: string }) => ({ ...filter, accessKeyId: functionCredentials.accessKeyId, status: 200 });
    expect(local.requests.count('s3', byFunction({ operation: 'HeadObject' }))).toBe(1);
    expect(local.requests.count('dynamodb', byFunction({ operation: 'PutItem' }))).toBe(1);
    const signed = [...local.requests.entries('s3'), ...local.requests.entries('dynamodb')].filter(
      (entry) => entry.accessKeyId === functionCredentials.accessKeyId,
    );
    expect(signed.every((entry) => entry.signatureValid === true)).toBe(true);
  });

  it('reuses the cold start clients on warm invocations', async () => {
    const before = getClientFactory().stats();
    expect(before.clients).toBe(2);
    await handler(event('uploads', 'notes.txt'));
    await handler(event('uploads', 'notes.txt'));
    const after = getClientFactory().stats();
    expect(after.clients).toBe(2);
    expect(after.misses).toBe(before.misses);
    // The clients the init phase warmed: no invocation made one.
    expect(after.misses).toBe(afterInit.misses);
    expect(after.hits).toBe(before.hits + 4);
  });

  it('fails the invocation (so Lambda retries) when an object is missing', async () => {
    await expect(handler(event('uploads', 'gone.txt'))).rejects.toMatchObject({ name: 'NotFound', $metadata: { httpStatusCode: 404 } });
  });
});
