import { setTimeout as sleep } from 'node:timers/promises';
import { AthenaClient, ListQueryExecutionsCommand } from '@aws-sdk/client-athena';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { ListEndpointsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../test/helpers.js';
import { LOCAL_SERVICES, type LocalAws, type LocalServiceName, startLocalAws } from './index.js';

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined };

interface Case {
  service: LocalServiceName;
  call: (credentials: Creds) => Promise<unknown>;
  /** The service's error for temporary credentials past their expiry. */
  expired: [name: string, status: number];
  /** The service's error for a temporary key with a wrong session token. */
  invalid: [name: string, status: number];
}

let local: LocalAws;

function options(service: LocalServiceName, credentials: Creds) {
  return { region: local.region, credentials, ...local.clientOptions(service).config, maxAttempts: 1 };
}

async function once<C extends { destroy(): void; send(command: any): Promise<unknown> }>(client: C, command: unknown): Promise<unknown> {
  try {
    return await client.send(command);
  } finally {
    client.destroy();
  }
}

const cases: Case[] = [
  {
    service: 's3',
    call: (c) => once(new S3Client(options('s3', c)), new ListBucketsCommand({})),
    expired: ['ExpiredToken', 400],
    invalid: ['InvalidToken', 400],
  },
  {
    service: 'dynamodb',
    call: (c) => once(new DynamoDBClient(options('dynamodb', c)), new ListTablesCommand({})),
    expired: ['ExpiredTokenException', 400],
    invalid: ['UnrecognizedClientException', 400],
  },
  {
    service: 'bedrock-runtime',
    call: (c) =>
      once(
        new BedrockRuntimeClient(options('bedrock-runtime', c)),
        new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
      ),
    expired: ['ExpiredTokenException', 403],
    invalid: ['UnrecognizedClientException', 403],
  },
  {
    service: 'sagemaker',
    call: (c) => once(new SageMakerClient(options('sagemaker', c)), new ListEndpointsCommand({})),
    expired: ['ExpiredTokenException', 400],
    invalid: ['UnrecognizedClientException', 400],
  },
  {
    service: 'athena',
    call: (c) => once(new AthenaClient(options('athena', c)), new ListQueryExecutionsCommand({})),
    expired: ['ExpiredTokenException', 400],
    invalid: ['UnrecognizedClientException', 400],
  },
  {
    service: 'sts',
    call: (c) => once(new STSClient(options('sts', c)), new GetCallerIdentityCommand({})),
    expired: ['ExpiredToken', 403],
    invalid: ['InvalidClientTokenId', 403],
  },
  {
    service: 'sqs',
    call: (c) => once(new SQSClient(options('sqs', c)), new ListQueuesCommand({})),
    expired: ['ExpiredToken', 403],
    invalid: ['InvalidClientTokenId', 403],
  },
];

async function assumeRole(sessionName: string, signer: Creds = local.credentials): Promise<Creds & { expiration: Date }> {
  const out = (await once(
    new STSClient(options('sts', signer)),
    new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111122223333:role/tenant', RoleSessionName: sessionName }),
  )) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: Date } };
  const c = out.Credentials;
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
}

beforeAll(async () => {
  local = await startLocalAws();
});

afterAll(async () => {
  await local?.stop();
});

it('starts every service by default, STS and SQS included', () => {
  expect(Object.keys(local.endpoints).sort()).toEqual([...LOCAL_SERVICES].sort());
  expect(LOCAL_SERVICES).toContain('sts');
  expect(LOCAL_SERVICES).toContain('sqs');
});

describe.each(cases)('temporary credentials on $service', ({ service, call, expired, invalid }) => {
  it('are accepted, and logged with their own ASIA key', async () => {
    const creds = await assumeRole(`${service.replace(/[^\w]/g, '-')}-ok`);
    local.requests.reset();
    await call(creds);
    expect(local.requests.entries(service)).toMatchObject([{ status: 200, accessKeyId: creds.accessKeyId, signatureValid: true }]);
  });

  it(`without their session token, or with another one, are ${invalid[0]} (${invalid[1]})`, async () => {
    const creds = await assumeRole(`${service.replace(/[^\w]/g, '-')}-bad`);
    const other = await assumeRole(`${service.replace(/[^\w]/g, '-')}-other`);
    for (const sessionToken of [undefined, other.sessionToken]) {
      const err = await rejection(call({ ...creds, sessionToken }));
      expect([err.name, err.$metadata?.httpStatusCode]).toEqual(invalid);
    }
    expect(local.requests.entries(service).at(-1)).toMatchObject({ status: invalid[1], accessKeyId: creds.accessKeyId });
  });

  it(`are refused once expired with ${expired[0]} (${expired[1]})`, async () => {
    const creds = await assumeRole(`${service.replace(/[^\w]/g, '-')}-expiring`);
    await call(creds);
    expect(local.sts.expireCredentials(creds.accessKeyId)).toBe(1);
    const err = await rejection(call(creds));
    expect([err.name, err.$metadata?.httpStatusCode]).toEqual(expired);
    expect(err.message).toMatch(/expired/i);
  });
});

