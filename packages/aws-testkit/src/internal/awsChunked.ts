import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { crc32 } from './eventStream.js';
import { hmac, sha256Hex, signingKey } from './hash.js';
import type { SigningContext } from './sigv4.js';

/** One chunk of an `aws-chunked` body. */
export interface AwsChunk {
  readonly data: Buffer;
  readonly signature: string | undefined;
}

/** A decoded `aws-chunked` body. */
export interface DecodedAwsChunked {
  /** The payload, chunks concatenated. */
  readonly data: Buffer;
  /** The chunks, the final empty one included. */
  readonly chunks: AwsChunk[];
  /** Trailing headers (`x-amz-checksum-crc32`, …), lower-case names. */
  readonly trailers: Record<string, string>;
  /** The `x-amz-trailer-signature`, if any. */
  readonly trailerSignature: string | undefined;
}

const CRLF = Buffer.from('\r\n');

function readLine(body: Buffer, offset: number): { line: string; next: number } {
  const end = body.indexOf(CRLF, offset);
  if (end < 0) throw new Error('aws-chunked: missing CRLF');
  return { line: body.subarray(offset, end).toString('latin1'), next: end + 2 };
}

/**
 * Decodes an `aws-chunked` body: `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n`… then a
 * zero-size chunk and optional trailing headers. Throws on malformed input.
 */
export function decodeAwsChunked(body: Buffer): DecodedAwsChunked {
  const chunks: AwsChunk[] = [];
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const { line, next } = readLine(body, offset);
    const [sizeText = '', ...extensions] = line.split(';');
    const size = Number.parseInt(sizeText.trim(), 16);
    if (!Number.isFinite(size) || size < 0 || !/^[0-9a-fA-F]+$/.test(sizeText.trim())) throw new Error(`aws-chunked: bad chunk size '${sizeText}'`);
    const signature = extensions.map((e) => /^\s*chunk-signature=([0-9a-f]+)\s*$/.exec(e)?.[1]).find((s) => s !== undefined);
    if (next + size > body.length) throw new Error('aws-chunked: truncated chunk');
    const data = body.subarray(next, next + size);
    chunks.push({ data, signature });
    offset = next + size;
    if (size === 0) break;
    parts.push(data);
    if (!body.subarray(offset, offset + 2).equals(CRLF)) throw new Error('aws-chunked: chunk not followed by CRLF');
    offset += 2;
  }
  const trailers: Record<string, string> = {};
  let trailerSignature: string | undefined;
  while (offset < body.length) {
    const { line, next } = readLine(body, offset);
    offset = next;
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`aws-chunked: bad trailer '${line}'`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') trailerSignature = value;
    else trailers[name] = value;
  }
  return { data: Buffer.concat(parts), chunks, trailers, trailerSignature };
}

const EMPTY_SHA256 = sha256Hex('');

/**
 * Checks the chained chunk signatures of a `STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]` body.
 * Returns `true` when every chunk (and the trailer, if signed) carries the right signature.
 */
export function verifyChunkSignatures(decoded: DecodedAwsChunked, context: SigningContext): boolean {
  const key = signingKey(context.secretAccessKey, context.shortDate, context.region, context.service);
  const scope = `${context.shortDate}/${context.region}/${context.service}/aws4_request`;
  let previous = context.seedSignature;
  for (const chunk of decoded.chunks) {
    if (!chunk.signature) return false;
    const stringToSign = ['AWS4-HMAC-SHA256-PAYLOAD', context.longDate, scope, previous, EMPTY_SHA256, sha256Hex(chunk.data)].join('\n');
    const expected = hmac(key, stringToSign).toString('hex');
    if (expected !== chunk.signature) return false;
    previous = expected;
  }
  if (decoded.trailerSignature !== undefined) {
    const canonicalTrailers = Object.entries(decoded.trailers)
      .map(([name, value]) => `${name}:${value}\n`)
      .join('');
    const stringToSign = ['AWS4-HMAC-SHA256-TRAILER', context.longDate, scope, previous, sha256Hex(canonicalTrailers)].join('\n');
    if (hmac(key, stringToSign).toString('hex') !== decoded.trailerSignature) return false;
  }
  return true;
}

/**
 * Checks flexible-checksum values (`x-amz-checksum-crc32`, `-sha256`, `-sha1`) against the
 * payload. Returns the name of the first one that does not match, or `undefined`. CRC32C and
 * CRC64NVME are not checked.
 */
export function checksumMismatch(data: Buffer, values: Record<string, string | undefined>): string | undefined {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    let computed: string | undefined;
    if (name === 'x-amz-checksum-sha256') computed = createHash('sha256').update(data).digest('base64');
    else if (name === 'x-amz-checksum-sha1') computed = createHash('sha1').update(data).digest('base64');
    else if (name === 'x-amz-checksum-crc32') {
      const fast = (zlib as { crc32?: (data: Uint8Array) => number }).crc32; // Node >= 20.15
      const out = Buffer.alloc(4);
      out.writeUInt32BE((fast ? fast(data) : crc32(data)) >>> 0);
      computed = out.toString('base64');
    }
    if (computed !== undefined && computed !== value) return name;
  }
  return undefined;
}
