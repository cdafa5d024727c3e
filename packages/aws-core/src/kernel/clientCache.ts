/**
 * The client cache: entries by full key, the LRU bound and ttl, enforced
 * without further calls by an unref'd timer. Removing an entry is the
 * store's (`clientStore.ts`: at once, or drained by the lifecycle plug-in);
 * this module only decides which.
 *
 * @module
 */
import type { CredentialKind, KeyParts } from './keySpec.js';
import { MAX_TIMER_MS } from './limits.js';
import type { Ownership } from './sdkConfig.js';
import type { AwsCredentialProvider, SdkClientLike, ServiceDefinition } from './types.js';

/** Why a client left the cache. */
export type RemovalReason = 'cleared' | 'evicted' | 'expired' | 'destroyed-by-caller' | 'disposed';

/** A response body the lifecycle plug-in watches (`plugins/lifecycle`). */
export interface TrackedBody {
  readonly entry: CacheEntry;
  /** The operation it belongs to (`'GetObject'`). */
  readonly operation: string;
  /** How often it has been read so far, and whether it flows (from the runtime). */
  readonly progress: () => number;
  /** Destroys the body (frees its socket); a reader still waiting for it fails with `error`. */
  readonly destroy: (error?: Error) => void;
  /** When the last read was seen (epoch ms). */
  lastProgressAt: number;
  lastProgress: number;
  abandoned: boolean;
}

/** One cached client. */
export interface CacheEntry {
  readonly key: string;
  readonly definition: ServiceDefinition;
  readonly service: string;
  readonly region: string | undefined;
  readonly profile: string | undefined;
  readonly tier: string;
  readonly credentialId: string;
  readonly credentialKind: CredentialKind;
  /** The session's memoised credential provider the client was made with (one per credential id). */
  readonly credentials: AwsCredentialProvider;
  readonly client: SdkClientLike;
  /** The SDK's own `destroy` of the client (the instance's is the factory's guard). */
  readonly sdkDestroy: () => void;
  /** What in the client's configuration the caller owns. */
  readonly ownership: Ownership;
  /** Explicit credentials' expiry (epoch ms); the entry is not served after it. */
  readonly expiresAt: number | undefined;
  readonly createdAt: number;
  /** What the entry's key is made of, from the snapshot it was built with (the fast path indexes by it). */
  readonly keyParts: KeyParts;
  /** The fast path's note of where it indexes this entry, if it does. */
  fastSlot: unknown;
  hits: number;
  lastUsedAt: number;
  /** Recency for the LRU bound: a counter bumped on every hit. */
  tick: number;
  /** Requests running, streaming bodies included (the lifecycle plug-in counts them). */
  inFlight: number;
  /** Streaming bodies open (the lifecycle plug-in's). */
  readonly bodies: Set<TrackedBody>;
  state: 'live' | 'retired' | 'destroyed';
  /** Why it left the cache, once it has. */
  removal: RemovalReason | undefined;
  abandonedReported: boolean;
  /** Destroyed once, then sent a request by a caller who kept it (it drains and is destroyed again). */
  reopened: boolean;
}

/** An HTTP agent, as far as the factory touches one. */
export interface FactoryAgent {
  destroy?(): void;
}

interface HandlerWithAgents {
  readonly config?: { readonly httpAgent?: unknown; readonly httpsAgent?: unknown };
}

/**
 * The agents of a client's request handler (a NodeHttpHandler's, once a
 * request has resolved its options), whoever made them.
 */
export function handlerAgents(client: unknown): FactoryAgent[] {
  const handler = (client as { config?: { requestHandler?: HandlerWithAgents } } | undefined)?.config?.requestHandler;
  return [handler?.config?.httpAgent, handler?.config?.httpsAgent].filter((agent): agent is FactoryAgent => typeof agent === 'object' && agent !== null);
}

/**
 * The agents of a client's request handler that the factory made, not the
 * caller: none when the caller passed the handler itself, and never an agent
 * the caller passed in `requestHandler` options.
 */
export function factoryAgents(entry: CacheEntry): FactoryAgent[] {
  const { ownership } = entry;
  if (ownership.handler) return [];
  return handlerAgents(entry.client).filter((agent) => !ownership.agents.includes(agent));
}

/** Destroys what the factory created for a client, and nothing of the caller's. */
export function release(entry: CacheEntry): void {
  const { ownership } = entry;
  if (ownership.handler) return;
  if (ownership.agents.length === 0) {
    entry.sdkDestroy();
    return;
  }
  // The SDK's handler would destroy the caller's agents with its own
  // (NodeHttpHandler.destroy destroys both): destroy only the one it made.
  for (const agent of factoryAgents(entry)) agent.destroy?.();
}

/** How the cache tells the factory to remove an entry. */
export type Expire = (entry: CacheEntry, reason: 'evicted' | 'expired') => void;

/** Entries by key, bounded by `maxClients` (least recently used first out) and `ttlMs`. */
export class ClientCache {
  readonly #entries = new Map<string, CacheEntry>();
  readonly #maxClients: number;
  readonly #ttlMs: number | undefined;
  readonly #expire: Expire;
  #tick = 0;
  /** The last clock reading (see `serve`). */
  #clock = 0;
  #clockTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * The `setTimeout` that `#clockTimer` was set with while `#clock` is at most
   * `CLOCK_GRAIN_MS` old, else `undefined`: the reading is trusted while this
   * is the current `setTimeout`.
   */
  #clockArmedWith: unknown;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Number.POSITIVE_INFINITY;

  constructor(maxClients: number, ttlMs: number | undefined, expire: Expire) {
    this.#maxClients = maxClients;
    this.#ttlMs = ttlMs;
    this.#expire = expire;
  }