describe('credential lifetime', () => {
  it('lasts credentialLifetimeSeconds, whatever DurationSeconds asked, then every service refuses the credentials', async () => {
    await using short = await startLocalAws({ services: ['sts', 'dynamodb', 'sqs'], sts: { credentialLifetimeSeconds: 0.5 } });
    const sts = new STSClient({ region: short.region, credentials: short.credentials, ...short.clientOptions('sts').config });
    const before = Date.now();
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111122223333:role/short', RoleSessionName: 'short-session', DurationSeconds: 3600 }),
    );
    sts.destroy();
    const expiration = out.Credentials!.Expiration!.getTime();
    expect(expiration - before).toBeGreaterThanOrEqual(500);
    expect(expiration - before).toBeLessThan(3_600_000);
    const creds = {
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    };
    const dynamo = () =>
      once(
        new DynamoDBClient({ region: short.region, credentials: creds, ...short.clientOptions('dynamodb').config, maxAttempts: 1 }),
        new ListTablesCommand({}),
      );
    const sqs = () =>
      once(new SQSClient({ region: short.region, credentials: creds, ...short.clientOptions('sqs').config, maxAttempts: 1 }), new ListQueuesCommand({}));
    // Wait past the stated expiry (bounded: 0.5 s lifetime).
    while (Date.now() <= expiration) await sleep(Math.max(1, expiration - Date.now() + 1));
    expect((await rejection(dynamo())).name).toBe('ExpiredTokenException');
    expect((await rejection(sqs())).name).toBe('ExpiredToken');
  });

  it('can be changed at run time and per role', async () => {
    local.sts.setCredentialLifetime(5);
    try {
      const before = Date.now();
      const creds = await assumeRole('runtime-lifetime');
      // Expiry is in whole seconds; the call may take a while on a loaded machine.
      expect(creds.expiration.getTime() - before).toBeLessThanOrEqual(6_000 + (Date.now() - before));
      expect(creds.expiration.getTime() - before).toBeGreaterThanOrEqual(4_000);
      local.sts.defineRole({ arn: 'arn:aws:iam::111122223333:role/tenant', credentialLifetimeSeconds: 60 });
      const perRole = await assumeRole('per-role-lifetime');
      expect(perRole.expiration.getTime() - before).toBeGreaterThanOrEqual(59_000);
      expect(perRole.expiration.getTime() - before).toBeLessThanOrEqual(61_000 + (Date.now() - before));
    } finally {
      local.sts.setCredentialLifetime(undefined);
      local.sts.removeRole('arn:aws:iam::111122223333:role/tenant');
    }
    const normal = await assumeRole('default-lifetime');
    expect(normal.expiration.getTime() - Date.now()).toBeGreaterThan(3_500_000);
  });
});

describe('S3 presigned URLs with temporary credentials', () => {
  it('work until the credentials expire, then answer ExpiredToken', async () => {
    const creds = await assumeRole('presigner');
    const s3 = new S3Client({ region: local.region, credentials: creds, ...local.clientOptions('s3').config });
    try {
      const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'temporary', Key: 'k' }), { expiresIn: 60 });
      expect(new URL(url).searchParams.get('X-Amz-Security-Token')).toBe(creds.sessionToken);
      // The bucket does not exist: a 404 means the signature and token were accepted.
      expect((await fetch(url)).status).toBe(404);
      local.sts.expireCredentials(creds.accessKeyId);
      const expired = await fetch(url);
      expect(expired.status).toBe(400);
      expect(await expired.text()).toContain('<Code>ExpiredToken</Code>');
    } finally {
      s3.destroy();
    }
  });
});
