/**
 * Runs the built service (`node dist/server.js`, a separate process with
 * @dbp/aws-* resolved from their dist/) against the testkit's local S3 and
 * DynamoDB, configured only through environment variables.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { createClientFactory } from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { s3 } from '@dbp/aws-s3';
import { type LocalAws, localAwsEnv, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SERVER = fileURLToPath(new URL('../dist/server.js', import.meta.url));

let local: LocalAws;
let server: ChildProcess;
let baseUrl: string;

async function createBucketAndTable(): Promise<void> {
  const factory = createClientFactory();
  try {
    await factory.getClient(s3, local.clientOptions('s3')).send(new CreateBucketCommand({ Bucket: 'notes' }));
    const table = factory.getClient(dynamodb, local.clientOptions('dynamodb'));
    await table.send(
      new CreateTableCommand({
        TableName: 'notes',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    // dynalite makes a new table ACTIVE shortly after creating it.
    let status: string | undefined;
    for (let i = 0; i < 100 && status !== 'ACTIVE'; i++) status = (await table.send(new DescribeTableCommand({ TableName: 'notes' }))).Table?.TableStatus;
    expect(status).toBe('ACTIVE');
  } finally {
    factory.dispose();
  }
}

/** Starts the server and resolves with its URL once it prints it; rejects if it exits first. */
function startServer(env: NodeJS.ProcessEnv): Promise<string> {
  server = spawn(process.execPath, [SERVER], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    server.stdout!.setEncoding('utf8');
    // Keeps reading after the match, so the service never blocks on a full pipe.
    server.stdout!.on('data', (chunk: string) => {
      output += chunk;
      const match = /listening on (http:\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    server.once('exit', (code) => reject(new Error(`the service exited with ${code} before listening:\n${output}`)));
  });
}

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3', 'dynamodb'] });
  await createBucketAndTable();
  baseUrl = await startServer({
    ...process.env,
    ...localAwsEnv(local, { includeCredentials: true }),
    NOTES_BUCKET: 'notes',
    NOTES_TABLE: 'notes',
    PORT: '0',
    HOST: '127.0.0.1',
  });
});

afterAll(async () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGKILL');
    await once(server, 'exit');
  }
  await local?.stop();
});

describe('the notes service (node dist/server.js)', () => {
  it('stores a note in S3, indexes it in DynamoDB and reads it back', async () => {
    const put = await fetch(`${baseUrl}/notes/hello`, { method: 'PUT', body: 'hello from the notes service' });
    expect(put.status).toBe(201);
    expect(await put.json()).toMatchObject({ id: 'hello', size: 28 });

    const got = await fetch(`${baseUrl}/notes/hello`);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('hello from the notes service');

    const list = await fetch(`${baseUrl}/notes`);
    expect((await list.json()) as unknown[]).toEqual([expect.objectContaining({ id: 'hello', size: 28 })]);

    expect(local.requests.count('s3', { operation: 'PutObject', status: 200 })).toBe(1);
    expect(local.requests.count('dynamodb', { operation: 'PutItem', status: 200 })).toBe(1);
  });

  it('signs every request with the credentials from the environment', async () => {
    await fetch(`${baseUrl}/notes/signed`, { method: 'PUT', body: 'x' });
    const entries = [...local.requests.entries('s3'), ...local.requests.entries('dynamodb')];
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      expect(entry.accessKeyId).toBe(local.credentials.accessKeyId);
      expect(entry.signatureValid).toBe(true);
    }
  });

  it('answers 404 for a missing note and 400 for a bad id', async () => {
    expect((await fetch(`${baseUrl}/notes/missing`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/notes/${encodeURIComponent('a b')}`)).status).toBe(400);
  });

  it('serves every request from one cached client per service', async () => {
    for (let i = 0; i < 3; i++) expect((await fetch(`${baseUrl}/notes/n${i}`, { method: 'PUT', body: `note ${i}` })).status).toBe(201);
    const health = (await (await fetch(`${baseUrl}/healthz`)).json()) as { clients: number; hits: number; misses: number };
    expect(health.clients).toBe(2);
    expect(health.misses).toBe(2);
    expect(health.hits).toBeGreaterThanOrEqual(8);
  });

  it('stops cleanly on SIGTERM: running requests end, the clients are disposed, the process exits 0', async () => {
    const exit = once(server, 'exit');
    server.kill('SIGTERM');
    const [code] = await exit;
    expect(code).toBe(0);
  });
});
