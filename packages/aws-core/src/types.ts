import type { SdkClientClass } from './serviceDefinition.js';
import type { TierName } from './tiers.js';

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
   * timeouts; a handler instance replaces them.
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
  readonly credentials: AwsCredentialProvider;
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
   */
  readonly inFlight: number;
  /** Streaming response bodies still open (Node; `0` where the runtime gives no access). */
  readonly bodies: number;
  /**
   * The sockets of the client's request handler, where the runtime exposes
   * them (Node's HTTP/1.1 agents and HTTP/2 session pools); absent elsewhere,
   * for a caller's own handler that exposes nothing, and for an HTTP/2
   * handler with `disableConcurrentStreams` (@dbp/aws-bedrock's default),
   * whose per-request sessions are outside its pool (see `inFlight`).
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
  /** Removed clients still finishing in-flight requests before being destroyed. */
  readonly draining: number;
  /** One row per cached client, least recently used first. */
  readonly entries: readonly ClientStatsEntry[];
}

/** A service definition, as far as `clearCache` needs one. */
export interface ServiceRef {
  /** The service id (`'s3'`). */
  readonly id: string;
}

/** Which clients `clearCache` removes; both fields optional. */
export interface ClearCacheFilter {
  /**
   * Only clients of this service: an id (`'s3'`: every definition with that
   * id), a definition (`s3`: that definition's clients) or an SDK client
   * class (`SQSClient`).
   */
  service?: string | ServiceRef | SdkClientClass | undefined;
  /** Only clients of this region. */
  region?: string | undefined;
}
