import { randomBytes, randomUUID } from 'node:crypto';

/** A request as received, body read in full. */
export interface AwsRequest {
  /** The HTTP method, upper case. */
  readonly method: string;
  /** The path exactly as received (still percent-encoded), without the query. */
  readonly path: string;
  /** The query string exactly as received, without `?`. */
  readonly rawQuery: string;
  /** The decoded query. Keys without `=` have the value `''`. */
  readonly query: Record<string, string | string[]>;
  /** Lower-case header names; repeated headers joined with `,`. HTTP/2 pseudo-headers included. */
  readonly headers: Record<string, string>;
  /** The body. */
  readonly body: Buffer;
  /** Which protocol it came over. */
  readonly protocol: 'http/1.1' | 'h2';
}

/** A response to send. */
export interface AwsResponse {
  status: number;
  headers: Record<string, string | number | string[]>;
  body: Buffer;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Parses a raw query string the way SigV4 canonicalisation needs it. */
export function parseQuery(raw: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = Object.create(null);
  if (raw === '') return query;
  for (const piece of raw.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const key = decode(eq < 0 ? piece : piece.slice(0, eq));
    const value = eq < 0 ? '' : decode(piece.slice(eq + 1));
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[key] = [existing, value];
  }
  return query;
}

/** The first value of a query parameter. */
export function queryValue(query: Record<string, string | string[]>, key: string): string | undefined {
  const value = query[key];
  return Array.isArray(value) ? value[0] : value;
}

/** Splits a raw request target into path and raw query. */
export function splitTarget(target: string): { path: string; rawQuery: string } {
  const q = target.indexOf('?');
  return q < 0 ? { path: target, rawQuery: '' } : { path: target.slice(0, q), rawQuery: target.slice(q + 1) };
}

/** A JSON response body. */
export function jsonBody(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** A request id in the style AWS uses (upper-case hex). */
export function requestId(length = 16): string {
  return randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length)
    .toUpperCase();
}

/** A random version-4 UUID. */
export function uuid(): string {
  return randomUUID();
}
