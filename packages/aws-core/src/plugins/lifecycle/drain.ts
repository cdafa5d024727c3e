/**
 * Where eviction drains: in-flight tracking, and removed clients destroyed
 * once their last request is done.
 *
 * In flight means until the response is done: a request counts from `send()`
 * until it fails or resolves, and a streaming response (a `GetObject` body,
 * an event stream such as S3 `SelectObjectContent` or Bedrock Runtime
 * `ConverseStream`) until its body ends, fails or is destroyed (breaking out
 * of an event stream's `for await` destroys it). A removed client is
 * destroyed when that count reaches zero, so clearing, eviction and ttl never
 * fail a running request. `dispose()` waits at most a grace period, then
 * destroys the bodies still open (a reader still waiting for one fails with
 * `FACTORY_DISPOSED`) and every client, and fails the requests still running
 * with `FACTORY_DISPOSED`: it aborts the signal the SDK's retry loop waits
 * on, so it neither waits nor retries, a check before each attempt sends
 * nothing more, and a request still queued for a socket of the client's own
 * agents is dropped from the queue (destroying the agents would otherwise
 * open new sockets for it and send it).
 *
 * Destroying releases only what the factory created: a `requestHandler`
 * instance or agents passed in config belong to the caller and survive.
 *
 * @module
 */
import { type CacheEntry, factoryAgents, handlerAgents, type RemovalReason, type TrackedBody, unrefTimer } from '../../kernel/clientCache.js';
import { destroyEntry, notSent, operationOf } from '../../kernel/clientStore.js';
import { fail } from '../../kernel/errors.js';
import type { Lifecycle, Report } from '../../kernel/setup.js';
import type { ClientStatsEntry } from '../../kernel/types.js';
import { hideRequest, watchBody } from './bodies.js';
import { dropQueuedRequests, socketStats } from './sockets.js';

/** Who watches streaming bodies (the factory's abandoned-body watch). */
export interface BodyWatchers {
  add(body: TrackedBody): void;
  delete(body: TrackedBody): void;
  /** Stops watching (dispose). */
  stop(): void;
}

interface MiddlewareResult {
  readonly output?: Record<string, unknown>;
  readonly response?: { readonly body?: unknown };
}

type Handler = (args: unknown) => Promise<MiddlewareResult>;

/**
 * Where the SDK keeps a request's own context (`SMITHY_CONTEXT_KEY` of
 * @smithy/types): its retry middleware races its waits (the initial token,
 * each backoff) against `abortSignal` there, read once per request.
 */
const SMITHY_CONTEXT = '__smithy_context';

interface RequestContext {
  readonly commandName?: string;
  readonly [SMITHY_CONTEXT]?: { abortSignal?: unknown };
}

/**
 * How long a held client used again after its removal stays open once idle
 * (milliseconds): longer than the gaps of a client in steady use, so its
 * connections are kept between requests. Its timer keeps no process alive,
 * and neither do the agent's idle sockets.
 */
const HELD_IDLE_MS = 30_000;

/**
 * Hides Node's response (`IncomingMessage`, which holds its request) from
 * printers, wherever the body the SDK hands out wraps it: the SDK's checksum
 * validation (S3's default for objects uploaded with checksums) gives a
 * `ChecksumStream` whose `source` is the response.
 */
function hideResponse(body: unknown): void {
  let current = body;
  for (let depth = 0; depth < 3 && typeof current === 'object' && current !== null; depth++) {
    if ('req' in current) {
      hideRequest(current);
      return;
    }
    current = (current as { source?: unknown }).source;
  }
}

/** A request running now, as `close()` sees it when it gives up on it. */
interface Running {
  /** Aborts the SDK's retry loop of the request. */
  readonly abort: AbortController;
  /** Fails the caller's promise. */
  readonly reject: (error: Error) => void;
  /** Whose request it is (its service names it in the error that stops it), and the context that names the operation. */
  readonly entry: CacheEntry;
  readonly context: RequestContext | undefined;
}

/**
 * The signals this module put in a context. With `cacheMiddleware: true` a
 * client reuses one context for every `send()` of a command class made
 * without options (so without a signal of the caller's): a later request
 * replaces the signal there, never chains onto it.
 */
