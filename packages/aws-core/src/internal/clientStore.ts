/**
 * The factory's clients and what keeps them: the cache and its fast path,
 * sessions, credential ids, in-flight tracking and drain, abandoned bodies.
 * `getClient`'s two paths end here: `hit` (the fast path) and `entryFor`
 * (find or create, for a call `resolveCall` has validated).
 *
 * @module
 */
import { AbandonedBodyWatch, FastPathIndex, runtime } from '#runtime';
import type { FactorySettings } from '../factoryOptions.js';
import { isServiceDefinition, lookupService } from '../serviceDefinition.js';
import type { AwsSession, ClientStatsEntry, FactorySummary } from '../types.js';
import type { AbandonedBodies } from './abandonedBodies.js';
import { type CacheEntry, ClientCache, newEntry, type RemovalReason, statsRow } from './clientCache.js';
import { peekClassDefinition } from './clientClass.js';
import { CredentialIds } from './credentialFingerprint.js';
import { expiredError, sessionProvider } from './credentialProviders.js';
import { Drain, release } from './drain.js';
import { type CallRead, copyRead, emptyRead, readCall } from './keySpec.js';
import { ProviderTrap } from './providerTrap.js';
import type { Reporter } from './reporter.js';
import { type CallContext, type ResolvedCall, type ResolvedCredentials, resolveCall } from './resolveCall.js';
import { createClient, ownershipOf } from './sdkConfig.js';
import { Sessions } from './sessions.js';
import { unreadable } from './validateOptions.js';

/**
 * How many times a client removed by a logger or listener while it was being
 * created is made again; past that the last one is returned (a client the
 * factory removed still works, drained and destroyed again when idle).
 */
const MAX_CREATE_ATTEMPTS = 3;
/** How many `getClient` calls of any factory (of this copy of the core) are reading their options now: more than one when a getter calls back in. */
let reading = 0;

/** A factory's clients. */
export class ClientStore {
  readonly credentialIds: CredentialIds;
  readonly #settings: FactorySettings;
  readonly #report: Reporter;
  /** Passed to keyed credential sources (`{ factory }`). */
  readonly #context: object;
  /** Whether the factory was disposed while user code ran. */
  readonly #closed: () => boolean;
  readonly #cache: ClientCache;
  readonly #fast = FastPathIndex === undefined ? undefined : new FastPathIndex();
  readonly #sessions: Sessions;
  readonly #drain: Drain;
  readonly #bodies: AbandonedBodies | undefined;
  readonly #trap = new ProviderTrap();
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(settings: FactorySettings, report: Reporter, context: object, closed: () => boolean) {
    this.#settings = settings;
    this.#report = report;
    this.#context = context;
    this.#closed = closed;
    this.#cache = new ClientCache(settings.maxClients, settings.ttlMs, (entry, reason) => this.remove(entry, reason));
    this.#sessions = new Sessions(() => settings.maxClients);
    this.credentialIds = new CredentialIds(
      () => 4 * settings.maxClients + 64,
      () => this.#liveIds(),
    );
    // Node only: elsewhere no body is watched (see runtime.web.ts).
    this.#bodies =
      AbandonedBodyWatch &&
      new AbandonedBodyWatch(settings.abandonedBodyMs, settings.onAbandonedBody, (entry, found, destroyed) =>
        report.abandoned(entry, found, destroyed, settings.abandonedBodyMs),
      );
    this.#drain = new Drain(report, this.#bodies);
  }

