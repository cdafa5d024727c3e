/**
 * How a Node response body is watched until it ends (in flight, abandoned),
 * and how breaking out of an event stream ends it too.
 *
 * @module
 */
import { INSPECT } from '../../kernel/errors.js';

/** A response body the lifecycle plug-in watches until it ends or is destroyed. */
export interface BodyWatch {
  /** A value that changes whenever the body is consumed (`NaN` while it flows). */
  progress(): number;
  /** Destroys the body, freeing its socket; a reader still waiting for it fails with `error`. */
  destroy(error?: Error): void;
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

/**
 * A Node response body (`IncomingMessage`) points at its request (`req`, and
 * the socket's `_httpMessage`), whose raw header text holds the signed
 * headers, session token included: `console.log(output)` printed it, and so
 * did structured loggers (pino, winston), whose circular-safe serialisers
 * walk it. The body prints without them (`util.inspect`, `console.log`) and
 * serialises as its status and headers (`toJSON`, which `JSON.stringify` and
 * those serialisers call); reading it is unchanged. Done as the response is
 * deserialised, before the SDK's own `logger` (a `config` setting) logs the
 * output.
 */
export function hideRequest(body: object): void {
  Object.defineProperty(body, INSPECT, {
    configurable: true,
    value(this: Record<string, unknown>, _depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
      const shown: Record<string, unknown> = {};
      for (const key of Object.keys(this)) if (key !== 'req' && key !== 'socket' && key !== 'client') shown[key] = this[key];
      return `${(this.constructor as { name?: string } | undefined)?.name ?? 'Body'} ${inspect(shown, options)}`;
    },
  });
  Object.defineProperty(body, 'toJSON', {
    configurable: true,
    writable: true,
    value(this: { statusCode?: unknown; headers?: unknown }) {
      return { statusCode: this.statusCode, headers: this.headers };
    },
  });
}

/**
 * When `body` is a response body stream still open, calls `done` once it
 * ends, fails or is destroyed, and returns a watch on it; otherwise
 * `undefined` (nothing to wait for). An event stream in `output` (the
 * command's output) is tied to the body: an early `return()` of its
 * iterator (`break` out of `for await`) destroys it.
 */
export function watchBody(body: unknown, output: Record<string, unknown> | undefined, done: () => void): BodyWatch | undefined {
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
}
