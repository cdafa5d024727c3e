/**
 * A local AWS Lambda Runtime API (the HTTP API a function's runtime polls,
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html), enough to
 * run a function the way Lambda does: one execution environment, invocations
 * handed out one at a time on `GET /2018-06-01/runtime/invocation/next`, the
 * result posted to `…/invocation/{id}/response` or `…/{id}/error`, an init
 * failure to `…/init/error`. The test calls {@link LocalRuntimeApi.invoke}.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const PREFIX = '/2018-06-01/runtime';

/** An error as the runtime reports it (`{ errorType, errorMessage, stackTrace }`). */
export interface LambdaError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stackTrace?: string[];
  /** The `Lambda-Runtime-Function-Error-Type` header. */
  readonly errorTypeHeader: string | undefined;
}

/** How one invocation ended. */
export type InvocationResult =
  | { readonly requestId: string; readonly ok: true; readonly payload: unknown }
  | { readonly requestId: string; readonly ok: false; readonly error: LambdaError };

interface Pending {
  readonly requestId: string;
  readonly event: unknown;
  readonly deadlineMs: number;
  readonly settle: (result: InvocationResult) => void;
}

export interface RuntimeApiOptions {
  /** The function's ARN in the `Lambda-Runtime-Invoked-Function-Arn` header. @default a made-up ARN for `example-lambda` */
  readonly functionArn?: string;
  /** The invocation timeout, for `Lambda-Runtime-Deadline-Ms`. @default 30_000 */
  readonly timeoutMs?: number;
}

/** A running local Runtime API for one execution environment. */
export class LocalRuntimeApi {
  /** `127.0.0.1:<port>`, the value of `AWS_LAMBDA_RUNTIME_API`. */
  readonly address: string;
  /** Set once the runtime reports an init failure. */
  initError: LambdaError | undefined;
  readonly #server: ReturnType<typeof createServer>;
  readonly #queue: Pending[] = [];
  readonly #inFlight = new Map<string, Pending>();
  #waiting: ServerResponse | undefined;
  readonly #arn: string;
  readonly #timeoutMs: number;
  readonly #initErrorWaiters: ((error: LambdaError) => void)[] = [];

  private constructor(server: ReturnType<typeof createServer>, options: RuntimeApiOptions) {
    this.#server = server;
    this.address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.#arn = options.functionArn ?? 'arn:aws:lambda:us-east-1:123456789012:function:example-lambda';
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Starts the API on a free port of 127.0.0.1. */
  static async start(options: RuntimeApiOptions = {}): Promise<LocalRuntimeApi> {
    let api: LocalRuntimeApi | undefined;
    const server = createServer((request, response) => {
      api?.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    api = new LocalRuntimeApi(server, options);
    return api;
  }

  /** Queues an invocation; resolves with what the runtime posted back. */
  invoke(event: unknown): Promise<InvocationResult> {
    return new Promise((settle) => {
      this.#queue.push({ requestId: randomUUID(), event, deadlineMs: Date.now() + this.#timeoutMs, settle });
      this.#dispatch();
    });
  }

  /** Resolves when the runtime reports an init failure. */
  waitForInitError(): Promise<LambdaError> {
    if (this.initError) return Promise.resolve(this.initError);
    return new Promise((resolve) => this.#initErrorWaiters.push(resolve));
  }

  /** Stops the API, ending a `next` poll that is still waiting. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  #dispatch(): void {
    const response = this.#waiting;
    const next = this.#queue[0];
    if (!response || !next) return;
    this.#queue.shift();
    this.#waiting = undefined;
    this.#inFlight.set(next.requestId, next);
    response
      .writeHead(200, {
        'content-type': 'application/json',
        'lambda-runtime-aws-request-id': next.requestId,
        'lambda-runtime-deadline-ms': String(next.deadlineMs),
        'lambda-runtime-invoked-function-arn': this.#arn,
        'lambda-runtime-trace-id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)};Sampled=0`,
      })
      .end(JSON.stringify(next.event));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const body = await readBody(request);
    const reply = (status: number, json: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    };
    if (request.method === 'GET' && path === `${PREFIX}/invocation/next`) {
      if (this.#waiting) return reply(409, { errorType: 'Runtime.ConcurrentPoll', errorMessage: 'a next poll is already waiting' });
      this.#waiting = response;
      this.#dispatch();
      return;
    }
    if (request.method === 'POST' && path === `${PREFIX}/init/error`) {
      this.initError = parseError(body, request.headers['lambda-runtime-function-error-type']);
      for (const waiter of this.#initErrorWaiters.splice(0)) waiter(this.initError);
      return reply(202, { status: 'OK' });
    }
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(path);
    if (request.method === 'POST' && match) {
      const requestId = decodeURIComponent(match[1]!);
      const pending = this.#inFlight.get(requestId);
      if (!pending) return reply(400, { errorType: 'InvalidRequestID', errorMessage: `no invocation ${requestId} is in flight` });
      this.#inFlight.delete(requestId);
      if (match[2] === 'response') pending.settle({ requestId, ok: true, payload: body === '' ? null : JSON.parse(body) });
      else pending.settle({ requestId, ok: false, error: parseError(body, request.headers['lambda-runtime-function-error-type']) });
      return reply(202, { status: 'OK' });
    }
    return reply(404, { errorType: 'NotFound', errorMessage: `${request.method} ${path}` });
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function parseError(body: string, header: string | string[] | undefined): LambdaError {
  const parsed = (body ? JSON.parse(body) : {}) as Partial<LambdaError>;
  return {
    errorType: parsed.errorType ?? 'Unknown',
    errorMessage: parsed.errorMessage ?? '',
    ...(parsed.stackTrace ? { stackTrace: parsed.stackTrace } : {}),
    errorTypeHeader: Array.isArray(header) ? header[0] : header,
  };
}
