/**
 * The sockets of a client's request handler, for `stats()`: Node's HTTP/1.1
 * agents and HTTP/2 session pools.
 *
 * @module
 */
import type { Socket } from 'node:net';
import { handlerAgents } from '../../kernel/clientCache.js';
import type { SocketStats } from '../../kernel/types.js';

interface AgentLike {
  readonly sockets?: Record<string, readonly unknown[] | undefined>;
  readonly freeSockets?: Record<string, readonly unknown[] | undefined>;
  readonly requests?: Record<string, unknown[] | undefined>;
}

interface Http2SessionRefLike {
  deref(): { readonly destroyed?: boolean };
  useCount(): number;
}

interface HandlerLike {
  /** Resolved options once a request has run: NodeHttp2Handler's `disableConcurrentStreams` (NodeHttpHandler's agents: `handlerAgents`). */
  readonly config?: { readonly disableConcurrentStreams?: boolean };
  readonly configProvider?: unknown;
  /** NodeHttp2Handler. */
  readonly connectionManager?: { readonly connectionPools?: Map<string, Iterable<Http2SessionRefLike>> };
}

function count(record: Record<string, readonly unknown[] | undefined> | undefined): number {
  let total = 0;
  if (record) for (const key of Object.keys(record)) total += record[key]?.length ?? 0;
  return total;
}

/** The sockets of a client's request handler, where the handler exposes them. */
export function socketStats(client: unknown): SocketStats | undefined {
  const handler = handlerOf(client);
  if (handler === undefined) return undefined;
  const pools = handler.connectionManager?.connectionPools;
  if (pools instanceof Map) {
    // With disableConcurrentStreams (@dbp/aws-bedrock's default) the
    // handler opens a session per request outside its pool and keeps no
    // reference to it: the pool would read 0 while sessions are open, so
    // there are no numbers to give. (Event streams always get such a
    // session; pooled numbers leave them out too.)
    if (handler.config?.disableConcurrentStreams === true) return undefined;
    let open = 0;
    let idle = 0;
    for (const pool of pools.values()) {
      for (const ref of pool) {
        if (ref.deref().destroyed === true) continue;
        open++;
        if (ref.useCount() === 0) idle++;
      }
    }
    return { open, idle, queued: 0, protocol: 'h2' } satisfies SocketStats;
  }
  if (!('configProvider' in handler)) return undefined;
  let inUse = 0;
  let idle = 0;
  let queued = 0;
  for (const agent of handlerAgents(client) as AgentLike[]) {
    inUse += count(agent.sockets);
    idle += count(agent.freeSockets);
    // Requests still waiting: Node leaves destroyed ones (aborted) in the queue until a socket frees.
    for (const queue of Object.values(agent.requests ?? {}))
      for (const request of queue ?? []) if ((request as { destroyed?: unknown }).destroyed !== true) queued++;
  }
  return { open: inUse + idle, idle, queued, protocol: 'http/1.1' } satisfies SocketStats;
}

/**
 * Ends the requests the given agents still hold in their queues (waiting for
 * a socket, nothing sent yet) with `error`, and takes them out of the queues:
 * of a client's own agents (`factoryAgents`) all of them, as destroying the
 * agents afterwards would otherwise open new sockets for them and send them;
 * of agents others share (`only`: the caller's), only those `only` picks
 * (the client's own requests, which dispose() aborted). `socket` is
 * `node:net`'s `Socket`, given by the caller (loaded only when needed).
 */
export function dropQueuedRequests(agents: readonly object[], error: Error, socket: new () => Socket, only?: (request: object) => boolean): void {
  for (const agent of agents) {
    const queues = (agent as AgentLike).requests ?? {};
    for (const name of Object.keys(queues)) {
      const queue = queues[name] ?? [];
      const dropped = only === undefined ? queue : queue.filter((request) => only(request as object));
      if (dropped.length === 0) continue;
      const kept = queue.filter((request) => !dropped.includes(request));
      // An emptied queue goes whole, as Node removes one: an empty queue left behind is read as holding a request.
      if (kept.length === 0) delete queues[name];
      else queues[name] = kept;
      for (const request of dropped) endQueued(request as QueuedRequest, error, new socket());
    }
  }
}

function handlerOf(client: unknown): HandlerLike | undefined {
  const handler = (client as { config?: { requestHandler?: unknown } } | undefined)?.config?.requestHandler;
  return typeof handler === 'object' && handler !== null ? (handler as HandlerLike) : undefined;
}

interface QueuedRequest {
  listeners(event: 'socket'): ((socket: Socket) => void)[];
  destroy(error: Error): void;
  onSocket?(socket: Socket): void;
}

/**
 * Ends a request that never got a socket, with `error`, sending nothing.
 * Node ends a destroyed request (its 'error' and 'close', which settle the
 * SDK's handler and clear its timers) only once an agent hands it a socket;
 * and the SDK's connect timer (armed a second after the request started)
 * is cleared only by a `socket` event: left armed, it kept the process alive
 * for the whole connection timeout after `dispose()`. So the destroyed
 * request's `socket` listeners are given a socket that never connects
 * (`connecting` false), and then so is the request.
 */
function endQueued(request: QueuedRequest, error: Error, placeholder: Socket): void {
  // The 'socket' listeners one by one, each on its own: a caller's that throws (instrumentation
  // reading the address a real socket has) must not keep the SDK's from clearing its timer, nor
  // this request, or the next one, from being ended.
  const steps = [
    () => request.destroy(error),
    ...request.listeners('socket').map((listener) => () => listener.call(request, placeholder)),
    () => request.onSocket?.(placeholder),
    () => placeholder.destroy(),
  ];
  for (const step of steps) {
    try {
      step();
    } catch {
      // Not ours to report: dispose() goes on.
    }
  }
}
