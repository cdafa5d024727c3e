/**
 * The core's public types, in one module that imports nothing but the
 * generated list of service packages (which imports nothing): service
 * definitions, tiers, options, credentials, sessions, stats, events and error
 * codes. Every other module of the core (kernel and plug-ins alike) takes its
 * types from here, so no type import can close a cycle.
 *
 * @module
 */

import type { ServicePackages } from './servicePackages.js';

/** Stable machine-readable codes carried by {@link AwsClientError.code}. */
export type AwsClientErrorCode =
  | 'CONSTRUCTOR_IS_PRIVATE'
  | 'INVALID_OPTIONS'
  | 'INVALID_CONFIG'
  | 'INVALID_FACTORY_OPTIONS'
  | 'INVALID_SERVICE_DEFINITION'
  | 'UNKNOWN_SERVICE'
  | 'UNKNOWN_TIER'
  | 'FACTORY_ALREADY_IN_USE'
  | 'FACTORY_DISPOSED'
  | 'BODY_ABANDONED'
  | 'INVALID_CREDENTIALS'
  | 'CREDENTIALS_EXPIRED'
  | 'CREDENTIALS_REJECTED'
  | 'MISSING_CREDENTIALS'
  | 'PROFILE_NOT_FOUND'
  | 'CREDENTIAL_PROVIDER_FAILED'
  | 'ASSUME_ROLE_FAILED'
  | 'INVALID_REGION'
  | 'UNKNOWN_REGION'
  | 'MISSING_REGION';

/** The runtime flavour the core was loaded as (chosen by package.json conditions). */
export type RuntimeFlavor = 'node' | 'web';

/**
 * The part of an SDK client the factory relies on: `destroy()` to close its
 * sockets and a middleware stack to count in-flight requests.
 */
export interface SdkClientLike {
  /** Closes the client's sockets. */
  destroy(): void;
  /** The SDK middleware stack. */
  readonly middlewareStack: {
    /** Adds a middleware (the factory adds its in-flight tracker). */
    add(middleware: never, options: never): void;
  };
}

/**
 * An SDK v3 client class, as `getClient` takes it (`SQSClient`). The
 * parameters are `never` (not `never[]`): SDK clients declare
 * `constructor(...[configuration]: [] | [XClientConfig])`, a tuple that
 * `never[]` is not assignable to.
 */
export type SdkClientClass<TClient extends SdkClientLike = SdkClientLike> = abstract new (...args: never) => TClient;

/** The configuration type of an SDK client class (`SQSClient` → `SQSClientConfig`). */
export type ConfigOfClass<TClass> = TClass extends abstract new (...args: infer TArgs) => unknown ? NonNullable<TArgs[0]> : never;

/** What a service definition's `handlerOptions` hook receives. */
export interface HandlerOptionsContext {
  /** `'node'` or `'web'` (browsers, workers, edge). */
  readonly runtime: RuntimeFlavor;
  /** The tier in force for this client. */
  readonly tier: TierConfig;
  /** The runtime's default mapping of the tier to `requestHandler` options. */
  readonly defaults: Readonly<Record<string, unknown>>;
}

/**
 * How a service package describes itself to the core.
 *
 * @typeParam TClient - the SDK client class instance type (`S3Client`).
 * @typeParam TConfig - its configuration type (`S3ClientConfig`).
 */
export interface ServiceDefinition<TClient extends SdkClientLike = SdkClientLike, TConfig extends object = object> {
  /** The service id used for string look-ups and `clearCache({ service })` (`'s3'`). */
  readonly id: string;
  /**
   * The tier this service's clients get unless a call or the factory's
   * `serviceTiers` asks for another.
   * @default the tier `SERVICE_TIERS` gives the id (`'standard'` for services it does not list)
   */
  readonly tier: TierName;
  /** Builds the SDK client from the merged configuration. */
  readonly create: (config: TConfig) => TClient;
  /**
   * Shapes the `requestHandler` options for this service on a runtime (the
   * Bedrock Runtime client uses an HTTP/2 handler on Node, which takes other
   * options). Defaults to the runtime's mapping.
   */
  readonly handlerOptions?: ((context: HandlerOptionsContext) => Record<string, unknown>) | undefined;
  /**
   * Where the definition comes from, when a package defines it (its package
   * name: `'@dbp/aws-s3'`). Definitions with the same origin are one service
   * and share clients: the ESM and CJS builds of a package loaded in one
   * process, or two installs of it. Definitions without one are told apart by
   * identity, so a custom `defineService({ id: 's3', … })` never gets the
   * package's clients, nor they its.
   */
  readonly origin?: string | undefined;
}

