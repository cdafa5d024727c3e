import type { LocalServiceName } from '../types.js';
import type { AwsRequest, AwsResponse } from './request.js';
import { jsonBody, requestId } from './request.js';
import type { AuthFailureKind, SigningContext } from './sigv4.js';

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
  authError(req: AwsRequest, kind: AuthFailureKind, message: string, accessKeyId: string | undefined): AwsResponse;
  /** The service's throttling error. */
  throttle(req: AwsRequest): AwsResponse;
  /** The service's usual error code for an HTTP status. */
  codeForStatus(status: number): string;
  /** Runs the request. */
  handle(req: AwsRequest, context: HandleContext): Promise<AwsResponse>;
  /** Frees what the backend holds. */
  close(): Promise<void>;
}

/** What a backend gets besides the request. */
export interface HandleContext {
  /** The signing parameters when the request's signature was verified. */
  readonly signing: SigningContext | undefined;
  /** Whether signatures are verified. */
  readonly verify: boolean;
}

function xmlEscape(value: string): string {
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
      return 'UnrecognizedClientException';
    case 'expired':
      return 'InvalidSignatureException';
    default:
      return 'InvalidSignatureException';
  }
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
