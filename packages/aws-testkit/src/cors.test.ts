import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_SERVICES, type LocalAws, startLocalAws } from './index.js';

const ORIGIN = 'http://localhost:5173';
let local: LocalAws;

beforeAll(async () => {
  // The package's own readonly list is accepted as it is (a type check: the default is every service too).
  local = await startLocalAws({ services: LOCAL_SERVICES });
});

afterAll(async () => {
  await local?.stop();
});

describe('CORS', () => {
  it.each(LOCAL_SERVICES)('answers preflights on %s', async (service) => {
    const res = await fetch(`${local.endpoints[service]}/some/path`, {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization,x-amz-date,x-amz-content-sha256,content-type,amz-sdk-invocation-id',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization,x-amz-date,x-amz-content-sha256,content-type,amz-sdk-invocation-id');
    expect(res.headers.get('access-control-expose-headers')).toContain('etag');
  });

  it('adds CORS headers to real responses, exposing ETag and the request id', async () => {
    const s3 = new S3Client({ ...local.clientOptions('s3'), ...local.clientOptions('s3').config });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'cors' }));
      await s3.send(new PutObjectCommand({ Bucket: 'cors', Key: 'k', Body: 'v' }));
      const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'cors', Key: 'k' }), { expiresIn: 60 });
      const res = await fetch(url, { headers: { origin: ORIGIN } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      const exposed = res.headers.get('access-control-expose-headers')?.split(', ') ?? [];
      expect(exposed).toEqual(expect.arrayContaining(['etag', 'x-amz-request-id', 'content-length']));
      expect(res.headers.get('etag')).toBeTruthy();
    } finally {
      s3.destroy();
    }
  });

  it('adds CORS headers to error responses too, so a browser can read them', async () => {
    const res = await fetch(local.endpoints.dynamodb, {
      method: 'POST',
      headers: { origin: ORIGIN, 'x-amz-target': 'DynamoDB_20120810.ListTables' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-expose-headers')).toContain('x-amzn-requestid');
  });

  it('does nothing of the sort with cors: false', async () => {
    await using plain = await startLocalAws({ services: ['sagemaker'], cors: false });
    const res = await fetch(plain.endpoints.sagemaker, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.status).toBe(400);
    expect(plain.requests.count('sagemaker')).toBe(1);
  });
});