/** The SDK client type a service definition builds. */
export type ClientOf<TService> = TService extends {
  /** The definition's client constructor. */
  create: (...args: never[]) => infer TClient;
}
  ? TClient
  : never;

/** The SDK configuration type a service definition takes. */
export type ConfigOf<TService> = TService extends {
  /** The definition's client constructor. */
  create: (config: infer TConfig) => unknown;
}
  ? TConfig
  : never;

/**
 * String ids of registered services, filled by each service package through
 * module augmentation so `getClient('s3')` is typed:
 *
 * @example
 * ```ts
 * declare module '@dbp/aws-core' {
 *   interface ServiceRegistry { s3: typeof s3 }
 * }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by module augmentation
export interface ServiceRegistry {}

/** A registered service id: one of the ids the imported register entries (`@dbp/aws-s3/register`, …) add to `ServiceRegistry`. */
export type ServiceId = keyof ServiceRegistry & string;

/**
 * What `getClient` and `warm` take as a string id: a registered id as it is;
 * any other string becomes a sentence that says what to do, so the
 * compiler's "not assignable to parameter of type" error reads as advice,
 * not `never`.
 */
export type RegisteredId<TId extends string> = TId extends ServiceId
  ? TId
  : TId extends keyof ServicePackages
    ? `'${TId}' is not a registered service id: import its register entry once (import '${ServicePackages[TId]}/register'; it needs moduleResolution node16, nodenext or bundler), or pass the definition ${ServicePackages[TId]} exports`
    : `'${TId}' is not a registered service id. For a service a @dbp/aws package serves, import its register entry once (import '@dbp/aws-s3/register' registers 's3'; it needs moduleResolution node16, nodenext or bundler); for any other, pass its SDK v3 client class (getClient(SQSClient))`;

/** The SDK client type a registered id's definition builds (`never` for any other string). */
export type ClientOfId<TId extends string> = TId extends ServiceId ? ClientOf<ServiceRegistry[TId]> : never;

/** The SDK configuration type a registered id's definition takes (`never` for any other string). */
export type ConfigOfId<TId extends string> = TId extends ServiceId ? ConfigOf<ServiceRegistry[TId]> : never;

/** What `getClient` and `warm` take as the service: a service definition (`s3`), a registered id (`'s3'`) or an SDK v3 client class (`SQSClient`). */
export type ServiceInput = ServiceDefinition<SdkClientLike, never> | string | SdkClientClass;

/** A service `getClient` and `warm` know at compile time: a definition, a registered id or an SDK v3 client class. */
export type KnownService = ServiceDefinition<SdkClientLike, never> | ServiceId | SdkClientClass;

/**
 * The `service` parameter's type for the service given: a registered id, a
 * definition or a class as it is; an unregistered id, the sentence of
 * {@link RegisteredId}.
 */
export type ServiceArgument<TService extends ServiceInput> = TService extends string ? RegisteredId<TService> : TService;

/** The SDK client type `getClient(service)` returns for a definition, a registered id or a client class. */
export type ClientFor<TService extends ServiceInput> = TService extends string
  ? ClientOfId<TService>
  : TService extends SdkClientClass
    ? InstanceType<TService>
    : ClientOf<TService>;

/** The SDK configuration type `config` takes for a definition, a registered id or a client class. */
export type ConfigFor<TService extends ServiceInput> = TService extends string
  ? ConfigOfId<TService>
  : TService extends SdkClientClass
    ? ConfigOfClass<TService>
    : ConfigOf<TService>;

/** What `defineService` takes: a definition whose `tier` may be left to `SERVICE_TIERS`. */
export type ServiceDefinitionInput<TClient extends SdkClientLike, TConfig extends object> = Omit<ServiceDefinition<TClient, TConfig>, 'tier'> & {
  /**
   * The tier this service's clients get unless a call or the factory's
   * `serviceTiers` asks for another.
   * @default the tier `SERVICE_TIERS` gives the id (`'standard'` for services it does not list)
   */
  readonly tier?: TierName | undefined;
};

/**
 * How the SDK retries: `standard` (exponential back-off with jitter, retry
 * quota) or `adaptive` (standard plus client-side rate limiting).
 */
export type RetryMode = 'standard' | 'adaptive';

