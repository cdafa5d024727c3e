import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { checksumMismatch, decodeAwsChunked, verifyChunkSignatures } from './internal/awsChunked.js';
import { NodeSha256 } from './internal/hash.js';
import { type AwsRequest, parseQuery } from './internal/request.js';
import { type KeyRecord, type VerifyOptions, verifySigV4 } from './internal/sigv4.js';

// The worked example of AWS's "Signature Calculations for the Authorization Header: Transferring
// Payload in Multiple Chunks" (S3 API reference).
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SIGNATURES = {
  seed: '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
  chunk1: 'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  chunk2: '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  final: 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
};

function chunkedBody(signatures: { chunk1: string; chunk2: string; final: string }): Buffer {
  return Buffer.concat([
    Buffer.from(`10000;chunk-signature=${signatures.chunk1}\r\n`),
    Buffer.alloc(65536, 'a'),
    Buffer.from(`\r\n400;chunk-signature=${signatures.chunk2}\r\n`),
    Buffer.alloc(1024, 'a'),
    Buffer.from(`\r\n0;chunk-signature=${signatures.final}\r\n\r\n`),
  ]);
}

function exampleRequest(signature: string, body: Buffer): AwsRequest {
  return {
    method: 'PUT',
    path: '/examplebucket/chunkObject.txt',
    rawQuery: '',
    query: parseQuery(''),
    headers: {
      host: 's3.amazonaws.com',
      'x-amz-date': '20130524T000000Z',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=${signature}`,
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': '66560',
      'content-length': String(body.length),
    },
    body,
    protocol: 'http/1.1',
  };
}

const lookup = (id: string): KeyRecord | undefined => (id === 'AKIAIOSFODNN7EXAMPLE' ? { secretAccessKey: SECRET } : undefined);

/** When the worked example was signed: the server's clock for these checks. */
const EXAMPLE_NOW = Date.parse('2013-05-24T00:00:00Z');
const MINUTE = 60_000;

/** Verifies the worked example's request as the S3 endpoint of us-east-1 would at `EXAMPLE_NOW`. */
function verifyExample(req: AwsRequest, options: Partial<VerifyOptions> = {}) {
  return verifySigV4(req, { signingName: 's3', regions: ['us-east-1'], lookup, verify: true, now: EXAMPLE_NOW, ...options });
}

describe('SigV4 verification against the AWS worked example', () => {
  it('verifies the seed signature and the chained chunk signatures', async () => {
    const body = chunkedBody(SIGNATURES);
    expect(body.length).toBe(66824);
    const result = await verifyExample(exampleRequest(SIGNATURES.seed, body));
    expect(result.failure).toBeUndefined();
    expect(result.signatureValid).toBe(true);
    const decoded = decodeAwsChunked(body);
    expect(decoded.data.length).toBe(66560);
    expect(verifyChunkSignatures(decoded, result.context!)).toBe(true);
    const tampered = decodeAwsChunked(chunkedBody({ ...SIGNATURES, chunk2: SIGNATURES.chunk1 }));
    expect(verifyChunkSignatures(tampered, result.context!)).toBe(false);
  });

  it('reports a wrong seed signature, an unknown key and a wrong service scope', async () => {
    const body = chunkedBody(SIGNATURES);
    const bad = await verifyExample(exampleRequest(SIGNATURES.chunk1, body));
    expect(bad.failure?.kind).toBe('bad-signature');
    const unknown = await verifyExample(exampleRequest(SIGNATURES.seed, body), { lookup: () => undefined });
    expect(unknown.failure?.kind).toBe('unknown-key');
    expect(unknown.accessKeyId).toBe('AKIAIOSFODNN7EXAMPLE');
    const service = await verifyExample(exampleRequest(SIGNATURES.seed, body), { signingName: 'dynamodb' });
    expect(service.failure?.kind).toBe('malformed');
    const off = await verifyExample(exampleRequest('0', body), { verify: false, now: 0 });
    expect(off).toEqual({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', signatureValid: undefined });
  });

  it('refuses a scope for another region than the endpoint serves, naming both', async () => {
    const result = await verifyExample(exampleRequest(SIGNATURES.seed, chunkedBody(SIGNATURES)), { regions: ['eu-west-3'] });
    expect(result.failure).toMatchObject({
      kind: 'wrong-region',
      message: "Credential should be scoped to a valid region, not 'us-east-1'.",
      scopeRegion: 'us-east-1',
      expectedRegion: 'eu-west-3',
    });
    const either = await verifyExample(exampleRequest(SIGNATURES.seed, chunkedBody(SIGNATURES)), { regions: ['eu-west-3', 'us-east-1'] });
    expect(either.failure).toBeUndefined();
  });

  it.each([
    ['accepts', '15 minutes behind', EXAMPLE_NOW + 15 * MINUTE, undefined],
    ['accepts', '15 minutes ahead of', EXAMPLE_NOW - 15 * MINUTE, undefined],
    [
      'refuses',
      'more than 15 minutes behind',
      EXAMPLE_NOW + 15 * MINUTE + 1000,
      'Signature expired: 20130524T000000Z is now earlier than 20130524T000001Z (20130524T001501Z - 15 min.)',
    ],
    [
      'refuses',
      'more than 15 minutes ahead of',
      EXAMPLE_NOW - 15 * MINUTE - 1000,
      'Signature not yet current: 20130524T000000Z is still later than 20130523T235959Z (20130523T234459Z + 15 min.)',
    ],
  ])('%s a signing time %s the server clock, as AWS does', async (_verdict, _when, now, message) => {
    const result = await verifyExample(exampleRequest(SIGNATURES.seed, chunkedBody(SIGNATURES)), { now });
    if (message === undefined) expect(result.failure).toBeUndefined();
    else expect(result.failure).toEqual({ kind: 'skewed', message, requestTime: '20130524T000000Z', serverTime: now });
  });

  it('refuses a session token sent with a long-term key, and an empty one is none', async () => {
    const withToken = (token: string): AwsRequest => {
      const req = exampleRequest(SIGNATURES.seed, chunkedBody(SIGNATURES));
      return { ...req, headers: { ...req.headers, 'x-amz-security-token': token } };
    };
    expect((await verifyExample(withToken('FwoGZXIvYXdzEXAMPLE'))).failure?.kind).toBe('invalid-token');
    expect((await verifyExample(withToken(''))).failure).toBeUndefined();
  });
});

describe('SigV4 verification of presigned URLs', () => {
  const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET };
  const signedAt = Date.parse('2013-05-24T00:00:00Z');

  async function presigned(expiresIn: number): Promise<AwsRequest> {
    const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 's3', sha256: NodeSha256 as never, uriEscapePath: false });
    const url = await signer.presign(
      // As the S3 presigner does: an unsigned payload, the header not signed.
      {
        method: 'GET',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 9000,
        path: '/bucket/key',
        query: {},
        headers: { host: '127.0.0.1:9000', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      },
      { signingDate: new Date(signedAt), expiresIn, unsignableHeaders: new Set(['x-amz-content-sha256']) },
    );
    const rawQuery = new URLSearchParams(url.query as Record<string, string>).toString();
    return {
      method: 'GET',
      path: '/bucket/key',
      rawQuery,
      query: parseQuery(rawQuery),
      headers: { host: '127.0.0.1:9000' },
      body: Buffer.alloc(0),
      protocol: 'http/1.1',
    };
  }

  it('accepts an old URL until X-Amz-Expires, then refuses it as expired', async () => {
    const url = await presigned(3600);
    expect((await verifyExample(url, { now: signedAt + 3600_000 })).failure).toBeUndefined();
    expect((await verifyExample(url, { now: signedAt + 3601_000 })).failure).toMatchObject({ kind: 'expired', expiresInSeconds: 3600 });
  });

  it('refuses a URL signed more than 15 minutes in the future', async () => {
    const url = await presigned(3600);
    expect((await verifyExample(url, { now: signedAt - 15 * MINUTE })).failure).toBeUndefined();
    expect((await verifyExample(url, { now: signedAt - 15 * MINUTE - 1000 })).failure).toMatchObject({ kind: 'skewed', expiresInSeconds: 3600 });
  });

  it('refuses a credential scope for another region', async () => {
    expect((await verifyExample(await presigned(60), { regions: ['eu-west-3'] })).failure?.kind).toBe('wrong-region');
  });
});

describe('aws-chunked decoding', () => {
  it('decodes unsigned chunks with trailers and checks the trailing checksum', () => {
    const body = Buffer.from('3\r\nabc\r\n2\r\nde\r\n0\r\nx-amz-checksum-crc32:hYfYZQ==\r\n\r\n');
    const decoded = decodeAwsChunked(body);
    expect(decoded.data.toString()).toBe('abcde');
    expect(decoded.trailers).toEqual({ 'x-amz-checksum-crc32': 'hYfYZQ==' });
    expect(checksumMismatch(decoded.data, decoded.trailers)).toBeUndefined();
    expect(checksumMismatch(Buffer.from('abcdf'), decoded.trailers)).toBe('x-amz-checksum-crc32');
  });

  it('rejects malformed bodies', () => {
    expect(() => decodeAwsChunked(Buffer.from('zz\r\nabc\r\n'))).toThrow();
    expect(() => decodeAwsChunked(Buffer.from('5\r\nabc'))).toThrow();
  });
});

describe('SigV4 verification of JSON services', () => {
  const credentials = { accessKeyId: 'AKIAJSONSERVICE00000', secretAccessKey: 'json-secret' };
  const lookup = (id: string): KeyRecord | undefined => (id === credentials.accessKeyId ? { secretAccessKey: credentials.secretAccessKey } : undefined);

  async function signed(body: string, withContentSha: boolean): Promise<AwsRequest> {
    const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'dynamodb', sha256: NodeSha256 as never, applyChecksum: withContentSha });
    const request = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 8000,
      path: '/',
      headers: { host: '127.0.0.1:8000', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
      body,
    });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) headers[k.toLowerCase()] = String(v);
    return { method: 'POST', path: '/', rawQuery: '', query: {}, headers, body: Buffer.from(body), protocol: 'http/1.1' };
  }

  it.each([false, true])('accepts the signed body and refuses another one (x-amz-content-sha256 sent: %s)', async (withContentSha) => {
    const req = await signed('{"Limit":1}', withContentSha);
    expect((await verifySigV4(req, { signingName: 'dynamodb', regions: ['us-east-1'], lookup, verify: true, now: Date.now() })).signatureValid).toBe(true);
    const swapped = { ...req, body: Buffer.from('{"Limit":2}') };
    expect((await verifySigV4(swapped, { signingName: 'dynamodb', regions: ['us-east-1'], lookup, verify: true, now: Date.now() })).failure?.kind).toBe(
      'bad-signature',
    );
  });
});
