/**
 * The factory's clients and what keeps them: the cache, sessions, credential
 * ids, and the plug-ins a platform installs around them (the fast path, the
 * lifecycle that drains removed clients, the per-call provider warning).
 * `getClient`'s two paths end here, in `clientFor`.
 *
 * @module
 */
import { type CacheEntry, ClientCache, type RemovalReason, release } from './clientCache.js';
import { CredentialIds } from './credentialIds.js';
import { refuseExpired, sessionProvider } from './credentials.js';
import { type AwsClientError, fail } from './errors.js';
import type { FactorySettings } from './factoryOptions.js';
import { addHealing, type HealCounters } from './heal.js';
import { type CallRead, copyRead, emptyRead, readCall } from './keySpec.js';
import { type CallContext, type ResolvedCall, type ResolvedCredentials, resolveCall } from './resolveCall.js';
import { createClient, type Ownership, ownershipOf } from './sdkConfig.js';
import { definitionKey, idMeantBy, isServiceDefinition, isServiceId, lookupService } from './serviceDefinition.js';
import { Sessions } from './sessions.js';
import type { FastPathIndex, Installed, Lifecycle, ProviderTrap, Report } from './setup.js';
import type { AwsCredentialProvider, AwsSession, ClientStatsEntry, FactorySummary, SdkClientLike, ServiceDefinition } from './types.js';
import { type CallWhere, unreadable } from './validateOptions.js';

/**
 * How many times a client removed by a logger or listener while it was being
 * created is made again; past that the last one is returned (a client the
 * factory removed still works, drained and destroyed again when idle).
 */
const MAX_CREATE_ATTEMPTS = 3;
/**
 * How many sessions (and memoised credential providers) are kept per client
 * `maxClients` allows: credentials outlive an evicted client, so tenants that
 * take turns beyond `maxClients` make clients again but do not resolve their
 * credentials again (an AssumeRole each time). A provider is small: its
 * credentials and a closure.
 */
const SESSIONS_PER_CLIENT = 4;
/** How many `getClient` calls of any factory (of this copy of the core) are reading their options now: more than one when a getter calls back in. */
let reading = 0;

/** A factory's clients. */
export class ClientStore {
  readonly credentialIds: CredentialIds;
  readonly #settings: FactorySettings;
  readonly #installed: Installed;
  readonly #report: Report;
  /** Passed to keyed credential sources (`{ factory }`). */
  readonly #context: object;
  /** Whether the factory was disposed while user code ran. */
  readonly #closed: () => boolean;
  /** The error a disposed factory's callers get. */
  readonly #disposedError: () => Error;
  /** Set once `close()` is done (after the grace period): credential sources are not called any more. */
  #final = false;
  readonly #cache: ClientCache;
  readonly #fast: FastPathIndex | undefined;
  readonly #sessions: Sessions;
  readonly #lifecycle: Lifecycle;
  readonly #trap: ProviderTrap | undefined;
  /** Refreshes forced by rejected credentials, and requests that ended rejected (`kernel/heal.ts`). */
  readonly #heal: HealCounters = { credentialRefreshes: 0, credentialRejections: 0 };
  #hits = 0;
  #misses = 0;
  /** How many calls of this store are running their caller's getters now (`busy`). */
  #reading = 0;
  #evictions = 0;