/**
 * A workload tier: plain data that becomes the client's retry and timeout
 * configuration.
 *
 * @example
 * ```ts
 * const batch: TierConfig = { maxAttempts: 8, retryMode: 'adaptive', connectTimeoutMs: 5_000, readTimeoutMs: 300_000 }
 * createClientFactory({ tiers: { batch } })
 * ```
 */
export interface TierConfig {
  /** Total attempts, the first request included (SDK v3 `maxAttempts`). */
  readonly maxAttempts: number;
  /** SDK retry strategy. */
  readonly retryMode: RetryMode;
  /** Longest wait for a TCP/TLS connection, in milliseconds (at most 2_147_483_647). */
  readonly connectTimeoutMs: number;
  /**
   * Longest wait for the next bytes of a response, in milliseconds (botocore's
   * read timeout): an idle limit, not a cap on the whole transfer. At most
   * 2_147_483_647.
   */
  readonly readTimeoutMs: number;
}

/** The built-in tier names. Factories may add more. */
export type DefaultTierName = 'standard' | 'ai' | 'data';

/** A tier name: a built-in one or one added with `createClientFactory({ tiers })`. */
export type TierName = DefaultTierName | (string & {});

/** How strictly regions are checked. */
export type RegionValidation = 'strict' | 'warn' | 'off';

/** What to do with an abandoned body: report it, or report and destroy it. */
export type AbandonedBodyAction = 'warn' | 'destroy';

/** The events, by name (the channel is `dbp:aws:` + the name). */
export type FactoryEventName = 'client:create' | 'client:evict' | 'client:destroy' | 'credentials:resolve' | 'credentials:refresh' | 'body:abandoned';

/** One event. Holds no secret. */
export interface FactoryEvent {
  /** The channel name: `'dbp:aws:client:create'`, … */
  readonly name: `dbp:aws:${FactoryEventName}`;
  /** When it happened (epoch milliseconds). */
  readonly at: number;
  /** The service id (`'s3'`), for client and body events. */
  readonly service?: string | undefined;
  /** The region, for client and body events (`undefined` when the SDK resolves it). */
  readonly region?: string | undefined;
  /** The tier, for client and body events. */
  readonly tier?: string | undefined;
  /** The short, non-reversible credential fingerprint. */
  readonly credentialId?: string | undefined;
  /**
   * Why: `'cleared'`, `'evicted'`, `'expired'`, `'destroyed-by-caller'`,
   * `'disposed'` (evict and destroy); `'ok'` or the failure's error code or
   * name (credentials); the operation names (body).
   */
  readonly reason?: string | undefined;
  /** Requests or bodies in flight on the client (client:evict, where they are counted: not in browsers and workers); bodies caught (body:abandoned). */
  readonly count?: number | undefined;
  /** Clients in the cache after the event. */
  readonly clients?: number | undefined;
  /** Credentials: how the provider was given (`'static'`, `'provider'`, `'keyed'`, `'chain'`). */
  readonly credentialKind?: string | undefined;
  /** Credentials: when the resolved ones expire (epoch ms), if they do. */
  readonly expiresAt?: number | undefined;
}

