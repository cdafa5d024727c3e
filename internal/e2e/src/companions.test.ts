/**
 * The SDK's companion libraries through factory clients, against the
 * testkit: `@aws-sdk/lib-storage` Upload (multipart, abort),
 * `@aws-sdk/s3-request-presigner` (the URL works, a tampered one does not),
 * a paginator and a waiter — each with the cache cleared in the middle of
 * the operation, which must fail none of them (a second adversarial review's
 * probes; they held).
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
  waitUntilObjectExists,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type AwsClientFactory, createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposedAfterEach, eventually } from './helpers.js';

let local: LocalAws;
const BUCKET = 'companions';
const KEYS = 12;
const PART = 5 * 1024 * 1024;

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3'] });
  await using setup = createClientFactory();
  const client = setup.getClient(s3, local.clientOptions('s3'));
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  for (let i = 0; i < KEYS; i++) await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `listed/${i}`, Body: `object ${i}` }));
});

afterAll(async () => {
  await local.stop();
});

const disposeAfterTest = disposedAfterEach(() => local);

function factory(): AwsClientFactory {
  return disposeAfterTest(createClientFactory({ disposeGraceMs: 0 }));
}

const clientOf = (target: AwsClientFactory): S3Client => target.getClient(s3, local.clientOptions('s3'));

describe('@aws-sdk/s3-request-presigner through a factory client', () => {
  it('presigns a GET and a PUT the testkit accepts, and a tampered signature it refuses', async () => {
    const client = clientOf(factory());
    const get = await getSignedUrl(client, new GetObjectCommand({ Bucket: BUCKET, Key: 'listed/1' }), { expiresIn: 60 });
    const ok = await fetch(get);
    expect([ok.status, await ok.text()]).toEqual([200, 'object 1']);
    const tampered = get.replace(/X-Amz-Signature=([0-9a-f])/, (_match, first: string) => `X-Amz-Signature=${first === 'a' ? 'b' : 'a'}`);
    expect(tampered).not.toBe(get);
    const refused = await fetch(tampered);
    await refused.arrayBuffer();
    expect(refused.status).toBe(403);
    const put = await getSignedUrl(client, new PutObjectCommand({ Bucket: BUCKET, Key: 'presigned-put' }), { expiresIn: 60 });
    const written = await fetch(put, { method: 'PUT', body: 'through a presigned URL' });
    await written.arrayBuffer();
    expect(written.status).toBe(200);
    const back = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'presigned-put' }));
    expect(await back.Body?.transformToString()).toBe('through a presigned URL');
  });
});

describe('a paginator and a waiter with the cache cleared in the middle', () => {
  it('paginateListObjectsV2 lists every key although the cache was cleared after the first page', async () => {
    const target = factory();
    const client = clientOf(target);
    const keys: string[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2({ client, pageSize: 3 }, { Bucket: BUCKET, Prefix: 'listed/' })) {
      pages++;
      for (const object of page.Contents ?? []) keys.push(object.Key as string);
      if (pages === 1) expect(target.clearCache()).toBe(1);
    }
    expect(pages).toBe(KEYS / 3);
    expect(keys).toHaveLength(KEYS);
  });

  it('waitUntilObjectExists succeeds although the cache was cleared while it polled', async () => {
    const target = factory();
    const polls = () => local.requests.count('s3', { operation: 'HeadObject' });
    const before = polls();
    const waiting = waitUntilObjectExists({ client: clientOf(target), maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { Bucket: BUCKET, Key: 'late' });
    // Cleared after the first poll (a 404), written after the clear.
    while (polls() === before) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(target.clearCache()).toBe(1);
    await clientOf(target).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'late', Body: 'here' }));
    await expect(waiting).resolves.toMatchObject({ state: 'SUCCESS' });
  });
});

describe('a waiter across dispose()', () => {
  // An SDK waiter retries every error its acceptors do not name until its
  // maxWaitTime, FACTORY_DISPOSED included: the README says to give it an
  // abortSignal and abort it before dispose(). What the factory promises
  // holds meanwhile: nothing more is sent.
  it('sends nothing after dispose() resolved while the waiter polls, and ends at once when aborted as the README says', async () => {
    const target = factory();
    const polls = () => local.requests.count('s3', { operation: 'HeadObject' });
    const before = polls();
    const abort = new AbortController();
    const waiting = waitUntilObjectExists(
      { client: clientOf(target), maxWaitTime: 60, minDelay: 1, maxDelay: 1, abortSignal: abort.signal },
      { Bucket: BUCKET, Key: 'never-written' },
    );
    const settled = waiting.then(
      () => 'resolved',
      (error: Error) => error.name,
    );
    expect(await eventually(() => polls() > before)).toBe(true);
    await target.dispose();
    const sent = polls();
    // Two more of the waiter's 1 s delays: it polls, and each attempt is refused before it is sent.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(polls()).toBe(sent);
    abort.abort();
    expect(await settled).toBe('AbortError');
  });
});

describe('@aws-sdk/lib-storage Upload through a factory client', () => {
  it('uploads 16 MiB in four parts although the cache was cleared after the first part', async () => {
    const target = factory();
    const body = Buffer.alloc(16 * 1024 * 1024, 7);
    const upload = new Upload({ client: clientOf(target), params: { Bucket: BUCKET, Key: 'multipart', Body: body }, partSize: PART, queueSize: 1 });
    let progress = 0;
    upload.on('httpUploadProgress', () => {
      progress++;
      if (progress === 1) expect(target.clearCache()).toBe(1);
    });
    await expect(upload.done()).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    expect(local.requests.count('s3', { operation: 'UploadPart', status: 200 })).toBeGreaterThanOrEqual(4);
    const head = await clientOf(target).send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'multipart' }));
    expect(head.ContentLength).toBe(body.length);
  });

  it('abort() rejects done() with AbortError and leaves nothing in flight', async () => {
    const target = factory();
    const upload = new Upload({
      client: clientOf(target),
      params: { Bucket: BUCKET, Key: 'aborted', Body: Buffer.alloc(16 * 1024 * 1024, 8) },
      partSize: PART,
      queueSize: 1,
    });
    upload.on('httpUploadProgress', () => void upload.abort());
    await expect(upload.done()).rejects.toMatchObject({ name: 'AbortError' });
    const settled = () => target.stats().entries.every((entry) => entry.inFlight === 0 && entry.bodies === 0);
    expect(await eventually(settled), JSON.stringify(target.stats().entries)).toBe(true);
  });
});
