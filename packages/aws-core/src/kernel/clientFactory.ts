import type { CacheEntry } from './clientCache.js';
import { ClientStore } from './clientStore.js';
import { refuseExpired } from './credentials.js';
import { fail, INSPECT } from './errors.js';
import { type FactorySettings, readFactoryOptions, settingsDiffer } from './factoryOptions.js';
import { type CallRead, emptyRead, readCall, SESSION_NAMES } from './keySpec.js';
import { environmentRegion, environmentSource, RegionCheck } from './regions.js';
import { type CallContext, resolveSession } from './resolveCall.js';
import { ServiceTierOverrides } from './serviceTiers.js';
import { type Installed, installation, SILENT } from './setup.js';
import type {
  AwsSession,
  ClearCacheFilter,
  ClientFactoryOptions,
  ClientFor,
  ConfigFor,
  FactoryStats,
  FactorySummary,
  GetClientOptions,
  KnownService,
  SdkClientLike,
  ServiceArgument,
  ServiceInput,
  SessionOptions,
} from './types.js';
import { type CallWhere, guardRead, readOptions, refuseProblem } from './validateOptions.js';
import { warmClient } from './warm.js';

/**
 * What the factory passes a keyed provider when it resolves it.
 *
 * @example
 * ```ts
 * const source = keyedCredentials('reports', async ({ factory, region }) => fetchCredentials(factory, region))
 * ```
 */
export interface CredentialContext {
  /**
   * The factory resolving the credentials (so a source such as `assumeRole`
   * gets its STS client from the same factory). `undefined` when the
   * provider is called directly, outside any factory.
   */
  readonly factory?: AwsClientFactory | undefined;
  /**
   * That factory's default region (`defaultRegion`, then `AWS_REGION` /
   * `AWS_DEFAULT_REGION`), for a source that must pick one (an STS
   * endpoint); `undefined` when there is none.
   */
  readonly region?: string | undefined;
  /**
   * The provider's `clientConfig` (see `KeyedCredentialsOptions`), as
   * snapshotted when it was keyed (frozen): give it as `config` to the
   * `getClient` that makes the provider's own client. `undefined` when none
   * was given.
   */
  readonly clientConfig?: Readonly<Record<string, unknown>> | undefined;
  /**
   * `true` when the factory asks again because a service rejected the
   * credentials this provider gave (expired or revoked early): a provider
   * that caches must return new ones. Absent otherwise.
   */
  readonly forceRefresh?: boolean | undefined;
  /**
   * What the credentials' last caller (the SDK client whose request, or
   * `warm()`, asked) has of its config, as the SDK hands a provider its
   * caller's: its `region`, `profile` and `logger`, which an SDK provider
   * given here (`fromTemporaryCredentials()`, `fromIni()`) reads to call STS
   * in the caller's region. Absent when the provider is called directly
   * (`session.credentials()`).
   */
  readonly callerClientConfig?: object | undefined;
}

const FACTORY_BRAND = Symbol.for('@dbp/aws-core/factory-brand');
/**
 * How `configureClientFactory` applies settings to a factory in place: a
 * method under a `Symbol.for` key, so a copy of the package (ESM or CJS) can
 * reconfigure the process-wide factory another copy made (`#setUp`, a private
 * method, is reachable only from the copy that declared it).
 */
const RECONFIGURE = Symbol.for('@dbp/aws-core/factory-reconfigure@1');
const CONSTRUCT: unique symbol = Symbol('construct') as never;
/** How many times `warm()` warms the client `getClient` gives when the cache removed the last one while it warmed. */
const MAX_WARM_ATTEMPTS = 3;

/**
 * The factory: one place to get AWS SDK v3 clients, cached by service, tier,
 * region, profile, credentials and configuration. It hands out one client
 * per distinct set of options, shares one credential session per distinct
 * credentials, bounds what it keeps (`maxClients`, `ttlMs`), and retires
 * removed clients without failing their running requests.
 *
 * Use {@link AwsClientFactory.getInstance} (process-wide) or
 * {@link createClientFactory} (isolated); the constructor is not public.
 *
 * @example
 * ```ts
 * import { AwsClientFactory } from '@dbp/aws-core'
 * import { s3 } from '@dbp/aws-s3'
 *
 * const factory = AwsClientFactory.getInstance()
 * const client = factory.getClient(s3, { region: 'us-east-1' }) // S3Client, cached
 * ```
 */
