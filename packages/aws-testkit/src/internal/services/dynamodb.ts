import { awsJsonError, jsonAuthCode, type ServiceBackend, targetOperation } from '../protocols.js';
import { Upstream } from '../upstream.js';
import { startUpstreamProcess } from '../upstreamProcess.js';

const NS = 'com.amazonaws.dynamodb.v20120810#';

const DROP_REQUEST_HEADERS = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'expect', 'content-length']);

function codeForStatus(status: number): string {
  if (status === 400) return 'ValidationException';
  if (status === 503) return 'ServiceUnavailable';
  return status >= 500 ? 'InternalServerError' : 'ValidationException';
}

/** DynamoDB: dynalite (in memory, in its own process) behind our verifying proxy. */
export async function createDynamoDBBackend(): Promise<ServiceBackend> {
  const child = await startUpstreamProcess('dynamodb');
  const upstream = new Upstream(child.port);

  return {
    name: 'dynamodb',
    signingName: 'dynamodb',
    operation: (req) => targetOperation(req, 'DynamoDB_20120810'),
    codeForStatus,
    error: (_req, status, code, message) => awsJsonError('1.0', status, code.includes('#') ? code : `${NS}${code}`, message),
    throttle: () => awsJsonError('1.0', 400, `${NS}ThrottlingException`, 'Rate of requests exceeds the allowed throughput.'),
    authError: (_req, { kind, message }) => awsJsonError('1.0', 400, `com.amazon.coral.service#${jsonAuthCode(kind)}`, message),
    async handle(req, context) {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (!name.startsWith(':') && !DROP_REQUEST_HEADERS.has(name)) headers[name] = value;
      }
      if (!context.verify && headers.authorization === undefined && req.query['X-Amz-Algorithm'] === undefined) {
        // dynalite insists on a well-formed Authorization header; with verification off, anything goes.
        headers.authorization = 'AWS4-HMAC-SHA256 Credential=unsigned/20000101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0';
        headers['x-amz-date'] ??= '20000101T000000Z';
      }
      return upstream.forward(req.method, req.rawQuery ? `${req.path}?${req.rawQuery}` : req.path, headers, req.body);
    },
    async close() {
      upstream.close();
      await child.close();
    },
  };
}
