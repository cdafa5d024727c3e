import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { checksumMismatch, decodeAwsChunked, verifyChunkSignatures } from './internal/awsChunked.js';
import { NodeSha256 } from './internal/hash.js';
import { type AwsRequest, parseQuery } from './internal/request.js';
import { type KeyRecord, verifySigV4 } from './internal/sigv4.js';

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

describe('SigV4 verification against the AWS worked example', () => {
  it('verifies the seed signature and the chained chunk signatures', async () => {
    const body = chunkedBody(SIGNATURES);
    expect(body.length).toBe(66824);
    const result = await verifySigV4(exampleRequest(SIGNATURES.seed, body), { signingName: 's3', lookup, verify: true, now: Date.now() });
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
    const bad = await verifySigV4(exampleRequest(SIGNATURES.chunk1, body), { signingName: 's3', lookup, verify: true, now: 0 });
    expect(bad.failure?.kind).toBe('bad-signature');
    const unknown = await verifySigV4(exampleRequest(SIGNATURES.seed, body), { signingName: 's3', lookup: () => undefined, verify: true, now: 0 });
    expect(unknown.failure?.kind).toBe('unknown-key');
    expect(unknown.accessKeyId).toBe('AKIAIOSFODNN7EXAMPLE');
    const service = await verifySigV4(exampleRequest(SIGNATURES.seed, body), { signingName: 'dynamodb', lookup, verify: true, now: 0 });
    expect(service.failure?.kind).toBe('malformed');
    const off = await verifySigV4(exampleRequest('0', body), { signingName: 's3', lookup, verify: false, now: 0 });
    expect(off).toEqual({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', signatureValid: undefined });
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
    expect((await verifySigV4(req, { signingName: 'dynamodb', lookup, verify: true, now: 0 })).signatureValid).toBe(true);
    const swapped = { ...req, body: Buffer.from('{"Limit":2}') };
    expect((await verifySigV4(swapped, { signingName: 'dynamodb', lookup, verify: true, now: 0 })).failure?.kind).toBe('bad-signature');
  });
});