export class AwsClientFactory {
  // Set by #setUp: once by the constructor, and again by configureClientFactory while the factory is unused.
  #settings!: FactorySettings;
  #store!: ClientStore;
  #context!: CallContext;
  /** The platform and plug-ins installed when the factory was made. */
  readonly #installed: Installed = installation();
  /** The reusable read of a call (a hit allocates nothing). */
  readonly #read: CallRead = emptyRead();
  #disposing: Promise<void> | undefined;
  /** Whether this was the process-wide factory when `dispose()` was called (its later errors say how to get the new one). */
  #wasShared = false;
  /** What ends each running warm-up's wait (dispose() calls them): one per call, gone when it ends. */
  readonly #warmUps = new Set<() => void>();

  /**
   * Not public: use `AwsClientFactory.getInstance()` or `createClientFactory()`
   * (`new AwsClientFactory()` is a compile error in TypeScript).
   * @throws AwsClientError when called from outside.
   */
  private constructor(token?: unknown, options?: ClientFactoryOptions) {
    if (token !== CONSTRUCT) throw fail('CONSTRUCTOR_IS_PRIVATE');
    this.#setUp(readFactoryOptions(options));
    Object.defineProperty(this, FACTORY_BRAND, { value: true });
    Object.defineProperty(this, RECONFIGURE, {
      value: (settings: FactorySettings) => {
        // In use: it made a client or a session, or a getter of a getClient running on it calls (that call would finish on the replaced store).
        const { clients, sessions, misses } = this.#store.counters();
        if (clients + sessions + misses > 0 || this.#store.busy) {
          // The same options again (a setup file run once per test file in one process) change nothing.
          const differs = settingsDiffer(this.#settings, settings);
          if (differs === undefined) return;
          throw fail('FACTORY_ALREADY_IN_USE', { differs });
        }
        this.#setUp(settings);
      },
    });
  }

  #setUp(settings: FactorySettings): void {
    const installed = this.#installed;
    // In-flight counts exist only where the lifecycle plug-in tracks requests (not on the web).
    const report = installed.observe?.(settings.logger, settings.onEvent, () => this.#store.counters().clients, installed.lifecycle !== undefined) ?? SILENT;
    // What a keyed credential source is given (assumeRole gets its STS client from here).
    const credentialContext: CredentialContext = {
      factory: this,
      get region() {
        return fallbackRegion();
      },
    };
    const fallbackRegion = (): string | undefined => this.#fallbackRegion();
    const regions = new RegionCheck(settings.regionValidation, (region) => report.newRegion(region), installed.platform.partition);
    const fromEnvironment = environmentSource(() => installed.platform.environment());
    if (settings.defaultRegion !== undefined) regions.check(settings.defaultRegion, { from: 'defaultRegion' });
    this.#settings = settings;
    this.#store = new ClientStore(
      settings,
      installed,
      report,
      credentialContext,
      () => this.disposed,
      () => this.#disposedError(),
    );
    this.#context = {
      tiers: settings.tiers,
      serviceTiers: new ServiceTierOverrides(settings.serviceTiers),
      region: (region, source) => {
        const value = region !== undefined ? region : this.#fallbackRegion();
        // A fallback refused here is the environment's: a defaultRegion was checked above.
        return value === undefined ? undefined : regions.check(value, region !== undefined ? source : fromEnvironment);
      },
      fallbackRegion: () => this.#fallbackRegion(),
      credentialIds: this.#store.credentialIds,
      platform: installed.platform,
      classes: installed.clientClasses,
    };
  }

  /**
   * The same as {@link configureClientFactory}: configures the process-wide
   * factory in place (a reference kept to it stays valid), or the one
   * `getInstance()` makes next; refused once it has built anything from its
   * current settings.
   *
   * @throws AwsClientError as `configureClientFactory` does.
   */
  static configure(options: ClientFactoryOptions): AwsClientFactory {
    // Checked and copied before anything changes: bad options leave the factory as it was.
    const settings = readFactoryOptions(options, 'configureClientFactory()');
    const [factoryKey, settingsKey] = processWide();
    let factory = shared[factoryKey] as AwsClientFactory | undefined;
    if (factory === undefined || factory.disposed) {
      factory = new AwsClientFactory(CONSTRUCT);
      factory.#setUp(settings);
      keep(factoryKey, factory);
    } else {
      // Maybe another copy's factory: its RECONFIGURE refuses it in use, and applies the settings (throwing before any change for a refused defaultRegion).
      (factory as unknown as { [RECONFIGURE]: (settings: FactorySettings) => void })[RECONFIGURE](settings);
    }
    // Kept only once applied: refused settings never reach the next getInstance().
    keep(settingsKey, settings);
    return factory;
  }

  /** `instanceof` holds for factories made by any copy of the package. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [FACTORY_BRAND]?: unknown })[FACTORY_BRAND] === true;
  }

  /**
   * The process-wide factory, created on first use. Shared by every copy of
   * the package loaded in the process (ESM and CJS builds, duplicate
   * installs): it lives on `globalThis` under a `Symbol.for` key. The web
   * build, loaded into a Node process too, keeps one of its own. After
   * `dispose()`, the next call creates a fresh one.
   */
  static getInstance(): AwsClientFactory {
    const [factoryKey, settingsKey] = processWide();
    const existing = shared[factoryKey] as AwsClientFactory | undefined;
    if (existing && !existing.disposed) return existing;
    const created = new AwsClientFactory(CONSTRUCT);
    const settings = shared[settingsKey] as FactorySettings | undefined;
    if (settings !== undefined) created.#setUp(settings);
    keep(factoryKey, created);
    return created;
  }

  /** Whether `dispose()` has been called. */
  get disposed(): boolean {
    return this.#disposing !== undefined;
  }

  /**
   * Returns the cached SDK client for these options, creating it on the
   * first call. Synchronous. Equal options give the same client whatever
   * their object identity or shape (plain, frozen, a class with getters, a
   * Proxy); any change that alters what the client would do (region,
   * profile, credentials, tier, any config value) gives another. Cached
   * clients are shared: do not add middleware to them or change their
   * config; `client.destroy()` retires one (the next call builds a fresh one).
   *
   * @param service - a service definition (`s3` from `@dbp/aws-s3`), a registered id (`'s3'`) or any SDK v3 client class (`SQSClient`).
   * @throws AwsRegionError for a malformed region, AwsCredentialError for
   *   malformed, expired or (off Node) missing credentials, AwsClientError for
   *   an unknown service, tier or option.
   * @example
   * ```ts
   * const s3Client = factory.getClient(s3, { region: 'eu-west-1', config: { forcePathStyle: true } })
   * const sqsClient = factory.getClient(SQSClient, { region: 'eu-west-1' }) // typed SQSClient, tier from SERVICE_TIERS
   * ```
   */
  // Two signatures, not one per kind of service: TypeScript 7 reports only the last overload's
  // error, which named the client-class overload for a misspelt option. The first takes what is
  // known to be a service (a type parameter in the caller's own generic code included); the last
  // takes any string, to say what an unregistered id needs, and is the one whose error is shown.
  getClient<TService extends KnownService>(service: TService, options?: GetClientOptions<ConfigFor<TService>>): ClientFor<TService>;
  getClient<TService extends ServiceInput>(service: ServiceArgument<TService>, options?: GetClientOptions<ConfigFor<TService>>): ClientFor<TService>;
  getClient(service: unknown, options?: GetClientOptions<Record<string, unknown>>): SdkClientLike {
    return this.#entryFor(service, options, 'getClient()').client;
  }

  /** The cache entry `getClient(service, options)` answers with; `where` is the method called, as its refusals name it. */
  #entryFor(service: unknown, options: unknown, where: CallWhere): CacheEntry {
    this.#assertOpen();
    const entry = this.#store.clientFor(service, options, this.#read, this.#context, where);
    if (entry === undefined) throw this.#disposedError();
    return entry;
  }

  /**
   * Returns the client `getClient(service, options)` returns (the same
   * cached one), with its first-request work done ahead, without sending
   * anything to the service: its credentials resolved through the shared
   * session (the memoised provider every client of those credentials uses,
   * so the first request and other services reuse them), its region and
   * endpoint resolved, and its SigV4 signer built and run once on a request
   * that goes nowhere (a `signer` passed in `config` is run too, on a request
   * to `warm.invalid`). Meant for Lambda init and service start-up, so that a
   * slow credential source (STS, SSO, IMDS, container credentials) lands
   * there and not on the first user request. Calling it again is cheap.
   *
   * @param service - as for `getClient`.
   * @returns a promise of the cached client.
   * @throws (rejects with) the errors of `getClient` for bad input, and
   *   AwsCredentialError when the credentials cannot be resolved (a failing
   *   provider, a missing profile, expired explicit credentials), and
   *   AwsRegionError (`MISSING_REGION`) when no region can be found (on Node:
   *   none given, no `defaultRegion`, no `AWS_REGION`, none in the config file),
   *   and AwsClientError `FACTORY_DISPOSED` when `dispose()` is called before
   *   the warm-up finished (at once, whatever the credential source still waits for).
   * @example
   * ```ts
   * // Lambda: at init, outside the handler
   * const s3Client = await factory.warm(s3, { region: 'eu-west-1', credentials: assumeRole({ roleArn }) })
   * export const handler = async () => s3Client.send(new ListBucketsCommand({}))
   * ```
   */
  warm<TService extends KnownService>(service: TService, options?: GetClientOptions<ConfigFor<TService>>): Promise<ClientFor<TService>>;
  warm<TService extends ServiceInput>(service: ServiceArgument<TService>, options?: GetClientOptions<ConfigFor<TService>>): Promise<ClientFor<TService>>;
  async warm(service: unknown, options?: GetClientOptions<Record<string, unknown>>): Promise<SdkClientLike> {
    let entry = this.#entryFor(service, options, 'warm()');
    for (let attempt = 1; ; attempt++) {
      // dispose() ends the wait (a credential source that never answers cannot
      // hold a warm-up for good), and a client it destroyed is never handed out.
      // One promise per call, not one shared by all: each race against a shared
      // promise that settles only at dispose() left a reaction on it (~300 B per
      // call, kept until dispose(); the process-wide factory is never disposed).
      let end: (() => void) | undefined;
      const ended = new Promise<void>((resolve) => {
        end = resolve;
      });
      this.#warmUps.add(end as () => void);
      try {
        await Promise.race([warmClient(entry.client), ended]);
      } finally {
        this.#warmUps.delete(end as () => void);
      }
      this.#assertOpen();
      // Removed while it warmed (clearCache(), an eviction, a caller's
      // destroy()): the client getClient gives now, warmed too (a few times at
      // most), never one the cache no longer holds.
      if (entry.state === 'live') return entry.client;
      entry = this.#entryFor(service, options, 'warm()');
      if (attempt === MAX_WARM_ATTEMPTS) return entry.client;
    }
  }

  /**
   * The session for these options: the resolved region, the profile and one
   * memoised credential provider shared by every client made with the same
   * credentials. Five services on one session resolve credentials once.
   *
   * @example
   * ```ts
   * const { credentials } = factory.getSession({ profile: 'analytics' })
   * await credentials() // resolves once, then reused until near expiry
   * ```
   */
  getSession(options?: SessionOptions): AwsSession {
    this.#assertOpen();
    const read = emptyRead();
    guardRead('getSession()', () => readCall(options, read));
    // getClient's reader, with what only a client has (config, tier) refused too.
    const extra = read.config !== undefined ? 'config' : read.tier !== undefined ? 'tier' : undefined;
    const problem = read.problem ?? (extra && { kind: 'unknown-key', key: extra });
    if (problem !== undefined) refuseProblem('getSession()', problem, SESSION_NAMES);
    const { region, profile, credentials } = guardRead('getSession()', () => resolveSession(read, undefined, this.#context));
    refuseExpired(credentials.expiresAt);
    return this.#store.session(region, profile, credentials);
  }

  /**
   * Removes cached clients (all, or those matching the filter) and, unless a
   * service is named, their sessions. Removed clients finish their in-flight
   * requests and bodies, then are destroyed: clearing never fails a running
   * request.
   *
   * @returns how many clients were removed.
   * @throws AwsRegionError (`INVALID_REGION`) for a malformed `region`, as
   *   `getClient` refuses it; AwsClientError for a filter of the wrong shape.
   * @example
   * ```ts
   * factory.clearCache({ service: 's3', region: 'us-east-1' })
   * factory.clearCache({ service: SQSClient })
   * ```
   */
  clearCache(filter?: ClearCacheFilter): number {
    const { service, region } = readOptions('clearCache()', filter, ['service', 'region']);
    const matches = guardRead('clearCache()', () => this.#store.filter(service, region));
    // Checked as getClient checks it: a typo ('eu-west-l', 'EU-WEST-1') matches no client, and clearing nothing without a word hides it.
    if (region !== undefined) this.#context.region(region);
    // Sessions are shared by services; a region-only or full clear drops them too.
    return this.#store.clear(matches, service === undefined ? { region: region as string | undefined } : undefined);
  }

  /**
   * Counters and one row per cached client (least recently used first), with
   * its in-flight requests, open bodies and, where the runtime exposes them,
   * sockets. Holds no secret: credentials appear only as `credentialId`.
   */
  stats(): FactoryStats {
    return { ...this.#store.counters(), ...this.#store.heal(), draining: this.#store.draining, entries: this.#store.rows() };
  }

  /**
   * Final: refuses further use, waits for in-flight responses at most
   * `disposeGraceMs` (default 5 s; the wait holds the process, so the promise
   * always settles, even when awaited alone), then destroys every
   * client and any body still open, so an unread body never keeps sockets or
   * the process alive. Idle clients are destroyed at once, and with nothing
   * in flight there is no wait. The promise
   * settles when every client is destroyed. `getInstance()` afterwards
   * returns a new factory.
   */
  dispose(): Promise<void> {
    if (this.#disposing === undefined) {
      // Disposed before anything runs: a logger or listener that re-enters
      // getClient while clients are retired gets FACTORY_DISPOSED.
      this.#disposing = Promise.resolve();
      // Which factory this was, for the errors given later: the process-wide one is replaced at its next use.
      this.#wasShared = shared[processWide()[0]] === this;
      for (const endWarmUp of this.#warmUps) endWarmUp();
      this.#warmUps.clear();
      this.#disposing = this.#store.close();
    }
    return this.#disposing;
  }

  /** Same as `dispose()`, for `using factory = createClientFactory()`. */
  [Symbol.dispose](): void {
    void this.dispose();
  }

  /** Same as `dispose()`, for `await using factory = createClientFactory()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** A summary without secrets, for `JSON.stringify(factory)`. */
  toJSON(): FactorySummary {
    return this.#store.counters();
  }

  #assertOpen(): void {
    if (this.#disposing !== undefined) throw this.#disposedError();
  }

  /** `FACTORY_DISPOSED`, saying whether this was the process-wide factory (whose getter gives a fresh one) or one of the caller's own. */
  #disposedError(): Error {
    // Only given once dispose() has begun, which records whether this was the process-wide factory.
    return fail('FACTORY_DISPOSED', { shared: this.#wasShared });
  }

  #fallbackRegion(): string | undefined {
    return (this.#settings.defaultRegion as string | undefined) ?? environmentRegion(this.#installed.platform.environment());
  }
}

// util.inspect / console.log show a summary without secrets. Defined outside
// the class body so the declaration files need no private symbol.
Object.defineProperty(AwsClientFactory.prototype, INSPECT, {
  value(this: AwsClientFactory): string {
    const { clients, sessions, hits, misses, evictions } = this.toJSON();
    return `AwsClientFactory { clients: ${clients}, sessions: ${sessions}, hits: ${hits}, misses: ${misses}, evictions: ${evictions}${this.disposed ? ', disposed' : ''} }`;
  },
});

/**
 * The process-wide factory; same as `AwsClientFactory.getInstance()`.
 *
 * @example
 * ```ts
 * const s3Client = getClientFactory().getClient('s3', { region: 'us-east-1' })
 * ```
 */
export function getClientFactory(): AwsClientFactory {
  return AwsClientFactory.getInstance();
}

/** What is kept on `globalThis` for the process-wide factory: `globalThis[key]`, with a key from `processWide()`. */
const shared = globalThis as { [key: symbol]: unknown };
/** The keys of the process-wide factory and of its settings (`configureClientFactory`), once known. */
let processWideKeys: readonly [factory: symbol, settings: symbol] | undefined;

/**
 * Where the process-wide factory and its settings live on `globalThis`:
 * `Symbol.for` keys every copy of the package of this build shares (ESM and
 * CJS, duplicate installs, earlier versions of the Node build). The web
 * build has keys of its own: Node code in a process that also loads the web
 * build (tests under jsdom, an isomorphic library's browser bundle) gets a
 * factory with Node's credential chain and lifecycle, whichever build loaded
 * first. (A web build from before it had keys of its own uses the Node keys.)
 */
function processWide(): readonly [factory: symbol, settings: symbol] {
  if (processWideKeys === undefined) {
    // Once: this runs at every getInstance() (every getS3Client()).
    const build = installation().platform.flavor === 'node' ? '' : ':web';
    processWideKeys = [Symbol.for(`@dbp/aws-core/factory@1${build}`), Symbol.for(`@dbp/aws-core/factory-settings@1${build}`)];
  }
  return processWideKeys;
}

/** Keeps `value` on `globalThis` under `key`, not enumerable. */
function keep(key: symbol, value: unknown): void {
  Object.defineProperty(shared, key, { value, enumerable: false, configurable: true, writable: true });
}

/**
 * Configures the process-wide factory (the one `getClientFactory()`,
 * `AwsClientFactory.getInstance()` and the service packages' helpers such
 * as `getS3Client()` use) with any {@link createClientFactory} option. Call
 * it once at start-up, before the first client. The options are checked at
 * once (the same errors as `createClientFactory`) and copied; they apply to
 * every client the process-wide factory makes, and stay in force for the
 * factory `getInstance()` makes after a `dispose()`. Called again before
 * first use, the new options replace the old ones whole.
 *
 * @returns the process-wide factory, configured (the same object a caller
 *   may already hold from `getClientFactory()`).
 * @throws AwsClientError `FACTORY_ALREADY_IN_USE` once the process-wide
 *   factory has made a client or a session: its options would apply only to
 *   what it makes later, so nothing is changed. Configure first, or use
 *   `createClientFactory(options)` for a factory of your own.
 * @example
 * ```ts
 * import { configureClientFactory, DEFAULT_TIERS } from '@dbp/aws-core'
 *
 * configureClientFactory({
 *   defaultRegion: 'eu-west-1',
 *   serviceTiers: { athena: 'reports' },
 *   tiers: { reports: { ...DEFAULT_TIERS.data, readTimeoutMs: 300_000 } },
 * })
 * ```
 */
export function configureClientFactory(options: ClientFactoryOptions): AwsClientFactory {
  return AwsClientFactory.configure(options);
}

/**
 * An isolated factory with its own cache: for tests, dependency injection and
 * multi-tenant hosts.
 *
 * @example
 * ```ts
 * await using factory = createClientFactory({ maxClients: 32, defaultRegion: 'eu-west-1' })
 * ```
 */
export function createClientFactory(options?: ClientFactoryOptions): AwsClientFactory {
  // The constructor is private to users, not to this module.
  return new (AwsClientFactory as unknown as new (token: symbol, options?: ClientFactoryOptions) => AwsClientFactory)(CONSTRUCT, options);
}
