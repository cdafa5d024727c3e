import { timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { amzDate, MAX_CLOCK_SKEW_MS } from './clock.js';
import { NodeSha256, sha256Hex } from './hash.js';
import type { AwsRequest } from './request.js';

/** Why a request failed authentication. Each service turns these into its own error. */
export type AuthFailureKind =
  | 'missing' // no Authorization header and no presigned query
  | 'malformed' // unparseable Authorization, bad scope, missing date
  | 'unknown-key' // access key id not accepted
  | 'bad-signature' // signature does not match
  | 'wrong-region' // credential scope names another region than the endpoint's
  | 'skewed' // signing time more than 15 minutes from the server's clock (presigned: in the future)
  | 'expired' // presigned URL past its expiry
  | 'invalid-token' // temporary key with a missing or wrong session token, or a long-term key with one
  | 'expired-token' // temporary key whose credentials have expired
  | 'missing-content-sha256' // S3 without x-amz-content-sha256
  | 'content-sha256-mismatch' // S3 body does not hash to x-amz-content-sha256
  | 'headers-not-signed'; // S3 request with an x-amz-* header its signature does not cover

/** Why authentication failed, with what a service's error may report besides the message. */
export interface AuthFailure {
  readonly kind: AuthFailureKind;
  readonly message: string;
  /** `wrong-region`: the region the credential scope names. */
  readonly scopeRegion?: string | undefined;
  /** `wrong-region`: the region the endpoint expects (S3 names it in the error). */
  readonly expectedRegion?: string | undefined;
  /** `skewed`, `expired`: the signing time as sent (`X-Amz-Date`). */
  readonly requestTime?: string | undefined;
  /** `skewed`, `expired`: the server's clock when it checked, epoch ms. */
  readonly serverTime?: number | undefined;
  /** `expired`, and `skewed` for a presigned URL: `X-Amz-Expires`, seconds. */
  readonly expiresInSeconds?: number | undefined;
  /** `headers-not-signed`: the headers, as S3 lists them (`HeadersNotSigned`). */
  readonly headersNotSigned?: string | undefined;
}

/**
 * S3 refuses a request that carries an `x-amz-*` header its signature does
 * not cover (403 `AccessDenied`, "There were headers present in the request
 * which were not signed"): one added after signing (a middleware after the
 * signer, a browser adding `x-amz-acl` to a presigned PUT) could change what
 * the request does. The failure, or `undefined` when every one is signed.
 */
function unsignedAmzHeaders(req: AwsRequest, signedNames: readonly string[]): AuthFailure | undefined {
  // An empty one changes nothing (and an empty token is none, as the session check takes it).
  const unsigned = Object.keys(req.headers).filter((name) => name.startsWith('x-amz-') && req.headers[name] !== '' && !signedNames.includes(name));
  if (unsigned.length === 0) return undefined;
  return { kind: 'headers-not-signed', message: 'There were headers present in the request which were not signed', headersNotSigned: unsigned.join(', ') };
}

/** What the verifier found out. */
export interface AuthResult {
  accessKeyId: string | undefined;
  /** `undefined` when not verified (verification off, or nothing to verify). */
  signatureValid: boolean | undefined;
  failure?: AuthFailure | undefined;
  /** Present after a successful header-signature check: what chunk signatures chain from. */
  context?: SigningContext | undefined;
}

/** The signing parameters of a verified request, for aws-chunked chunk signatures. */
export interface SigningContext {
  readonly secretAccessKey: string;
  readonly longDate: string;
  readonly shortDate: string;
  readonly region: string;
  readonly service: string;
  readonly seedSignature: string;
}

/** What the verifier knows about an accepted access key. */
export interface KeyRecord {
  readonly secretAccessKey: string;
  /** Temporary credentials only: the session token that must come with the key. */
  readonly sessionToken?: string | undefined;
  /** Temporary credentials only: when they stop working (epoch ms). */
  readonly expiresAt?: number | undefined;
}

/** How to verify requests of one service. */
export interface VerifyOptions {
  /** The SigV4 signing name (`s3`, `dynamodb`, `bedrock`, `sagemaker`, `athena`, `sts`, `sqs`). */
  readonly signingName: string;
  /** The regions a credential scope may name; the first is the endpoint's own (named in S3's error). */
  readonly regions: readonly [string, ...string[]];
  /** Look up an access key id. */
  readonly lookup: (accessKeyId: string) => KeyRecord | undefined;
  /** Check signatures at all. */
  readonly verify: boolean;
  /** Now on the server's clock, epoch ms (clock skew, presigned expiry, temporary credentials). */
  readonly now: number;
}

interface ParsedCredential {
  accessKeyId: string;
  shortDate: string;
  region: string;
  service: string;
  terminator: string;
}

const MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

function parseCredential(value: string): ParsedCredential | undefined {
  const parts = value.split('/');
  if (parts.length !== 5) return undefined;
  const [accessKeyId, shortDate, region, service, terminator] = parts as [string, string, string, string, string];
  return { accessKeyId, shortDate, region, service, terminator };
}

function parseAuthorization(value: string): { credential: string; signedHeaders: string; signature: string } | undefined {
  const match = /^AWS4-HMAC-SHA256\s+([\s\S]+)$/.exec(value.trim());
  if (!match?.[1]) return undefined;
  const fields: Record<string, string> = {};
  for (const part of match[1].split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const { Credential: credential, SignedHeaders: signedHeaders, Signature: signature } = fields;
  if (!credential || !signedHeaders || !signature) return undefined;
  return { credential, signedHeaders, signature };
}

/** `20240102T030405Z` → Date. */
export function parseAmzDate(value: string | undefined): Date | undefined {
  const m = value ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value) : null;
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

/** Only the access key id, without checking anything. */
function accessKeyOf(req: AwsRequest): string | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const parsed = parseAuthorization(auth);
    return parsed ? parseCredential(parsed.credential)?.accessKeyId : /Credential=([^/,\s]+)/.exec(auth)?.[1];
  }
  const credential = req.query['X-Amz-Credential'];
  return typeof credential === 'string' ? credential.split('/')[0] : undefined;
}

