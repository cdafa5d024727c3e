import { runtime } from '#runtime';
import { AwsClientError, AwsCredentialError, AwsRegionError, describeType } from './errors.js';
import { credentialMaterial, expiredError, memoizeProvider, providerMaterial, staticProvider, validateCredentials } from './internal/credentials.js';
import { addPath, emptyFastKey, FastIndex, type FastKey, readFastKey } from './internal/fastIndex.js';
import { canonicalConfig, isPlainRecord, safeCopy } from './internal/fingerprint.js';
import { checkRegion, type RegionValidation } from './internal/regions.js';
import { clip, closest } from './internal/text.js';
import {
  type ClientOf,
  type ConfigOf,
  isServiceDefinition,
  lookupService,
  registeredServiceIds,
  type SdkClientLike,
  type ServiceDefinition,
  type ServiceRegistry,
} from './serviceDefinition.js';
import { DEFAULT_TIERS, type TierConfig, validateTier } from './tiers.js';
import type {
  AwsCredentialProvider,
  AwsCredentials,
  AwsSession,
  ClearCacheFilter,
  ClientStatsEntry,
  FactoryStats,
  GetClientOptions,
  Logger,
  SessionOptions,
} from './types.js';

export type { RegionValidation } from './internal/regions.js';

/**
 * Options of {@link createClientFactory}.
 *
 * @example
 * ```ts
 * const factory = createClientFactory({ maxClients: 64, ttlMs: 15 * 60_000, regionValidation: 'strict', defaultRegion: 'eu-west-1' })
 * ```
 */
export interface ClientFactoryOptions {
  /** Add tiers, or override built-in ones by name (`{ ai: { ...DEFAULT_TIERS.ai, readTimeoutMs: 300_000 } }`). */
  tiers?: Readonly<Record<string, TierConfig>> | undefined;
  /**
   * Most clients kept; the least recently used beyond it are removed
   * (drained, then destroyed).
   * @default 256
   */
  maxClients?: number | undefined;
  /** Remove clients not handed out for this many milliseconds. Off by default. */
  ttlMs?: number | undefined;
  /**
   * Receives the factory's own diagnostics (`{ debug, info, warn, error }`,
   * SDK-compatible). Never receives a secret.
   * @default warnings and errors to the console
   */
  logger?: Partial<Logger> | undefined;
  /**
   * `'strict'`: refuse regions the SDK does not list; `'warn'`: allow a
   * well-formed unlisted region (a new one) with a warning; `'off'`: no checks.
   * Malformed regions (`us-east-l`) are refused unless `'off'`.
   * @default 'warn'
   */
  regionValidation?: RegionValidation | undefined;
  /** Region used when a call gives none (before the environment's). */
  defaultRegion?: string | undefined;
}

interface CacheEntry {
  readonly key: string;
  readonly service: string;
  readonly region: string | undefined;
  readonly profile: string | undefined;
  readonly tier: string;
  readonly credentialId: string;
  readonly client: SdkClientLike;
  /** Static credentials' expiry; the entry is not served after it. */
  readonly expiresAt: number | undefined;
  readonly createdAt: number;
  /** Credential parts compared (never used as keys) by the fast path. */
  readonly secret: string | undefined;
  readonly token: string | undefined;
  readonly expirationMs: number | undefined;
  readonly scope: string | undefined;
  readonly account: string | undefined;
  /** Fast-index paths that point at this entry. */
  readonly fastPaths: unknown[][];
  hits: number;
  lastUsedAt: number;
  /** Recency for the LRU bound: a counter, bumped on every hit. */
  tick: number;
  inFlight: number;
  retired: boolean;
  destroyed: boolean;
}

interface ResolvedSession {
  readonly key: string;
  readonly region: string | undefined;
  readonly profile: string | undefined;
  readonly credentialId: string;
  readonly expiresAt: number | undefined;
  readonly create: () => AwsSession;
}

