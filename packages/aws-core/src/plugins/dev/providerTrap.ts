/**
 * The client-per-request trap (aws-sdk-js-v3#4345), caught: a credential
 * provider built per call (`fromIni()`, `fromTemporaryCredentials()` in a
 * request handler) is a new function each time, so every `getClient` is a
 * cache miss — a new client, a new credential session, for an assumed role an
 * STS call. Its signature: one service keeps creating clients for new
 * provider functions, and none of them is ever asked for again.
 *
 * Threshold: {@link TRAP_CLIENTS} clients of one service created within
 * {@link TRAP_WINDOW_MS} for as many different provider functions, none of
 * them hit since. Then the factory warns once per service (a per-tenant
 * provider made once and reused gets hits, and never trips it).
 *
 * @module
 */
import type { CacheEntry } from '../../kernel/clientCache.js';
import type { ProviderTrap as Trap } from '../../kernel/setup.js';

/** How many never-reused provider clients of one service trip the warning. */
export const TRAP_CLIENTS = 20;
/** Within how long (milliseconds). */
export const TRAP_WINDOW_MS = 60_000;

/** Watches, per service, the clients keyed by a provider function's identity (a provider, or a keyed provider depending on one). */
export class ProviderTrap implements Trap {
  readonly #recent = new Map<string, CacheEntry[]>();
  readonly #warned = new Set<string>();

  /**
   * Notes a client keyed by a provider function's identity. Returns the count
   * (and the window, in seconds) when this service just tripped the threshold
   * (once per service).
   */
  note(entry: CacheEntry, now: number): { count: number; seconds: number } | undefined {
    if (this.#warned.has(entry.service)) return undefined;
    const recent = (this.#recent.get(entry.service) ?? []).filter((seen) => now - seen.createdAt < TRAP_WINDOW_MS && seen.hits === 0);
    recent.push(entry);
    this.#recent.set(entry.service, recent.slice(-TRAP_CLIENTS));
    if (recent.length < TRAP_CLIENTS) return undefined;
    this.#warned.add(entry.service);
    this.#recent.delete(entry.service);
    return { count: recent.length, seconds: TRAP_WINDOW_MS / 1000 };
  }
}
