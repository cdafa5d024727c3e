/**
 * The built function (`dist/handler.mjs`, bundled as AWS documents, the zip's
 * only file) run as Lambda runs it, on each Node of Lambda's runtimes
 * (nodejs22.x, nodejs24.x; binaries from the npm registry): a task root with
 * no node_modules, a local Runtime API, and a runtime that polls it, for one
 * cold and several warm invocations against the testkit's S3 and DynamoDB.
 * Client reuse is read off the wire: a proxy in front of each endpoint counts
 * the connections the function opens. A cached client keeps its keep-alive
 * connection across invocations; a client made per invocation opens one
 * each time (the control below shows the count tells them apart).
 */
import { readFileSync } from 'node:fs';
import { CreateTableCommand, DescribeTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createClientFactory } from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { s3 } from '@dbp/aws-s3';
import { generateTestCredentials, type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_NODE_MAJORS, resolveRuntime } from '../../../scripts/lib/runtimes.mjs';
import { lambdaBuildOptions } from '../esbuild.config.mjs';
import { type ConnectionCounter, countConnections } from './connectionCounter.js';
import { type LambdaEnvironment, startLambdaEnvironment } from './lambdaEnvironment.js';

const BUNDLE = readFileSync(new URL('../dist/handler.mjs', import.meta.url), 'utf8');
const TABLE = 'objects';
const BUCKET = 'uploads';
const WARM_INVOCATIONS = 4;

let local: LocalAws;
// The function's role credentials (with a session token, as Lambda's always have), not the set-up's.
const role = { ...generateTestCredentials(), sessionToken: 'IQoJb3JpZ2luX2VjEEXAMPLETOKEN' };

function event(...keys: string[]) {
  return { Records: keys.map((key) => ({ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: BUCKET }, object: { key } } })) };
}

/** What Lambda sets for this function: region, role credentials, its own variables, and the endpoints (through the counters). */
function functionEnv(counters: { s3: ConnectionCounter; dynamodb: ConnectionCounter }): Record<string, string> {
  return {
    AWS_REGION: local.region,
    AWS_DEFAULT_REGION: local.region,
    AWS_ACCESS_KEY_ID: role.accessKeyId,
    AWS_SECRET_ACCESS_KEY: role.secretAccessKey,
    AWS_SESSION_TOKEN: role.sessionToken,
    INDEX_TABLE: TABLE,
    AWS_ENDPOINT_URL_S3: counters.s3.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: counters.dynamodb.endpoint,
  };
}

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3', 'dynamodb'] });
  local.addCredentials(role);
  const setup = createClientFactory();
  try {
    const bucket = setup.getClient(s3, local.clientOptions('s3'));
    await bucket.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await bucket.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'photos/summer day.jpg', Body: new Uint8Array(2048), ContentType: 'image/jpeg' }));
    await bucket.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'notes.txt', Body: 'hello', ContentType: 'text/plain' }));
    const table = setup.getClient(dynamodb, local.clientOptions('dynamodb'));
    await table.send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    let status: string | undefined;
    for (let i = 0; i < 100 && status !== 'ACTIVE'; i++) status = (await table.send(new DescribeTableCommand({ TableName: TABLE }))).Table?.TableStatus;
    expect(status).toBe('ACTIVE');
  } finally {
    setup.dispose();
  }
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

