/**
 * What the factory publishes: on Node's `diagnostics_channel` (channel
 * `dbp:aws:<name>`, free when nobody subscribes) and to the factory's
 * `onEvent` option (every runtime). A cache hit publishes nothing. Payloads
 * hold ids, names and counts, never a secret.
 *
 * @module
 */
import { isPromiseLike } from '../../kernel/text.js';
import type { EventFields, FactoryEvent, FactoryEventName } from '../../kernel/types.js';

/** Where events are published besides `onEvent`: Node's `diagnostics_channel` (`diagnosticsChannels.ts`). */
export interface Channels {
  /** Whether anyone listens to an event's channel. */
  hasSubscribers(name: FactoryEventName): boolean;
  /** Publishes an event on its channel. */
  publish(name: FactoryEventName, event: FactoryEvent): void;
}

/** Publishes a factory's events. */
export class Events {
  readonly #onEvent: ((event: FactoryEvent) => void) | undefined;
  readonly #channels: Channels | undefined;
  readonly #onError: (error: unknown) => void;

  constructor(onEvent: ((event: FactoryEvent) => void) | undefined, channels: Channels | undefined, onError: (error: unknown) => void) {
    this.#onEvent = onEvent;
    this.#channels = channels;
    this.#onError = onError;
  }

  /** Publishes an event; `fields` is only called when someone listens. */
  emit(name: FactoryEventName, fields: () => EventFields): void {
    const listened = this.#channels?.hasSubscribers(name) === true;
    if (!listened && this.#onEvent === undefined) return;
    const event: FactoryEvent = Object.freeze({ name: `dbp:aws:${name}` as const, at: Date.now(), ...fields() });
    if (listened) (this.#channels as Channels).publish(name, event);
    if (this.#onEvent !== undefined) {
      try {
        const returned: unknown = this.#onEvent(event);
        // An async listener's rejection is its throw: logged, never an unhandled rejection that ends the process.
        if (isPromiseLike(returned)) Promise.resolve(returned).catch(this.#onError);
      } catch (error) {
        // A listener's bug must not break getClient or a request.
        this.#onError(error);
      }
    }
  }
}
