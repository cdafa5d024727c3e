import { randomUUID } from 'node:crypto';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OBJECT_KEYS } from '../src/apps/flows.js';
import { bundle } from '../src/bundle.js';
import { runInWorkerd } from '../src/workerd.js';

const WORKER = new URL('../src/apps/worker.ts', import.meta.url).pathname;

describe('workerd (miniflare 3)', () => {
  let local: LocalAws;
  const input = () => ({ runId: randomUUID().slice(0, 8), s3: local.clientOptions('s3'), dynamodb: local.clientOptions('dynamodb') });

  beforeAll(async () => {
    local = await startLocalAws({ services: ['s3', 'dynamodb'] });
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('runs the S3 (XML included) and DynamoDB flows through the factory in a worker bundled as wrangler does', async () => {
    const worker = await bundle('cloudflare', { file: WORKER });
    expect(worker.inputs).toContain('../../packages/aws-s3/dist/index.edge.js');
    local.requests.reset();

    const { status, body } = await runInWorkerd(worker.code, input());

    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({
      runtime: 'Cloudflare-Workers',
      // workerd has no DOMParser; creating the S3 client installed the shim.
      domParserBefore: 'missing',
      domParserAfter: 'MinimalDOMParser',
      s3: {
        listedKeys: [...OBJECT_KEYS],
        keyCount: 2,
        body: `hello from workerd (${OBJECT_KEYS[0]})`,
        contentType: 'text/plain',
        missingKeyError: 'NoSuchKey',
      },
      dynamodb: { tableStatus: 'ACTIVE', item: { pk: 'greeting', message: 'hello from workerd', count: '42' } },
      getClientCalls: { s3: 6, dynamodb: 4 },
      stats: { clients: 2, sessions: 1, misses: 2, hits: 8, evictions: 0 },
    });
    // The requests really crossed the wire, signed, from workerd.
    for (const operation of ['CreateBucket', 'PutObject', 'ListObjectsV2', 'GetObject']) {
      expect(local.requests.count('s3', { operation }), operation).toBeGreaterThan(0);
    }
    expect(local.requests.count('dynamodb', { operation: 'PutItem' })).toBe(1);
    expect(local.requests.entries().every((entry) => entry.signatureValid === true)).toBe(true);
  });

  it('gets a client at module scope, where workerd refuses random values, and serves it again from the handler', async () => {
    // workerd throws "Disallowed operation called within global scope" for crypto.getRandomValues
    // there; a credential id is only a label (never derived from the credentials), so it must not need them.
    const worker = await bundle('cloudflare', {
      contents: `
        import { createClientFactory } from '@dbp/aws-core';
        import { s3 } from '@dbp/aws-s3';
        const factory = createClientFactory();
        const options = { region: 'us-east-1', credentials: { accessKeyId: 'AKIDMODULESCOPE', secretAccessKey: 'module-scope-secret' } };
        const atLoad = factory.getClient(s3, options);
        export default {
          async fetch() {
            const other = factory.getClient(s3, { ...options, credentials: { ...options.credentials, accessKeyId: 'AKIDHANDLER' } });
            const ids = factory.stats().entries.map((entry) => entry.credentialId);
            return Response.json({ same: factory.getClient(s3, { ...options }) === atLoad, distinct: other !== atLoad, ids });
          },
        };
      `,
    });
    const { status, body } = await runInWorkerd(worker.code, input());
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ same: true, distinct: true });
    const ids = body.ids as string[];
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{12}$/);
  });

  it('serves a cache hit at module scope, and makes clients there with ttlMs, where workerd refuses timers', async () => {
    // Two modules that each get the same client at load: the second is a hit. workerd throws
    // "Disallowed operation called within global scope" for setTimeout there, which the hit's
    // clock and the ttl sweep used, so the Worker did not start.
    const worker = await bundle('cloudflare', {
      contents: `
        import { createClientFactory } from '@dbp/aws-core';
        import { getS3Client, s3 } from '@dbp/aws-s3';
        const options = { region: 'us-east-1', credentials: { accessKeyId: 'AKIDMODULESCOPE', secretAccessKey: 'module-scope-secret' } };
        const first = getS3Client(options);
        const second = getS3Client({ ...options });
        const withTtl = createClientFactory({ ttlMs: 60_000 });
        const timed = withTtl.getClient(s3, options);
        const timedAgain = withTtl.getClient(s3, options);
        export default {
          async fetch() {
            return Response.json({
              sameAtLoad: first === second,
              sameInHandler: getS3Client({ ...options }) === first,
              ttlSame: timedAgain === timed && withTtl.getClient(s3, options) === timed,
              stats: withTtl.stats(),
            });
          },
        };
      `,
    });
    const { status, body } = await runInWorkerd(worker.code, input());
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ sameAtLoad: true, sameInHandler: true, ttlSame: true, stats: { clients: 1, misses: 1, hits: 2 } });
  });

  it('fails to parse S3 XML when the worker is bundled without the workerd conditions (the trap the edge entry avoids)', async () => {
    const worker = await bundle('browser', { file: WORKER });
    expect(worker.inputs).toContain('../../packages/aws-s3/dist/index.js');

    const { status, body } = await runInWorkerd(worker.code, input());

    expect(status).toBe(500);
    expect(String(body.error)).toMatch(/DOMParser is not defined/);
  });
});
