/**
 * What the factory publishes: on Node's `diagnostics_channel` (channel
 * `dbp:aws:<name>`, free when nobody subscribes) and to the factory's
 * `onEvent` option (every runtime). A cache hit publishes nothing. Payloads
 * hold ids, names and counts, never a secret.
 *
 * @module
 */
import { runtime } from '#runtime';

/** The events, by name (the channel is `dbp:aws:` + the name). */
export type FactoryEventName = 'client:create' | 'client:evict' | 'client:destroy' | 'credentials:resolve' | 'credentials:refresh' | 'body:abandoned';

/** Every event name, in one list (the diagnostics channels are made from it). */
export const EVENT_NAMES: readonly FactoryEventName[] = [
  'client:create',
  'client:evict',
  'client:destroy',
  'credentials:resolve',
  'credentials:refresh',
  'body:abandoned',
];

/** One event. Holds no secret. */
export interface FactoryEvent {
  /** The channel name: `'dbp:aws:client:create'`, … */
  readonly name: `dbp:aws:${FactoryEventName}`;
  /** When it happened (epoch milliseconds). */
  readonly at: number;
  /** The service id (`'s3'`), for client and body events. */
  readonly service?: string | undefined;
  /** The region, for client and body events (`undefined` when the SDK resolves it). */
  readonly region?: string | undefined;
  /** The tier, for client and body events. */
  readonly tier?: string | undefined;
  /** The short, non-reversible credential fingerprint. */
  readonly credentialId?: string | undefined;
  /**
   * Why: `'cleared'`, `'evicted'`, `'expired'`, `'destroyed-by-caller'`,
   * `'disposed'` (evict and destroy); `'ok'` or the failure's error code or
   * name (credentials); the operation names (body).
   */
  readonly reason?: string | undefined;
  /** Requests or bodies in flight on the client; bodies caught (body:abandoned). */
  readonly count?: number | undefined;
  /** Clients in the cache after the event. */
  readonly clients?: number | undefined;
  /** Credentials: how the provider was given (`'static'`, `'provider'`, `'keyed'`, `'chain'`). */
  readonly credentialKind?: string | undefined;
  /** Credentials: when the resolved ones expire (epoch ms), if they do. */
  readonly expiresAt?: number | undefined;
}

/** The payload of an event without its name and time. */
export type EventFields = Omit<FactoryEvent, 'name' | 'at'>;

/** Publishes a factory's events. */
export class Events {
  readonly #onEvent: ((event: FactoryEvent) => void) | undefined;
  readonly #onError: (error: unknown) => void;

  constructor(onEvent: ((event: FactoryEvent) => void) | undefined, onError: (error: unknown) => void) {
    this.#onEvent = onEvent;
    this.#onError = onError;
  }

  /** Publishes an event; `fields` is only called when someone listens. */
  emit(name: FactoryEventName, fields: () => EventFields): void {
    const listened = runtime.hasSubscribers(name);
    if (!listened && this.#onEvent === undefined) return;
    const event: FactoryEvent = Object.freeze({ name: `dbp:aws:${name}` as const, at: Date.now(), ...fields() });
    if (listened) runtime.publish(name, event);
    if (this.#onEvent !== undefined) {
      try {
        this.#onEvent(event);
      } catch (error) {
        // A listener's bug must not break getClient or a request.
        this.#onError(error);
      }
    }
  }
}