const INSTANCE_KEY = Symbol.for('@dbp/aws-core/factory@1');
const FACTORY_BRAND = Symbol.for('@dbp/aws-core/factory-brand');
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const CONSTRUCT: unique symbol = Symbol('construct') as never;
const OPTION_KEYS: ReadonlySet<string> = new Set(['region', 'profile', 'credentials', 'config', 'tier']);
/** What a session is made of: getSession's options, and config keys the factory owns (not part of the config fingerprint). */
const SESSION_KEYS: ReadonlySet<string> = new Set(['region', 'profile', 'credentials']);
const FILTER_KEYS: ReadonlySet<string> = new Set(['service', 'region']);
const FACTORY_OPTION_KEYS: ReadonlySet<string> = new Set(['tiers', 'maxClients', 'ttlMs', 'logger', 'regionValidation', 'defaultRegion']);
const DEFAULT_MAX_CLIENTS = 256;
const NO_SESSION_REGION = '*';
const MAX_REMEMBERED_REGIONS = 1024;
const noop = (): void => {};

function defaultLogger(): Logger {
  return {
    debug: noop,
    info: noop,
    warn: (...args) => console.warn(...args),
    error: (...args) => console.error(...args),
  };
}

function toLogger(logger: Partial<Logger> | undefined): Logger {
  if (logger === undefined) return defaultLogger();
  if (typeof logger !== 'object' || logger === null) {
    throw new AwsClientError(`logger must be an object with debug/info/warn/error methods, got ${describeType(logger)}.`, { code: 'INVALID_FACTORY_OPTIONS' });
  }
  const pick = (name: keyof Logger): ((...args: unknown[]) => void) => {
    const method = logger[name];
    return typeof method === 'function' ? method.bind(logger) : noop;
  };
  return { debug: pick('debug'), info: pick('info'), warn: pick('warn'), error: pick('error') };
}

function checkOptionKeys(options: Record<string, unknown>, allowed: ReadonlySet<string>, where: string): void {
  for (const key in options) {
    if (!Object.hasOwn(options, key) || allowed.has(key)) continue;
    const near = closest(key.toLowerCase(), allowed, 3) ?? [...allowed].find((candidate) => key.toLowerCase().includes(candidate.toLowerCase()));
    const shown = clip(key);
    throw new AwsClientError(`${where} got an unknown option '${shown}'.${near ? ` Did you mean '${near}'?` : ''} Allowed: ${[...allowed].join(', ')}.`, {
      code: 'INVALID_OPTIONS',
    });
  }
}

function toRandomKey(): Uint8Array {
  const key = new Uint8Array(32);
  globalThis.crypto.getRandomValues(key);
  return key;
}

