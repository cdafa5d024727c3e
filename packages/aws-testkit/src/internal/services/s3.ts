import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checksumMismatch, type DecodedAwsChunked, decodeAwsChunked, verifyChunkSignatures } from '../awsChunked.js';
import { isoSeconds, MAX_CLOCK_SKEW_MS, serverNow } from '../clock.js';
import { restXmlError, type ServiceBackend, xmlEscape, xmlUnescape } from '../protocols.js';
import { type AwsRequest, type AwsResponse, queryValue, requestId } from '../request.js';
import { type AuthFailure, parseAmzDate } from '../sigv4.js';
import { Upstream } from '../upstream.js';
import { S3_DIRECTORY_PREFIX, startUpstreamProcess, type UpstreamProcess } from '../upstreamProcess.js';

/** Query parameters of presigned URLs; not forwarded to s3rver. */
const PRESIGN_PARAMS = new Set([
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-signedheaders',
  'x-amz-signature',
  'x-amz-security-token',
]);

/** Request headers that only concern the wire between the SDK and us. */
const DROP_REQUEST_HEADERS = new Set([
  'host',
  'authorization',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'expect',
  'content-length',
  'x-amz-content-sha256',
  'x-amz-decoded-content-length',
  'x-amz-trailer',
  'x-amz-date',
  'x-amz-security-token',
]);

/**
 * GetObject's and HeadObject's `response-*` query parameters and the response headers they set. s3rver would
 * apply them only for a request it sees as signed, and it sees none so (the proxy drops `authorization` and the
 * presign parameters): every such request was refused as anonymous. The proxy sets them itself.
 */
const RESPONSE_OVERRIDES: Readonly<Record<string, string>> = {
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
  'response-content-language': 'content-language',
  'response-content-type': 'content-type',
  'response-expires': 'expires',
};

/** The operations that write one object, named by the request's path: the ones a condition (`If-Match`, `If-None-Match`) guards. */
const WRITE_OPERATIONS = new Set(['PutObject', 'CopyObject', 'CompleteMultipartUpload', 'DeleteObject']);

const CHECKSUM_HEADERS = ['x-amz-checksum-crc32', 'x-amz-checksum-crc32c', 'x-amz-checksum-crc64nvme', 'x-amz-checksum-sha1', 'x-amz-checksum-sha256'];

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The bucket of a path-style request, `''` for none. */
function bucketOf(req: AwsRequest): string {
  return pathSegments(req)[0] ?? '';
}

/** The segments of a path-style request's path: the bucket, then the key's. */
function pathSegments(req: AwsRequest): string[] {
  return req.path.split('/').filter((s, i) => i > 0 || s !== '');
}

/**
 * What of a request's key (or copy source) s3rver's file store cannot hold,
 * if anything: a `.` or `..` segment, which as a file path would name
 * another object, another bucket, or a file outside the store (a write
 * there outlives `stop()`), or an empty segment. Real S3 keeps such keys as
 * they are.
 */
function unstorableKey(req: AwsRequest): string | undefined {
  const dotted = (segments: string[]): boolean => segments.some((segment) => segment === '.' || segment === '..');
  // The bucket too: s3rver joins it into the store's path as well (`/%2E%2E` would be the folder above).
  // Decoded before it is split, as s3rver reads it: an encoded slash (`a%2F..%2Fb`) separates segments too.
  const path = pathSegments(req).map(safeDecode).join('/').split('/');
  const DOTTED = "a bucket or key with a '.' or '..' segment";
  if (dotted(path)) return `${DOTTED} (bucket or key '${path.join('/')}')`;
  // An empty segment of a key (`a//b`, `/lead`; a trailing `/` is a folder marker, which it holds):
  // no file path has one, and s3rver answered with a body the SDK could not parse (an untyped error).
  if (path.slice(1, -1).includes('')) return `a key with an empty segment, a leading '/' or a '//' (key '${path.slice(1).join('/')}')`;
  const source = req.headers['x-amz-copy-source'];
  if (source !== undefined) {
    const segments = safeDecode(source.split('?')[0] ?? '').split('/');
    if (dotted(segments)) return `${DOTTED} (copy source '${segments.join('/')}')`;
  }
  // DeleteObjects names its keys in its XML body.
  if (s3Operation(req) === 'DeleteObjects') {
    for (const [, raw] of req.body.toString('utf8').matchAll(/<Key>([^<]*)<\/Key>/g)) {
      const key = xmlUnescape(raw ?? '');
      if (dotted(key.split('/'))) return `${DOTTED} (key '${key}')`;
    }
  }
  return undefined;
}