const ownSignals = new WeakSet<object>();

/**
 * Gives the SDK's retry loop of a request an abort signal that `close()`
 * aborts, beside the caller's own (`send(command, { abortSignal })`).
 */
function abortRetriesWith(context: RequestContext | undefined, abort: AbortController): void {
  const smithy = context?.[SMITHY_CONTEXT];
  if (typeof smithy !== 'object' || smithy === null) return;
  const own = smithy.abortSignal;
  let signal: AbortSignal | undefined = abort.signal;
  if (own !== undefined && !ownSignals.has(own as object)) {
    // A caller's signal that is not a platform AbortSignal (an SDK v2-style
    // polyfill) is left alone: the check before each attempt still stops it.
    signal = own instanceof AbortSignal && typeof AbortSignal.any === 'function' ? AbortSignal.any([own, abort.signal]) : undefined;
  }
  if (signal === undefined) return;
  ownSignals.add(signal);
  smithy.abortSignal = signal;
}

/** What the SDK passes a request handler's `handle()` beside the request. */
interface HandleOptions {
  readonly abortSignal?: unknown;
}

/**
 * The client's request handler as the SDK calls it: each `handle()` (one
 * attempt's HTTP exchange) also gets an abort signal of its own, listed in
 * `exchanges` until its response has been read, so that `dispose()` can end
 * the exchanges still running once its grace period is over, whoever owns
 * their socket: a handler or agents the caller passed are never destroyed,
 * and without this a request still queued for the caller's agent was sent
 * after `dispose()` resolved, and a stalled one kept the process alive. The
 * caller's own signal (`send(command, { abortSignal })`) still aborts it.
 * Everything else reads through to the handler itself (a Proxy), as its own
 * methods run on it; a handler whose own `handle` is read-only and
 * non-configurable (frozen) cannot be shown wrapped, and is left as it is.
 */
function abortableHandler(handler: object, exchanges: Set<AbortController>): object {
  const handle = (request: unknown, options?: HandleOptions): unknown => {
    const given = options?.abortSignal as AbortSignal | undefined;
    const own = (handler as { handle: (request: unknown, options?: HandleOptions) => unknown }).handle.bind(handler);
    // A caller's signal that is no platform AbortSignal (an SDK v2-style one) is left as it is.
    if (given !== undefined && !(given instanceof AbortSignal)) return own(request, options);
    const exchange = new AbortController();
    const forward = (): void => exchange.abort(given?.reason);
    if (given?.aborted) forward();
    else given?.addEventListener('abort', forward, { once: true });
    exchanges.add(exchange);
    const settle = (): void => {
      exchanges.delete(exchange);
      given?.removeEventListener('abort', forward);
    };
    try {
      const result = own(request, { ...options, abortSignal: exchange.signal });
      Promise.resolve(result).then((output) => {
        // Running until its response is read: a body stalled after the headers holds its socket too.
        const body = (output as { response?: { body?: unknown } } | undefined)?.response?.body as { once?: unknown; destroyed?: unknown } | undefined;
        if (typeof body?.once !== 'function' || body.destroyed === true) return settle();
        for (const event of ['end', 'error', 'close']) (body.once as (event: string, listener: () => void) => void).call(body, event, settle);
      }, settle);
      return result;
    } catch (error) {
      settle();
      throw error;
    }
  };
  // A property a Proxy must show as it is: an own, read-only and non-configurable one (a frozen handler's).
  const fixed = (key: PropertyKey): boolean => {
    const own = Reflect.getOwnPropertyDescriptor(handler, key);
    return own !== undefined && own.configurable === false && own.writable === false;
  };
  // Such a handle() cannot be shown wrapped: the handler is left as it is (dispose() cannot end its exchanges).
  if (fixed('handle')) return handler;
  return new Proxy(handler, {
    get(target, key) {
      if (key === 'handle' && typeof (target as { handle?: unknown }).handle === 'function') return handle;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' && key !== 'constructor' && !fixed(key) ? value.bind(target) : value;
    },
  });
}

