/**
 * S3 answers GetObject with a checksum header for objects uploaded with the
 * SDK's default checksums, and the SDK then validates the body as it is read:
 * the body it hands out is a `ChecksumStream` whose `source` is Node's
 * response, which holds its request and so the signed headers, session token
 * included. The factory hides that response from printers and serialisers
 * (the SDK's own `config.logger`, `console.log(output)`). The testkit's S3
 * sends no checksum headers, so a plain 127.0.0.1 server stands in for S3.
 * (Found by an adversarial review: only a body that was itself the response
 * was hidden.)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { crc32 } from 'node:zlib';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serialise } from './helpers.js';

const BODY = 'checksummed body';
const TOKEN = `FwoGZXIvYXdzEChecksumBodyToken${'x'.repeat(120)}`;
let server: Server;
let endpoint: string;

beforeAll(async () => {
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(BODY));
  server = createServer((request, response) => {
    request.resume();
    response.writeHead(200, {
      'content-type': 'text/plain',
      'content-length': Buffer.byteLength(BODY),
      'x-amz-checksum-crc32': checksum.toString('base64'),
      'x-amz-checksum-type': 'FULL_OBJECT',
    });
    response.end(BODY);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('a GetObject body the SDK validates against its checksum', () => {
  it('shows no session token to the SDK logger, console.log or a serialiser; it reads as before', async () => {
    await using factory = createClientFactory();
    const lines: string[] = [];
    const log = (...args: unknown[]): void => {
      lines.push(args.map((arg) => `${serialise(arg)} ${inspect(arg, { depth: 8 })}`).join(' '));
    };
    const client = factory.getClient(s3, {
      region: 'us-east-1',
      credentials: { accessKeyId: 'ASIAEXAMPLECHECKSUM1', secretAccessKey: 'checksum-secret-key-0000000000000000000000', sessionToken: TOKEN },
      config: { endpoint, forcePathStyle: true, logger: { trace: log, debug: log, info: log, warn: log, error: log } },
    });
    const output = await client.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'key' }));
    // The validating wrapper, as S3 answers with a checksum (not the response itself).
    expect(output.Body?.constructor.name).not.toBe('IncomingMessage');
    expect(lines.length).toBeGreaterThan(0);
    for (const shown of [...lines, inspect(output, { depth: 12 }), inspect(output, { showHidden: true, depth: 12 }), serialise(output)])
      expect(shown).not.toContain(TOKEN);
    expect(await output.Body?.transformToString()).toBe(BODY);
  });
});