/** The S3 operation of a path-style request. */
export function s3Operation(req: AwsRequest): string {
  const xId = queryValue(req.query, 'x-id');
  if (xId) return xId;
  const segments = pathSegments(req);
  const bucket = segments[0] ?? '';
  const hasKey = segments.length > 1 && segments.slice(1).join('/') !== '';
  const q = (name: string): boolean => req.query[name] !== undefined;
  const m = req.method;
  if (!bucket) return m === 'GET' ? 'ListBuckets' : 'Unknown';
  if (!hasKey) {
    const sub = ['cors', 'policy', 'tagging', 'website', 'lifecycle', 'versioning', 'acl', 'encryption', 'notification', 'logging', 'replication'].find(q);
    if (sub) {
      const name = sub === 'cors' ? 'Cors' : sub === 'acl' ? 'Acl' : sub.charAt(0).toUpperCase() + sub.slice(1);
      const suffix = sub === 'lifecycle' ? 'Configuration' : sub === 'notification' ? 'Configuration' : '';
      return `${m === 'GET' ? 'Get' : m === 'PUT' ? 'Put' : 'Delete'}Bucket${name}${suffix}`;
    }
    if (m === 'PUT') return 'CreateBucket';
    if (m === 'DELETE') return 'DeleteBucket';
    if (m === 'HEAD') return 'HeadBucket';
    if (m === 'POST' && q('delete')) return 'DeleteObjects';
    if (m === 'POST') return 'PostObject';
    if (q('location')) return 'GetBucketLocation';
    if (q('uploads')) return 'ListMultipartUploads';
    if (q('versions')) return 'ListObjectVersions';
    if (queryValue(req.query, 'list-type') === '2') return 'ListObjectsV2';
    return 'ListObjects';
  }
  const copy = req.headers['x-amz-copy-source'] !== undefined;
  if (q('tagging')) return m === 'GET' ? 'GetObjectTagging' : m === 'PUT' ? 'PutObjectTagging' : 'DeleteObjectTagging';
  if (q('acl')) return m === 'GET' ? 'GetObjectAcl' : 'PutObjectAcl';
  if (m === 'POST' && q('uploads')) return 'CreateMultipartUpload';
  if (m === 'POST' && q('uploadId')) return 'CompleteMultipartUpload';
  if (m === 'PUT' && q('uploadId')) return copy ? 'UploadPartCopy' : 'UploadPart';
  if (m === 'DELETE' && q('uploadId')) return 'AbortMultipartUpload';
  if (m === 'GET' && q('uploadId')) return 'ListParts';
  if (m === 'PUT') return copy ? 'CopyObject' : 'PutObject';
  if (m === 'GET') return 'GetObject';
  if (m === 'HEAD') return 'HeadObject';
  if (m === 'DELETE') return 'DeleteObject';
  return 'Unknown';
}

/**
 * The copy source as s3rver must read it. S3 URL-decodes the whole `x-amz-copy-source`
 * (`bucket/a%2Bb%3Fc` names the key `a+b?c`); s3rver decodes it with `decodeURI`, which leaves
 * `%2B`, `%3F`, `%2F`, `%23`… encoded, so a source encoded with `encodeURIComponent` was
 * `NoSuchKey`. Decoded here, and encoded again with `encodeURI`, which `decodeURI` undoes exactly.
 */
function copySourceForS3rver(source: string): string {
  const query = source.indexOf('?');
  const path = query < 0 ? source : source.slice(0, query);
  try {
    return encodeURI(decodeURIComponent(path)) + (query < 0 ? '' : source.slice(query));
  } catch {
    return source;
  }
}

/** Whether an `If-Match` or `If-None-Match` value (a list; weak tags; `*`) names `etag`. */
function etagMatches(condition: string, etag: string): boolean {
  const bare = (tag: string): string =>
    tag
      .trim()
      .replace(/^W\//, '')
      .replace(/^"(.*)"$/, '$1');
  return condition.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}

/** S3's answer to a condition that did not hold, naming the header. */
function preconditionFailed(req: AwsRequest, condition: string): AwsResponse {
  return restXmlError(req, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: condition });
}