/** The payload of an event without its name and time. */
export type EventFields = Omit<FactoryEvent, 'name' | 'at'>;

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
   * Which tier a service id gets, over `SERVICE_TIERS` and the service
   * definitions' own (`{ sqs: 'data', bedrock: 'batch' }`; a family name
   * such as `'bedrock'` covers `'bedrock-runtime'`, `'bedrock-agent'`, …). A
   * call's `tier` option still wins. Keys are spelt exactly: where the
   * development aids are installed (Node, and web builds other than
   * production ones), a key close to a known service id but not one
   * (`'athenna'`, `'DynamoDB'`), or one no id can be (`'SQS'`,
   * `'SQSClient'`: ids are lower case), is refused as
   * `INVALID_FACTORY_OPTIONS`, naming the id; a key of a service the factory
   * does not know at all (`'sqs'`, reached by its client class) is accepted.
   */
  serviceTiers?: Readonly<Record<string, TierName>> | undefined;
  /**
   * Most clients kept; the least recently used beyond it are removed
   * (drained, then destroyed). Sessions and credential providers are kept
   * for up to four times as many (least recently used out): credentials
   * outlive an evicted client, so tenants that take turns beyond
   * `maxClients` get new clients but do not resolve their credentials again
   * (an AssumeRole each).
   * @default 256
   */
  maxClients?: number | undefined;
  /**
   * Remove clients not handed out for this many milliseconds, on an unref'd
   * timer (no further calls needed; never keeps the process alive). Off by
   * default. At most 2_147_483_647 (about 24.8 days, a timer's longest wait).
   * It counts from the last `getClient`, not the last request: a client the
   * caller holds and uses through its reference is removed all the same, and
   * then (Node) kept open while in use, destroyed once idle for 30 s.
   */
  ttlMs?: number | undefined;
  /**
   * Receives the factory's own diagnostics (`{ debug, info, warn, error }`,
   * SDK-compatible). Never receives a secret. A method that throws loses its
   * line and nothing else. Each line looks its method up on the logger as it
   * is logged, as the SDK does, so a level changed later (pino's
   * `logger.level = 'debug'`) is honoured; a level the logger has no method
   * for when it is given drops its lines.
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
  /**
   * Receives every event the factory publishes (client created, evicted,
   * destroyed; credentials resolved, refreshed; bodies abandoned), on every
   * runtime. On Node the same events go to `diagnostics_channel` channels
   * `dbp:aws:*` too. Never receives a secret; a throwing listener (or an
   * async one that rejects) is logged, not propagated.
   */
  onEvent?: ((event: FactoryEvent) => void) | undefined;
  /**
   * A streaming response body (a `GetObject` `Body`) neither read nor
   * destroyed for this many milliseconds is reported through the logger, once
   * per client, naming the service and operation. Reading is measured at the
   * body: one piped to a destination that takes nothing for this long (a
   * stalled downstream client holding back the pipe), or a `for await` loop
   * that spends this long on one chunk, counts as unread; waiting for the
   * server never does. Set it above the longest stall you accept (with
   * `onAbandonedBody: 'destroy'` such a body is destroyed). `0` turns it off; at most
   * 2_147_483_647. Node (and Bun, Deno) only: in browsers and workers the
   * body is the caller's `ReadableStream` and the option is accepted and
   * does nothing.
   * @default 60_000
   */
  abandonedBodyMs?: number | undefined;
  /**
   * What to do with an abandoned body: `'warn'` reports it; `'destroy'`
   * also destroys it, freeing its socket, and its reader and every later
   * read fail with `AwsClientError` code `BODY_ABANDONED`: the SDK's
   * `transformToString()`, `transformToByteArray()` and
   * `transformToWebStream()`, `for await`, `stream.pipeline()` and
   * `stream.promises.finished()`. It is then a destroyed Node stream with
   * that error as its `errored`: like any destroyed stream, it calls no
   * `'data'` or `'end'` listener added later, and `Readable.toWeb()` of it is
   * an empty stream. Node only, like `abandonedBodyMs`.
   * @default 'warn'
   */
  onAbandonedBody?: AbandonedBodyAction | undefined;
  /**
   * How long `dispose()` waits for in-flight responses before it destroys
   * every client (and the bodies still open) and fails the requests still
   * running with `FACTORY_DISPOSED` (no retry is sent after it), in
   * milliseconds; at most 2_147_483_647. The wait holds the process (an
   * un-awaited `dispose()`, or `using`, too), so keep it short where a process
   * must exit at once. Node only: in browsers and workers destroying a client
   * never touches a running request, so `dispose()` destroys at once and the
   * option is accepted and does nothing.
   * @default 5_000
   */
  disposeGraceMs?: number | undefined;
}

/**
 * Explicit AWS credentials. `expiration`, when given, is honoured: the
 * credentials are never served after it.
 */
export interface AwsCredentials {
  /** The access key id (`AKIA…` / `ASIA…`). */
  readonly accessKeyId: string;
  /** The secret access key. Never logged, printed or used as a cache key. */
  readonly secretAccessKey: string;
  /** The session token of temporary credentials. */
  readonly sessionToken?: string | undefined;
  /** When temporary credentials stop being valid. */
  readonly expiration?: Date | undefined;
  /** The credential scope, passed through to the SDK. */
  readonly credentialScope?: string | undefined;
  /** The account id, passed through to the SDK (account-based endpoints). */
  readonly accountId?: string | undefined;
}

/**
 * An SDK credential provider: an async function returning credentials, such
 * as `fromTemporaryCredentials(...)` or `fromCognitoIdentityPool(...)`.
 * Fingerprinted by identity: pass the same function to share clients, or
 * give one built per request a stable key with `keyedCredentials(key, provider)`.
 */
export type AwsCredentialProvider = () => Promise<AwsCredentials>;

