import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../test/helpers.js';
import { type LocalAws, type LocalServiceName, startLocalAws } from './index.js';

// Requests AWS refuses and the testkit must refuse too, or every test built on
// it passes for code that would fail against AWS (a client signing for the
// wrong region, a faked clock, credentials mixed from two sets).
//
// FAILS ON PURPOSE (second adversarial review): `scopeProblem` in
// src/internal/sigv4.ts checks the scope's terminator, service and date but
// not its region; nothing compares X-Amz-Date with the server's clock (AWS
// allows 15 minutes); `sessionProblem` ignores a session token sent with a
// long-term key. Each case below is accepted today.

type Client = { send(command: never): Promise<unknown>; destroy(): void };

interface Case {
  readonly service: LocalServiceName;
  readonly client: (config: Record<string, unknown>) => Client;
  readonly command: () => unknown;
}

const CASES: readonly Case[] = [
  { service: 's3', client: (config) => new S3Client(config) as Client, command: () => new ListBucketsCommand({}) },
  { service: 'dynamodb', client: (config) => new DynamoDBClient(config) as Client, command: () => new ListTablesCommand({}) },
  { service: 'sqs', client: (config) => new SQSClient(config) as Client, command: () => new ListQueuesCommand({}) },
];

let local: LocalAws;

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3', 'dynamodb', 'sqs'] });
});

afterAll(async () => {
  await local.stop();
});

async function send(testCase: Case, overrides: Record<string, unknown>): Promise<unknown> {
  const client = testCase.client({
    region: local.region,
    credentials: { ...local.credentials },
    ...local.clientOptions(testCase.service).config,
    maxAttempts: 1,
    ...overrides,
  });
  try {
    return await client.send(testCase.command() as never);
  } finally {
    client.destroy();
  }
}

const FIFTEEN_MINUTES = 15 * 60_000;

describe.each(CASES)('$service refuses what AWS refuses', (testCase) => {
  it('accepts a well-signed request (the checks below can fail)', async () => {
    await expect(send(testCase, {})).resolves.toBeDefined();
  });

  it('refuses a signature scoped to another region than the endpoint serves', async () => {
    const error = await rejection(send(testCase, { region: local.region === 'eu-west-3' ? 'us-west-2' : 'eu-west-3' }));
    expect([400, 403]).toContain(error.$metadata?.httpStatusCode);
  });

  it('refuses a request signed more than 15 minutes behind its clock', async () => {
    const error = await rejection(send(testCase, { systemClockOffset: -2 * FIFTEEN_MINUTES }));
    expect([400, 403]).toContain(error.$metadata?.httpStatusCode);
  });

  it('refuses a request signed more than 15 minutes ahead of its clock', async () => {
    const error = await rejection(send(testCase, { systemClockOffset: 2 * FIFTEEN_MINUTES }));
    expect([400, 403]).toContain(error.$metadata?.httpStatusCode);
  });

  it('refuses a long-term access key sent with a session token', async () => {
    const error = await rejection(send(testCase, { credentials: { ...local.credentials, sessionToken: 'not-a-session-token-of-this-key' } }));
    expect([400, 403]).toContain(error.$metadata?.httpStatusCode);
  });
});
