import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault } from '../types.js';
import { httpDate, serverNow } from './clock.js';
import type { ServiceBackend } from './protocols.js';
import { type AwsRequest, type AwsResponse, parseQuery, splitTarget } from './request.js';
import { type AuthResult, type KeyRecord, verifySigV4 } from './sigv4.js';
import { DEFAULT_RETRY_AFTER_MS, type FaultInjectorImpl, type RequestLogImpl } from './state.js';

/** What a service frontend needs. */
export interface FrontendConfig {
  readonly backend: ServiceBackend;
  readonly cors: boolean;
  readonly verify: boolean;
  /** The regions a signature's credential scope may name; the first is the endpoint's own. */
  readonly regions: readonly [string, ...string[]];
  readonly lookup: (accessKeyId: string) => KeyRecord | undefined;
  readonly log: RequestLogImpl;
  readonly faults: FaultInjectorImpl;
}

/** How a response goes back, the same for HTTP/1.1 and HTTP/2. */
interface Exchange {
  send(res: AwsResponse): void;
  stall(res: AwsResponse): void;
  slow(res: AwsResponse, chunks: number, delayMs: number, signal: AbortSignal): Promise<void>;
  reset(): void;
}

const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0', 'latin1');

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'http2-settings', 'te', 'trailer']);

const EXPOSED_HEADERS = [
  'etag',
  'date',
  'content-length',
  'content-type',
  'content-range',
  'content-encoding',
  'content-disposition',
  'content-language',
  'cache-control',
  'expires',
  'last-modified',
  'accept-ranges',
  'x-amz-request-id',
  'x-amz-id-2',
  'x-amz-version-id',
  'x-amz-delete-marker',
  'x-amz-expiration',
  'x-amz-server-side-encryption',
  'x-amz-checksum-crc32',
  'x-amz-checksum-crc32c',
  'x-amz-checksum-crc64nvme',
  'x-amz-checksum-sha1',
  'x-amz-checksum-sha256',
  'x-amz-checksum-type',
  'x-amz-mp-parts-count',
  'x-amz-crc32',
  'x-amzn-requestid',
  'x-amzn-errortype',
  'x-amzn-bedrock-input-token-count',
  'x-amzn-bedrock-output-token-count',
  'x-amzn-bedrock-invocation-latency',
  'x-amzn-bedrock-content-type',
  'x-amzn-query-error',
];

const ALLOWED_METHODS = 'GET, PUT, POST, DELETE, HEAD, PATCH, OPTIONS';

/**
 * A socket whose first bytes were already read (to sniff the protocol), replayed in front of the
 * rest. HTTP/2 sessions read from the socket's handle directly, so `unshift` is not enough there.
 */