/**
 * Credentials as the providers this package returns resolve them
 * (`keyedCredentials()`, a session's `credentials`, @dbp/aws-sts's
 * `assumeRole()`): {@link AwsCredentials} with each optional field absent
 * rather than `undefined`, the SDK's own `AwsCredentialIdentity`. So such a
 * provider fits a plain SDK client's `credentials` under
 * `exactOptionalPropertyTypes` too.
 */
export type ResolvedAwsCredentials = { readonly [K in keyof AwsCredentials]: Exclude<AwsCredentials[K], undefined> };

/**
 * A credential provider this package returns: accepted wherever an
 * {@link AwsCredentialProvider} is, and by a plain SDK client's `credentials`.
 */
export type ResolvedAwsCredentialProvider = (options?: object) => Promise<ResolvedAwsCredentials>;

/** The SDK logger shape: four methods taking any arguments. */
export interface Logger {
  /** Detailed diagnostics (client created, evicted, destroyed). */
  debug(...content: unknown[]): void;
  /** Informational messages. */
  info(...content: unknown[]): void;
  /** Something worth attention (an unlisted region under `'warn'`). */
  warn(...content: unknown[]): void;
  /** Errors (a client failed to destroy). */
  error(...content: unknown[]): void;
}

/** What identifies a session: where, as whom. */
export interface SessionOptions {
  /**
   * The AWS region. Falls back to the factory's `defaultRegion`, then
   * `AWS_REGION` / `AWS_DEFAULT_REGION` (Node), then the SDK's own resolution.
   */
  region?: string | undefined;
  /**
   * A named profile from the shared config/credentials files (Node only).
   * Ignored for credentials when explicit `credentials` are given.
   */
  profile?: string | undefined;
  /** Explicit credentials or a credential provider; wins over `profile`. */
  credentials?: AwsCredentials | AwsCredentialProvider | undefined;
}

/**
 * Options of `getClient`. Equal options give the same client whatever their
 * object identity.
 *
 * @typeParam TConfig - the SDK client configuration of the service.
 */
export interface GetClientOptions<TConfig = Record<string, unknown>> extends SessionOptions {
  /**
   * Any SDK client configuration for the service (`endpoint`,
   * `forcePathStyle`, `maxAttempts`, `requestHandler`, `logger`, …). Wins
   * over the tier. A plain-object `requestHandler` is merged over the tier's
   * timeouts; a handler instance replaces them (on Node the client's
   * `config.requestHandler` is then a view of it whose `handle()` adds an
   * abort signal of the factory's, so `dispose()` ends the client's requests
   * on a handler it never destroys). `config.region`,
   * `config.profile` and `config.credentials` stand for the options of the
   * same name; given both ways with different values (for `credentials`:
   * not the same object or function), `getClient` throws `INVALID_OPTIONS`
   * rather than drop one. `config.region` must be a string: the SDK also
   * takes a provider function, which the factory cannot key by value
   * (refused when called; typed as the SDK types it, so that a config typed
   * as the SDK's own `…ClientConfig` compiles).
   */
  config?: Partial<TConfig> | undefined;
  /** Use another tier than the service's own for this client. */
  tier?: TierName | undefined;
}

/**
 * A session: a region, a profile and one memoised credential provider shared
 * by every client made with the same region, profile and credentials.
 */
export interface AwsSession {
  /** The resolved region, or `undefined` when the SDK resolves it itself. */
  readonly region: string | undefined;
  /** The profile, if one was given. */
  readonly profile: string | undefined;
  /**
   * The memoised credential provider: concurrent calls share one resolution;
   * temporary credentials are refreshed shortly before they expire. Failures
   * reject with `AwsCredentialError`.
   */
  readonly credentials: ResolvedAwsCredentialProvider;
  /** A short, non-reversible fingerprint of the credentials (safe to log). */
  readonly credentialId: string;
}

