import { randomFillSync } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { partition } from '#sdkCore';
import { AbandonedBodies } from './internal/abandonedBodies.js';
import type { FactoryEventName } from './internal/events.js';
import { FastPath } from './internal/fastPath.js';
import { type Partition, suggestRegion } from './internal/knownRegions.js';
import { fullMessage } from './internal/messages.js';
import type { RuntimeAdapter } from './runtime.types.js';
import type { AwsCredentialProvider, SocketStats } from './types.js';

/**
 * The SDK's region data (`@aws-sdk/core/client`'s `partition`), required from
 * a CommonJS file (`src/sdkCore.cjs`): Node runs the SDK's CommonJS build, and
 * importing it from an ES module would cost ~20 ms of startup.
 */
export const sdkPartition: Partition = partition;

/** The Node build has the fast path of `getClient` (see `internal/fastPath.ts`). */
export const FastPathIndex: typeof FastPath | undefined = FastPath;

/** The Node build watches response bodies for abandonment (see `internal/abandonedBodies.ts`). */
export const AbandonedBodyWatch: typeof AbandonedBodies | undefined = AbandonedBodies;

/** The Node build suggests the closest region for a malformed one. */
export function regionSuggestion(region: string): string | undefined {
  return suggestRegion(region, sdkPartition);
}

/** The Node build shows every message in full. */
export const formatMessage: typeof fullMessage = fullMessage;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

interface NodeStreamLike {
  readonly readableEnded?: boolean;
  readonly readableLength?: number;
  readonly destroyed?: boolean;
  readonly readableFlowing?: boolean | null;
  /** IncomingMessage: the whole message has been received (read or not). */
  readonly complete?: boolean;
  once(event: string, listener: () => void): unknown;
  listenerCount(event: string): number;
  pipe(...args: unknown[]): unknown;
  read(...args: unknown[]): unknown;
  destroy(error?: Error): unknown;
}

interface AgentLike {
  readonly sockets?: Record<string, readonly unknown[] | undefined>;
  readonly freeSockets?: Record<string, readonly unknown[] | undefined>;
  readonly requests?: Record<string, readonly unknown[] | undefined>;
}

interface Http2SessionRefLike {
  deref(): { readonly destroyed?: boolean };
  useCount(): number;
}

interface HandlerLike {
  /** Resolved options once a request has run: NodeHttpHandler's agents, NodeHttp2Handler's `disableConcurrentStreams`. */
  readonly config?: { readonly httpAgent?: AgentLike; readonly httpsAgent?: AgentLike; readonly disableConcurrentStreams?: boolean };
  readonly configProvider?: unknown;
  /** NodeHttp2Handler. */
  readonly connectionManager?: { readonly connectionPools?: Map<string, Iterable<Http2SessionRefLike>> };
}

type IterableLike = { [Symbol.asyncIterator]?: (this: unknown) => AsyncIterator<unknown> } | null;

/**
 * Breaking out of an event stream's `for await` returns its iterator, but the
 * SDK's event-stream decoder never returns the body's own iterator under it
 * (`getChunkedStream` in @smithy/core's event-streams reads the body with
 * `next()` only), so the body would stay open, unread and in flight for good.
 * Destroys the body when an iterator of an event stream in the output returns.
 */
function destroyOnReturn(output: Record<string, unknown> | undefined, raw: unknown, destroy: () => void): void {
  if (output === undefined) return;
  for (const key of Object.keys(output)) {
    const stream = output[key] as IterableLike;
    if (stream === raw || typeof stream !== 'object' || stream === null) continue;
    const iterate = stream[Symbol.asyncIterator];
    if (typeof iterate !== 'function') continue;
    stream[Symbol.asyncIterator] = function iterateUntilReturned(this: unknown) {
      const iterator = iterate.call(this);
      const finish = iterator.return;
      iterator.return = (value?: unknown) => {
        destroy();
        return finish ? finish.call(iterator, value) : Promise.resolve({ done: true, value });
      };
      return iterator;
    };
  }
}

/** The SDK's ways to read a whole body (`sdkStreamMixin` of @smithy/util-stream), own properties of the body. */
interface Transforms {
  transformToString?: unknown;
  transformToByteArray?: unknown;
  transformToWebStream?: unknown;
}

/**
 * A destroyed stream emits its error once, to the readers it has then; a
 * read that starts later (the SDK's `transformToString()` pipes the body and
 * waits for 'finish' or 'error') would wait forever, and `Readable.toWeb`
 * would end empty. Makes the SDK's read methods fail with `error` instead.
 */
function failLaterReads(body: Transforms, error: Error): void {
  const rejected = (): Promise<never> => Promise.reject(error);
  if (typeof body.transformToString === 'function') body.transformToString = rejected;
  if (typeof body.transformToByteArray === 'function') body.transformToByteArray = rejected;
  if (typeof body.transformToWebStream === 'function') {
    body.transformToWebStream = () =>
      new ReadableStream({
        start(controller) {
          controller.error(error);
        },
      });
  }
}

function count(record: Record<string, readonly unknown[] | undefined> | undefined): number {
  let total = 0;
  if (record) for (const key of Object.keys(record)) total += record[key]?.length ?? 0;
  return total;
}

const channels = new Map<FactoryEventName, ReturnType<typeof channel>>();

function channelOf(name: FactoryEventName): ReturnType<typeof channel> {
  let found = channels.get(name);
  if (found === undefined) {
    found = channel(`dbp:aws:${name}`);
    channels.set(name, found);
  }
  return found;
}

