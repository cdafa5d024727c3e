/**
 * The client-per-request trap (aws-sdk-js-v3#4345), caught: a credential
 * provider built per call (`fromIni()`, `fromTemporaryCredentials()` in a
 * request handler) is a new function each time, so every `getClient` is a
 * cache miss — a new client, a new credential session, for an assumed role an
 * STS call. Its signature: one service keeps creating clients for new
 * provider functions, and none of them is ever asked for again.
 *
 * A tenant's provider, built once and reused, looks the same at first: its
 * first `getClient` is a miss too, and 20 tenants served at start-up are 20
 * misses in a row. What tells them apart comes later: a tenant's provider is
 * passed again (a hit on its client), one built per call never is. So a
 * client counts only once it has gone {@link TRAP_SETTLE_MS} without a hit;
 * the factory warns once per service when {@link TRAP_CLIENTS} such clients
 * were created within {@link TRAP_WINDOW_MS} and new provider functions keep
 * coming: this one is the {@link TRAP_RECENT}th within the last
 * {@link TRAP_SETTLE_MS}. (Twenty tenants served at start-up and a new one
 * signing up a while later, before any tenant was asked for again, is a burst
 * and a lone newcomer, not a stream.)
 *
 * A client can also go without a hit because it was evicted (tenants taking
 * turns beyond `maxClients`): its provider, passed again, makes a new client.
 * So a provider function seen before is a reused one, and its watched
 * clients stop counting. A keyed provider (`keyedCredentials`, `assumeRole`) whose
 * `dependsOn` is a provider function has a key besides: built per call, the
 * same key comes back with a new dependency (a new identity). Many tenants
 * bring many keys over long-lived sources, and may share one key (a role
 * every tenant assumes, each from a source of its own), so a key seen again
 * with a dependency never seen before is only a candidate: it is watched as
 * a new provider function is, and counts once it has gone unused after the
 * request that made it: a hit, or its dependency seen again, counts as reuse
 * only from {@link TRAP_REUSE_MS} after (a source built per request may serve
 * two clients, or one asked for twice, within it). A new key
 * (a tenant), or a dependency seen before (a long-lived source, whichever key
 * it serves), is nothing rebuilt. Tenants sharing one role and visited once
 * each, one after another (a batch over all of them), look like a role
 * rebuilt per call until the next visit: they warn. A keyed provider built
 * per request whose request asks for its client again after
 * {@link TRAP_REUSE_MS} (a slow model call between) looks reused: it does not.
 *
 * @module
 */
import type { CacheEntry } from '../../kernel/clientCache.js';
import { splitIdentity } from '../../kernel/keyedSources.js';
import type { ProviderTrapTripped, ProviderTrap as Trap } from '../../kernel/setup.js';

/** How many never-reused provider clients of one service trip the warning. */
export const TRAP_CLIENTS = 20;
/** Within how long (milliseconds). */
export const TRAP_WINDOW_MS = 60_000;
/** How long a client must have gone without a hit to count (milliseconds). */
export const TRAP_SETTLE_MS = 10_000;
/** How many provider clients of one service, this one included, must have been created within the last {@link TRAP_SETTLE_MS} (new provider functions keep coming). */
export const TRAP_RECENT = 3;
/**
 * How long after it was first seen a keyed provider's dependency (its client,
 * or another client of it) must be used again to count as reused: the calls
 * of one request (two clients of one per-request source, or one client asked
 * for twice) come back sooner.
 */
export const TRAP_REUSE_MS = 2_000;
/**
 * How many clients are watched per service at most. The oldest are kept
 * (they are the first to count), so a burst of calls holds no more than this.
 */
const WATCHED = 2 * TRAP_CLIENTS;
/** How many keys, and dependencies, of keyed providers are remembered per service (least recently seen out). */
const KEYED_KEPT = 10_000;