/** Whether an output streams: it holds the raw body itself (a `Body` blob) or an event stream (an async iterable). */
function isStreaming(output: Record<string, unknown> | undefined, raw: unknown): boolean {
  if (typeof output !== 'object' || output === null || typeof raw !== 'object' || raw === null) return false;
  for (const key of Object.keys(output)) {
    const value = output[key];
    if (value === raw) return true;
    if (typeof value === 'object' && value !== null && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function') return true;
  }
  return false;
}

/** Tracks in-flight requests and drains removed clients. */
export class Drain implements Lifecycle {
  readonly #draining = new Set<CacheEntry>();
  readonly #report: Report;
  readonly #watchers: BodyWatchers | undefined;
  #onDrained: (() => void) | undefined;
  /** Set by `close()`: a held client's later request is refused. */
  #closed = false;
  /** Set by `close()` once the grace period is over: no attempt is sent any more. */
  #final = false;
  /** Requests running now (from `send()` until their response or failure). */
  readonly #running = new Set<Running>();
  /** Held clients used again after their removal, idle now: destroyed when their timer fires (see `#settle`). */
  readonly #idle = new Map<CacheEntry, ReturnType<typeof setTimeout>>();
  /** Each client's HTTP exchanges running now (see `abortableHandler`). */
  readonly #exchanges = new WeakMap<CacheEntry, Set<AbortController>>();

  constructor(report: Report, watchers: BodyWatchers | undefined) {
    this.#report = report;
    this.#watchers = watchers;
  }

  /** Removed clients still finishing requests. */
  get draining(): number {
    return this.#draining.size;
  }

  /** In flight, open bodies and, where the handler exposes them, sockets. */
  stats(entry: CacheEntry): Partial<ClientStatsEntry> {
    const sockets = socketStats(entry.client);
    return { inFlight: entry.inFlight, bodies: entry.bodies.size, ...(sockets && { sockets }) };
  }

  /** Counts a client's requests, from `send()` to the end of the response. */
  track(entry: CacheEntry): void {
    const config = (entry.client as { config?: { requestHandler?: unknown } }).config;
    const handler = config?.requestHandler;
    if (typeof handler === 'object' && handler !== null && typeof (handler as { handle?: unknown }).handle === 'function') {
      const exchanges = new Set<AbortController>();
      this.#exchanges.set(entry, exchanges);
      (config as { requestHandler: unknown }).requestHandler = abortableHandler(handler, exchanges);
    }
    const tracker = (next: Handler, context: RequestContext | undefined) => async (args: unknown) => {
      if (entry.state === 'destroyed') this.#reopen(entry, context);
      // Once dispose() is called a new request is refused, on a client still finishing a body too; one
      // the SDK sends itself for a request of this client still running (an S3 Express CreateSession,
      // endpoint discovery) goes, so that request can finish within the grace period.
      else if (this.#closed && !this.#isRunning(entry)) throw notSent(entry, context);
      else this.#wake(entry);
      entry.inFlight++;
      let streaming = false;
      try {
        const result = await this.#run(next, args, context, entry);
        streaming = this.#watchBody(entry, result, context);
        return result;
      } finally {
        if (!streaming) this.#settle(entry);
      }
    };
    entry.client.middlewareStack.add(tracker as never, { step: 'initialize', priority: 'high', name: 'dbpAwsInFlightTracker' } as never);
    // Every attempt passes here, retries included (the retry middleware runs
    // at the start of finalizeRequest; this runs last, just before the
    // request handler sends): after dispose nothing more is sent.
    const attempt = (next: Handler, context: RequestContext | undefined) => async (args: unknown) => {
      if (this.#final) throw notSent(entry, context);
      return next(args);
    };
    entry.client.middlewareStack.add(attempt as never, { step: 'deserialize', priority: 'low', name: 'dbpAwsDisposedCheck' } as never);
    // Around the deserializer, inside the SDK's logger middleware (initialize):
    // a response body is hidden from printers before that logger sees the output.
    const hide = (next: Handler) => async (args: unknown) => {
      const result = (await next(args)) as MiddlewareResult | undefined;
      hideResponse(result?.response?.body);
      return result;
    };
    entry.client.middlewareStack.add(hide as never, { step: 'deserialize', priority: 'high', name: 'dbpAwsHideRequest' } as never);
  }

  /**
   * Runs a request; `close()` fails it with FACTORY_DISPOSED once the grace
   * period is over, whatever it waits for (a stalled socket of a handler the
   * caller owns, a credential provider that never answers).
   */
  #run(next: Handler, args: unknown, context: RequestContext | undefined, entry: CacheEntry): Promise<MiddlewareResult> {
    return new Promise((resolve, reject) => {
      const running: Running = { abort: new AbortController(), reject, entry, context };
      this.#running.add(running);
      abortRetriesWith(context, running.abort);
      // A middleware below that throws at once fails the request like one that rejects.
      new Promise<MiddlewareResult>((ran) => ran(next(args))).then(
        (result) => {
          // Given up on by close(): nobody reads this body, so it must not pin its socket.
          if (!this.#running.delete(running)) (result?.response?.body as { destroy?: () => void } | undefined)?.destroy?.();
          resolve(result);
        },
        (error: unknown) => {
          this.#running.delete(running);
          reject(error);
        },
      );
    });
  }

  /**
   * A request on a client the factory already destroyed, sent by a caller
   * who kept it (a client held at module level, a paginator, an
   * Upload): it works (the handler opens new sockets), so the client drains
   * again and is destroyed again once idle, and `dispose()` sees it. After
   * `dispose()` such a request is refused: dispose is final.
   */
  #reopen(entry: CacheEntry, context: RequestContext | undefined): void {
    if (this.#closed) throw notSent(entry, context);
    entry.state = 'retired';
    entry.reopened = true;
    this.#draining.add(entry);
  }

  /** Takes a client out of service: destroyed now if idle, else once its last request ends. */
  retire(entry: CacheEntry, reason: RemovalReason): void {
    if (entry.state === 'retired' && reason === 'destroyed-by-caller') {
      // A held client its caller destroys (see #settle): closed now if idle, else when its last request ends,
      // as a plain client's destroy() closes it, not after the held-idle wait.
      entry.removal = reason;
      this.#wake(entry);
      if (entry.inFlight === 0) this.#destroy(entry, reason);
      return;
    }
    if (entry.state !== 'live') return;
    entry.state = 'retired';
    entry.removal = reason;
    this.#report.removed(entry, reason);
    if (entry.inFlight === 0) this.#destroy(entry, reason);
    else this.#draining.add(entry);
  }

  /**
   * Retires every client, waits until they drain or `graceMs` passes, then
   * fails the requests still running, destroys the bodies still open and the
   * clients, and refuses every later attempt.
   */
  async close(entries: readonly CacheEntry[], graceMs: number): Promise<void> {
    this.#closed = true;
    this.#watchers?.stop();
    for (const entry of entries) this.retire(entry, 'disposed');
    // Held clients waiting idle: nothing to wait for.
    for (const entry of [...this.#idle.keys()]) {
      this.#wake(entry);
      this.#destroy(entry, 'disposed');
    }
    let net: Promise<typeof import('node:net') | undefined> | undefined;
    if (this.#draining.size > 0) {
      // node:net, for requests still queued for a socket at the end (see below): loaded while the
      // grace period runs, and only by a dispose() with requests in flight, so an import pays nothing.
      net = import('node:net').catch(() => undefined);
      await new Promise<void>((resolve) => {
        // Held (not unref'd): a request waiting on nothing that holds the process (a credential
        // source that never answers) would otherwise let it exit mid-`await dispose()`, with the
        // request never settled (Node's "unsettled top-level await", exit code 13). It runs only
        // while a dispose() is pending, and for at most graceMs.
        const timer = setTimeout(resolve, graceMs);
        this.#onDrained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.#onDrained = undefined;
    const Socket = (await net)?.Socket;
    this.#final = true;
    for (const running of this.#running) {
      const error = fail('FACTORY_DISPOSED.request', { service: running.entry.service, operation: operationOf(running.context), ms: graceMs });
      running.abort.abort(error);
      running.reject(error);
    }
    this.#running.clear();
    for (const entry of [...this.#draining]) {
      // The bodies first, so that their readers get this error (not the reset an ended exchange gives).
      for (const body of entry.bodies) body.destroy(fail('FACTORY_DISPOSED.body', { service: entry.service, operation: body.operation, ms: graceMs }));
      // Then its HTTP exchanges still running or queued, on any socket (a caller's handler or agents
      // included): ended, so nothing is sent after this and no socket of theirs keeps the process
      // alive. All in this same turn: a socket a destroyed body frees is not handed on before.
      // (Each request's caller got its error above: this one only ends the exchange.)
      const ended = fail('FACTORY_DISPOSED.request', { service: entry.service, operation: 'queued', ms: graceMs });
      const exchanges = this.#exchanges.get(entry);
      for (const exchange of exchanges ?? []) exchange.abort(ended);
      exchanges?.clear();
      // Requests still waiting for a socket of the client's own agents, failed above: out of the
      // queues before the agents are destroyed (which would open new sockets and send them). Of the
      // caller's agents, only the requests the exchanges' abort destroyed: theirs, ended the same way
      // (the SDK's connect timer of a request that never got a socket held the process for its timeout).
      if (Socket !== undefined) {
        const own = factoryAgents(entry);
        dropQueuedRequests(own, ended, Socket);
        const callers = handlerAgents(entry.client).filter((agent) => !own.includes(agent));
        dropQueuedRequests(callers, ended, Socket, (request) => (request as { destroyed?: unknown }).destroyed === true);
      }
      this.#destroy(entry, 'disposed');
    }
  }

  #watchBody(entry: CacheEntry, result: MiddlewareResult | undefined, context: RequestContext | undefined): boolean {
    const raw = result?.response?.body;
    if (!isStreaming(result?.output, raw)) return false;
    let body: TrackedBody | undefined;
    // The output goes along: `break` out of one of its event streams must end the body too.
    const watch = watchBody(raw, result?.output, () => {
      if (body === undefined) return;
      entry.bodies.delete(body);
      this.#watchers?.delete(body);
      this.#settle(entry);
    });
    if (watch === undefined) return false;
    body = {
      entry,
      operation: operationOf(context),
      progress: watch.progress,
      destroy: watch.destroy,
      lastProgressAt: Date.now(),
      lastProgress: watch.progress(),
      abandoned: false,
    };
    entry.bodies.add(body);
    this.#watchers?.add(body);
    return true;
  }

  #settle(entry: CacheEntry): void {
    entry.inFlight--;
    if (entry.state !== 'retired' || entry.inFlight !== 0) return;
    // A client the caller holds and keeps using after its removal (ttl, clearCache, eviction) is
    // destroyed once idle for a while, not at each idle moment: that closed its sockets between
    // requests, and every request in steady use opened a new connection.
    const timer =
      entry.reopened && !this.#closed && entry.removal !== 'destroyed-by-caller'
        ? unrefTimer(() => {
            this.#idle.delete(entry);
            if (entry.state === 'retired' && entry.inFlight === 0) this.#destroy(entry, entry.removal ?? 'cleared');
          }, HELD_IDLE_MS)
        : undefined;
    if (timer === undefined) this.#destroy(entry, entry.removal ?? 'cleared');
    else this.#idle.set(entry, timer);
  }

  /** Whether a request of this client is running (sent, its response not yet there). */
  #isRunning(entry: CacheEntry): boolean {
    for (const running of this.#running) if (running.entry === entry) return true;
    return false;
  }

  /** A held client asked again while it waits idle to be destroyed: it stays. */
  #wake(entry: CacheEntry): void {
    const timer = this.#idle.get(entry);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#idle.delete(entry);
  }

  #destroy(entry: CacheEntry, reason: RemovalReason): void {
    if (entry.state === 'destroyed') return;
    this.#draining.delete(entry);
    destroyEntry(entry, reason, this.#report);
    if (this.#draining.size === 0) this.#onDrained?.();
  }
}
