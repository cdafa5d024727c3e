/**
 * A Cloudflare Worker that lists and serves the objects of an S3 bucket.
 *
 * `GET /objects?prefix=…` lists (JSON), `GET /objects/<key>` streams one
 * object. Workers have no credential chain, so the credentials come from the
 * Worker's secrets. The factory caches the client per isolate: requests that
 * an isolate serves after the first reuse its client.
 *
 * Bundled as wrangler does (`workerd`, `worker`, `browser` conditions),
 * `@dbp/aws-s3` resolves to its edge entry, which gives the SDK's XML parser
 * a DOMParser (workerd has none) before the first client is built.
 */
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { getS3Client } from '@dbp/aws-s3';

/** The Worker's bindings (wrangler.toml `[vars]` and secrets). */
export interface Env {
  AWS_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  BUCKET: string;
  /** A custom S3 endpoint (a local one in development); path-style addressing then. */
  S3_ENDPOINT?: string;
}

function s3For(env: Env): S3Client {
  return getS3Client({
    region: env.AWS_REGION,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    config: env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT, forcePathStyle: true } : {},
  });
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

async function list(env: Env, prefix: string | null): Promise<Response> {
  const page = await s3For(env).send(new ListObjectsV2Command({ Bucket: env.BUCKET, Prefix: prefix ?? undefined, MaxKeys: 1000 }));
  return json({
    objects: (page.Contents ?? []).map((object) => ({ key: object.Key, size: object.Size, lastModified: object.LastModified?.toISOString() })),
    truncated: page.IsTruncated ?? false,
  });
}

async function get(env: Env, key: string): Promise<Response> {
  try {
    const object = await s3For(env).send(new GetObjectCommand({ Bucket: env.BUCKET, Key: key }));
    const headers = new Headers({ 'content-type': object.ContentType ?? 'application/octet-stream' });
    if (object.ETag) headers.set('etag', object.ETag);
    return new Response(object.Body?.transformToWebStream() ?? null, { headers });
  } catch (error) {
    if (error instanceof NoSuchKey) return json({ error: `no object ${key}` }, 404);
    throw error;
  }
}

/** The Worker (module syntax). */
const worker = {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (request.method !== 'GET') return json({ error: 'only GET' }, 405);
    try {
      if (url.pathname === '/objects') return await list(env, url.searchParams.get('prefix'));
      if (url.pathname.startsWith('/objects/')) return await get(env, decodeURIComponent(url.pathname.slice('/objects/'.length)));
      return json({ error: `no route ${url.pathname}` }, 404);
    } catch (error) {
      return json({ error: error instanceof Error ? error.message : String(error) }, 502);
    }
  },
};

export default worker;
