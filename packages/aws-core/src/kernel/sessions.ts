/**
 * Where sessions are bounded.
 *
 * A session is `{ region, profile, credentials, credentialId }`; its
 * `credentials` is the memoised provider of its credential id, shared by
 * every session and client with that id, whatever the region (five services
 * in two regions on one assumed role resolve it once). Both maps are least
 * recently used first and keep at most `bound()` entries: unbounded input
 * must not make unbounded maps. A dropped provider lives on in the clients
 * that hold it, and a new client of the same credentials takes it back from
 * them (`held`): a tenant whose cached client is hit all along but whose
 * provider fell out of the map (it is touched only when a client is made)
 * must not resolve its credentials again, an AssumeRole each time.
 *
 * @module
 */
import type { AwsCredentialProvider, AwsSession } from './types.js';

function touch<TValue>(map: Map<string, TValue>, key: string, value: TValue, bound: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > bound) map.delete(map.keys().next().value as string);
}

/** The factory's sessions and memoised credential providers. */
export class Sessions {
  readonly #sessions = new Map<string, AwsSession>();
  readonly #providers = new Map<string, AwsCredentialProvider>();
  readonly #bound: () => number;
  readonly #held: (credentialId: string) => AwsCredentialProvider | undefined;

  /**
   * @param bound - how many sessions and providers are kept.
   * @param held - the provider a cached client of a credential id holds, if one does.
   */
  constructor(bound: () => number, held: (credentialId: string) => AwsCredentialProvider | undefined) {
    this.#bound = bound;
    this.#held = held;
  }

  /** The memoised provider of a credential id: kept here, else held by a cached client, else made. */
  provider(credentialId: string, make: () => AwsCredentialProvider): AwsCredentialProvider {
    const provider = this.#providers.get(credentialId) ?? this.#held(credentialId) ?? make();
    touch(this.#providers, credentialId, provider, this.#bound());
    return provider;
  }

  /**
   * The session for a region, profile and credential id, made on first use.
   * A kept session touches its provider too: the two maps have one bound and
   * are touched together, so no provider a kept session holds is dropped.
   */
  session(region: string | undefined, profile: string | undefined, credentialId: string, provider: () => AwsCredentialProvider): AwsSession {
    const key = JSON.stringify([region ?? null, profile ?? null, credentialId]);
    const kept = this.#sessions.get(key);
    if (kept !== undefined) touch(this.#providers, credentialId, kept.credentials, this.#bound());
    const session = kept ?? Object.freeze({ region, profile, credentials: this.provider(credentialId, provider), credentialId });
    touch(this.#sessions, key, session, this.#bound());
    return session;
  }

  /** Drops the sessions of one region (or all), and with a full clear the providers too. */
  clear(region: string | undefined): void {
    for (const [key, session] of this.#sessions) if (region === undefined || session.region === region) this.#sessions.delete(key);
    if (region === undefined) this.#providers.clear();
  }

  /** Adds the credential ids still referred to here. */
  collectIds(into: Set<string>): void {
    for (const session of this.#sessions.values()) into.add(session.credentialId);
    for (const id of this.#providers.keys()) into.add(id);
  }

  /** How many sessions are kept. */
  get size(): number {
    return this.#sessions.size;
  }
}