/** The Node build: the SDK's Node credential chain, HTTP/1.1 handler timeouts, stream bodies, agents, diagnostics_channel. */
export const runtime: RuntimeAdapter = {
  flavor: 'node',
  randomBytes(size) {
    // node:crypto, not globalThis.crypto: the first getRandomValues loads
    // Node's whole WebCrypto module (~0.6 ms of a Lambda cold start).
    return randomFillSync(new Uint8Array(size));
  },
  environmentRegion() {
    return nonEmpty(process.env.AWS_REGION) ?? nonEmpty(process.env.AWS_DEFAULT_REGION);
  },
  defaultCredentials(profile) {
    // Loaded on first use, not at import: the providers (and what they pull
    // in) cost start-up time that an app with explicit credentials never
    // needs. A static import() of a literal, so bundlers follow it.
    let provider: Promise<AwsCredentialProvider> | undefined;
    return async () => {
      provider ??=
        profile !== undefined
          ? // An explicit profile goes straight to the shared files (fromIni
            // handles static, assume-role, SSO, credential_process and
            // web-identity profiles). The whole chain would end at the instance
            // metadata service and hide "no such profile" behind a time-out.
            import('@aws-sdk/credential-provider-ini').then(({ fromIni }) => fromIni({ profile }) as AwsCredentialProvider)
          : import('@aws-sdk/credential-provider-node').then(({ defaultProvider }) => defaultProvider() as AwsCredentialProvider);
      return (await provider)();
    };
  },
  profileSources() {
    const home = homedir();
    const config = nonEmpty(process.env.AWS_CONFIG_FILE) ?? join(home, '.aws', 'config');
    const credentials = nonEmpty(process.env.AWS_SHARED_CREDENTIALS_FILE) ?? join(home, '.aws', 'credentials');
    return `${config} and ${credentials}`;
  },
  handlerOptions(tier) {
    // @smithy/node-http-handler >= 4.4: `socketTimeout` is the idle limit
    // (botocore's read timeout) and throws; `requestTimeout` would cap the
    // whole request and only log. https://github.com/smithy-lang/smithy-typescript/pull/1620
    return { connectionTimeout: tier.connectTimeoutMs, socketTimeout: tier.readTimeoutMs };
  },
  watchBody(body, output, done) {
    if (typeof body !== 'object' || body === null) return undefined;
    const stream = body as NodeStreamLike;
    if (
      typeof stream.once !== 'function' ||
      typeof stream.pipe !== 'function' ||
      typeof stream.read !== 'function' ||
      typeof stream.listenerCount !== 'function'
    ) {
      return undefined;
    }
    if (stream.readableEnded === true || stream.destroyed === true) return undefined;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      done();
    };
    stream.once('close', finish);
    stream.once('end', finish);
    stream.once('error', finish);
    // Every way of consuming a Readable (paused reads, async iteration, pipe,
    // resume) goes through read(): count the calls, without adding a 'data'
    // listener (which would start the flow). `read(0)` consumes nothing: the
    // stream calls it itself to fill its buffer while data arrives, read or not.
    let reads = 0;
    // How many bytes the consumer's last read asked for and did not get: it
    // waits for the server until that many are buffered (`read(n)` returns
    // null while fewer than n are, even with part of them buffered).
    let wanted = 0;
    const read = stream.read;
    stream.read = function countedRead(this: NodeStreamLike, ...args: unknown[]) {
      const chunk = read.apply(this, args);
      const size = args[0];
      if (size !== 0) {
        reads++;
        wanted = chunk !== null ? 0 : typeof size === 'number' && size > 1 ? size : 1;
      }
      return chunk;
    };
    destroyOnReturn(output, body, () => stream.destroy());
    return {
      // NaN never equals the last value seen, so these count as progress: a
      // flowing body is consumed as data arrives; a consumer waiting for more
      // than is buffered, or listening for 'readable' on an empty buffer
      // (async iteration does), waits for the server (a model thinking
      // between two events), which the read timeout governs, not this watch.
      progress: () => {
        const buffered = stream.readableLength ?? 0;
        // Once the whole body has arrived (IncomingMessage's `complete`) nothing is waited for.
        const waiting = stream.complete !== true && (buffered < wanted || (buffered === 0 && stream.listenerCount('readable') > 0));
        return stream.readableFlowing === true || waiting ? Number.NaN : reads;
      },
      // With an error, a reader still waiting for the body (transformToString,
      // pipe) fails with it, and so does every later read; destroyed without
      // one, a reader would wait forever.
      destroy: (error) => {
        if (error !== undefined) failLaterReads(body as Transforms, error);
        stream.destroy(error);
      },
    };
  },
  socketStats(client) {
    const handler = (client as { config?: { requestHandler?: HandlerLike } } | undefined)?.config?.requestHandler;
    if (typeof handler !== 'object' || handler === null) return undefined;
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
    const agents = [handler.config?.httpAgent, handler.config?.httpsAgent];
    let inUse = 0;
    let idle = 0;
    let queued = 0;
    for (const agent of agents) {
      inUse += count(agent?.sockets);
      idle += count(agent?.freeSockets);
      queued += count(agent?.requests);
    }
    return { open: inUse + idle, idle, queued, protocol: 'http/1.1' } satisfies SocketStats;
  },
  hasSubscribers(name) {
    return channelOf(name).hasSubscribers;
  },
  publish(name, event) {
    channelOf(name).publish(event);
  },
};
