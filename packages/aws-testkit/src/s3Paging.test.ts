import { CreateBucketCommand, ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../test/helpers.js';
import { type LocalAws, startLocalAws } from './index.js';

const BUCKET = 'paged';
/** Numbers unpadded, so key order (UTF-8 bytes) is not numeric order: `k/10` sorts before `k/2`. */
const KEYS = Array.from({ length: 2_500 }, (_, i) => `k/${i}`);
const OTHER = ['a.txt', 'k-sibling', 'k0', 'z/last'];
/** S3 lists keys in UTF-8 binary order. */
const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

let local: LocalAws;
let client: S3Client;

async function listAll(input: { Prefix?: string; StartAfter?: string }, pageSize?: number): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let pages = 0;
  for await (const page of paginateListObjectsV2({ client, ...(pageSize ? { pageSize } : {}) }, { Bucket: BUCKET, ...input })) {
    pages++;
    for (const object of page.Contents ?? []) keys.push(object.Key!);
  }
  return { keys, pages };
}

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3'] });
  const { region, credentials, config } = local.clientOptions('s3');
  client = new S3Client({ region, credentials, ...config });
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const all = [...KEYS, ...OTHER];
  // 16 uploads at a time: enough to be quick, few enough for two shared cores.
  for (let i = 0; i < all.length; i += 16) {
    await Promise.all(all.slice(i, i + 16).map((Key) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }))));
  }
}, 120_000);

afterAll(async () => {
  client?.destroy();
  await local?.stop();
});

describe('ListObjectsV2 paging', () => {
  it('pages 2,504 keys in pages of 1,000 (the default MaxKeys): every key once, in byte order', async () => {
    local.requests.reset();
    const { keys, pages } = await listAll({});
    expect(pages).toBe(3);
    expect(keys).toEqual([...KEYS, ...OTHER].sort(byteOrder));
    expect(local.requests.count('s3', { operation: 'ListObjectsV2', status: 200 })).toBe(3);
  });

  it('pages with a small page size', async () => {
    const { keys, pages } = await listAll({ Prefix: 'k/' }, 97);
    expect(pages).toBe(Math.ceil(KEYS.length / 97));
    expect(keys).toEqual([...KEYS].sort(byteOrder));
  });

  it('honours Prefix and StartAfter across pages', async () => {
    const sorted = [...KEYS].sort(byteOrder);
    const startAfter = sorted[1_234]!;
    const { keys, pages } = await listAll({ Prefix: 'k/', StartAfter: startAfter }, 500);
    expect(keys).toEqual(sorted.slice(1_235));
    expect(pages).toBe(Math.ceil(sorted.slice(1_235).length / 500));
    const { keys: tail } = await listAll({ StartAfter: 'k/999' });
    expect(tail).toEqual(['k0', 'z/last']);
  });

  it('returns the continuation token and key count of each page', async () => {
    const first = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'k/', MaxKeys: 2 }));
    expect(first).toMatchObject({ IsTruncated: true, KeyCount: 2, MaxKeys: 2 });
    expect(first.NextContinuationToken).toEqual(expect.any(String));
    const second = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'k/', MaxKeys: 2, ContinuationToken: first.NextContinuationToken }));
    expect(second.ContinuationToken).toBe(first.NextContinuationToken);
    expect(second.Contents?.map((o) => o.Key)).toEqual([...KEYS].sort(byteOrder).slice(2, 4));
  });

  it('rolls keys up to common prefixes with a delimiter', async () => {
    const root = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Delimiter: '/' }));
    expect(root.Contents?.map((o) => o.Key)).toEqual(['a.txt', 'k-sibling', 'k0']);
    expect(root.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['k/', 'z/']);
  });

  it('counts common prefixes toward MaxKeys and lists each once across pages, V2 and V1 (review 14, V)', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'folders' }));
    for (const Key of ['a.txt', 'b.txt', 'photos/1.jpg', 'photos/2.jpg', 'videos/1.mp4', 'z.txt']) {
      await client.send(new PutObjectCommand({ Bucket: 'folders', Key, Body: Key }));
    }
    const pages: string[][] = [];
    for await (const page of paginateListObjectsV2({ client, pageSize: 2 }, { Bucket: 'folders', Delimiter: '/' })) {
      const entries = [...(page.CommonPrefixes ?? []).map((p) => p.Prefix!), ...(page.Contents ?? []).map((o) => o.Key!)];
      expect(page.KeyCount).toBe(entries.length);
      pages.push(entries);
    }
    expect(pages).toEqual([['a.txt', 'b.txt'], ['photos/', 'videos/'], ['z.txt']]);
    const v1: string[][] = [];
    let Marker: string | undefined;
    do {
      const page = await client.send(new ListObjectsCommand({ Bucket: 'folders', Delimiter: '/', MaxKeys: 2, Marker }));
      v1.push([...(page.CommonPrefixes ?? []).map((p) => p.Prefix!), ...(page.Contents ?? []).map((o) => o.Key!)]);
      Marker = page.IsTruncated ? page.NextMarker : undefined;
    } while (Marker !== undefined);
    expect(v1).toEqual(pages);
  });

  it('refuses a continuation token it did not issue', async () => {
    const err = await rejection(
      client.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: Buffer.from('not a token at all').toString('base64') })),
    );
    expect(err.name).toBe('InvalidArgument');
    expect(err.$metadata?.httpStatusCode).toBe(400);
  });
});