/** What a condition is checked against: the object's ETag and last modification, `undefined` when there is no object. */
interface CurrentObject {
  readonly etag: string;
  readonly lastModified: number;
}

/**
 * S3's answer to a request whose conditions do not hold, `undefined` when they hold (or it has
 * none). s3rver checks only `If-None-Match` and `If-Modified-Since` on GET and HEAD (304), so a
 * conditional write (`If-None-Match: *`, `If-Match`) overwrote the object as if unconditional:
 * a create-once or optimistic-lock test passed locally and raced in production.
 *
 * Writes (PutObject, CompleteMultipartUpload): `If-None-Match` takes only `*`, as in S3, and fails
 * when the key exists; `If-Match` fails when the ETag differs and is `NoSuchKey` when there is no
 * object. Reads (GetObject, HeadObject): `If-Match`, then `If-Unmodified-Since` (which S3 ignores
 * when `If-Match` holds), fail with 412; a missing object is left to s3rver's 404.
 */
async function failedCondition(req: AwsRequest, operation: string, current: () => Promise<CurrentObject | undefined>): Promise<AwsResponse | undefined> {
  const ifMatch = req.headers['if-match'];
  const ifNoneMatch = req.headers['if-none-match'];
  if (operation === 'PutObject' || operation === 'CompleteMultipartUpload') {
    if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
      return restXmlError(req, 501, 'NotImplemented', 'A header you provided implies functionality that is not implemented', { Header: 'If-None-Match' });
    }
    if (ifMatch === undefined && ifNoneMatch === undefined) return undefined;
    const object = await current();
    if (ifMatch !== undefined) {
      if (object === undefined) {
        return restXmlError(req, 404, 'NoSuchKey', 'The specified key does not exist.', { Key: pathSegments(req).slice(1).map(safeDecode).join('/') });
      }
      if (!etagMatches(ifMatch, object.etag)) return preconditionFailed(req, 'If-Match');
    }
    if (ifNoneMatch !== undefined && object !== undefined) return preconditionFailed(req, 'If-None-Match');
    return undefined;
  }
  if (operation !== 'GetObject' && operation !== 'HeadObject') return undefined;
  const ifUnmodifiedSince = req.headers['if-unmodified-since'];
  const since = ifUnmodifiedSince === undefined ? Number.NaN : Date.parse(ifUnmodifiedSince);
  if (ifMatch === undefined && Number.isNaN(since)) return undefined;
  const object = await current();
  if (object === undefined) return undefined;
  if (ifMatch !== undefined) return etagMatches(ifMatch, object.etag) ? undefined : preconditionFailed(req, 'If-Match');
  // HTTP dates have whole seconds.
  return Math.floor(object.lastModified / 1000) * 1000 > since ? preconditionFailed(req, 'If-Unmodified-Since') : undefined;
}

/**
 * A wrong `Content-MD5`, which s3rver does not check: 400 `InvalidDigest` when it is no base64
 * MD5, `BadDigest` when the body's differs, as in S3.
 */
