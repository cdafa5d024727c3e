import type { LocalServiceName } from '../types.js';
import type { AwsRequest, AwsResponse } from './request.js';
import { jsonBody, requestId, uuid } from './request.js';
import type { AuthFailure, AuthFailureKind, SigningContext } from './sigv4.js';

/** What each service does with a request. */
export interface ServiceBackend {
  readonly name: LocalServiceName;
  /** The SigV4 signing name. */
  readonly signingName: string;
  /** The SDK operation name of a request. */
  operation(req: AwsRequest): string;
  /** An error in the service's wire format. */
  error(req: AwsRequest, status: number, code: string, message: string): AwsResponse;
  /** The service's answer to a failed authentication. */
  authError(req: AwsRequest, failure: AuthFailure, accessKeyId: string | undefined): AwsResponse;
  /** The service's throttling error. */
  throttle(req: AwsRequest): AwsResponse;
  /** Operations the SDK sends unsigned (STS `AssumeRoleWithWebIdentity`): served without a signature, checked when signed. */
  readonly unsignedOperations?: ReadonlySet<string> | undefined;
  /** The service's usual error code for an HTTP status. */
  codeForStatus(status: number): string;
  /** Runs the request. */
  handle(req: AwsRequest, context: HandleContext): Promise<AwsResponse>;
  /**
   * At `stop()`, before the listeners close: answers the requests it holds
   * open (SQS long polls) now, so their replies still reach the client.
   * Returns whether it held any.
   */
  quiesce?(): boolean;
  /** Frees what the backend holds. */
  close(): Promise<void>;
}

/** What a backend gets besides the request. */
export interface HandleContext {
  /** The signing parameters when the request's signature was verified. */
  readonly signing: SigningContext | undefined;
  /** Whether signatures are verified. */
  readonly verify: boolean;
  /** The access key id the request was signed with (verified unless `verify` is off). */
  readonly accessKeyId: string | undefined;
}

/** The text of an XML element's content (the five predefined entities and character references). */
export function xmlUnescape(text: string): string {
  return text.replace(
    /&(?:#x([0-9a-fA-F]+)|#(\d+)|(lt|gt|amp|quot|apos));/g,
    (_all, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
      if (hex !== undefined) return String.fromCodePoint(Number.parseInt(hex, 16));
      if (dec !== undefined) return String.fromCodePoint(Number(dec));
      return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[name as 'lt'];
    },
  );
}

/** Escapes text for XML element content and attributes. */
export function xmlEscape(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);
}

/** An S3 (restXml) error: `<Error><Code>…</Code><Message>…</Message>…</Error>`; no body for HEAD. */
export function restXmlError(req: AwsRequest, status: number, code: string, message: string, extra: Record<string, string> = {}): AwsResponse {
  const id = requestId(16);
  const hostId = Buffer.from(requestId(48)).toString('base64');
  const headers = { 'content-type': 'application/xml', 'x-amz-request-id': id, 'x-amz-id-2': hostId };
  if (req.method === 'HEAD') return { status, headers, body: Buffer.alloc(0) };
  const fields = Object.entries({ Code: code, Message: message, ...extra, RequestId: id, HostId: hostId })
    .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
    .join('');
  return { status, headers, body: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Error>${fields}</Error>`, 'utf8') };
}

/** An awsJson1_0 / awsJson1_1 error: `{"__type": …, "message": …}`. */
export function awsJsonError(
  version: '1.0' | '1.1',
  status: number,
  type: string,
  message: string,
  options: { messageKey?: 'message' | 'Message'; extra?: Record<string, unknown> } = {},
): AwsResponse {
  return {
    status,
    headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amzn-requestid': requestId(36) },
    body: jsonBody({ __type: type, [options.messageKey ?? 'message']: message, ...options.extra }),
  };
}

/** A restJson1 error: the code in `x-amzn-ErrorType`, `{"message": …}` in the body. */
export function restJsonError(status: number, code: string, message: string): AwsResponse {
  return {
    status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': `${code}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
      'x-amzn-requestid': requestId(36),
    },
    body: jsonBody({ message }),
  };
}

/** The error code the JSON services use for an auth failure. */
export function jsonAuthCode(kind: AuthFailureKind): string {
  switch (kind) {
    case 'missing':
      return 'MissingAuthenticationTokenException';
    case 'malformed':
      return 'IncompleteSignatureException';
    case 'unknown-key':
    case 'invalid-token':
      return 'UnrecognizedClientException';
    case 'expired-token':
      return 'ExpiredTokenException';
    default:
      // A wrong signature, and so a scope for another region and a signing time too far from the
      // server's ("Credential should be scoped to a valid region, not '…'", "Signature expired: …").
      return 'InvalidSignatureException';
  }
}

/**
 * The error code and status the awsQuery services (STS; SQS's query-compatible codes) use for an
 * auth failure: `InvalidClientTokenId` 403, `ExpiredToken` 403, `SignatureDoesNotMatch` 403, …
 */
export function queryAuthError(kind: AuthFailureKind): { status: number; code: string } {
  switch (kind) {
    case 'missing':
      return { status: 403, code: 'MissingAuthenticationToken' };
    case 'malformed':
      return { status: 400, code: 'IncompleteSignature' };
    case 'unknown-key':
    case 'invalid-token':
      return { status: 403, code: 'InvalidClientTokenId' };
    case 'expired-token':
      return { status: 403, code: 'ExpiredToken' };
    default:
      // As above: a wrong signature, region or signing time.
      return { status: 403, code: 'SignatureDoesNotMatch' };
  }
}

/** An awsQuery error: `<ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error>…`. */
export function queryXmlError(xmlns: string, status: number, code: string, message: string): AwsResponse {
  const id = uuid();
  const type = status >= 500 ? 'Receiver' : 'Sender';
  const body =
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${xmlEscape(code)}</Code>` +
    `<Message>${xmlEscape(message)}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`;
  return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id }, body: Buffer.from(body, 'utf8') };
}

/** The awsJson1_0/1_1 request target's operation: `DynamoDB_20120810.PutItem` → `PutItem`. */
export function targetOperation(req: AwsRequest, prefix: string): string {
  const target = req.headers['x-amz-target'] ?? '';
  return target.startsWith(`${prefix}.`) ? target.slice(prefix.length + 1) : 'Unknown';
}

/** Parses an awsJson request body; `undefined` when it is not a JSON object. */
export function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.length === 0 ? '{}' : body.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** An awsJson success response. */
export function awsJsonOk(version: '1.0' | '1.1', value: unknown): AwsResponse {
  return { status: 200, headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amzn-requestid': requestId(36) }, body: jsonBody(value) };
}