/** One cached client, as reported by `stats()`. Holds no secret. */
export interface ClientStatsEntry {
  /** The service id (`'s3'`). */
  readonly service: string;
  /** The region, or `undefined` when the SDK resolves it. */
  readonly region: string | undefined;
  /** The profile, if any. */
  readonly profile: string | undefined;
  /** The tier the client was configured with. */
  readonly tier: string;
  /** A short, non-reversible fingerprint of the credentials. */
  readonly credentialId: string;
  /** How many `getClient` calls this client answered from the cache. */
  readonly hits: number;
  /** When the client was created (epoch milliseconds). */
  readonly createdAt: number;
  /**
   * When the client was last handed out (epoch milliseconds). Exact when the
   * factory has `ttlMs` or the credentials expire; otherwise to within a
   * second (a hit reuses a clock reading at most one second old). Never
   * before `createdAt`.
   */
  readonly lastUsedAt: number;
  /**
   * Requests running on this client, streaming responses included until
   * their body ends or is destroyed (a `GetObject` body, an event stream).
   * Node (and Bun, Deno) only: in browsers and workers a removed client is
   * destroyed at once (destroying a fetch-based client never touches a
   * running request), so nothing is tracked and this field is absent.
   */
  readonly inFlight?: number | undefined;
  /** Streaming response bodies still open (Node). Absent where nothing is tracked (browsers, workers, edge: see `inFlight`). */
  readonly bodies?: number | undefined;
  /**
   * The sockets of the client's request handler, where the runtime exposes
   * them (Node's HTTP/1.1 agents and HTTP/2 session pools); absent elsewhere,
   * for a caller's own handler that exposes nothing, and for an HTTP/2
   * handler with `disableConcurrentStreams` (@dbp/aws-bedrock's default),
   * whose per-request sessions are outside its pool (see `inFlight`).
   * Per handler, not per client: clients sharing a handler (or agent) you
   * pass in `config.requestHandler` each show that whole pool, so sum the
   * rows of distinct handlers only.
   */
  readonly sockets?: SocketStats | undefined;
}

/** Sockets of one client's request handler. */
export interface SocketStats {
  /** Open connections (in use and idle). HTTP/2: live pooled sessions. */
  readonly open: number;
  /** Open and idle (kept alive, free for the next request). HTTP/2: pooled sessions with no active stream. */
  readonly idle: number;
  /** Requests waiting for a socket (the pool is at `maxSockets`). `0` for HTTP/2. */
  readonly queued: number;
  /**
   * The protocol. HTTP/2 numbers count the handler's pooled sessions only:
   * event streams always get a session of their own outside the pool.
   */
  readonly protocol: 'http/1.1' | 'h2';
}

/** The factory's counters: what `toJSON()` returns and `stats()` starts with. Holds no secret. */
export interface FactorySummary {
  /** Clients in the cache. */
  readonly clients: number;
  /** Sessions in the cache. */
  readonly sessions: number;
  /** `getClient` calls answered from the cache. */
  readonly hits: number;
  /** `getClient` calls that created a client. */
  readonly misses: number;
  /** Clients removed by the LRU bound or `ttlMs` (or because their explicit credentials expired). */
  readonly evictions: number;
}

/** What `stats()` returns. Holds no secret. */
export interface FactoryStats {
  /** Clients in the cache. */
  readonly clients: number;
  /** Sessions in the cache. */
  readonly sessions: number;
  /** `getClient` calls answered from the cache. */
  readonly hits: number;
  /** `getClient` calls that created a client. */
  readonly misses: number;
  /** Clients removed by the LRU bound or `ttlMs` (or because their explicit credentials expired). */
  readonly evictions: number;
  /**
   * Refreshes forced because a service rejected cached temporary credentials
   * (`ExpiredToken` and its other spellings): one per rejected credentials,
   * however many clients and requests saw the rejection (a source that keeps
   * giving the rejected credentials back is asked again at most once a second).
   */
  readonly credentialRefreshes: number;
  /**
   * Requests that ended in `CREDENTIALS_REJECTED`: credentials that could
   * not heal (explicit ones, a one-shot body, a refresh that gave the same
   * credentials, a retry rejected again).
   */
  readonly credentialRejections: number;
  /**
   * Removed clients still finishing in-flight requests before being destroyed.
   * Always 0 in browsers, workers and edge runtimes, where a removed client is
   * destroyed at once (see {@link ClientStatsEntry.inFlight}).
   */
  readonly draining: number;
  /** One row per cached client, least recently used first. */
  readonly entries: readonly ClientStatsEntry[];
}

/**
 * A service definition of any client and config, as `clearCache` takes one:
 * made by `defineService` or a service package (`s3`). A plain `{ id }` is
 * not one (pass the id as a string).
 */
export type ServiceRef = ServiceDefinition<SdkClientLike, never>;

/** Which clients `clearCache` removes; both fields optional. */
export interface ClearCacheFilter {
  /**
   * Only clients of this service: an id (`'s3'`: every definition with that
   * id), a definition (`s3`: that definition's clients) or an SDK client
   * class (`SQSClient`).
   */
  service?: string | ServiceRef | SdkClientClass | undefined;
  /** Only clients of this region (checked as `getClient` checks a region: a malformed one is refused). */
  region?: string | undefined;
}