class ReplaySocket extends Duplex {
  constructor(
    private readonly socket: net.Socket,
    prefix: Buffer,
  ) {
    super();
    this.push(prefix);
    socket.on('data', (data: Buffer) => {
      if (!this.push(data)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.socket.write(chunk, encoding, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }
}

function joinHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return out;
}

function outgoingHeaders(res: AwsResponse, method: string): Record<string, string | number | string[]> {
  const out: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    const lower = name.toLowerCase();
    if (!HOP_BY_HOP.has(lower)) out[lower] = value;
  }
  if (out['content-length'] === undefined && method !== 'HEAD' && res.status !== 204 && res.status !== 304) out['content-length'] = res.body.length;
  // From the clock signatures are checked against (upstream answers included): the SDK corrects
  // its clock skew from this header, as against AWS.
  out.date = httpDate(serverNow());
  return out;
}

function splitBody(body: Buffer, chunks: number): Buffer[] {
  const pieces = Math.max(1, Math.min(chunks, body.length));
  const size = Math.ceil(body.length / pieces) || 0;
  const out: Buffer[] = [];
  // No empty piece (5 bytes in 4 pieces is 2 + 2 + 1): a client that has every byte reuses the connection.
  for (let i = 0; i < pieces && i * size < body.length; i++) out.push(body.subarray(i * size, Math.min(body.length, (i + 1) * size)));
  return out;
}

function withCors(res: AwsResponse, origin: string): AwsResponse {
  const exposed = new Set(EXPOSED_HEADERS);
  for (const name of Object.keys(res.headers)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-amz')) exposed.add(lower);
  }
  const headers: AwsResponse['headers'] = {};
  for (const [name, value] of Object.entries(res.headers)) if (!name.toLowerCase().startsWith('access-control-')) headers[name] = value;
  headers['access-control-allow-origin'] = origin;
  headers['access-control-allow-credentials'] = 'true';
  headers['access-control-expose-headers'] = [...exposed].join(', ');
  headers.vary = 'Origin';
  return { ...res, headers };
}

function preflight(req: AwsRequest, origin: string): AwsResponse {
  const headers: AwsResponse['headers'] = {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': ALLOWED_METHODS,
    'access-control-allow-headers': req.headers['access-control-request-headers'] || '*',
    'access-control-expose-headers': EXPOSED_HEADERS.join(', '),
    'access-control-max-age': '600',
    vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    'content-length': '0',
  };
  if (req.headers['access-control-request-private-network'] === 'true') headers['access-control-allow-private-network'] = 'true';
  return { status: 200, headers, body: Buffer.alloc(0) };
}

async function writeSlowly(
  pieces: Buffer[],
  delayMs: number,
  signal: AbortSignal,
  isGone: () => boolean,
  write: (piece: Buffer) => void,
  end: (last?: Buffer) => void,
): Promise<void> {
  try {
    for (const [i, piece] of pieces.entries()) {
      await sleep(delayMs, undefined, { signal });
      if (isGone()) return;
      // The last piece ends the response with it: once a client has every byte it may send its
      // next request on the connection, which must not wait for an end that comes a delay later.
      if (i === pieces.length - 1) end(piece);
      else write(piece);
    }
    if (pieces.length === 0 && !isGone()) end();
  } catch {
    // aborted by stop()
  }
}

function h1Exchange(req: http.IncomingMessage, res: http.ServerResponse): Exchange {
  const method = req.method ?? 'GET';
  const gone = (): boolean => res.destroyed || res.socket === null || res.socket.destroyed;
  return {
    send(r) {
      if (gone()) return;
      res.writeHead(r.status, outgoingHeaders(r, method));
      res.end(method === 'HEAD' ? undefined : r.body);
    },
    stall(r) {
      if (gone()) return;
      // Without a length, Node sends the body chunked: the client waits for a body that never comes,
      // even when the real body would have been empty.
      const headers = outgoingHeaders(r, method);
      if (method !== 'HEAD') delete headers['content-length'];
      res.writeHead(r.status, headers);
      res.flushHeaders();
    },
    async slow(r, chunks, delayMs, signal) {
      if (gone()) return;
      res.writeHead(r.status, outgoingHeaders(r, method));
      res.flushHeaders();
      await writeSlowly(
        method === 'HEAD' ? [] : splitBody(r.body, chunks),
        delayMs,
        signal,
        gone,
        (p) => res.write(p),
        (last) => res.end(last),
      );
    },
    reset() {
      resetSocket(req.socket);
    },
  };
}

function resetSocket(socket: net.Socket | undefined): void {
  if (!socket || socket.destroyed) return;
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

function h2Exchange(stream: http2.ServerHttp2Stream, method: string, rawSocket: net.Socket | undefined): Exchange {
  const gone = (): boolean => stream.destroyed || stream.closed;
  const respond = (r: AwsResponse, endStream: boolean): void => {
    stream.respond({ ':status': r.status, ...outgoingHeaders(r, method) }, { endStream });
  };
  return {
    send(r) {
      if (gone()) return;
      const empty = method === 'HEAD' || r.body.length === 0;
      respond(r, empty);
      if (!empty) stream.end(r.body);
    },
    stall(r) {
      if (gone()) return;
      const headers = outgoingHeaders(r, method);
      delete headers['content-length'];
      stream.respond({ ':status': r.status, ...headers }, { endStream: false });
    },
    async slow(r, chunks, delayMs, signal) {
      if (gone()) return;
      respond(r, false);
      await writeSlowly(
        method === 'HEAD' ? [] : splitBody(r.body, chunks),
        delayMs,
        signal,
        gone,
        (p) => stream.write(p),
        (last) => stream.end(last),
      );
    },
    reset() {
      // Like HTTP/1.1: the TCP connection is reset (every stream of the session fails with it).
      if (rawSocket) resetSocket(rawSocket);
      else if (!gone()) stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    },
  };
}

/** One service's listener on 127.0.0.1: HTTP/1.1 and HTTP/2 (h2c prior knowledge) on the same port. */
export class Frontend {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly sessions = new Map<http2.ServerHttp2Session, net.Socket | undefined>();
  /** The TCP socket of the HTTP/2 session being created (sessions wrap a replaying duplex). */
  private incomingRawSocket: net.Socket | undefined;
  private readonly h1: http.Server;
  private readonly h2: http2.Http2Server;
  private readonly abort = new AbortController();
  private port = 0;
  private closed = false;

  private constructor(private readonly config: FrontendConfig) {
    this.h1 = http.createServer({ keepAliveTimeout: 5_000 }, (req, res) => this.onH1Request(req, res));
    this.h1.on('clientError', (_err, socket) => socket.destroy());
    this.h2 = http2.createServer();
    this.h2.on('session', (session) => {
      this.sessions.set(session, this.incomingRawSocket);
      session.on('close', () => this.sessions.delete(session));
      session.on('error', () => {});
    });
    this.h2.on('stream', (stream, headers) => this.onH2Stream(stream, headers));
    this.server = net.createServer((socket) => this.onConnection(socket));
  }

  /** Starts listening on a random port of 127.0.0.1. */
  static async start(config: FrontendConfig): Promise<Frontend> {
    const frontend = new Frontend(config);
    await new Promise<void>((resolve, reject) => {
      frontend.server.once('error', reject);
      frontend.server.listen({ port: 0, host: '127.0.0.1' }, () => {
        frontend.server.off('error', reject);
        resolve();
      });
    });
    frontend.port = (frontend.server.address() as net.AddressInfo).port;
    return frontend;
  }

  /** `http://127.0.0.1:<port>`. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stops listening and drops every connection, stalled and slow responses included. */
  /** Requests being served now. */
  private readonly serving = new Set<Promise<unknown>>();

  private track(served: Promise<unknown>): void {
    this.serving.add(served);
    void served.finally(() => this.serving.delete(served));
  }

  /** Waits, at most `ms`, for the requests being served to be answered (a backend's `quiesce` just woke them). */
  async settle(ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    await Promise.race([Promise.allSettled([...this.serving]), bound]);
    clearTimeout(timer);
    // The answers were handed to their sockets; let them be written before the sockets are destroyed.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const session of this.sessions.keys()) session.destroy();
    for (const socket of this.sockets) socket.destroy();
    await closing;
  }

  private onConnection(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    let head = Buffer.alloc(0);
    const onData = (data: Buffer): void => {
      head = Buffer.concat([head, data]);
      const n = Math.min(head.length, HTTP2_PREFACE.length);
      const isH2Prefix = head.subarray(0, n).equals(HTTP2_PREFACE.subarray(0, n));
      if (isH2Prefix && head.length < HTTP2_PREFACE.length) return; // need more bytes to decide
      socket.off('data', onData);
      socket.pause();
      if (isH2Prefix) {
        this.incomingRawSocket = socket;
        this.h2.emit('connection', new ReplaySocket(socket, head));
        this.incomingRawSocket = undefined;
      } else {
        socket.unshift(head);
        this.h1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
  }

  private onH1Request(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => {});
    req.on('end', () => {
      const { path, rawQuery } = splitTarget(req.url ?? '/');
      const request: AwsRequest = {
        method: (req.method ?? 'GET').toUpperCase(),
        path,
        rawQuery,
        query: parseQuery(rawQuery),
        headers: joinHeaders(req.headers),
        body: Buffer.concat(chunks),
        protocol: 'http/1.1',
      };
      this.track(this.serve(request, h1Exchange(req, res)).catch(() => req.socket.destroy()));
    });
  }

  private onH2Stream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', () => {});
    stream.on('end', () => {
      const method = String(headers[':method'] ?? 'GET').toUpperCase();
      const { path, rawQuery } = splitTarget(String(headers[':path'] ?? '/'));
      const request: AwsRequest = {
        method,
        path,
        rawQuery,
        query: parseQuery(rawQuery),
        headers: joinHeaders(headers as Record<string, string | string[] | undefined>),
        body: Buffer.concat(chunks),
        protocol: 'h2',
      };
      this.track(this.serve(request, h2Exchange(stream, method, this.sessions.get(stream.session as http2.ServerHttp2Session))).catch(() => stream.destroy()));
    });
  }

  private async serve(req: AwsRequest, exchange: Exchange): Promise<void> {
    const { backend, cors, faults, log, verify, regions, lookup } = this.config;
    const at = Date.now();
    const origin = req.headers.origin;
    if (cors && origin !== undefined && req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      exchange.send(preflight(req, origin));
      return;
    }
    let operation = 'Unknown';
    try {
      operation = backend.operation(req);
    } catch {
      // keep 'Unknown'
    }
    let auth: AuthResult;
    const unsigned = req.headers.authorization === undefined && req.query['X-Amz-Algorithm'] === undefined;
    try {
      auth =
        unsigned && backend.unsignedOperations?.has(operation)
          ? { accessKeyId: undefined, signatureValid: undefined }
          : await verifySigV4(req, { signingName: backend.signingName, regions, lookup, verify, now: serverNow() });
    } catch (err) {
      auth = {
        accessKeyId: undefined,
        signatureValid: false,
        failure: { kind: 'malformed', message: `Could not check the signature: ${(err as Error).message}` },
      };
    }
    const record = (status: number): void =>
      log.add({ service: backend.name, operation, status, accessKeyId: auth.accessKeyId, signatureValid: auth.signatureValid, at, protocol: req.protocol });
    const decorate = (res: AwsResponse): AwsResponse => (cors && origin !== undefined ? withCors(res, origin) : res);

    if (auth.failure) {
      const res = decorate(backend.authError(req, auth.failure, auth.accessKeyId));
      record(res.status);
      exchange.send(res);
      return;
    }

    const fault: Fault | undefined = faults.take(backend.name, operation, auth.accessKeyId);
    if (fault?.kind === 'reset') {
      record(0);
      exchange.reset();
      return;
    }
    let res: AwsResponse;
    if (fault?.kind === 'status') {
      res = backend.error(req, fault.status, fault.code ?? backend.codeForStatus(fault.status), fault.message ?? `Injected fault: HTTP ${fault.status}`);
    } else if (fault?.kind === 'throttle') {
      res = backend.throttle(req);
      const retryAfter = fault.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
      // Milliseconds, as the SDKs read it (@smithy/core parseRetryAfterHeader).
      if (retryAfter !== false) res.headers['x-amz-retry-after'] = String(retryAfter);
    } else {
      try {
        res = await backend.handle(req, { signing: auth.context, verify, accessKeyId: auth.accessKeyId });
      } catch (err) {
        res = backend.error(req, 500, backend.codeForStatus(500), `@dbp/aws-testkit could not run ${operation}: ${(err as Error).message}`);
      }
    }
    res = decorate(res);
    record(res.status);
    if (this.closed) return;
    // A response that can have no body (HEAD, 204, a conditional GET's 304,
    // as a browser revalidates) has nothing to withhold or slow, nor has an
    // empty one (PutObject's 200) anything to slow: sent as it is (the fault
    // counts as used). An empty body can still be withheld: the client waits
    // for a length it is not told.
    const bodyless = req.method === 'HEAD' || res.status === 204 || res.status === 304;
    if (fault?.kind === 'stall-after-headers' && !bodyless) exchange.stall(res);
    else if (fault?.kind === 'slow-body' && !bodyless && res.body.length > 0)
      await exchange.slow(res, fault.chunks ?? 4, fault.chunkDelayMs, this.abort.signal);
    else exchange.send(res);
  }
}
