/**
 * Guards Bedrock Runtime responses that arrive over the SDK's Node HTTP/2
 * handler.
 *
 * With `@smithy/node-http-handler` 4.x, a stream that goes quiet after its
 * headers hits `requestTimeout` *after* the handler has resolved: the handler
 * closes the stream with NGHTTP2_NO_ERROR and its own rejection is ignored, so
 * the body simply ends and `InvokeModel` resolves with the bytes received so
 * far, as if it had succeeded. Likewise a stream the peer aborts mid-body ends
 * quietly. And a reset stream (`ERR_HTTP2_STREAM_ERROR`) is not classified as
 * transient, so it is never retried, unlike a reset HTTP/1.1 socket.
 *
 * This middleware sits just above the handler (inside the retry loop and
 * below the deserializer, hence priority 'low' in the deserialize step): a
 * body that times out or is aborted fails with an error (a `TimeoutError`, which the SDK retries as transient), and
 * HTTP/2 stream/session errors are marked retryable. It touches only Node
 * HTTP/2 streams (duck-typed; no `node:` import), so browser bundles are
 * unaffected.
 *
 * @see https://github.com/smithy-lang/smithy-typescript/blob/main/packages/node-http-handler/src/node-http2-handler.ts
 * @module
 */

interface Http2StreamLike {
  readonly rstCode?: number;
  readonly readableEnded?: boolean;
  readonly destroyed?: boolean;
  setTimeout(ms: number, listener?: () => void): unknown;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  destroy(error?: Error): unknown;
  emit(event: string, ...args: unknown[]): boolean;
  listenerCount(event: string): number;
}

interface MiddlewareStackLike {
  add(middleware: unknown, options: Record<string, unknown>): void;
}

const TRANSIENT_HTTP2_CODES: ReadonlySet<string> = new Set([
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_INVALID_SESSION',
  'ERR_HTTP2_STREAM_CANCEL',
]);

function isHttp2Stream(body: unknown): body is Http2StreamLike {
  if (typeof body !== 'object' || body === null) return false;
  const candidate = body as Partial<Http2StreamLike> & { session?: unknown };
  return 'rstCode' in candidate && 'session' in candidate && typeof candidate.setTimeout === 'function' && typeof candidate.on === 'function';
}

function streamError(name: 'TimeoutError' | 'Http2StreamAborted', message: string): Error {
  const error = new Error(message);
  error.name = name;
  // Transient: the retry strategy tries again within the tier's maxAttempts.
  (error as Error & { $retryable: object }).$retryable = {};
  return error;
}

function guardBody(body: Http2StreamLike): void {
  // By the time 'timeout' fires the handler has already closed (and so
  // destroyed) the stream, so destroy(error) would be a no-op: the error is
  // emitted to whoever is reading (the SDK's body collector listens for it and
  // rejects before the stream's 'end' arrives).
  const fail = (error: Error): void => {
    if (body.readableEnded === true) return;
    if (body.listenerCount('error') > 0) body.emit('error', error);
    else body.destroy(error);
  };
  body.on('timeout', () =>
    fail(streamError('TimeoutError', 'The Bedrock Runtime response stalled: no bytes arrived within the read timeout, so the body is incomplete.')),
  );
  body.on('aborted', () =>
    fail(streamError('Http2StreamAborted', `The Bedrock Runtime response stream was aborted mid-body (HTTP/2 code ${body.rstCode ?? 'unknown'}).`)),
  );
}

function markTransient(error: unknown): unknown {
  if (typeof error === 'object' && error !== null) {
    const e = error as { code?: unknown; name?: unknown; $retryable?: unknown };
    if (typeof e.code === 'string' && TRANSIENT_HTTP2_CODES.has(e.code) && e.name !== 'AbortError' && e.$retryable === undefined) e.$retryable = {};
  }
  return error;
}

type Next = (args: unknown) => Promise<{ response?: { body?: unknown } }>;

/** Adds the HTTP/2 body guard to a client's middleware stack and returns the client. */
export function withHttp2Guard<TClient extends { middlewareStack: MiddlewareStackLike }>(client: TClient): TClient {
  client.middlewareStack.add(
    (next: Next) => async (args: unknown) => {
      let result: Awaited<ReturnType<Next>>;
      try {
        result = await next(args);
      } catch (error) {
        throw markTransient(error);
      }
      const body = result?.response?.body;
      if (isHttp2Stream(body)) guardBody(body);
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'dbpHttp2BodyGuard' },
  );
  return client;
}
