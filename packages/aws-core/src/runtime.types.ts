import type { FactoryEvent, FactoryEventName } from './internal/events.js';
import type { RuntimeFlavor } from './serviceDefinition.js';
import type { TierConfig } from './tiers.js';
import type { AwsCredentialProvider, SocketStats } from './types.js';

/** A response body the runtime watches until it ends or is destroyed. */
export interface BodyWatch {
  /** A value that changes whenever the body is consumed (`NaN` while it flows). */
  progress(): number;
  /** Destroys the body, freeing its socket; a reader still waiting for it fails with `error`. */
  destroy(error?: Error): void;
}

/**
 * What differs between the Node build of the core and the web build
 * (browsers, workers, edge). Selected by the `#runtime` import condition so
 * the web build carries no `node:` import and no Node credential chain.
 */
export interface RuntimeAdapter {
  readonly flavor: RuntimeFlavor;
  /** `size` cryptographically random bytes. */
  randomBytes(size: number): Uint8Array;
  /** The region from the environment (`AWS_REGION`, `AWS_DEFAULT_REGION`). */
  environmentRegion(): string | undefined;
  /**
   * The credential provider for a profile, or the default chain when
   * `profile` is undefined. `undefined` where the runtime has no chain.
   */
  defaultCredentials(profile: string | undefined): AwsCredentialProvider | undefined;
  /** Where profiles are looked up, for error messages. */
  profileSources(): string;
  /** The tier's timeouts as this runtime's `requestHandler` options. */
  handlerOptions(tier: TierConfig): Record<string, unknown>;
  /**
   * When `body` is a response body stream still open, calls `done` once it
   * ends, fails or is destroyed, and returns a watch on it; otherwise
   * `undefined` (nothing to wait for). An event stream in `output` (the
   * command's output) is tied to the body: an early `return()` of its
   * iterator (`break` out of `for await`) destroys it.
   */
  watchBody(body: unknown, output: Record<string, unknown> | undefined, done: () => void): BodyWatch | undefined;
  /** The sockets of a client's request handler, where the runtime exposes them. */
  socketStats(client: unknown): SocketStats | undefined;
  /** Whether anyone listens to an event's channel. */
  hasSubscribers(name: FactoryEventName): boolean;
  /** Publishes an event on its channel. */
  publish(name: FactoryEventName, event: FactoryEvent): void;
}