/** A short fingerprint of a dependency (FNV-1a, 32 bits): small to keep. */
function fingerprint(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * What `map` held for `key` (`undefined`: nothing); keeps the key as the most
 * recent, with its first value (`value` when new), at most {@link KEYED_KEPT}.
 */
function remember<TKey, TValue>(map: Map<TKey, TValue>, key: TKey, value: TValue): TValue | undefined {
  const had = map.get(key);
  map.delete(key);
  map.set(key, had ?? value);
  if (map.size > KEYED_KEPT) map.delete(map.keys().next().value as TKey);
  return had;
}

/** A service's own value in `map`, made on first use. */
function perService<TValue>(map: Map<string, TValue>, service: string, make: () => TValue): TValue {
  const found = map.get(service);
  if (found !== undefined) return found;
  const made = make();
  map.set(service, made);
  return made;
}

/** Watches, per service, the clients keyed by a provider function's identity (a provider, or a keyed provider depending on one). */
export class ProviderTrap implements Trap {
  readonly #recent = new Map<string, CacheEntry[]>();
  /** Per service, when its last {@link TRAP_RECENT} provider clients were created (oldest first). */
  readonly #created = new Map<string, number[]>();
  readonly #warned = new Set<string>();
  /** Per service, the provider functions noted (weakly: one built per call is not kept alive). */
  readonly #functions = new Map<string, WeakSet<object>>();
  /** Per service, the keys of keyed providers seen. */
  readonly #keys = new Map<string, Map<string, true>>();
  /** Per service, the fingerprints of the dependencies (`dependsOn`, an assumed role's source) seen, with any key, and when each was first. */
  readonly #dependencies = new Map<string, Map<number, number>>();

  /**
   * Notes a client keyed by a provider function's identity. Returns how many
   * clients counted (and the window, in seconds) when this service just
   * tripped the threshold (once per service).
   */
  note(entry: CacheEntry, now: number): ProviderTrapTripped | undefined {
    const service = entry.service;
    if (this.#warned.has(service)) return undefined;
    const credential = entry.keyParts.credential;
    const keyed = entry.keyParts.kind === 'keyed' && typeof credential === 'string';
    if (keyed) {
      const [key, dependency] = splitIdentity(credential);
      const knownKey = remember(
        perService(this.#keys, service, () => new Map()),
        key,
        true,
      );
      const print = fingerprint(dependency);
      const seenAt = remember(
        perService(this.#dependencies, service, () => new Map()),
        print,
        now,
      );
      if (seenAt !== undefined) {
        // A dependency seen before: a long-lived source, whichever key it serves, so its watched
        // clients were no rebuilds; but only from TRAP_REUSE_MS on (within one request it proves nothing).
        if (now - seenAt >= TRAP_REUSE_MS) this.#reused(service, (watched) => typeof watched === 'string' && fingerprint(splitIdentity(watched)[1]) === print);
        return undefined;
      }
      // A new key over a new dependency: a tenant, not a rebuild.
      if (!knownKey) return undefined;
    } else if (typeof credential === 'function' || (typeof credential === 'object' && credential !== null)) {
      const functions = perService(this.#functions, service, () => new WeakSet());
      if (functions.has(credential)) {
        // Passed again: reused (its earlier client was evicted, or another client of it was made).
        this.#reused(service, (watched) => watched === credential);
        return undefined;
      }
      functions.add(credential);
    }
    const created = this.#created.get(service) ?? [];
    created.push(now);
    if (created.length > TRAP_RECENT) created.shift();
    this.#created.set(service, created);
    const stream = created.length === TRAP_RECENT && now - (created[0] as number) < TRAP_SETTLE_MS;
    const recent: CacheEntry[] = [];
    let settled = 0;
    for (const seen of this.#recent.get(service) ?? []) {
      // Asked for again (a hit): a provider that is reused, not one per call; a keyed provider's
      // client only after the request that made it (a dependency built per request and asked twice).
      const reused = seen.keyParts.kind === 'keyed' ? seen.lastUsedAt - seen.createdAt >= TRAP_REUSE_MS : seen.hits > 0;
      if (reused || now - seen.createdAt >= TRAP_WINDOW_MS) continue;
      recent.push(seen);
      if (now - seen.createdAt >= TRAP_SETTLE_MS) settled++;
    }
    if (settled >= TRAP_CLIENTS && stream) return this.#trip(service, settled, keyed);
    if (recent.length < WATCHED) recent.push(entry);
    this.#recent.set(service, recent);
    return undefined;
  }

  /** Stops watching the clients of a provider (or source) that came back: it is reused. */
  #reused(service: string, same: (credential: unknown) => boolean): void {
    const recent = this.#recent.get(service);
    if (recent !== undefined)
      this.#recent.set(
        service,
        recent.filter((seen) => !same(seen.keyParts.credential)),
      );
  }

  #trip(service: string, count: number, keyed: boolean): ProviderTrapTripped {
    this.#warned.add(service);
    this.#recent.delete(service);
    this.#created.delete(service);
    this.#keys.delete(service);
    this.#dependencies.delete(service);
    return { count, seconds: TRAP_WINDOW_MS / 1000, settle: TRAP_SETTLE_MS / 1000, keyed };
  }
}