function contentMd5Mismatch(req: AwsRequest, body: Buffer): AwsResponse | undefined {
  const given = req.headers['content-md5'];
  if (given === undefined) return undefined;
  const digest = Buffer.from(given.trim(), 'base64');
  if (digest.length !== 16 || digest.toString('base64') !== given.trim()) {
    return restXmlError(req, 400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.');
  }
  if (digest.equals(createHash('md5').update(body).digest())) return undefined;
  return restXmlError(req, 400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
}

function codeForStatus(status: number): string {
  const codes: Record<number, string> = {
    400: 'InvalidRequest',
    403: 'AccessDenied',
    404: 'NoSuchKey',
    405: 'MethodNotAllowed',
    409: 'OperationAborted',
    412: 'PreconditionFailed',
    500: 'InternalError',
    501: 'NotImplemented',
    503: 'ServiceUnavailable',
  };
  return codes[status] ?? (status >= 500 ? 'InternalError' : 'InvalidRequest');
}

/**
 * A scope for another region: S3 names the region it expects, in the message and in `<Region>`,
 * and for a bucket's request in `x-amz-bucket-region` (what the SDK's `followRegionRedirects`
 * reads).
 */
function wrongRegion(req: AwsRequest, presigned: boolean, failure: AuthFailure): AwsResponse {
  const expected = failure.expectedRegion ?? '';
  const given = failure.scopeRegion ?? '';
  const res = presigned
    ? restXmlError(
        req,
        400,
        'AuthorizationQueryParametersError',
        `Error parsing the X-Amz-Credential parameter; the region '${given}' is wrong; expecting '${expected}'`,
        {
          Region: expected,
        },
      )
    : restXmlError(req, 400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${given}' is wrong; expecting '${expected}'`, {
        Region: expected,
      });
  if (bucketOf(req) !== '') res.headers['x-amz-bucket-region'] = expected;
  return res;
}

/** A header-signed request more than 15 minutes from the server's clock; the SDK reads `ServerTime` to correct its clock. */
function tooSkewed(req: AwsRequest, failure: AuthFailure): AwsResponse {
  return restXmlError(req, 403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', {
    RequestTime: failure.requestTime ?? '',
    ServerTime: isoSeconds(failure.serverTime ?? serverNow()),
    MaxAllowedSkewMilliseconds: String(MAX_CLOCK_SKEW_MS),
  });
}

/** A presigned URL signed more than 15 minutes in the future. (S3 gives its `X-Amz-Date` in epoch ms here.) */
function notYetValid(req: AwsRequest, failure: AuthFailure): AwsResponse {
  const signedAt = parseAmzDate(failure.requestTime)?.getTime() ?? 0;
  return restXmlError(req, 403, 'AccessDenied', 'Request is not yet valid', {
    'X-Amz-Date': String(signedAt),
    Expires: isoSeconds(signedAt + (failure.expiresInSeconds ?? 0) * 1000),
    ServerTime: isoSeconds(failure.serverTime ?? serverNow()),
  });
}

/** The fields of S3's "Request has expired". */
function presignedTimes(failure: AuthFailure): Record<string, string> {
  const signedAt = parseAmzDate(failure.requestTime)?.getTime() ?? 0;
  return {
    'X-Amz-Expires': String(failure.expiresInSeconds ?? 0),
    Expires: isoSeconds(signedAt + (failure.expiresInSeconds ?? 0) * 1000),
    ServerTime: isoSeconds(failure.serverTime ?? serverNow()),
  };
}

const NO_SUCH_UPLOAD = 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.';

/** The operations that name a multipart upload by `uploadId`. */
const UPLOAD_OPERATIONS = new Set(['UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload', 'AbortMultipartUpload', 'ListParts']);

/** The directory of the request's bucket in s3rver's store, `undefined` for a name that is not one directory. */
function bucketDirectory(directory: string, req: AwsRequest): string | undefined {
  const bucket = safeDecode(bucketOf(req));
  return bucket === '' || bucket === '.' || bucket === '..' || /[/\\]/.test(bucket) ? undefined : join(directory, bucket);
}

/**
 * What S3 answers itself for a request on a multipart upload, before s3rver sees it: `NoSuchUpload` (404) for an upload
 * that does not exist (never created, completed, aborted, or of another key), and `AbortMultipartUpload` (204), which
 * s3rver does not implement (it answered 405 `MethodNotAllowed`). `undefined`: s3rver answers (`NoSuchBucket` included).
 *
 * s3rver's FilesystemStore keeps an upload in `<bucket>/._S3rver_uploads/<uploadId>/` (its ids are 32 hex digits): `key`
 * and `metadata`, written when the upload is created, and one file per part. Completing it removes the directory.
 */
