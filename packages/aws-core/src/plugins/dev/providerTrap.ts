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
 * @module
 */
import type { CacheEntry } from '../../kernel/clientCache.js';
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
 * How many clients are watched per service at most. The oldest are kept
 * (they are the first to count), so a burst of calls holds no more than this.
 */
const WATCHED = 2 * TRAP_CLIENTS;

/** Watches, per service, the clients keyed by a provider function's identity (a provider, or a keyed provider depending on one). */
export class ProviderTrap implements Trap {
  readonly #recent = new Map<string, CacheEntry[]>();
  /** Per service, when its last {@link TRAP_RECENT} provider clients were created (oldest first). */
  readonly #created = new Map<string, number[]>();
  readonly #warned = new Set<string>();

  /**
   * Notes a client keyed by a provider function's identity. Returns how many
   * clients counted (and the window, in seconds) when this service just
   * tripped the threshold (once per service).
   */
  note(entry: CacheEntry, now: number): ProviderTrapTripped | undefined {
    if (this.#warned.has(entry.service)) return undefined;
    const created = this.#created.get(entry.service) ?? [];
    created.push(now);
    if (created.length > TRAP_RECENT) created.shift();
    this.#created.set(entry.service, created);
    const stream = created.length === TRAP_RECENT && now - (created[0] as number) < TRAP_SETTLE_MS;
    const recent: CacheEntry[] = [];
    let settled = 0;
    for (const seen of this.#recent.get(entry.service) ?? []) {
      // Asked for again (a hit): a provider that is reused, not one per call.
      if (seen.hits > 0 || now - seen.createdAt >= TRAP_WINDOW_MS) continue;
      recent.push(seen);
      if (now - seen.createdAt >= TRAP_SETTLE_MS) settled++;
    }
    if (settled >= TRAP_CLIENTS && stream) {
      this.#warned.add(entry.service);
      this.#recent.delete(entry.service);
      this.#created.delete(entry.service);
      return { count: settled, seconds: TRAP_WINDOW_MS / 1000, settle: TRAP_SETTLE_MS / 1000 };
    }
    if (recent.length < WATCHED) recent.push(entry);
    this.#recent.set(entry.service, recent);
    return undefined;
  }
}
