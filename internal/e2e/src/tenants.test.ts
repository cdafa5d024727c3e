import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { athena } from '@dbp/aws-athena';
import { bedrockRuntime } from '@dbp/aws-bedrock';
import { AwsCredentialError, createClientFactory } from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { s3 } from '@dbp/aws-s3';
import { sagemaker } from '@dbp/aws-sagemaker';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let local: LocalAws;

beforeAll(async () => {
  local = await startLocalAws();
});

afterAll(async () => {
  await local.stop();
});

describe('credentials on the wire', () => {
  it('signs each tenant request with its own credentials in one process', async () => {
    const tenantA = { accessKeyId: 'AKIDTENANTAAAAAAAAAA', secretAccessKey: 'tenant-a-secret-value-0000000000000000000' };
    const tenantB = { accessKeyId: 'AKIDTENANTBBBBBBBBBB', secretAccessKey: 'tenant-b-secret-value-1111111111111111111' };
    local.addCredentials(tenantA);
    local.addCredentials(tenantB);
    const factory = createClientFactory();
    const endpoint = local.clientOptions('s3').config;
    const clientA = factory.getClient(s3, { region: local.region, credentials: tenantA, config: endpoint });
    const clientB = factory.getClient(s3, { region: local.region, credentials: tenantB, config: endpoint });
    expect(clientA).not.toBe(clientB);
    await Promise.all([clientA.send(new ListBucketsCommand({})), clientB.send(new ListBucketsCommand({})), clientA.send(new ListBucketsCommand({}))]);
    expect(local.requests.count('s3', { accessKeyId: tenantA.accessKeyId, operation: 'ListBuckets', status: 200 })).toBe(2);
    expect(local.requests.count('s3', { accessKeyId: tenantB.accessKeyId, operation: 'ListBuckets', status: 200 })).toBe(1);
    expect(local.requests.entries('s3').every((entry) => entry.signatureValid !== false)).toBe(true);
    factory.dispose();
  });

  it('gets the service auth error for a wrong secret', async () => {
    const factory = createClientFactory();
    const options = local.clientOptions('dynamodb');
    const client = factory.getClient(dynamodb, {
      ...options,
      credentials: { ...options.credentials, secretAccessKey: 'not-the-secret-0000000000000000000000000' },
    });
    await expect(client.send(new ListTablesCommand({}))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    factory.dispose();
  });

  it('resolves credentials once for five services on one session', async () => {
    let resolutions = 0;
    const provider = async () => {
      resolutions++;
      return { ...local.credentials };
    };
    const factory = createClientFactory();
    const calls = [
      factory.getClient(s3, { ...local.clientOptions('s3'), credentials: provider }).send(new ListBucketsCommand({})),
      factory.getClient(dynamodb, { ...local.clientOptions('dynamodb'), credentials: provider }).send(new ListTablesCommand({})),
    ];
    // The other three services share the session; resolve through their SDK configs.
    for (const [definition, service] of [
      [bedrockRuntime, 'bedrock-runtime'],
      [sagemaker, 'sagemaker'],
      [athena, 'athena'],
    ] as const) {
      const client = factory.getClient(definition as never, { ...local.clientOptions(service), credentials: provider } as never) as {
        config: { credentials: unknown };
      };
      calls.push((client.config.credentials as unknown as () => Promise<never>)());
    }
    await Promise.all(calls);
    expect(resolutions).toBe(1);
    factory.dispose();
  });
});

describe('profiles', () => {
  let dir: string;
  const saved = { config: process.env.AWS_CONFIG_FILE, credentials: process.env.AWS_SHARED_CREDENTIALS_FILE };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dbp-e2e-profiles-'));
    writeFileSync(join(dir, 'config'), `[profile local]\nregion = ${local.region}\n`);
    writeFileSync(
      join(dir, 'credentials'),
      `[local]\naws_access_key_id = ${local.credentials.accessKeyId}\naws_secret_access_key = ${local.credentials.secretAccessKey}\n`,
    );
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved.config === undefined) delete process.env.AWS_CONFIG_FILE;
    else process.env.AWS_CONFIG_FILE = saved.config;
    if (saved.credentials === undefined) delete process.env.AWS_SHARED_CREDENTIALS_FILE;
    else process.env.AWS_SHARED_CREDENTIALS_FILE = saved.credentials;
  });

  it('signs with a profile from the shared files', async () => {
    const factory = createClientFactory();
    const client = factory.getClient(s3, { region: local.region, profile: 'local', config: local.clientOptions('s3').config });
    await client.send(new ListBucketsCommand({}));
    expect(local.requests.entries('s3').at(-1)).toMatchObject({ accessKeyId: local.credentials.accessKeyId, signatureValid: true, status: 200 });
    factory.dispose();
  });

  it('fails a missing profile with AwsCredentialError naming it, before any request', async () => {
    const factory = createClientFactory();
    const before = local.requests.count('s3');
    const client = factory.getClient(s3, { region: local.region, profile: 'missing-profile', config: local.clientOptions('s3').config });
    const error = await client.send(new ListBucketsCommand({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCredentialError);
    expect((error as Error).message).toContain("'missing-profile'");
    expect(local.requests.count('s3')).toBe(before);
    factory.dispose();
  });
});