  constructor(settings: FactorySettings, installed: Installed, report: Report, context: object, closed: () => boolean, disposedError: () => Error) {
    this.#settings = settings;
    this.#disposedError = disposedError;
    this.#installed = installed;
    this.#report = report;
    this.#context = context;
    this.#closed = closed;
    this.#cache = new ClientCache(settings.maxClients, settings.ttlMs, (entry, reason) => this.remove(entry, reason));
    this.#sessions = new Sessions(
      () => SESSIONS_PER_CLIENT * settings.maxClients,
      (credentialId) => this.#cache.providerOf(credentialId),
    );
    this.credentialIds = new CredentialIds(
      () => (SESSIONS_PER_CLIENT + 1) * settings.maxClients + 64,
      () => this.#liveIds(),
      installed.platform.randomBytes,
    );
    this.#fast = installed.fastPath?.();
    this.#trap = installed.dev?.providerTrap();
    this.#lifecycle =
      installed.lifecycle?.({ report, abandonedBodyMs: settings.abandonedBodyMs, onAbandonedBody: settings.onAbandonedBody }) ?? destroyAtOnce(report);
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
  clientFor(service: unknown, options: unknown, reusable: CallRead, context: CallContext, where: CallWhere): CacheEntry | undefined {
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
    this.#reading++;
    try {
      readCall(options, read);
      // Fast path (Node): exact repeated inputs, found by value without
      // validating, hashing or copying again. Anything unusual falls through.
      if (fast !== undefined && read.problem === undefined) {
        const definition =
          typeof service === 'string' ? lookupService(service) : isServiceDefinition(service) ? service : this.#installed.clientClasses?.peek(service);
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
      call = resolveCall(service, copyRead(read), context, where);
    } catch (error) {
      throw unreadable(where, error);
    } finally {
      reading--;
      this.#reading--;
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
    refuseExpired(call.credentials.expiresAt, now);
    this.#cache.sweep(now);
    const session = this.session(call.region, call.profile, call.credentials);
    // Loggers and listeners run below and may clear the cache (or evict this
    // very client) while it is being created: then it is made again, a few
    // times at most, so a caller is not handed a client already removed.
    for (let attempt = 1; ; attempt++) {
      const ownership = ownershipOf(call.snapshot);
      const client = createClient(
        call.definition,
        call.tier,
        session,
        call.snapshot,
        ownership,
        this.#installed.platform,
        (found, source) => context.region(found, source) as string,
      );
      const entry = newEntry(call, client, session.credentials, ownership, now, this.#cache.nextTick());
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
      this.#lifecycle.track(entry);
      addHealing(entry.client, { credentialId: entry.credentialId, kind: entry.credentialKind, provider: session.credentials, counters: this.#heal });
      // One miss per getClient call, however many times a listener made it build the client again.
      if (attempt === 1) this.#misses++;
      this.#cache.add(entry);
      fast?.add(entry);
      this.#report.created(entry);
      this.#cache.trim();
      if (call.credentials.source.byIdentity && this.#trap !== undefined) {
        const tripped = this.#trap.note(entry, now);
        if (tripped !== undefined) this.#report.providerPerCall(entry.service, tripped);
      }
      // If a logger or listener disposed the factory, the caller gets
      // FACTORY_DISPOSED, never the client dispose destroyed.
      if (this.#closed()) return undefined;
      if (entry.state === 'live' || attempt === MAX_CREATE_ATTEMPTS) return entry;
    }
  }

  /**
   * Whether a `getClient` of this store is reading its caller's options now
   * (getters, Proxy traps): the factory must not be set up again under it
   * (`configureClientFactory`).
   */
  get busy(): boolean {
    return this.#reading > 0;
  }

  /**
   * The session for resolved inputs; its provider is memoised once per
   * credential id and, once `dispose()` is done, calls its source no more (a
   * session or client the caller kept sends nothing to STS).
   */
  session(region: string | undefined, profile: string | undefined, credentials: ResolvedCredentials): AwsSession {
    return this.#sessions.session(region, profile, credentials.id, () =>
      sessionProvider(
        credentials.source,
        this.#context,
        (report) => {
          if (report.rejected !== undefined) this.#heal.credentialRefreshes++;
          this.#report.credentials(credentials.id, credentials.source.kind, report);
        },
        () => (this.#final ? this.#disposedError() : undefined),
      ),
    );
  }

  /** Takes an entry out of the cache; it drains (with the lifecycle plug-in), then is destroyed. */
  remove(entry: CacheEntry, reason: RemovalReason): void {
    if (entry.state !== 'live') {
      // A client its caller holds past its removal and now destroys: closed once idle (the lifecycle plug-in's).
      if (entry.state === 'retired' && reason === 'destroyed-by-caller') this.#lifecycle.retire(entry, reason);
      return;
    }
    if (reason === 'evicted' || reason === 'expired') this.#evictions++;
    this.#unlist(entry);
    this.#lifecycle.retire(entry, reason);
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

  /**
   * Which entries a `clearCache` filter selects: by service id (every
   * definition with it), definition, or SDK client class; and by region.
   * Anything else is refused.
   */
  filter(service: unknown, region: unknown): (entry: CacheEntry) => boolean {
    let sameService: (entry: CacheEntry) => boolean = () => true;
    const classes = this.#installed.clientClasses;
    // A string no service id can be ('S3', 'SQSClient': ids are lower case) would clear nothing without a word.
    if (typeof service === 'string') {
      if (!isServiceId(service)) throw fail('INVALID_OPTIONS.filterService', { id: service, near: idMeantBy(service) });
      sameService = (entry) => entry.service === service;
    }
    // A definition counts by its origin, as the cache keys it: the ESM and CJS
    // copies of a service package share clients, so either copy clears them.
    else if (isServiceDefinition(service)) sameService = sameDefinitionAs(service);
    else if (typeof service === 'function' && classes?.looksLike(service)) {
      const definition = classes.peek(service);
      sameService = definition === undefined ? () => false : sameDefinitionAs(definition);
    } else if (service !== undefined) throw fail('INVALID_OPTIONS.filterService');
    if (region !== undefined && typeof region !== 'string') throw fail('INVALID_OPTIONS.filterRegion');
    return (entry) => sameService(entry) && (region === undefined || entry.region === region);
  }

  /** One row per cached client, least recently used first: no secret, the lifecycle's fields where it is installed. */
  rows(): ClientStatsEntry[] {
    return this.#cache.entries().map((entry) => {
      const { service, region, profile, tier, credentialId, hits, createdAt, lastUsedAt } = entry;
      return { service, region, profile, tier, credentialId, hits, createdAt, lastUsedAt, ...this.#lifecycle.stats(entry) };
    });
  }

  /** The counters. */
  counters(): FactorySummary {
    return { clients: this.#cache.size, sessions: this.#sessions.size, hits: this.#hits, misses: this.#misses, evictions: this.#evictions };
  }

  /** The healing counters, as `stats()` shows them. */
  heal(): Readonly<HealCounters> {
    return { ...this.#heal };
  }

  /** Removed clients still finishing requests. */
  get draining(): number {
    return this.#lifecycle.draining;
  }

  /** Dispose: stops the timers, empties the cache and drains every client for at most `disposeGraceMs`. */
  close(): Promise<void> {
    this.#cache.stop();
    const entries = this.#cache.entries();
    for (const entry of entries) this.#unlist(entry);
    this.#sessions.clear(undefined);
    return this.#lifecycle.close(entries, this.#settings.disposeGraceMs).finally(() => {
      this.#final = true;
    });
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

/** A new, live entry for a resolved call and the client built for it. */
export function newEntry(
  call: ResolvedCall,
  client: SdkClientLike,
  credentials: AwsCredentialProvider,
  ownership: Ownership,
  now: number,
  tick: number,
): CacheEntry {
  return {
    key: call.key,
    definition: call.definition,
    service: call.definition.id,
    region: call.region,
    profile: call.profile,
    tier: call.tierName,
    credentialId: call.credentials.id,
    credentialKind: call.credentials.source.kind,
    credentials,
    client,
    sdkDestroy: client.destroy.bind(client),
    ownership,
    expiresAt: call.credentials.expiresAt,
    createdAt: now,
    keyParts: call.keyParts,
    fastSlot: undefined,
    hits: 0,
    lastUsedAt: now,
    tick,
    inFlight: 0,
    bodies: new Set(),
    state: 'live',
    removal: undefined,
    abandonedReported: false,
    reopened: false,
  };
}

/** The clients of a definition, counted by `definitionKey` as the cache keys them. */
function sameDefinitionAs(definition: ServiceDefinition): (entry: CacheEntry) => boolean {
  const key = definitionKey(definition);
  return (entry) => definitionKey(entry.definition) === key;
}

/**
 * Destroys a client (only what the factory created) and says so; a destroy
 * that throws is reported, not propagated. The lifecycle plug-in destroys
 * through it too.
 */
export function destroyEntry(entry: CacheEntry, reason: RemovalReason, report: Report): void {
  if (entry.state === 'destroyed') return;
  entry.state = 'destroyed';
  try {
    release(entry);
  } catch (error) {
    report.destroyFailed(entry, error);
  }
  // A held client destroyed again (see the lifecycle plug-in) was reported the first time.
  if (!entry.reopened) report.destroyed(entry, reason);
}

/** An operation's name, from its command's in the SDK's middleware context (`GetObjectCommand` is `GetObject`). */
export function operationOf(context: { readonly commandName?: string } | undefined): string {
  return (context?.commandName ?? 'unknown').replace(/Command$/, '');
}

/** `FACTORY_DISPOSED` for an attempt a disposed factory's client does not send (a retry, or a request on a client kept after `dispose()`). */
export function notSent(entry: CacheEntry, context: { readonly commandName?: string } | undefined): AwsClientError {
  return fail('FACTORY_DISPOSED.send', { service: entry.service, operation: operationOf(context) });
}

/**
 * The kernel's lifecycle, without the plug-in (browsers, workers, edge): a
 * removed client is destroyed at once. There, destroying a client never
 * touches a running request (`@smithy/fetch-http-handler`'s `destroy()` is
 * empty, and a client's `destroy()` only calls its handler's), so there is
 * nothing to drain and no in-flight count to show. Dispose is final all the
 * same: a request still in the SDK's retry loop fails its next attempt with
 * `FACTORY_DISPOSED`, and one sent later on a client the caller kept fails
 * before it resolves credentials, so nothing more is sent once `dispose()`
 * resolved.
 */
function destroyAtOnce(report: Report): Lifecycle {
  let closed = false;
  // Every attempt passes here, retries included (the retry middleware runs at
  // the start of finalizeRequest; this runs last, just before the handler sends).
  const attempt =
    (entry: CacheEntry) => (next: (args: unknown) => Promise<unknown>, context: { commandName?: string } | undefined) => async (args: unknown) => {
      if (closed) throw notSent(entry, context);
      return next(args);
    };
  const retire = (entry: CacheEntry, reason: RemovalReason): void => {
    if (entry.state !== 'live') return;
    entry.state = 'retired';
    entry.removal = reason;
    report.removed(entry, reason);
    destroyEntry(entry, reason, report);
  };
  return {
    track(entry) {
      const check = attempt(entry) as never;
      // A request sent after dispose is refused before it resolves credentials (a provider may call STS or Cognito) …
      entry.client.middlewareStack.add(check, { step: 'initialize', priority: 'high', name: 'dbpAwsDisposedSend' } as never);
      // … and an attempt of one already running (a retry) before it is sent.
      entry.client.middlewareStack.add(check, { step: 'deserialize', priority: 'low', name: 'dbpAwsDisposedCheck' } as never);
    },
    retire,
    close(entries) {
      closed = true;
      for (const entry of entries) retire(entry, 'disposed');
      return Promise.resolve();
    },
    draining: 0,
    stats: () => ({}),
  };
}