async function multipartAnswer(directory: string, req: AwsRequest, operation: string): Promise<AwsResponse | undefined> {
  if (!UPLOAD_OPERATIONS.has(operation)) return undefined;
  const bucketDir = bucketDirectory(directory, req);
  const bucketExists =
    bucketDir !== undefined &&
    (await stat(bucketDir).then(
      (s) => s.isDirectory(),
      () => false,
    ));
  if (!bucketDir || !bucketExists) return undefined;
  const uploadId = queryValue(req.query, 'uploadId') ?? '';
  const uploadDir = /^[0-9a-f]{32}$/.test(uploadId) ? join(bucketDir, '._S3rver_uploads', uploadId) : undefined;
  // A part racing an abort may recreate the directory (s3rver makes it for the part), never `key`.
  const key = uploadDir === undefined ? undefined : await readFile(join(uploadDir, 'key'), 'utf8').catch(() => undefined);
  if (!uploadDir || key === undefined || key !== pathSegments(req).slice(1).map(safeDecode).join('/')) {
    return restXmlError(req, 404, 'NoSuchUpload', NO_SUCH_UPLOAD, { UploadId: uploadId });
  }
  if (operation === 'ListParts') return listParts(req, uploadDir, key, uploadId);
  if (operation !== 'AbortMultipartUpload') return undefined;
  await rm(uploadDir, { recursive: true, force: true });
  return { status: 204, headers: { 'x-amz-request-id': requestId(16) }, body: Buffer.alloc(0) };
}

/** A non-negative integer query parameter, its default when absent, `undefined` when malformed. */
function countParam(req: AwsRequest, name: string, absent: number): number | undefined {
  const value = queryValue(req.query, name);
  if (value === undefined || value === '') return absent;
  return /^\d{1,10}$/.test(value) && Number(value) <= 2_147_483_647 ? Number(value) : undefined;
}

/**
 * ListParts, which s3rver does not implement (405): the upload's stored parts, in part-number order, paged by `max-parts`
 * (at most 1000) after `part-number-marker`. s3rver stores part `n` as the file `n` and its MD5 (the part's ETag) as
 * `n.md5`, written once the part is complete: a part still arriving is not listed.
 */