/**
 * The factory: one place to get AWS SDK v3 clients, cached by service, tier,
 * region, profile, credentials and configuration.
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
  readonly #clients = new Map<string, CacheEntry>();
  /** Exact inputs → entry, for hits without hashing (see FastIndex). */
  readonly #fast = new FastIndex<CacheEntry>();
  readonly #fastKey: FastKey = emptyFastKey();
  readonly #fallbackRegion = (): string | undefined => this.#defaultRegion ?? runtime.environmentRegion();
  #tick = 0;
  /** The last clock reading (see the fast path in getClient). */
  #clock: number = Date.now();
  readonly #sessions = new Map<string, AwsSession>();
  readonly #draining = new Set<CacheEntry>();
  readonly #tiers: ReadonlyMap<string, TierConfig>;
  readonly #maxClients: number;
  readonly #ttlMs: number | undefined;
  readonly #logger: Logger;
  readonly #regionValidation: RegionValidation;
  readonly #defaultRegion: string | undefined;
  readonly #hmacKey: Uint8Array = toRandomKey();
  readonly #validRegions = new Set<string>();
  #hits = 0;
  #misses = 0;
  #evictions = 0;
  #disposed = false;

  /**
   * Not public: use `AwsClientFactory.getInstance()` or `createClientFactory()`.
   * @throws AwsClientError when called from outside.
   */
  constructor(token?: unknown, options?: ClientFactoryOptions) {
    if (token !== CONSTRUCT) {
      throw new AwsClientError(
        'AwsClientFactory is not constructed directly. Use AwsClientFactory.getInstance() (or getClientFactory()) for the process-wide factory, or createClientFactory(options) for an isolated one.',
        { code: 'CONSTRUCTOR_IS_PRIVATE' },
      );
    }
    const opts = options ?? {};
    if (typeof opts !== 'object' || opts === null) {
      throw new AwsClientError(`createClientFactory() takes an options object, got ${describeType(opts)}.`, { code: 'INVALID_FACTORY_OPTIONS' });
    }
    checkOptionKeys(opts as Record<string, unknown>, FACTORY_OPTION_KEYS, 'createClientFactory()');
    const tiers = new Map<string, TierConfig>(Object.entries(DEFAULT_TIERS));
    if (opts.tiers !== undefined) {
      if (!isPlainRecord(opts.tiers)) throw new AwsClientError('tiers must be an object of tier name → tier.', { code: 'INVALID_FACTORY_OPTIONS' });
      for (const [name, tier] of Object.entries(opts.tiers)) tiers.set(name, validateTier(name, tier));
    }
    this.#tiers = tiers;
    const maxClients = opts.maxClients ?? DEFAULT_MAX_CLIENTS;
    if (!Number.isInteger(maxClients) || maxClients < 1) {
      throw new AwsClientError(
        `maxClients must be a positive integer, got ${describeType(maxClients)} ${typeof maxClients === 'number' ? maxClients : ''}.`.replace(' .', '.'),
        {
          code: 'INVALID_FACTORY_OPTIONS',
        },
      );
    }
    this.#maxClients = maxClients;
    if (opts.ttlMs !== undefined && !(typeof opts.ttlMs === 'number' && opts.ttlMs > 0 && Number.isFinite(opts.ttlMs))) {
      throw new AwsClientError('ttlMs, when given, must be a positive number of milliseconds.', { code: 'INVALID_FACTORY_OPTIONS' });
    }
    this.#ttlMs = opts.ttlMs;
    this.#logger = toLogger(opts.logger);
    const validation = opts.regionValidation ?? 'warn';
    if (validation !== 'strict' && validation !== 'warn' && validation !== 'off') {
      throw new AwsClientError("regionValidation must be 'strict', 'warn' or 'off'.", { code: 'INVALID_FACTORY_OPTIONS' });
    }
    this.#regionValidation = validation;
    if (opts.defaultRegion !== undefined) this.#validateRegion(opts.defaultRegion);
    this.#defaultRegion = opts.defaultRegion;
    Object.defineProperty(this, FACTORY_BRAND, { value: true });
  }

  /** `instanceof` holds for factories made by any copy of the package. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [FACTORY_BRAND]?: unknown })[FACTORY_BRAND] === true;
  }

  /**
   * The process-wide factory, created on first use. Shared by every copy of
   * the package loaded in the process (ESM and CJS builds, duplicate
   * installs): it lives on `globalThis` under a `Symbol.for` key. After
   * `dispose()`, the next call creates a fresh one.
   */
  static getInstance(): AwsClientFactory {
    const holder = globalThis as { [INSTANCE_KEY]?: AwsClientFactory };
    const existing = holder[INSTANCE_KEY];
    if (existing && !existing.disposed) return existing;
    const created = new AwsClientFactory(CONSTRUCT);
    Object.defineProperty(holder, INSTANCE_KEY, { value: created, enumerable: false, configurable: true, writable: true });
    return created;
  }

  /** Whether `dispose()` has been called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /**
   * Returns the cached SDK client for these options, creating it on the
   * first call. Synchronous. Equal options give the same client whatever
   * their object identity; any change that alters what the client would do
   * (region, profile, credentials, tier, any config value) gives another.
   *
   * @param service - a service definition (`s3` from `@dbp/aws-s3`) or a registered id (`'s3'`).
   * @throws AwsRegionError for a malformed region, AwsCredentialError for
   *   malformed, expired or (off Node) missing credentials, AwsClientError for
   *   an unknown service, tier or option.
   * @example
   * ```ts
   * const client = factory.getClient(s3, { region: 'eu-west-1', config: { forcePathStyle: true } })
   * ```
   */
  getClient<TService extends ServiceDefinition<SdkClientLike, never>>(service: TService, options?: GetClientOptions<ConfigOf<TService>>): ClientOf<TService>;
  getClient<TId extends keyof ServiceRegistry>(service: TId, options?: GetClientOptions<ConfigOf<ServiceRegistry[TId]>>): ClientOf<ServiceRegistry[TId]>;
  getClient(service: ServiceDefinition<SdkClientLike, never> | string, options?: GetClientOptions<Record<string, unknown>>): SdkClientLike {
    this.#assertOpen();
    const key = this.#fastKey;
    if (readFastKey(service, options, this.#fallbackRegion, key)) {
      const entry = this.#fast.get(key);
      if (entry !== undefined && !entry.retired) {
        // Reading the clock costs more than the rest of a hit on some VMs
        // (kvm-clock: ~50–80 ns), so a hit reads it only when correctness
        // needs it (expiring credentials, ttl) and otherwise samples it.
        if (entry.expiresAt !== undefined || this.#ttlMs !== undefined || (this.#hits & 255) === 0) this.#clock = Date.now();
        if (this.#isFresh(entry, this.#clock)) return this.#hit(entry, this.#clock).client;
      }
    }
    const entry = this.#getEntry(service, options);
    // Read the inputs again: the full path may have run user code (a logger,
    // a client constructor) that re-entered getClient and reused the scratch key.
    if (readFastKey(service, options, this.#fallbackRegion, key) && this.#fast.get(key) !== entry) {
      addPath(entry.fastPaths, this.#fast.set(key, entry));
    }
    return entry.client;
  }

  /** The full path: validate everything, find or create the entry. */
  #getEntry(service: ServiceDefinition<SdkClientLike, never> | string, options: GetClientOptions<Record<string, unknown>> | undefined): CacheEntry {
    const definition = this.#definitionOf(service);
    const opts = this.#optionsRecord(options, OPTION_KEYS, 'getClient()');
    const tierName = opts.tier ?? definition.tier;
    const tier = this.#tiers.get(tierName);
    if (tier === undefined) {
      throw new AwsClientError(
        `Unknown tier '${String(tierName)}'. Known tiers: ${[...this.#tiers.keys()].join(', ')}. Add one with createClientFactory({ tiers }).`,
        { code: 'UNKNOWN_TIER' },
      );
    }
    let config: Record<string, unknown> | undefined;
    if (opts.config !== undefined) {
      if (!isPlainRecord(opts.config)) {
        throw new AwsClientError(`config must be a plain object of SDK client configuration, got ${describeType(opts.config)}.`, { code: 'INVALID_CONFIG' });
      }
      config = opts.config;
    }
    const sessionInput = this.#sessionInput(opts, config);
    const resolved = this.#resolveSession(sessionInput);
    const configKey = config === undefined ? '' : canonicalConfig(config, SESSION_KEYS);
    const key = `${definition.id}|${tierName}|${resolved.key}|${configKey}`;
    const now = Date.now();
    this.#clock = now;
    const cached = this.#clients.get(key);
    if (cached !== undefined) {
      if (this.#isFresh(cached, now)) return this.#hit(cached, now);
      if (this.#isIdle(cached, now)) this.#evictions++;
      this.#remove(cached, 'expired');
    }
    if (resolved.expiresAt !== undefined && resolved.expiresAt <= now) throw expiredError(new Date(resolved.expiresAt));
    this.#sweepIdle(now);
    const session = this.#sessionFor(resolved);
    const client = this.#createClient(definition, tier, session, config);
    const credentials = sessionInput.credentials;
    const isStatic = credentials !== undefined && typeof credentials === 'object';
    const entry: CacheEntry = {
      key,
      service: definition.id,
      region: resolved.region,
      profile: resolved.profile,
      tier: tierName,
      credentialId: resolved.credentialId,
      client,
      expiresAt: resolved.expiresAt,
      createdAt: now,
      secret: isStatic ? credentials.secretAccessKey : undefined,
      token: isStatic ? credentials.sessionToken : undefined,
      expirationMs: isStatic ? credentials.expiration?.getTime() : undefined,
      scope: isStatic ? credentials.credentialScope : undefined,
      account: isStatic ? credentials.accountId : undefined,
      fastPaths: [],
      hits: 0,
      lastUsedAt: now,
      tick: ++this.#tick,
      inFlight: 0,
      retired: false,
      destroyed: false,
    };
    this.#track(entry);
    this.#misses++;
    this.#clients.set(key, entry);
    this.#logger.debug(
      `[@dbp/aws] created ${definition.id} client (tier ${tierName}, region ${resolved.region ?? 'from the SDK'}, credentials ${resolved.credentialId})`,
    );
    while (this.#clients.size > this.#maxClients) {
      this.#evictions++;
      this.#remove(this.#leastRecentlyUsed() as CacheEntry, 'evicted');
    }
    return entry;
  }

  /** Idle longer than `ttlMs`. */
  #isIdle(entry: CacheEntry, now: number): boolean {
    return this.#ttlMs !== undefined && now - entry.lastUsedAt >= this.#ttlMs;
  }

  /** Servable: neither idle past `ttlMs` nor past its credentials' expiry. */
  #isFresh(entry: CacheEntry, now: number): boolean {
    return (entry.expiresAt === undefined || entry.expiresAt > now) && !this.#isIdle(entry, now);
  }

  /** Counts a cache hit on an entry and makes it the most recently used. */
  #hit(entry: CacheEntry, now: number): CacheEntry {
    this.#hits++;
    entry.hits++;
    entry.lastUsedAt = now;
    entry.tick = ++this.#tick;
    return entry;
  }

  #leastRecentlyUsed(): CacheEntry | undefined {
    let oldest: CacheEntry | undefined;
    for (const entry of this.#clients.values()) if (oldest === undefined || entry.tick < oldest.tick) oldest = entry;
    return oldest;
  }

  /**
   * The session for these options: the resolved region, the profile and one
   * memoised credential provider shared by every client made with the same
   * region, profile and credentials. Five services on one session resolve
   * credentials once.
   *
   * @example
   * ```ts
   * const { credentials } = factory.getSession({ profile: 'analytics' })
   * await credentials() // resolves once, then reused until near expiry
   * ```
   */
  getSession(options?: SessionOptions): AwsSession {
    this.#assertOpen();
    const opts = this.#optionsRecord(options, SESSION_KEYS, 'getSession()');
    const resolved = this.#resolveSession(this.#sessionInput(opts, undefined));
    if (resolved.expiresAt !== undefined && resolved.expiresAt <= Date.now()) throw expiredError(new Date(resolved.expiresAt));
    return this.#sessionFor(resolved);
  }

  /**
   * Removes cached clients (all, or those matching the filter) and their
   * sessions. Removed clients finish their in-flight requests, then are
   * destroyed (sockets closed): clearing never fails a running request.
   *
   * @returns how many clients were removed.
   * @example
   * ```ts
   * factory.clearCache({ service: 's3', region: 'us-east-1' })
   * ```
   */
  clearCache(filter?: ClearCacheFilter): number {
    if (filter !== undefined && (typeof filter !== 'object' || filter === null)) {
      throw new AwsClientError(`clearCache() takes { service?, region? }, got ${describeType(filter)}.`, { code: 'INVALID_OPTIONS' });
    }
    const f = (filter ?? {}) as Record<string, unknown>;
    checkOptionKeys(f, FILTER_KEYS, 'clearCache()');
    const service = typeof f.service === 'object' && f.service !== null ? (f.service as { id?: unknown }).id : f.service;
    if (service !== undefined && typeof service !== 'string') {
      throw new AwsClientError('clearCache({ service }) takes a service id or definition.', { code: 'INVALID_OPTIONS' });
    }
    const region = f.region;
    if (region !== undefined && typeof region !== 'string') {
      throw new AwsClientError('clearCache({ region }) takes a region string.', { code: 'INVALID_OPTIONS' });
    }
    let removed = 0;
    for (const entry of [...this.#clients.values()]) {
      if (service !== undefined && entry.service !== service) continue;
      if (region !== undefined && entry.region !== region) continue;
      this.#remove(entry, 'cleared');
      removed++;
    }
    if (service === undefined) {
      // Sessions are shared by services; a region-only or full clear drops them too.
      for (const [key, entry] of this.#sessions) {
        if (region === undefined || entry.region === region) this.#sessions.delete(key);
      }
    }
    return removed;
  }

  /**
   * Counters and one row per cached client. Holds no secret: credentials
   * appear only as a short non-reversible `credentialId`.
   */
  stats(): FactoryStats {
    const entries: ClientStatsEntry[] = [];
    for (const entry of [...this.#clients.values()].sort((a, b) => a.tick - b.tick)) {
      entries.push({
        service: entry.service,
        region: entry.region,
        profile: entry.profile,
        tier: entry.tier,
        credentialId: entry.credentialId,
        hits: entry.hits,
        createdAt: entry.createdAt,
        lastUsedAt: entry.lastUsedAt,
        inFlight: entry.inFlight,
      });
    }
    return {
      clients: this.#clients.size,
      sessions: this.#sessions.size,
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
      draining: this.#draining.size,
      entries,
    };
  }

  /**
   * Removes every client (each destroyed once its in-flight requests end)
   * and refuses further use. `getInstance()` afterwards returns a new factory.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.clearCache();
    this.#disposed = true;
  }

  /** Same as `dispose()`, for `using factory = createClientFactory()`. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** A summary without secrets, for `JSON.stringify(factory)`. */
  toJSON(): { clients: number; sessions: number; hits: number; misses: number; evictions: number } {
    return { clients: this.#clients.size, sessions: this.#sessions.size, hits: this.#hits, misses: this.#misses, evictions: this.#evictions };
  }

  #assertOpen(): void {
    if (this.#disposed) {
      throw new AwsClientError('This factory was disposed. Create a new one with createClientFactory(), or call AwsClientFactory.getInstance() again.', {
        code: 'FACTORY_DISPOSED',
      });
    }
  }

  #definitionOf(service: unknown): ServiceDefinition {
    if (typeof service === 'string') {
      const found = lookupService(service);
      if (found) return found;
      const known = registeredServiceIds();
      const shown = clip(service);
      throw new AwsClientError(
        `Unknown service '${shown}'. Registered: ${known.length ? known.join(', ') : 'none'}. Import its package's register entry (import '@dbp/aws-${shown}/register') or pass the definition itself (getClient(${shown}, …)).`,
        { code: 'UNKNOWN_SERVICE' },
      );
    }
    if (isServiceDefinition(service)) return service;
    throw new AwsClientError(`getClient() takes a service definition (such as s3 from @dbp/aws-s3) or a registered id, got ${describeType(service)}.`, {
      code: 'UNKNOWN_SERVICE',
    });
  }

  #optionsRecord(options: unknown, allowed: ReadonlySet<string>, where: string): GetClientOptions<Record<string, unknown>> {
    if (options === undefined) return {};
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new AwsClientError(`${where} takes an options object, got ${describeType(options)}.`, { code: 'INVALID_OPTIONS' });
    }
    checkOptionKeys(options as Record<string, unknown>, allowed, where);
    return options as GetClientOptions<Record<string, unknown>>;
  }

  #sessionInput(opts: GetClientOptions<Record<string, unknown>>, config: Record<string, unknown> | undefined): SessionOptions {
    // `config.region` / `config.credentials` / `config.profile` are accepted
    // as aliases of the top-level options, which win.
    // (`null` is kept, so it is refused as a wrong type rather than ignored.)
    const pick = (key: 'region' | 'profile' | 'credentials'): unknown => (opts[key] !== undefined ? opts[key] : config?.[key]);
    return {
      region: pick('region') as string | undefined,
      profile: pick('profile') as string | undefined,
      credentials: pick('credentials') as SessionOptions['credentials'],
    };
  }

  #validateRegion(region: unknown): string {
    if (typeof region === 'string' && this.#validRegions.has(region)) return region;
    const verdict = checkRegion(region, this.#regionValidation);
    if (verdict === 'new') {
      this.#logger.warn(
        `[@dbp/aws] Region '${region as string}' is not in the AWS SDK's region list; using it as given (a new region?). Update the SDK, or set regionValidation: 'strict' to refuse unlisted regions.`,
      );
    }
    if (this.#validRegions.size >= MAX_REMEMBERED_REGIONS) this.#validRegions.clear();
    this.#validRegions.add(region as string);
    return region as string;
  }

  #resolveSession(input: SessionOptions): ResolvedSession {
    const rawRegion = input.region !== undefined ? input.region : this.#fallbackRegion();
    const region = rawRegion === undefined ? undefined : this.#validateRegion(rawRegion);
    if (region === undefined && runtime.flavor === 'web') {
      throw new AwsRegionError('No region: browsers and edge runtimes have no AWS config files. Pass region (or set defaultRegion on the factory).', {
        code: 'MISSING_REGION',
        region: '',
      });
    }
    const profile = input.profile;
    if (profile !== undefined && (typeof profile !== 'string' || profile.length === 0 || profile.trim() !== profile)) {
      throw new AwsCredentialError(`profile must be a non-empty profile name without surrounding spaces, got ${describeType(profile)}.`, {
        code: 'INVALID_CREDENTIALS',
      });
    }
    const given = input.credentials;
    let material: string;
    let expiresAt: number | undefined;
    let makeProvider: () => AwsCredentialProvider;
    if (typeof given === 'function') {
      material = providerMaterial(given);
      makeProvider = () => memoizeProvider(given, { profileSources: runtime.profileSources });
    } else if (given !== undefined) {
      const credentials: AwsCredentials = validateCredentials(given);
      material = credentialMaterial(credentials);
      expiresAt = credentials.expiration?.getTime();
      makeProvider = () => staticProvider(credentials);
    } else {
      const chain = runtime.defaultCredentials(profile);
      if (chain === undefined) {
        throw new AwsCredentialError(
          'No credentials: browsers and edge runtimes have no default credential chain. Pass credentials: { accessKeyId, secretAccessKey, sessionToken? } or a provider function (for example fromCognitoIdentityPool) to getClient()/getSession().',
          { code: 'MISSING_CREDENTIALS' },
        );
      }
      material = profile === undefined ? 'default-chain' : 'profile';
      makeProvider = () => memoizeProvider(chain, { profile, profileSources: runtime.profileSources });
    }
    const digest = runtime.hmacSha256Hex(this.#hmacKey, material);
    const key = `${region ?? NO_SESSION_REGION}|${profile ?? ''}|${digest}`;
    const credentialId = digest.slice(0, 12);
    return {
      key,
      region,
      profile,
      credentialId,
      expiresAt,
      create: () => Object.freeze({ region, profile, credentials: makeProvider(), credentialId }),
    };
  }

  /**
   * The cached session for a resolved key, or a new one. Callers refuse
   * expired static credentials first, and the key covers the expiration, so
   * a cached session is never past its credentials' expiry.
   */
  #sessionFor(resolved: ResolvedSession): AwsSession {
    const session = this.#sessions.get(resolved.key) ?? resolved.create();
    // Re-insert so Map order stays least-recently-used first.
    this.#sessions.delete(resolved.key);
    this.#sessions.set(resolved.key, session);
    // Unbounded input must not make an unbounded map: keep as many sessions
    // as clients. A dropped session's provider lives on in its clients.
    while (this.#sessions.size > this.#maxClients) {
      this.#sessions.delete(this.#sessions.keys().next().value as string);
    }
    return session;
  }

  #createClient(definition: ServiceDefinition, tier: TierConfig, session: AwsSession, config: Record<string, unknown> | undefined): SdkClientLike {
    const defaults = runtime.handlerOptions(tier);
    const handlerOptions = definition.handlerOptions ? definition.handlerOptions({ runtime: runtime.flavor, tier, defaults }) : defaults;
    const user = config === undefined ? {} : safeCopy(config, SESSION_KEYS);
    const userHandler = user.requestHandler;
    // A plain-object requestHandler is options: merged over the tier's.
    // Anything else (a handler instance) replaces them.
    const requestHandler = userHandler === undefined ? handlerOptions : isPlainRecord(userHandler) ? { ...handlerOptions, ...userHandler } : userHandler;
    const merged: Record<string, unknown> = {
      maxAttempts: tier.maxAttempts,
      retryMode: tier.retryMode,
      ...user,
      requestHandler,
      credentials: session.credentials,
    };
    if (session.region !== undefined) merged.region = session.region;
    if (session.profile !== undefined) merged.profile = session.profile;
    try {
      return (definition.create as (config: Record<string, unknown>) => SdkClientLike)(merged);
    } catch (error) {
      throw new AwsClientError(
        `Creating the ${definition.id} client failed: ${error instanceof Error ? error.message : 'unknown error'}. Check the config passed to getClient().`,
        { code: 'INVALID_CONFIG', cause: error },
      );
    }
  }

  #track(entry: CacheEntry): void {
    const finish = (): void => {
      entry.inFlight--;
      if (entry.retired && entry.inFlight === 0) this.#destroy(entry);
    };
    const middleware = (next: (args: unknown) => Promise<{ output?: Record<string, unknown> }>) => async (args: unknown) => {
      entry.inFlight++;
      let streaming = false;
      try {
        const result = await next(args);
        const output = result?.output;
        if (output && typeof output === 'object') {
          for (const key of Object.keys(output)) {
            if (runtime.trackStream(output[key], finish)) {
              streaming = true;
              break;
            }
          }
        }
        return result;
      } finally {
        if (!streaming) finish();
      }
    };
    entry.client.middlewareStack.add(middleware as never, { step: 'initialize', priority: 'high', name: 'dbpAwsInFlightTracker' } as never);
  }

  #remove(entry: CacheEntry, reason: 'cleared' | 'evicted' | 'expired'): void {
    if (this.#clients.get(entry.key) === entry) this.#clients.delete(entry.key);
    for (const path of entry.fastPaths) this.#fast.delete(path, entry);
    if (entry.retired) return;
    entry.retired = true;
    this.#logger.debug(
      `[@dbp/aws] ${reason} ${entry.service} client (region ${entry.region ?? 'from the SDK'}, credentials ${entry.credentialId}, ${entry.inFlight} in flight)`,
    );
    if (entry.inFlight === 0) this.#destroy(entry);
    else this.#draining.add(entry);
  }

  #destroy(entry: CacheEntry): void {
    if (entry.destroyed) return;
    entry.destroyed = true;
    this.#draining.delete(entry);
    try {
      entry.client.destroy();
    } catch (error) {
      this.#logger.error(`[@dbp/aws] destroying a ${entry.service} client failed`, error instanceof Error ? error.message : 'unknown error');
    }
  }

  #sweepIdle(now: number): void {
    if (this.#ttlMs === undefined) return;
    for (const entry of [...this.#clients.values()]) {
      if (!this.#isIdle(entry, now)) continue;
      this.#evictions++;
      this.#remove(entry, 'expired');
    }
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

/**
 * An isolated factory with its own cache: for tests, dependency injection and
 * multi-tenant hosts.
 *
 * @example
 * ```ts
 * using factory = createClientFactory({ maxClients: 32, defaultRegion: 'eu-west-1' })
 * ```
 */
export function createClientFactory(options?: ClientFactoryOptions): AwsClientFactory {
  return new AwsClientFactory(CONSTRUCT, options);
}
