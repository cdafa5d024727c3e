import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListPartsCommand,
  NoSuchUpload,
  NotFound,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../test/helpers.js';
import { type LocalAws, startLocalAws } from './index.js';

const MiB = 1024 * 1024;

let local: LocalAws;
let client: S3Client;

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3'] });
  const { region, credentials, config } = local.clientOptions('s3');
  client = new S3Client({ region, credentials, ...config });
  await client.send(new CreateBucketCommand({ Bucket: 'uploads' }));
});

afterAll(async () => {
  client?.destroy();
  await local?.stop();
});

/** A stream that gives `bytes` bytes in 1 MiB chunks, then fails with `error` (a disk that fails mid-read). */
function failingAfter(bytes: number, error: Error): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytes) {
        this.destroy(error);
        return;
      }
      sent += MiB;
      this.push(Buffer.alloc(MiB, 1));
    },
  });
}

/** Starts a multipart upload of `key` with one 5 MiB part; returns its id and the part. */
async function startedUpload(key: string): Promise<{ UploadId: string; part: { PartNumber: number; ETag: string | undefined } }> {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'uploads', Key: key }));
  if (!UploadId) throw new Error('CreateMultipartUpload gave no UploadId');
  const { ETag } = await client.send(new UploadPartCommand({ Bucket: 'uploads', Key: key, UploadId, PartNumber: 1, Body: Buffer.alloc(5 * MiB, 2) }));
  return { UploadId, part: { PartNumber: 1, ETag } };
}

describe('AbortMultipartUpload', () => {
  it("lets lib-storage's Upload reject with the source stream's own error, as against AWS", async () => {
    local.requests.reset();
    const upload = new Upload({ client, params: { Bucket: 'uploads', Key: 'failed.bin', Body: failingAfter(6 * MiB, new Error('disk read failed')) } });
    const err = await rejection(upload.done());
    expect(err.message).toBe('disk read failed');
    expect(local.requests.count('s3', { operation: 'UploadPart', status: 200 })).toBe(1);
    expect(local.requests.count('s3', { operation: 'AbortMultipartUpload', status: 204 })).toBe(1);
    expect(await rejection(client.send(new HeadObjectCommand({ Bucket: 'uploads', Key: 'failed.bin' })))).toBeInstanceOf(NotFound);
  });

  it('answers 204, after which the upload cannot be completed, added to or aborted again (NoSuchUpload)', async () => {
    const { UploadId, part } = await startedUpload('aborted.bin');
    const aborted = await client.send(new AbortMultipartUploadCommand({ Bucket: 'uploads', Key: 'aborted.bin', UploadId }));
    expect(aborted.$metadata.httpStatusCode).toBe(204);

    const complete = await rejection(
      client.send(new CompleteMultipartUploadCommand({ Bucket: 'uploads', Key: 'aborted.bin', UploadId, MultipartUpload: { Parts: [part] } })),
    );
    expect(complete).toBeInstanceOf(NoSuchUpload);
    expect(complete.$metadata?.httpStatusCode).toBe(404);
    expect(complete.message).toBe('The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.');
    const uploadPart = await rejection(client.send(new UploadPartCommand({ Bucket: 'uploads', Key: 'aborted.bin', UploadId, PartNumber: 2, Body: 'late' })));
    expect(uploadPart).toBeInstanceOf(NoSuchUpload);
    const again = await rejection(client.send(new AbortMultipartUploadCommand({ Bucket: 'uploads', Key: 'aborted.bin', UploadId })));
    expect(again).toBeInstanceOf(NoSuchUpload);
    expect(await rejection(client.send(new HeadObjectCommand({ Bucket: 'uploads', Key: 'aborted.bin' })))).toBeInstanceOf(NotFound);
  });

  it('is NoSuchUpload (404) for an upload id it never issued, and for a completed upload', async () => {
    const unknown = await rejection(client.send(new AbortMultipartUploadCommand({ Bucket: 'uploads', Key: 'k', UploadId: 'no-such-upload' })));
    expect(unknown).toBeInstanceOf(NoSuchUpload);
    expect(unknown.$metadata?.httpStatusCode).toBe(404);
    const completeUnknown = await rejection(
      client.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'uploads',
          Key: 'k',
          UploadId: 'no-such-upload',
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"x"' }] },
        }),
      ),
    );
    expect(completeUnknown).toBeInstanceOf(NoSuchUpload);

    const { UploadId, part } = await startedUpload('completed.bin');
    await client.send(new CompleteMultipartUploadCommand({ Bucket: 'uploads', Key: 'completed.bin', UploadId, MultipartUpload: { Parts: [part] } }));
    const afterComplete = await rejection(client.send(new AbortMultipartUploadCommand({ Bucket: 'uploads', Key: 'completed.bin', UploadId })));
    expect(afterComplete).toBeInstanceOf(NoSuchUpload);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'uploads', Key: 'completed.bin' }));
    expect(head.ContentLength).toBe(5 * MiB);
  });

  it('keeps uploads apart: aborting one leaves another of the same key completable', async () => {
    const kept = await startedUpload('shared.bin');
    const dropped = await startedUpload('shared.bin');
    await client.send(new AbortMultipartUploadCommand({ Bucket: 'uploads', Key: 'shared.bin', UploadId: dropped.UploadId }));
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket: 'uploads', Key: 'shared.bin', UploadId: kept.UploadId, MultipartUpload: { Parts: [kept.part] } }),
    );
    const head = await client.send(new HeadObjectCommand({ Bucket: 'uploads', Key: 'shared.bin' }));
    expect(head.ContentLength).toBe(5 * MiB);
  });
});

describe('ListParts', () => {
  it('lists the stored parts (number, ETag, size), pages by MaxParts, and is NoSuchUpload once aborted', async () => {
    const { UploadId, part } = await startedUpload('listed.bin');
    const second = await client.send(new UploadPartCommand({ Bucket: 'uploads', Key: 'listed.bin', UploadId, PartNumber: 2, Body: 'tail' }));
    const all = await client.send(new ListPartsCommand({ Bucket: 'uploads', Key: 'listed.bin', UploadId }));
    expect(all).toMatchObject({ Bucket: 'uploads', Key: 'listed.bin', UploadId, IsTruncated: false, MaxParts: 1000 });
    expect(all.Parts?.map(({ PartNumber, ETag, Size }) => ({ PartNumber, ETag, Size }))).toEqual([
      { PartNumber: 1, ETag: part.ETag, Size: 5 * MiB },
      { PartNumber: 2, ETag: second.ETag, Size: 4 },
    ]);
    expect(all.Parts?.[0]?.LastModified).toBeInstanceOf(Date);

    const first = await client.send(new ListPartsCommand({ Bucket: 'uploads', Key: 'listed.bin', UploadId, MaxParts: 1 }));
    expect(first).toMatchObject({ IsTruncated: true, NextPartNumberMarker: '1' });
    expect(first.Parts?.map((p) => p.PartNumber)).toEqual([1]);
    const rest = await client.send(new ListPartsCommand({ Bucket: 'uploads', Key: 'listed.bin', UploadId, PartNumberMarker: first.NextPartNumberMarker }));
    expect(rest).toMatchObject({ IsTruncated: false, PartNumberMarker: '1' });
    expect(rest.Parts?.map((p) => p.PartNumber)).toEqual([2]);

    await client.send(new AbortMultipartUploadCommand({ Bucket: 'uploads', Key: 'listed.bin', UploadId }));
    expect(await rejection(client.send(new ListPartsCommand({ Bucket: 'uploads', Key: 'listed.bin', UploadId })))).toBeInstanceOf(NoSuchUpload);
  });
});