  /**
   * `getClient`, both paths, in one method on purpose. V8 inlines the small
   * helpers of the fast path into it, and because this method is large (it
   * holds the full path too) it is not itself inlined into the caller, so
   * the helpers have a whole inlining budget to themselves: a hit stays a
   * few tens of nanoseconds. (With the paths split into small methods the
   * budget ran out and a hit cost up to twice as much; `pnpm bench` part 1.)
   *
   * Returns `undefined` when the factory was disposed by user code the full
   * path ran.
   */
  clientFor(service: unknown, options: unknown, reusable: CallRead, context: CallContext): CacheEntry | undefined {
    // A getter or Proxy trap on the options may itself call getClient (of
    // this factory or another) while this call is being read. The reusable
    // read, the fast path's scratch key and its module-level scratch arrays
    // belong to the outermost read: a call made from inside one reads into a
    // record of its own and takes the full path, which copies.
    const nested = reading > 0;
    const fast = nested ? undefined : this.#fast;
    const read = nested ? emptyRead() : reusable;
    let call: ResolvedCall;
    // Reading and validating run the caller's getters and Proxy traps: what
    // they throw (a revoked Proxy, a failing getter) becomes a typed error.
    reading++;
    try {
      readCall(options, read);
      // Fast path (Node): exact repeated inputs, found by value without
      // validating, hashing or copying again. Anything unusual falls through.
      if (fast !== undefined && read.problem === undefined) {
        const definition = typeof service === 'string' ? lookupService(service) : isServiceDefinition(service) ? service : peekClassDefinition(service);
        if (definition !== undefined) {
          const tier = read.tier === undefined ? context.serviceTiers.tierOf(definition) : read.tier;
          const entry = fast.find(definition, read, tier, read.region === undefined ? context.fallbackRegion() : read.region);
          // Live: a getter run by the match may have cleared, evicted or disposed it.
          if (entry !== undefined && entry.state === 'live' && this.#cache.serve(entry)) {
            this.#hits++;
            return entry;
          }
        }
      }
      // Full path: validate, key, find or create. It may run user code (a
      // logger, a constructor) that re-enters getClient, so it works on a copy.
      call = resolveCall(service, copyRead(read), context);
    } catch (error) {
      throw unreadable('getClient()', error);
    } finally {
      reading--;
    }
    const cached = this.#cache.get(call.key);
    if (cached !== undefined) {
      if (this.#cache.serve(cached)) {
        this.#hits++;
        fast?.add(cached);
        return cached;
      }
      this.remove(cached, 'expired');
    }
    const now = Date.now();
    const { expiresAt } = call.credentials;
    if (expiresAt !== undefined && expiresAt <= now) throw expiredError(expiresAt);
    this.#cache.sweep(now);
    const session = this.session(call.region, call.profile, call.credentials);
    // Loggers and listeners run below and may clear the cache (or evict this
    // very client) while it is being created: then it is made again, a few
    // times at most, so a caller is not handed a client already removed.
    for (let attempt = 1; ; attempt++) {
      const ownership = ownershipOf(call.snapshot);
      const entry = newEntry(call, createClient(call.definition, call.tier, session, call.snapshot, ownership), ownership, now, this.#cache.nextTick());
      const raced = this.#cache.get(call.key);
      if (this.#closed() || raced?.state === 'live') {
        // The constructor re-entered the factory: it was disposed, or the same
        // client was made meanwhile. Keep one client, leave none undestroyed.
        release(entry);
        return raced;
      }
      // A caller's destroy() retires the shared client instead of breaking
      // other callers' requests; the next getClient builds a fresh one.
      Object.defineProperty(entry.client, 'destroy', { value: () => this.remove(entry, 'destroyed-by-caller'), configurable: true, writable: true });
      this.#drain.track(entry);
      this.#misses++;
      this.#cache.add(entry);
      fast?.add(entry);
      this.#report.created(entry);
      if (call.credentials.source.byIdentity) {
        const count = this.#trap.note(entry, now);
        if (count !== undefined) this.#report.providerPerCall(entry.service, count);
      }
      // If a logger or listener disposed the factory, the caller gets
      // FACTORY_DISPOSED, never the client dispose destroyed.
      if (this.#closed()) return undefined;
      if (entry.state === 'live' || attempt === MAX_CREATE_ATTEMPTS) return entry;
    }
  }

  /** The session for resolved inputs; its provider is memoised once per credential id. */
  session(region: string | undefined, profile: string | undefined, credentials: ResolvedCredentials): AwsSession {
    return this.#sessions.session(region, profile, credentials.id, () =>
      sessionProvider(credentials, this.#context, (report) => this.#report.credentials(credentials.id, credentials.source.kind, report)),
    );
  }

  /** Takes an entry out of the cache; it drains, then is destroyed. */
  remove(entry: CacheEntry, reason: RemovalReason): void {
    if (entry.state !== 'live') return;
    if (reason === 'evicted' || reason === 'expired') this.#evictions++;
    this.#unlist(entry);
    this.#drain.retire(entry, reason);
  }

  /** Removes the entries a filter selects; with `sessionsOf`, drops those sessions too. Returns how many entries went. */
  clear(matches: (entry: CacheEntry) => boolean, sessionsOf?: { region: string | undefined }): number {
    let removed = 0;
    for (const entry of this.#cache.entries()) {
      if (!matches(entry)) continue;
      this.remove(entry, 'cleared');
      removed++;
    }
    if (sessionsOf !== undefined) this.#sessions.clear(sessionsOf.region);
    return removed;
  }

  /** One row per cached client, least recently used first. */
  rows(): ClientStatsEntry[] {
    return this.#cache.entries().map((entry) => statsRow(entry, runtime.socketStats(entry.client)));
  }

  /** The counters. */
  counters(): FactorySummary {
    return { clients: this.#cache.size, sessions: this.#sessions.size, hits: this.#hits, misses: this.#misses, evictions: this.#evictions };
  }

  /** Removed clients still finishing requests. */
  get draining(): number {
    return this.#drain.size;
  }

  /** Dispose: stops the timers, empties the cache and drains every client for at most `disposeGraceMs`. */
  close(): Promise<void> {
    this.#cache.stop();
    this.#bodies?.stop();
    const entries = this.#cache.entries();
    for (const entry of entries) this.#unlist(entry);
    this.#sessions.clear(undefined);
    return this.#drain.close(entries, this.#settings.disposeGraceMs);
  }

  #unlist(entry: CacheEntry): void {
    this.#cache.delete(entry);
    this.#fast?.forget(entry);
  }

  #liveIds(): Set<string> {
    const live = new Set<string>();
    for (const entry of this.#cache.entries()) live.add(entry.credentialId);
    this.#sessions.collectIds(live);
    return live;
  }
}