async function listParts(req: AwsRequest, uploadDir: string, key: string, uploadId: string): Promise<AwsResponse> {
  const maxParts = countParam(req, 'max-parts', 1000);
  const marker = countParam(req, 'part-number-marker', 0);
  if (maxParts === undefined || marker === undefined) {
    const name = maxParts === undefined ? 'max-parts' : 'part-number-marker';
    return restXmlError(req, 400, 'InvalidArgument', `Provided ${name} not an integer or within integer range`, {
      ArgumentName: name,
      ArgumentValue: queryValue(req.query, name) ?? '',
    });
  }
  const numbers = (await readdir(uploadDir))
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((n) => n > marker)
    .sort((a, b) => a - b);
  const parts: Array<{ number: number; etag: string; size: number; modified: Date }> = [];
  for (const number of numbers) {
    if (parts.length === Math.min(maxParts, 1000)) break;
    const file = join(uploadDir, String(number));
    const [etag, info] = await Promise.all([readFile(`${file}.md5`, 'utf8').catch(() => undefined), stat(file).catch(() => undefined)]);
    if (etag !== undefined && info !== undefined) parts.push({ number, etag, size: info.size, modified: info.mtime });
  }
  const truncated = parts.length > 0 && numbers.some((n) => n > (parts.at(-1)?.number ?? 0));
  const fields = [
    `<Bucket>${xmlEscape(safeDecode(bucketOf(req)))}</Bucket>`,
    `<Key>${xmlEscape(key)}</Key>`,
    `<UploadId>${uploadId}</UploadId>`,
    '<StorageClass>STANDARD</StorageClass>',
    `<PartNumberMarker>${marker}</PartNumberMarker>`,
    `<NextPartNumberMarker>${parts.at(-1)?.number ?? 0}</NextPartNumberMarker>`,
    `<MaxParts>${Math.min(maxParts, 1000)}</MaxParts>`,
    `<IsTruncated>${truncated}</IsTruncated>`,
    ...parts.map(
      (p) =>
        `<Part><PartNumber>${p.number}</PartNumber><LastModified>${p.modified.toISOString()}</LastModified><ETag>&quot;${xmlEscape(p.etag)}&quot;</ETag><Size>${p.size}</Size></Part>`,
    ),
  ];
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${fields.join('')}</ListPartsResult>`;
  return { status: 200, headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId(16) }, body: Buffer.from(body, 'utf8') };
}

/** S3: s3rver (in its own process, storing in a temporary directory) behind our verifying proxy. */
export async function createS3Backend(): Promise<ServiceBackend> {
  const directory = await mkdtemp(join(tmpdir(), S3_DIRECTORY_PREFIX));
  let child: UpstreamProcess;
  try {
    child = await startUpstreamProcess('s3', directory);
  } catch (err) {
    await rm(directory, { recursive: true, force: true });
    throw err;
  }
  const upstream = new Upstream(child.port);
  /**
   * The last write of each object (`bucket/key`, decoded: one key however it is spelt), while one is in flight. Writes of one key
   * run one after the other, so that a condition checked before a write still holds when it lands:
   * of two `If-None-Match: *` writes racing for a key, one wins, as in S3.
   */
  const writes = new Map<string, Promise<unknown>>();
  const serialized = async <T>(target: string, write: () => Promise<T>): Promise<T> => {
    const mine = (writes.get(target) ?? Promise.resolve()).then(write, write);
    const settled = mine.catch(() => undefined);
    writes.set(target, settled);
    try {
      return await mine;
    } finally {
      if (writes.get(target) === settled) writes.delete(target);
    }
  };
  /** The object a request names, as s3rver has it now. */
  const currentObject = async (req: AwsRequest): Promise<CurrentObject | undefined> => {
    const head = await upstream.forward('HEAD', req.path, {}, Buffer.alloc(0));
    const etag = head.headers.etag;
    if (head.status !== 200 || typeof etag !== 'string') return undefined;
    return { etag, lastModified: Date.parse(String(head.headers['last-modified'] ?? '')) };
  };

  const backend: ServiceBackend = {
    name: 's3',
    signingName: 's3',
    operation: s3Operation,
    codeForStatus,
    error: (req, status, code, message) => restXmlError(req, status, code, message),
    throttle: (req) => restXmlError(req, 503, 'SlowDown', 'Please reduce your request rate.'),
    authError(req, failure, accessKeyId) {
      const { kind, message } = failure;
      const presigned = req.query['X-Amz-Algorithm'] !== undefined;
      switch (kind) {
        case 'missing':
          return restXmlError(req, 403, 'AccessDenied', 'Access Denied');
        case 'malformed':
          return restXmlError(req, 400, presigned ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed', message);
        case 'wrong-region':
          return wrongRegion(req, presigned, failure);
        case 'skewed':
          return presigned ? notYetValid(req, failure) : tooSkewed(req, failure);
        case 'unknown-key':
          return restXmlError(req, 403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', {
            AWSAccessKeyId: accessKeyId ?? '',
          });
        case 'bad-signature':
          return restXmlError(
            req,
            403,
            'SignatureDoesNotMatch',
            'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
            { AWSAccessKeyId: accessKeyId ?? '' },
          );
        case 'expired':
          return restXmlError(req, 403, 'AccessDenied', 'Request has expired', presignedTimes(failure));
        case 'invalid-token':
          return restXmlError(req, 400, 'InvalidToken', 'The provided token is malformed or otherwise invalid.');
        case 'expired-token': {
          // As S3 answers: the expired token quoted back (`Token-0`), which the SDK copies onto its error.
          const token = req.headers['x-amz-security-token'] ?? req.query['X-Amz-Security-Token'];
          return restXmlError(req, 400, 'ExpiredToken', 'The provided token has expired.', typeof token === 'string' ? { 'Token-0': token } : {});
        }
        case 'missing-content-sha256':
          return restXmlError(req, 400, 'InvalidRequest', message);
        case 'content-sha256-mismatch':
          return restXmlError(req, 400, 'XAmzContentSHA256Mismatch', message);
        case 'headers-not-signed':
          return restXmlError(req, 403, 'AccessDenied', message, { HeadersNotSigned: failure.headersNotSigned ?? '' });
        default:
          return restXmlError(req, 403, 'AccessDenied', message);
      }
    },
    async handle(req, context) {
      const unstorable = unstorableKey(req);
      if (unstorable !== undefined) {
        return restXmlError(
          req,
          400,
          'InvalidArgument',
          `The local S3 stores each object as a file under its key, so it cannot hold ${unstorable}; real S3 keeps such keys as they are. Use another key in local tests.`,
        );
      }
      const operation = s3Operation(req);
      const answered = await multipartAnswer(directory, req, operation);
      if (answered) return answered;
      const contentSha = req.headers['x-amz-content-sha256'] ?? '';
      const encodings = (req.headers['content-encoding'] ?? '')
        .split(',')
        .map((e) => e.trim())
        .filter((e) => e !== '');
      const chunked = encodings.includes('aws-chunked') || contentSha.startsWith('STREAMING-');
      let body = req.body;
      const checksums: Record<string, string | undefined> = {};
      for (const name of CHECKSUM_HEADERS) checksums[name] = req.headers[name];
      if (chunked) {
        let decoded: DecodedAwsChunked;
        try {
          decoded = decodeAwsChunked(req.body);
        } catch (err) {
          return restXmlError(req, 400, 'IncompleteBody', `The request body is not valid aws-chunked encoding: ${(err as Error).message}`);
        }
        if (
          contentSha.startsWith('STREAMING-AWS4-HMAC-SHA256-PAYLOAD') &&
          context.verify &&
          context.signing &&
          !verifyChunkSignatures(decoded, context.signing)
        ) {
          return restXmlError(
            req,
            403,
            'SignatureDoesNotMatch',
            'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
          );
        }
        const declared = req.headers['x-amz-decoded-content-length'];
        if (declared !== undefined && Number(declared) !== decoded.data.length) {
          return restXmlError(req, 400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header');
        }
        body = decoded.data;
        for (const [name, value] of Object.entries(decoded.trailers)) if (name.startsWith('x-amz-checksum-')) checksums[name] = value;
      }
      const mismatch = checksumMismatch(body, checksums);
      if (mismatch) {
        return restXmlError(
          req,
          400,
          'BadDigest',
          `The ${mismatch.slice('x-amz-checksum-'.length).toUpperCase()} you specified did not match the calculated checksum.`,
        );
      }
      const wrongMd5 = contentMd5Mismatch(req, body);
      if (wrongMd5) return wrongMd5;

      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (name.startsWith(':') || DROP_REQUEST_HEADERS.has(name)) continue;
        if (name === 'content-encoding') {
          const rest = encodings.filter((e) => e !== 'aws-chunked');
          if (rest.length > 0) headers[name] = rest.join(', ');
          continue;
        }
        if (name === 'x-amz-copy-source') {
          headers[name] = copySourceForS3rver(value);
          continue;
        }
        headers[name] = value;
      }
      const overridable = operation === 'GetObject' || operation === 'HeadObject';
      const overrides: Record<string, string> = {};
      if (overridable) {
        for (const [parameter, header] of Object.entries(RESPONSE_OVERRIDES)) {
          const value = queryValue(req.query, parameter);
          if (value === undefined) continue;
          // Node refuses to send a header with such characters; S3 refuses the request.
          if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(value)) {
            return restXmlError(req, 400, 'InvalidArgument', `${parameter} has a character a header cannot carry`, {
              ArgumentName: parameter,
              ArgumentValue: value,
            });
          }
          overrides[header] = value;
        }
      }
      const query = req.rawQuery
        .split('&')
        .filter((piece) => {
          const name = safeDecode(piece.split('=')[0] ?? '');
          return piece !== '' && !PRESIGN_PARAMS.has(name.toLowerCase()) && !(overridable && Object.hasOwn(RESPONSE_OVERRIDES, name));
        })
        .join('&');
      const send = async (): Promise<AwsResponse> =>
        (await failedCondition(req, operation, () => currentObject(req))) ??
        upstream.forward(req.method, query ? `${req.path}?${query}` : req.path, headers, body);
      const res: AwsResponse = await (WRITE_OPERATIONS.has(operation) ? serialized(pathSegments(req).map(safeDecode).join('/'), send) : send());
      if (res.status === 200 || res.status === 206) Object.assign(res.headers, overrides);
      if (res.status === 500 && queryValue(req.query, 'continuation-token') !== undefined && operation === 'ListObjectsV2') {
        // s3rver fails to decrypt a token it did not issue; S3 calls that a bad argument.
        return restXmlError(req, 400, 'InvalidArgument', 'The continuation token provided is incorrect', {
          ArgumentName: 'continuation-token',
          ArgumentValue: queryValue(req.query, 'continuation-token') ?? '',
        });
      }
      if (res.headers['x-amz-request-id'] === undefined) res.headers['x-amz-request-id'] = requestId(16);
      if (res.status < 300) {
        for (const [name, value] of Object.entries(checksums)) if (value !== undefined && req.method === 'PUT') res.headers[name] = value;
      }
      return res;
    },
    async close() {
      upstream.close();
      await child.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
  return backend;
}