/** The value of a signed header as received (HTTP/2 carries `host` as `:authority`). */
function headerValue(req: AwsRequest, name: string): string | undefined {
  const value = req.headers[name];
  if (value !== undefined) return value;
  if (name === 'host') return req.headers[':authority'];
  if (name === ':authority') return req.headers.host;
  return undefined;
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

type SignerOptions = ConstructorParameters<typeof SignatureV4>[0];

function makeSigner(credential: ParsedCredential, secretAccessKey: string, sessionToken: string | undefined): SignatureV4 {
  return new SignatureV4({
    credentials: { accessKeyId: credential.accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    region: credential.region,
    service: credential.service,
    sha256: NodeSha256 as unknown as SignerOptions['sha256'],
    // S3 signs the path as sent; every other service double-encodes it.
    uriEscapePath: credential.service !== 's3',
    applyChecksum: false,
  });
}

const UNKNOWN_KEY_MESSAGE = 'The security token included in the request is invalid.';

/**
 * The session check: temporary credentials need the token issued with their key and must not have
 * expired; a long-term key must come without a token (AWS refuses the pair: the token is not one
 * of that key's sessions).
 */
function sessionProblem(record: KeyRecord, token: string | undefined, now: number): AuthFailure | undefined {
  if (record.sessionToken === undefined) {
    return token === undefined || token === '' ? undefined : { kind: 'invalid-token', message: UNKNOWN_KEY_MESSAGE };
  }
  if (token === undefined || !safeEqual(token, record.sessionToken)) return { kind: 'invalid-token', message: UNKNOWN_KEY_MESSAGE };
  if (record.expiresAt !== undefined && now >= record.expiresAt) {
    return { kind: 'expired-token', message: 'The security token included in the request is expired' };
  }
  return undefined;
}

function scopeProblem(credential: ParsedCredential, shortDate: string, options: VerifyOptions): AuthFailure | undefined {
  const malformed = (message: string): AuthFailure => ({ kind: 'malformed', message });
  if (credential.terminator !== 'aws4_request') {
    return malformed(`Credential should be scoped with a valid terminator: 'aws4_request', not '${credential.terminator}'.`);
  }
  if (credential.service !== options.signingName) {
    return malformed(`Credential should be scoped to correct service: '${options.signingName}'.`);
  }
  if (credential.shortDate !== shortDate) {
    return malformed(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${credential.shortDate}' != '${shortDate}'.`);
  }
  if (!options.regions.includes(credential.region)) {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/signature-v4-troubleshooting.html (credential scope errors)
    return {
      kind: 'wrong-region',
      message: `Credential should be scoped to a valid region, not '${credential.region}'.`,
      scopeRegion: credential.region,
      expectedRegion: options.regions[0],
    };
  }
  return undefined;
}

/**
 * A signing time more than 15 minutes from the server's clock, in the words of the IAM
 * troubleshooting guide ("Signature expired: … is now earlier than …", "Signature not yet
 * current: … is still later than …"). `pastToo: false` for presigned URLs, which may be old (their
 * `X-Amz-Expires` bounds them) but not from the future.
 */
function skewProblem(longDate: string, signingDate: Date, now: number, pastToo: boolean): AuthFailure | undefined {
  const at = signingDate.getTime();
  const skew = { kind: 'skewed' as const, requestTime: longDate, serverTime: now };
  if (pastToo && at < now - MAX_CLOCK_SKEW_MS) {
    return { ...skew, message: `Signature expired: ${longDate} is now earlier than ${amzDate(now - MAX_CLOCK_SKEW_MS)} (${amzDate(now)} - 15 min.)` };
  }
  if (at > now + MAX_CLOCK_SKEW_MS) {
    return { ...skew, message: `Signature not yet current: ${longDate} is still later than ${amzDate(now + MAX_CLOCK_SKEW_MS)} (${amzDate(now)} + 15 min.)` };
  }
  return undefined;
}

/**
 * Recomputes the SigV4 signature of a received request with `@smithy/signature-v4` and the known
 * secret of its access key, from the headers it lists as signed, as they were received.
 */
export async function verifySigV4(req: AwsRequest, options: VerifyOptions): Promise<AuthResult> {
  if (!options.verify) return { accessKeyId: accessKeyOf(req), signatureValid: undefined };
  const auth = req.headers.authorization;
  if (auth !== undefined) return verifyHeader(req, auth, options);
  if (req.query['X-Amz-Algorithm'] !== undefined) return verifyPresigned(req, options);
  return { accessKeyId: undefined, signatureValid: undefined, failure: { kind: 'missing', message: 'Request is missing Authentication Token' } };
}

async function verifyHeader(req: AwsRequest, auth: string, options: VerifyOptions): Promise<AuthResult> {
  const parsed = parseAuthorization(auth);
  const credential = parsed ? parseCredential(parsed.credential) : undefined;
  if (!parsed || !credential) {
    return {
      accessKeyId: accessKeyOf(req),
      signatureValid: false,
      failure: { kind: 'malformed', message: `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${auth}` },
    };
  }
  const { accessKeyId } = credential;
  const longDate = req.headers['x-amz-date'];
  const signingDate = parseAmzDate(longDate);
  if (!longDate || !signingDate) {
    return {
      accessKeyId,
      signatureValid: false,
      failure: { kind: 'malformed', message: "Authorization header requires existence of a valid 'X-Amz-Date' header." },
    };
  }
  const problem = scopeProblem(credential, longDate.slice(0, 8), options) ?? skewProblem(longDate, signingDate, options.now, true);
  if (problem) return { accessKeyId, signatureValid: false, failure: problem };
  const record = options.lookup(accessKeyId);
  if (record === undefined) return { accessKeyId, signatureValid: false, failure: { kind: 'unknown-key', message: UNKNOWN_KEY_MESSAGE } };
  const sessionToken = req.headers['x-amz-security-token'];
  const session = sessionProblem(record, sessionToken, options.now);
  if (session) return { accessKeyId, signatureValid: undefined, failure: session };
  const { secretAccessKey } = record;

  const signedNames = parsed.signedHeaders.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedNames) {
    const value = headerValue(req, name);
    if (value === undefined) return { accessKeyId, signatureValid: false, failure: { kind: 'bad-signature', message: MISMATCH_MESSAGE } };
    headers[name] = value;
  }
  const signer = makeSigner(credential, secretAccessKey, sessionToken);
  const signed = await signer.sign(
    { method: req.method, protocol: 'http:', hostname: '127.0.0.1', path: req.path, query: req.query, headers, body: req.body },
    { signingDate, signableHeaders: new Set(signedNames) },
  );
  const expected = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1] ?? '';
  const expectedList = /SignedHeaders=([^,]+)/.exec(String(signed.headers.authorization))?.[1] ?? '';
  if (!safeEqual(expected, parsed.signature) || expectedList !== parsed.signedHeaders) {
    return { accessKeyId, signatureValid: false, failure: { kind: 'bad-signature', message: MISMATCH_MESSAGE } };
  }

  const claimedSha = req.headers['x-amz-content-sha256'];
  if (options.signingName !== 's3' && claimedSha !== undefined && /^[0-9a-f]{64}$/i.test(claimedSha) && claimedSha.toLowerCase() !== sha256Hex(req.body)) {
    // Outside S3 the payload hash is the body's, whatever the header claims.
    return { accessKeyId, signatureValid: false, failure: { kind: 'bad-signature', message: MISMATCH_MESSAGE } };
  }
  if (options.signingName === 's3') {
    const unsigned = unsignedAmzHeaders(req, signedNames);
    if (unsigned) return { accessKeyId, signatureValid: true, failure: unsigned };
    const contentSha = req.headers['x-amz-content-sha256'];
    if (contentSha === undefined) {
      return {
        accessKeyId,
        signatureValid: true,
        failure: { kind: 'missing-content-sha256', message: 'Missing required header for this request: x-amz-content-sha256' },
      };
    }
    if (/^[0-9a-f]{64}$/i.test(contentSha) && contentSha.toLowerCase() !== sha256Hex(req.body)) {
      return {
        accessKeyId,
        signatureValid: true,
        failure: { kind: 'content-sha256-mismatch', message: "The provided 'x-amz-content-sha256' header does not match what was computed." },
      };
    }
  }
  return {
    accessKeyId,
    signatureValid: true,
    context: {
      secretAccessKey,
      longDate,
      shortDate: longDate.slice(0, 8),
      region: credential.region,
      service: credential.service,
      seedSignature: parsed.signature,
    },
  };
}

async function verifyPresigned(req: AwsRequest, options: VerifyOptions): Promise<AuthResult> {
  const q = (name: string): string | undefined => {
    const value = req.query[name];
    return typeof value === 'string' ? value : undefined;
  };
  const credential = parseCredential(q('X-Amz-Credential') ?? '');
  const accessKeyId = credential?.accessKeyId ?? accessKeyOf(req);
  const longDate = q('X-Amz-Date');
  const signingDate = parseAmzDate(longDate);
  const expiresIn = Number(q('X-Amz-Expires') ?? '');
  const signedHeaders = q('X-Amz-SignedHeaders');
  const signature = q('X-Amz-Signature');
  if (
    q('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' ||
    !credential ||
    !longDate ||
    !signingDate ||
    !Number.isInteger(expiresIn) ||
    expiresIn < 1 ||
    expiresIn > 604_800 ||
    !signedHeaders ||
    !signature
  ) {
    return {
      accessKeyId,
      signatureValid: false,
      failure: {
        kind: 'malformed',
        message:
          'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      },
    };
  }
  const problem = scopeProblem(credential, longDate.slice(0, 8), options);
  if (problem) return { accessKeyId, signatureValid: false, failure: problem };
  const record = options.lookup(credential.accessKeyId);
  if (record === undefined) return { accessKeyId, signatureValid: false, failure: { kind: 'unknown-key', message: UNKNOWN_KEY_MESSAGE } };
  const sessionToken = q('X-Amz-Security-Token');
  const session = sessionProblem(record, sessionToken, options.now);
  if (session) return { accessKeyId, signatureValid: undefined, failure: session };
  const { secretAccessKey } = record;
  const signedNames = signedHeaders.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedNames) {
    const value = headerValue(req, name);
    if (value === undefined) return { accessKeyId, signatureValid: false, failure: { kind: 'bad-signature', message: MISMATCH_MESSAGE } };
    headers[name] = value;
  }
  const unsignable = new Set<string>();
  if (options.signingName === 's3' && headers['x-amz-content-sha256'] === undefined) {
    // Presigned S3 URLs always sign an unsigned payload.
    headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    unsignable.add('x-amz-content-sha256');
  }
  const query: Record<string, string | string[]> = { ...req.query };
  delete query['X-Amz-Signature'];
  const signer = makeSigner(credential, secretAccessKey, sessionToken);
  const presigned = await signer.presign(
    { method: req.method, protocol: 'http:', hostname: '127.0.0.1', path: req.path, query, headers, body: req.body },
    {
      signingDate,
      expiresIn,
      signableHeaders: new Set(signedNames),
      unsignableHeaders: unsignable,
      unhoistableHeaders: new Set(Object.keys(headers)),
    },
  );
  const expected = String(presigned.query?.['X-Amz-Signature'] ?? '');
  if (!safeEqual(expected, signature) || presigned.query?.['X-Amz-SignedHeaders'] !== signedHeaders) {
    return { accessKeyId, signatureValid: false, failure: { kind: 'bad-signature', message: MISMATCH_MESSAGE } };
  }
  const unsigned = options.signingName === 's3' ? unsignedAmzHeaders(req, signedNames) : undefined;
  if (unsigned) return { accessKeyId, signatureValid: true, failure: unsigned };
  const early = skewProblem(longDate, signingDate, options.now, false);
  if (early) return { accessKeyId, signatureValid: true, failure: { ...early, expiresInSeconds: expiresIn } };
  if (options.now > signingDate.getTime() + expiresIn * 1000) {
    return {
      accessKeyId,
      signatureValid: true,
      failure: { kind: 'expired', message: 'Request has expired', requestTime: longDate, serverTime: options.now, expiresInSeconds: expiresIn },
    };
  }
  return { accessKeyId, signatureValid: true };
}