  /** The entry under a full key. */
  get(key: string): CacheEntry | undefined {
    return this.#entries.get(key);
  }

  /** The memoised credential provider a cached client of this credential id holds, if one does. */
  providerOf(credentialId: string): AwsCredentialProvider | undefined {
    for (const entry of this.#entries.values()) if (entry.credentialId === credentialId) return entry.credentials;
    return undefined;
  }

  /** Every entry, least recently used first. */
  entries(): CacheEntry[] {
    return [...this.#entries.values()].sort((a, b) => a.tick - b.tick);
  }

  /** How many clients are cached. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Hands an entry out if it is still servable (within its credentials'
   * expiry, not idle past `ttlMs`), counting the hit and making it the most
   * recently used. Reading the clock costs as much as the rest of a hit
   * (~40 ns; more on some VMs), so it is read on every hit only when
   * correctness needs it (expiring credentials, ttl); otherwise `lastUsedAt`
   * takes a reading at most `CLOCK_GRAIN_MS` old (as Node's HTTP server
   * caches its `Date` header). (A removed entry is never asked for: the
   * factory takes it out of the cache and the fast path first.)
   */
  serve(entry: CacheEntry): boolean {
    const ttl = this.#ttlMs;
    const expiresAt = entry.expiresAt;
    let now: number;
    if (expiresAt !== undefined || ttl !== undefined) {
      now = Date.now();
      this.#clock = now;
    } else now = this.#clockArmedWith === setTimeout ? this.#clock : this.#readClock();
    if ((expiresAt !== undefined && expiresAt <= now) || (ttl !== undefined && now - entry.lastUsedAt >= ttl)) return false;
    entry.hits++;
    // A reading from before the entry was made (or a clock set back) never moves it back.
    if (now > entry.lastUsedAt) entry.lastUsedAt = now;
    entry.tick = ++this.#tick;
    return true;
  }

  /**
   * Reads the clock, and trusts the reading for `CLOCK_GRAIN_MS` (an unref'd
   * timer says when not to). The reading is trusted only while `setTimeout`
   * is the one the timer was set with: a test that installs or removes fake
   * timers would otherwise leave a timer that never fires.
   */
  #readClock(): number {
    clearTimeout(this.#clockTimer);
    this.#clock = Date.now();
    this.#clockTimer = unrefTimer(() => {
      this.#clockArmedWith = undefined;
      this.#clockTimer = undefined;
    }, CLOCK_GRAIN_MS);
    // Where no timer could be set, the next hit reads the clock again.
    this.#clockArmedWith = this.#clockTimer === undefined ? undefined : setTimeout;
    return this.#clock;
  }

  /** The next recency tick, for a new entry. */
  nextTick(): number {
    return ++this.#tick;
  }

  /** Adds an entry; `trim()` then evicts past `maxClients`. */
  add(entry: CacheEntry): void {
    this.#entries.set(entry.key, entry);
    this.#arm();
  }

  /**
   * Evicts the least recently used entries past `maxClients`: called once the
   * entry just added is reported created, so that a listener sees a client's
   * create before the evictions it causes (and before its own evict, should
   * that listener clear the cache).
   */
  trim(): void {
    while (this.#entries.size > this.#maxClients) {
      let oldest: CacheEntry | undefined;
      for (const candidate of this.#entries.values()) if (oldest === undefined || candidate.tick < oldest.tick) oldest = candidate;
      this.#expire(oldest as CacheEntry, 'evicted');
    }
  }

  /** Forgets an entry (the factory drains it). */
  delete(entry: CacheEntry): void {
    if (this.#entries.get(entry.key) === entry) this.#entries.delete(entry.key);
  }

  /** Removes entries idle past `ttlMs`. */
  sweep(now: number): void {
    for (const entry of [...this.#entries.values()]) {
      if (this.#ttlMs !== undefined && now - entry.lastUsedAt >= this.#ttlMs) this.#expire(entry, 'expired');
    }
  }

  /** Stops the ttl timer (dispose). */
  stop(): void {
    clearTimeout(this.#clockTimer);
    this.#clockArmedWith = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  /** Schedules the next sweep for when the least recently used entry would go idle. */
  #arm(): void {
    const ttl = this.#ttlMs;
    if (ttl === undefined || this.#entries.size === 0) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const entry of this.#entries.values()) earliest = Math.min(earliest, entry.lastUsedAt + ttl);
    if (earliest >= this.#timerAt) return;
    clearTimeout(this.#timer);
    this.#timer = unrefTimer(
      () => {
        this.#timer = undefined;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.sweep(Date.now());
        this.#arm();
      },
      // A ttlMs at its maximum plus the slack would overflow a timer (Node fires it after 1 ms).
      Math.min(MAX_TIMER_MS, Math.max(0, earliest - Date.now()) + TIMER_SLACK_MS),
    );
    // Where no timer could be set, the next client made arms one (and a hit checks the ttl itself).
    this.#timerAt = this.#timer === undefined ? Number.POSITIVE_INFINITY : earliest;
  }
}

/**
 * An unref'd timer (it never keeps the process alive), or `undefined` where
 * the runtime refuses one: workerd outside a request ("Disallowed operation
 * called within global scope"), where a Worker's modules get their clients.
 */
export function unrefTimer(run: () => void, ms: number): ReturnType<typeof setTimeout> | undefined {
  try {
    const timer = setTimeout(run, ms);
    (timer as { unref?: () => void }).unref?.();
    return timer;
  } catch {
    return undefined;
  }
}

/** How late after an entry goes idle the timer fires, at most (timers are not exact). */
const TIMER_SLACK_MS = 10;

/** How old a clock reading `lastUsedAt` may take on a hit without ttl or expiring credentials. */
const CLOCK_GRAIN_MS = 1000;
