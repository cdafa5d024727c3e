import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import { FetchHttpHandler } from '@smithy/fetch-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../test/helpers.js';
import { type LocalAws, startLocalAws } from './index.js';

let local: LocalAws;
let client: S3Client;

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3'] });
  client = new S3Client({ ...local.clientOptions('s3'), ...local.clientOptions('s3').config });
  await client.send(new CreateBucketCommand({ Bucket: 'bucket' }));
});

afterAll(async () => {
  client?.destroy();
  await local?.stop();
});

describe('S3 through s3rver and the verifying proxy', () => {
  it('puts, gets, heads, lists, copies and deletes objects', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'dir/hello world.txt', Body: 'hello', ContentType: 'text/plain', Metadata: { a: 'b' } }));
    const got = await client.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'dir/hello world.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello');
    expect(got.ContentType).toBe('text/plain');
    expect(got.Metadata).toEqual({ a: 'b' });
    const head = await client.send(new HeadObjectCommand({ Bucket: 'bucket', Key: 'dir/hello world.txt' }));
    expect(head.ContentLength).toBe(5);
    await client.send(new CopyObjectCommand({ Bucket: 'bucket', Key: 'copy.txt', CopySource: 'bucket/dir/hello%20world.txt' }));
    const list = await client.send(new ListObjectsV2Command({ Bucket: 'bucket' }));
    expect(list.Contents?.map((o) => o.Key).sort()).toEqual(['copy.txt', 'dir/hello world.txt']);
    const buckets = await client.send(new ListBucketsCommand({}));
    expect(buckets.Buckets?.map((b) => b.Name)).toContain('bucket');
    await client.send(new DeleteObjectCommand({ Bucket: 'bucket', Key: 'copy.txt' }));
    const deleted = await client.send(new DeleteObjectsCommand({ Bucket: 'bucket', Delete: { Objects: [{ Key: 'dir/hello world.txt' }] } }));
    expect(deleted.Deleted?.map((d) => d.Key)).toEqual(['dir/hello world.txt']);
    const missing = await rejection(client.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'dir/hello world.txt' })));
    expect(missing).toBeInstanceOf(NoSuchKey);
  });

  it("refuses a key or copy source with a '.' or '..' segment, which as a file path would leave the store (a write outlived stop())", async () => {
    const marker = `dbp-aws-testkit-escape-${process.pid}-${Date.now()}`;
    for (const Key of [`../../${marker}`, `../other-bucket/${marker}`, 'dir/../seg', 'dir/./seg', '.']) {
      const refused = await rejection(client.send(new PutObjectCommand({ Bucket: 'bucket', Key, Body: 'x' })));
      expect(refused, Key).toMatchObject({ name: 'InvalidArgument', $metadata: { httpStatusCode: 400 } });
      expect((refused as Error).message).toContain("cannot hold a bucket or key with a '.' or '..' segment");
    }
    await client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'source.txt', Body: 'x' }));
    const copy = await rejection(client.send(new CopyObjectCommand({ Bucket: 'bucket', Key: 'target.txt', CopySource: 'bucket/../bucket/source.txt' })));
    expect(copy).toMatchObject({ name: 'InvalidArgument' });
    // Nothing was written beside the store, and dots inside a segment are an ordinary key.
    expect(existsSync(join(tmpdir(), `${marker}._S3rver_object`))).toBe(false);
    await client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'a..b/.hidden/c.', Body: 'dots' }));
    const got = await client.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'a..b/.hidden/c.' }));
    expect(await got.Body?.transformToString()).toBe('dots');
    await client.send(new DeleteObjectsCommand({ Bucket: 'bucket', Delete: { Objects: [{ Key: 'a..b/.hidden/c.' }, { Key: 'source.txt' }] } }));
  });

  it("refuses a key with an empty segment (a//b, /lead, trail//) with S3's InvalidArgument saying why, and keeps a folder marker's trailing '/'", async () => {
    for (const Key of ['a//b', '/lead', 'trail//']) {
      const refused = await rejection(client.send(new PutObjectCommand({ Bucket: 'bucket', Key, Body: 'x' })));
      expect(refused, Key).toMatchObject({ name: 'InvalidArgument', $metadata: { httpStatusCode: 400 } });
      expect((refused as Error).message).toContain("cannot hold a key with an empty segment, a leading '/' or a '//'");
    }
    await client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'folder/', Body: '' }));
    expect((await client.send(new HeadObjectCommand({ Bucket: 'bucket', Key: 'folder/' }))).ContentLength).toBe(0);
    await client.send(new DeleteObjectCommand({ Bucket: 'bucket', Key: 'folder/' }));
  });

  it("refuses a DeleteObjects naming such a key in its body, and a '.' or '..' bucket, leaving the other bucket's objects", async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'invoices' }));
    await client.send(new PutObjectCommand({ Bucket: 'invoices', Key: 'inv-2.pdf', Body: 'pdf' }));
    const batch = await rejection(client.send(new DeleteObjectsCommand({ Bucket: 'bucket', Delete: { Objects: [{ Key: '../invoices/inv-2.pdf' }] } })));
    expect(batch).toMatchObject({ name: 'InvalidArgument', $metadata: { httpStatusCode: 400 } });
    // A bucket of '..' (a path set after the SDK normalised it, or a raw client): as a path, the folder above the store.
    const raw = new S3Client({ ...local.clientOptions('s3'), ...local.clientOptions('s3').config });
    raw.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { path: string }).path = '/%2E%2E/escaped-bucket-object';
        return next(args);
      },
      { step: 'build', name: 'dottedBucket' },
    );
    try {
      const above = await rejection(raw.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'x', Body: 'x' })));
      expect(above).toMatchObject({ name: 'InvalidArgument' });
    } finally {
      raw.destroy();
    }
    const kept = await client.send(new GetObjectCommand({ Bucket: 'invoices', Key: 'inv-2.pdf' }));
    expect(await kept.Body?.transformToString()).toBe('pdf');
    await client.send(new DeleteObjectCommand({ Bucket: 'invoices', Key: 'inv-2.pdf' }));
  });

  it('keeps other spellings of such keys in their bucket: encoded slashes, and XML a DeleteObjects body can hide them in (CDATA, entities, comments)', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'victims' }));
    await client.send(new PutObjectCommand({ Bucket: 'victims', Key: 'victim', Body: 'kept' }));
    /** A client whose requests are rewritten before they are signed, as a hand-signed request could be sent. */
    const rewriting = (rewrite: (request: { path: string; body: unknown }) => void) => {
      const raw = new S3Client({ ...local.clientOptions('s3'), ...local.clientOptions('s3').config });
      raw.middlewareStack.add(
        (next) => async (args) => {
          rewrite(args.request as { path: string; body: unknown });
          return next(args);
        },
        { step: 'build', priority: 'high', name: 'rewrite' },
      );
      return raw;
    };
    const encoded = rewriting((request) => {
      request.path = '/bucket/a%2F..%2F..%2Fvictims%2Fvictim';
    });
    try {
      expect(await rejection(encoded.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'x', Body: 'overwritten' })))).toMatchObject({
        name: 'InvalidArgument',
      });
    } finally {
      encoded.destroy();
    }
    for (const key of ['<![CDATA[../victims/victim]]>', '&period;&period;/victims/victim', '.<!---->./victims/victim']) {
      const hidden = rewriting((request) => {
        request.body = `<Delete><Object><Key>${key}</Key></Object></Delete>`;
      });
      try {
        await hidden.send(new DeleteObjectsCommand({ Bucket: 'bucket', Delete: { Objects: [{ Key: 'placeholder' }] } })).catch(() => undefined);
      } finally {
        hidden.destroy();
      }
      const still = await client.send(new GetObjectCommand({ Bucket: 'victims', Key: 'victim' }));
      expect(await still.Body?.transformToString(), key).toBe('kept');
    }
    await client.send(new DeleteObjectCommand({ Bucket: 'victims', Key: 'victim' }));
  });

  it('accepts streamed uploads (aws-chunked with a trailing checksum) and binary bodies', async () => {
    const data = Buffer.alloc(200_000, 7);
    data.write('start');
    await client.send(
      new PutObjectCommand({
        Bucket: 'bucket',
        Key: 'stream.bin',
        Body: Readable.from([data.subarray(0, 70_000), data.subarray(70_000)]),
        ContentLength: data.length,
      }),
    );
    const got = await client.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'stream.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
  });

  it('works over fetch, as in browsers', async () => {
    const { region, credentials, config } = local.clientOptions('s3');
    const viaFetch = new S3Client({ region, credentials, ...config, requestHandler: new FetchHttpHandler() });
    try {
      await viaFetch.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'fetch.txt', Body: 'over fetch' }));
      const got = await viaFetch.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'fetch.txt' }));
      expect(await got.Body?.transformToString()).toBe('over fetch');
    } finally {
      viaFetch.destroy();
    }
  });

  it('checks flexible checksums: a wrong CRC32 is BadDigest', async () => {
    const err = await rejection(client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'bad.txt', Body: 'hello', ChecksumCRC32: 'AAAAAA==' })));
    expect(err.name).toBe('BadDigest');
    expect(err.$metadata?.httpStatusCode).toBe(400);
  });

  it('checks conditional writes and reads: If-None-Match * and a stale If-Match are 412 and leave the object (review 14, V)', async () => {
    const { ETag } = await client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'lock', Body: 'owner-A' }));
    const taken = await rejection(client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'lock', Body: 'owner-B', IfNoneMatch: '*' })));
    expect(taken).toMatchObject({ name: 'PreconditionFailed', Condition: 'If-None-Match', $metadata: { httpStatusCode: 412 } });
    expect(taken.message).toBe('At least one of the pre-conditions you specified did not hold');
    const stale = await rejection(
      client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'lock', Body: 'owner-C', IfMatch: '"00000000000000000000000000000000"' })),
    );
    expect(stale).toMatchObject({ name: 'PreconditionFailed', Condition: 'If-Match', $metadata: { httpStatusCode: 412 } });
    const missing = await rejection(client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'no-lock', Body: 'x', IfMatch: ETag })));
    expect(missing).toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    const wrongGet = await rejection(client.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'lock', IfMatch: '"abc"' })));
    expect(wrongGet).toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    const wrongHead = await rejection(client.send(new HeadObjectCommand({ Bucket: 'bucket', Key: 'lock', IfMatch: '"abc"' })));
    expect(wrongHead.$metadata?.httpStatusCode).toBe(412);
    const notModified = await rejection(client.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'lock', IfNoneMatch: ETag })));
    expect(notModified.$metadata?.httpStatusCode).toBe(304);
    const kept = await client.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'lock', IfMatch: ETag }));
    expect(await kept.Body?.transformToString()).toBe('owner-A');
    // The conditions that hold let the write through; of racing create-once writes, one wins.
    const next = await client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'lock', Body: 'owner-D', IfMatch: ETag }));
    await client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'lock', Body: 'owner-E', IfMatch: next.ETag }));
    const race = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'race', Body: `owner-${i}`, IfNoneMatch: '*' }))),
    );
    expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'bucket', Key: 'lock' }));
    const part = await client.send(new UploadPartCommand({ Bucket: 'bucket', Key: 'lock', UploadId, PartNumber: 1, Body: 'owner-F' }));
    const complete = await rejection(
      client.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'bucket',
          Key: 'lock',
          UploadId,
          IfNoneMatch: '*',
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
        }),
      ),
    );
    expect(complete).toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    const now = await client.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'lock' }));
    expect(await now.Body?.transformToString()).toBe('owner-E');
  });

  it('sets the response headers GetObject asks for with Response* parameters, signed and presigned (review 14, V)', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'r.csv', Body: 'a,b', ContentType: 'text/csv' }));
    const overrides = {
      ResponseContentDisposition: 'attachment; filename="r.csv"',
      ResponseContentType: 'application/octet-stream',
      ResponseCacheControl: 'no-store',
      ResponseContentEncoding: 'identity',
      ResponseContentLanguage: 'de',
      ResponseExpires: new Date('2030-01-01T00:00:00Z'),
    };
    const get = new GetObjectCommand({ Bucket: 'bucket', Key: 'r.csv', ...overrides });
    const got = await client.send(get);
    expect(await got.Body?.transformToString()).toBe('a,b');
    expect(got).toMatchObject({
      ContentDisposition: 'attachment; filename="r.csv"',
      ContentType: 'application/octet-stream',
      CacheControl: 'no-store',
      ContentEncoding: 'identity',
      ContentLanguage: 'de',
      ExpiresString: 'Tue, 01 Jan 2030 00:00:00 GMT',
    });
    const res = await fetch(await getSignedUrl(client, get, { expiresIn: 60 }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="r.csv"');
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(await res.text()).toBe('a,b');
    const plain = await client.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'r.csv' }));
    expect(plain.ContentType).toBe('text/csv');
    expect(plain.ContentDisposition).toBeUndefined();
  });

  it('copies from a CopySource encoded with encodeURIComponent, as S3 URL-decodes it (review 14, V)', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'c++/notes?.txt', Body: 'notes' }));
    await client.send(new CopyObjectCommand({ Bucket: 'bucket', Key: 'notes-copy', CopySource: `bucket/${encodeURIComponent('c++/notes?.txt')}` }));
    const copied = await client.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'notes-copy' }));
    expect(await copied.Body?.transformToString()).toBe('notes');
  });

  it('checks Content-MD5: a wrong one is BadDigest and stores nothing (review 14, V)', async () => {
    const md5 = (text: string) => createHash('md5').update(text).digest('base64');
    const err = await rejection(client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'md5.txt', Body: 'abc', ContentMD5: md5('abd') })));
    expect(err).toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
    expect(await rejection(client.send(new HeadObjectCommand({ Bucket: 'bucket', Key: 'md5.txt' })))).toMatchObject({ name: 'NotFound' });
    await client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'md5.txt', Body: 'abc', ContentMD5: md5('abc') }));
  });

  it('runs a multipart upload', async () => {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'bucket', Key: 'multi.bin' }));
    const part1 = Buffer.alloc(5 * 1024 * 1024, 1);
    const part2 = Buffer.from('tail');
    const p1 = await client.send(new UploadPartCommand({ Bucket: 'bucket', Key: 'multi.bin', UploadId, PartNumber: 1, Body: part1 }));
    const p2 = await client.send(new UploadPartCommand({ Bucket: 'bucket', Key: 'multi.bin', UploadId, PartNumber: 2, Body: part2 }));
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'bucket',
        Key: 'multi.bin',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.ETag },
            { PartNumber: 2, ETag: p2.ETag },
          ],
        },
      }),
    );
    const head = await client.send(new HeadObjectCommand({ Bucket: 'bucket', Key: 'multi.bin' }));
    expect(head.ContentLength).toBe(part1.length + part2.length);
  });

  it('serves presigned URLs, and refuses them once tampered with', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'presigned.txt', Body: 'presigned body' }));
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: 'bucket', Key: 'presigned.txt' }), { expiresIn: 60 });
    expect(url.startsWith(local.endpoints.s3)).toBe(true);
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('presigned body');
    const tampered = await fetch(url.replace('presigned.txt', 'other.txt'));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const putUrl = await getSignedUrl(client, new PutObjectCommand({ Bucket: 'bucket', Key: 'uploaded.txt' }), { expiresIn: 60 });
    expect((await fetch(putUrl, { method: 'PUT', body: 'via url' })).status).toBe(200);
    const got = await client.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'uploaded.txt' }));
    expect(await got.Body?.transformToString()).toBe('via url');
  });

  it('works with a client from the @dbp/aws-core factory and logs operations', async () => {
    const factory = createClientFactory();
    try {
      const fromFactory = factory.getClient(s3, local.clientOptions('s3'));
      local.requests.reset();
      await fromFactory.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'factory.txt', Body: 'x' }));
      await fromFactory.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'factory.txt' }));
      expect(local.requests.count('s3', { operation: 'PutObject', status: 200 })).toBe(1);
      expect(local.requests.count('s3', { operation: 'GetObject' })).toBe(1);
      const [entry] = local.requests.entries('s3');
      expect(entry).toMatchObject({
        service: 's3',
        operation: 'PutObject',
        status: 200,
        accessKeyId: local.credentials.accessKeyId,
        signatureValid: true,
        protocol: 'http/1.1',
      });
    } finally {
      factory.dispose();
    }
  });
});
