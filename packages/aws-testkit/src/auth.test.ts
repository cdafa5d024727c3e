import { AthenaClient, ListQueryExecutionsCommand } from '@aws-sdk/client-athena';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { ListEndpointsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../test/helpers.js';
import { type LocalAws, type LocalServiceName, startLocalAws } from './index.js';

type Creds = { accessKeyId: string; secretAccessKey: string };

interface Case {
  service: LocalServiceName;
  call: (local: LocalAws, credentials: Creds) => Promise<unknown>;
  status: number;
  badSecret: string;
  unknownKey: string;
}

function options(local: LocalAws, service: LocalServiceName, credentials: Creds) {
  return { region: local.region, credentials, ...local.clientOptions(service).config, maxAttempts: 1 };
}

async function withClient<C extends { destroy(): void; send(command: any): Promise<unknown> }>(client: C, command: unknown): Promise<unknown> {
  try {
    return await client.send(command);
  } finally {
    client.destroy();
  }
}

const cases: Case[] = [
  {
    service: 's3',
    call: (l, c) => withClient(new S3Client(options(l, 's3', c)), new ListBucketsCommand({})),
    status: 403,
    badSecret: 'SignatureDoesNotMatch',
    unknownKey: 'InvalidAccessKeyId',
  },
  {
    service: 'dynamodb',
    call: (l, c) => withClient(new DynamoDBClient(options(l, 'dynamodb', c)), new ListTablesCommand({})),
    status: 400,
    badSecret: 'InvalidSignatureException',
    unknownKey: 'UnrecognizedClientException',
  },
  {
    service: 'bedrock-runtime',
    call: (l, c) =>
      withClient(
        new BedrockRuntimeClient(options(l, 'bedrock-runtime', c)),
        new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
      ),
    status: 403,
    badSecret: 'InvalidSignatureException',
    unknownKey: 'UnrecognizedClientException',
  },
  {
    service: 'sagemaker',
    call: (l, c) => withClient(new SageMakerClient(options(l, 'sagemaker', c)), new ListEndpointsCommand({})),
    status: 400,
    badSecret: 'InvalidSignatureException',
    unknownKey: 'UnrecognizedClientException',
  },
  {
    service: 'athena',
    call: (l, c) => withClient(new AthenaClient(options(l, 'athena', c)), new ListQueryExecutionsCommand({})),
    status: 400,
    badSecret: 'InvalidSignatureException',
    unknownKey: 'UnrecognizedClientException',
  },
  {
    service: 'sts',
    call: (l, c) => withClient(new STSClient(options(l, 'sts', c)), new GetCallerIdentityCommand({})),
    status: 403,
    badSecret: 'SignatureDoesNotMatch',
    unknownKey: 'InvalidClientTokenId',
  },
  {
    service: 'sqs',
    call: (l, c) => withClient(new SQSClient(options(l, 'sqs', c)), new ListQueuesCommand({})),
    status: 403,
    badSecret: 'SignatureDoesNotMatch',
    unknownKey: 'InvalidClientTokenId',
  },
];

let local: LocalAws;
let lenient: LocalAws;

beforeAll(async () => {
  [local, lenient] = await Promise.all([startLocalAws(), startLocalAws({ services: ['dynamodb', 'sagemaker'], verifySignatures: false })]);
});

afterAll(async () => {
  await Promise.all([local?.stop(), lenient?.stop()]);
});

describe.each(cases)('SigV4 verification: $service', ({ service, call, status, badSecret, unknownKey }) => {
  it('accepts the right key pair', async () => {
    await call(local, local.credentials);
    expect(local.requests.count(service, { status: 200, accessKeyId: local.credentials.accessKeyId })).toBeGreaterThan(0);
  });

  it(`answers a wrong secret with ${badSecret}`, async () => {
    const err = await rejection(call(local, { accessKeyId: local.credentials.accessKeyId, secretAccessKey: 'wrong-secret' }));
    expect(err.name).toBe(badSecret);
    expect(err.$metadata?.httpStatusCode).toBe(status);
    const last = local.requests.entries(service).at(-1);
    expect(last).toMatchObject({ status, signatureValid: false, accessKeyId: local.credentials.accessKeyId });
  });

  it(`answers an unknown access key with ${unknownKey}`, async () => {
    const err = await rejection(call(local, { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: local.credentials.secretAccessKey }));
    expect(err.name).toBe(unknownKey);
    expect(err.$metadata?.httpStatusCode).toBe(status);
  });
});

describe('accepted key pairs', () => {
  it('accepts more key pairs after addCredentials and logs who signed', async () => {
    const tenant = { accessKeyId: 'AKIATENANTB000000000', secretAccessKey: 'tenant-b-secret' };
    const before = await rejection(cases[1]!.call(local, tenant));
    expect(before.name).toBe('UnrecognizedClientException');
    local.addCredentials(tenant);
    await cases[1]!.call(local, tenant);
    await cases[3]!.call(local, tenant);
    expect(local.requests.count(undefined, { accessKeyId: tenant.accessKeyId, status: 200 })).toBe(2);
    expect(() => local.addCredentials({ accessKeyId: '', secretAccessKey: 'x' })).toThrow(TypeError);
  });

  it('accepts anything with verifySignatures: false', async () => {
    await cases[1]!.call(lenient, { accessKeyId: 'anyone', secretAccessKey: 'anything' });
    await cases[3]!.call(lenient, { accessKeyId: 'anyone', secretAccessKey: 'anything' });
    const unsigned = await fetch(lenient.endpoints.dynamodb, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
      body: '{}',
    });
    expect(await unsigned.json()).toEqual({ TableNames: [] });
    expect(lenient.requests.entries().slice(0, 2)).toMatchObject([
      { service: 'dynamodb', status: 200, accessKeyId: 'anyone', signatureValid: undefined },
      { service: 'sagemaker', status: 200, accessKeyId: 'anyone', signatureValid: undefined },
    ]);
  });

  it('refuses unsigned requests with the service auth error', async () => {
    const s3 = await fetch(`${local.endpoints.s3}/`);
    expect(s3.status).toBe(403);
    expect(await s3.text()).toContain('<Code>AccessDenied</Code>');
    const dynamo = await fetch(local.endpoints.dynamodb, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
      body: '{}',
    });
    expect(dynamo.status).toBe(400);
    expect(await dynamo.json()).toMatchObject({ __type: 'com.amazon.coral.service#MissingAuthenticationTokenException' });
  });
});
