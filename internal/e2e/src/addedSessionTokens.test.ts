/**
 * A key pair added to the testkit with a session token (`addCredentials({ …,
 * sessionToken })`, as Lambda's or a container's role credentials) through
 * factory clients and the SDK's companions: presigned URLs carry the token
 * and are refused without it, lib-storage's multipart Upload signs every part
 * with it, re-adding the key with or without a token switches which requests
 * it takes, and the SDK's clock-skew recovery works with it while every timer
 * is faked. A fourth adversarial review's probes; they held.
 */
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListBucketsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type AwsClientFactory, createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import { generateTestCredentials, type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { disposedAfterEach } from './helpers.js';

let local: LocalAws;
const BUCKET = 'session-tokens';
const PART = 5 * 1024 * 1024;

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3'] });
  await using setup = createClientFactory();
  const client = setup.getClient(s3, local.clientOptions('s3'));
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'hello' }));
});

afterAll(async () => {
  await local.stop();
});

afterEach(() => {
  vi.useRealTimers();
});

const disposeAfterTest = disposedAfterEach(() => local);

function factory(): AwsClientFactory {
  return disposeAfterTest(createClientFactory({ disposeGraceMs: 0 }));
}

let roles = 0;
/** A new key pair with a session token of its own, as a role's credentials. */
function roleCredentials(): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
  roles++;
  return { ...generateTestCredentials(), sessionToken: `IQoJb3JpZ2luX2VjEREVIEWFOUR${roles}TOKEN` };
}

function clientWith(target: AwsClientFactory, credentials: object, maxAttempts = 1): S3Client {
  const { region, config } = local.clientOptions('s3');
  return target.getClient(s3, { region, credentials: credentials as never, config: { ...config, maxAttempts } });
}

const outcome = (client: S3Client): Promise<string> =>
  client.send(new ListBucketsCommand({})).then(
    () => 'ok',
    (error: Error) => error.name,
  );

describe('a pair added with a session token', () => {
  it('presigns a GET that carries the token and works; the same URL without it, or one signed without it, is refused', async () => {
    const role = roleCredentials();
    local.addCredentials(role);
    const target = factory();
    const url = await getSignedUrl(clientWith(target, role), new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }), { expiresIn: 60 });
    expect(new URL(url).searchParams.get('X-Amz-Security-Token')).toBe(role.sessionToken);
    const ok = await fetch(url);
    expect([ok.status, await ok.text()]).toEqual([200, 'hello']);
    const stripped = new URL(url);
    stripped.searchParams.delete('X-Amz-Security-Token');
    const withoutToken = await fetch(stripped);
    await withoutToken.arrayBuffer();
    expect(withoutToken.status).toBe(400);
    const { sessionToken: _token, ...longTerm } = role;
    const unsignedUrl = await getSignedUrl(clientWith(target, longTerm), new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }), { expiresIn: 60 });
    const refused = await fetch(unsignedUrl);
    await refused.arrayBuffer();
    expect(refused.status).toBe(400);
  });

  it('uploads 11 MiB in three parts with lib-storage Upload, each part signed with the token', async () => {
    const role = roleCredentials();
    local.addCredentials(role);
    const client = clientWith(factory(), role, 3);
    const before = local.requests.count('s3', { operation: 'UploadPart', status: 200 });
    const body = Buffer.alloc(11 * 1024 * 1024, 5);
    const upload = new Upload({ client, params: { Bucket: BUCKET, Key: 'multipart-token', Body: body }, partSize: PART, queueSize: 1 });
    await expect(upload.done()).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    expect(local.requests.count('s3', { operation: 'UploadPart', status: 200 }) - before).toBe(3);
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'multipart-token' }));
    expect(head.ContentLength).toBe(body.length);
  });

  it('re-added without a token takes only requests without one; re-added with it, only requests with it', async () => {
    const role = roleCredentials();
    const { sessionToken: _token, ...longTerm } = role;
    const target = factory();
    local.addCredentials(role);
    expect([await outcome(clientWith(target, longTerm)), await outcome(clientWith(target, role))]).toEqual(['InvalidToken', 'ok']);
    local.addCredentials(longTerm);
    expect([await outcome(clientWith(target, longTerm)), await outcome(clientWith(target, role))]).toEqual(['ok', 'InvalidToken']);
    local.addCredentials({ ...role, sessionToken: undefined });
    expect([await outcome(clientWith(target, longTerm)), await outcome(clientWith(target, role))]).toEqual(['ok', 'InvalidToken']);
    local.addCredentials(role);
    expect([await outcome(clientWith(target, longTerm)), await outcome(clientWith(target, role))]).toEqual(['InvalidToken', 'ok']);
    expect(() => local.addCredentials({ ...role, sessionToken: '' })).toThrow(TypeError);
  });

  it.each([
    ['slow', -30],
    ['fast', 30],
  ])('a machine clock 30 minutes %s with every timer faked: the SDK corrects its clock from the Date and retries, token and all', async (_how, minutes) => {
    const role = roleCredentials();
    local.addCredentials(role);
    const target = factory();
    const before = local.requests.entries('s3').length;
    vi.useFakeTimers({ now: Date.now() + minutes * 60_000, shouldAdvanceTime: true });
    const output = await clientWith(target, role, 3).send(new ListBucketsCommand({}));
    vi.useRealTimers();
    expect(output.$metadata.attempts).toBe(2);
    expect(
      local.requests
        .entries('s3')
        .slice(before)
        .map((entry) => [entry.status, entry.accessKeyId]),
    ).toEqual([
      [403, role.accessKeyId],
      [200, role.accessKeyId],
    ]);
  });
});