describe.each(LAMBDA_NODE_MAJORS)('dist/handler.mjs in a Lambda execution environment on nodejs%s.x', (major) => {
  let environment: LambdaEnvironment;
  let counters: { s3: ConnectionCounter; dynamodb: ConnectionCounter };

  beforeAll(async () => {
    const node = await resolveRuntime(`node${major}`);
    counters = { s3: await countConnections(local.endpoints.s3!), dynamodb: await countConnections(local.endpoints.dynamodb!) };
    environment = await startLambdaEnvironment({ node: node.path, major, files: { 'handler.mjs': BUNDLE }, env: functionEnv(counters) });
  }, 120_000);

  afterAll(async () => {
    await environment?.stop();
    await counters?.s3.close();
    await counters?.dynamodb.close();
  });

  it('cold start: loads the one-file bundle from a task root with no node_modules and indexes the object', async () => {
    const result = await environment.api.invoke(event('photos/summer+day.jpg'));
    expect(result, environment.output()).toMatchObject({
      ok: true,
      payload: { indexed: [{ bucket: BUCKET, key: 'photos/summer day.jpg', size: 2048, contentType: 'image/jpeg', etag: expect.any(String) }] },
    });
    const row = await createClientFactory()
      .getClient(dynamodb, local.clientOptions('dynamodb'))
      .send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `${BUCKET}/photos/summer day.jpg` } } }));
    expect(row.Item?.size?.N).toBe('2048');
    expect({ s3: counters.s3.connections, dynamodb: counters.dynamodb.connections }).toEqual({ s3: 1, dynamodb: 1 });
  });

  it(`warm invocations (${WARM_INVOCATIONS}): the same process reuses the cold start's clients and their connections`, async () => {
    for (let i = 0; i < WARM_INVOCATIONS; i++) {
      const result = await environment.api.invoke(event('notes.txt'));
      expect(result, environment.output()).toMatchObject({ ok: true, payload: { indexed: [{ key: 'notes.txt', size: 5, contentType: 'text/plain' }] } });
    }
    // The runtime process that served the cold start is still running: one execution environment served every invocation.
    expect({ exitCode: environment.process.exitCode, signal: environment.process.signalCode }).toEqual({ exitCode: null, signal: null });
    // Five invocations, one S3 and one DynamoDB connection: the clients of the cold start, still open.
    expect({ s3: counters.s3.connections, dynamodb: counters.dynamodb.connections }).toEqual({ s3: 1, dynamodb: 1 });
  });

  it('a failing invocation goes to /error with the SDK error’s type, and the environment keeps serving', async () => {
    const failed = await environment.api.invoke(event('gone.txt'));
    expect(failed).toMatchObject({ ok: false, error: { errorType: 'NotFound', errorTypeHeader: 'NotFound' } });
    const next = await environment.api.invoke(event('notes.txt'));
    expect(next).toMatchObject({ ok: true });
    expect({ s3: counters.s3.connections, dynamodb: counters.dynamodb.connections }).toEqual({ s3: 1, dynamodb: 1 });
  });

  it("signs every request with the function role's credentials, validly", () => {
    const entries = [...local.requests.entries('s3'), ...local.requests.entries('dynamodb')].filter((entry) => entry.accessKeyId === role.accessKeyId);
    // Per environment: 1 + 4 + 1 successful invocations (HeadObject + PutItem each) and one HeadObject 404.
    expect(entries.length).toBeGreaterThanOrEqual(2 * (1 + WARM_INVOCATIONS + 1) + 1);
    expect(entries.filter((entry) => entry.signatureValid !== true)).toEqual([]);
  });

  it('wrote nothing to the logs: no warning, no error', () => {
    expect(environment.output()).toBe('');
  });
});

describe('the connection count, as a measure of client reuse', () => {
  it('counts one connection per invocation for a handler that makes a new S3Client each time (the control)', async () => {
    const built = await build({
      ...lambdaBuildOptions({ entryPoints: [new URL('./fixtures/clientPerInvocation.ts', import.meta.url).pathname], outfile: 'control.mjs' }),
      sourcemap: false,
      write: false,
    });
    const node = await resolveRuntime(`node${LAMBDA_NODE_MAJORS[0]}`);
    const counters = { s3: await countConnections(local.endpoints.s3!), dynamodb: await countConnections(local.endpoints.dynamodb!) };
    const environment = await startLambdaEnvironment({
      node: node.path,
      major: LAMBDA_NODE_MAJORS[0]!,
      files: { 'handler.mjs': built.outputFiles[0]!.text },
      env: functionEnv(counters),
    });
    try {
      for (let i = 0; i < 3; i++) expect(await environment.api.invoke(event('notes.txt')), environment.output()).toEqual(expect.objectContaining({ ok: true }));
      expect(counters.s3.connections).toBe(3);
    } finally {
      await environment.stop();
      await counters.s3.close();
      await counters.dynamodb.close();
    }
  });
});

describe('the local Lambda runtime', () => {
  it('reports a handler that fails to load on /init/error, and the runtime exits', async () => {
    const node = await resolveRuntime(`node${LAMBDA_NODE_MAJORS[0]}`);
    const environment = await startLambdaEnvironment({
      node: node.path,
      major: LAMBDA_NODE_MAJORS[0]!,
      files: { 'handler.mjs': "throw new TypeError('INDEX_TABLE must name a table');\n" },
      env: {},
    });
    try {
      expect(await environment.api.waitForInitError()).toMatchObject({
        errorType: 'TypeError',
        errorMessage: 'INDEX_TABLE must name a table',
        errorTypeHeader: 'Runtime.TypeError',
      });
      expect(await environment.exited).toBe(1);
    } finally {
      await environment.stop();
    }
  });

  it('reports a missing handler export as Runtime.HandlerNotFound', async () => {
    const node = await resolveRuntime(`node${LAMBDA_NODE_MAJORS[0]}`);
    const environment = await startLambdaEnvironment({
      node: node.path,
      major: LAMBDA_NODE_MAJORS[0]!,
      files: { 'handler.mjs': 'export const main = async () => 1;\n' },
      env: {},
    });
    try {
      expect(await environment.api.waitForInitError()).toMatchObject({ errorType: 'Runtime.HandlerNotFound', errorTypeHeader: 'Runtime.HandlerNotFound' });
    } finally {
      await environment.stop();
    }
  });
});
