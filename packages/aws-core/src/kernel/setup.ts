/**
 * How a platform entry assembles the core: the platform (what differs between
 * Node and the web) and the plug-ins that pay on it, installed once by
 * `index.node.ts` or `index.web.ts` when the package loads. The kernel never
 * imports a plug-in or a platform: it reads what was installed here (as
 * TanStack query-core takes its platform through setters), and a factory
 * keeps what was installed when it was made.
 *
 * Without a plug-in the kernel does the plain thing: a cache hit takes the
 * full path (no fast path); a removed client is destroyed at once (no drain,
 * no in-flight counts); nothing is logged or published (no observer); errors
 * carry their short message (no development aids); and `getClient` takes no
 * SDK client class (no class resolver).
 *
 * @module
 */
import type { CacheEntry, RemovalReason } from './clientCache.js';
import type { ResolutionReport } from './credentials.js';
import { setMessageFormat } from './errors.js';
import type { CallRead, CredentialKind } from './keySpec.js';
import type { Partition } from './knownRegions.js';
import type { MessageFormat } from './messages.js';
import type { Environment, RegionSource } from './regions.js';
import type {
  AbandonedBodyAction,
  AwsCredentialProvider,
  ClientStatsEntry,
  FactoryEvent,
  Logger,
  RuntimeFlavor,
  SdkClientClass,
  ServiceDefinition,
  TierConfig,
} from './types.js';

/** What differs between platforms: `platform/node.ts` (Node, Bun, Deno) and `platform/web.ts` (browsers, workers, edge). */
export interface Platform {
  readonly flavor: RuntimeFlavor;
  /** `size` random bytes for credential ids: cryptographically random where the runtime allows it. */
  randomBytes(size: number): Uint8Array;
  /** The environment variables, where the runtime has them (`process.env`): the kernel reads the region from them (`regions.ts`). */
  environment(): Environment | undefined;
  /**
   * The credential provider for a profile, or the default chain when
   * `profile` is undefined. `undefined` where the platform has no chain.
   * What it cannot load, it may throw as an `AwsClientError` of its own
   * (the Node platform's `PROFILE_NOT_FOUND`); anything else it throws
   * becomes `CREDENTIAL_PROVIDER_FAILED`.
   */
  defaultCredentials(profile: string | undefined): AwsCredentialProvider | undefined;
  /**
   * The SDK's own region lookup for a client given no region (Node: the
   * `AWS_REGION` variable, the profile's `region` in the shared config files,
   * then the instance metadata), as a provider asked at the first request
   * that validates what it finds with `check` and rejects with an
   * `AwsRegionError` (`MISSING_REGION`) when it finds none; `undefined`
   * where the platform has none (the web, which refuses a missing region at
   * `getClient`).
   */
  sdkRegion(profile: string | undefined, check: (region: string, source: RegionSource) => string): (() => Promise<string>) | undefined;
  /** The tier's timeouts as this platform's `requestHandler` options. */
  handlerOptions(tier: TierConfig): Record<string, unknown>;
  /** The SDK's region data (`partition` of `@aws-sdk/core/client`), loaded as costs least here. */
  readonly partition: Partition;
}

/** Where the lifecycle facts go: the observe plug-in's reporter (logger lines and events). */
export interface Report {
  created(entry: CacheEntry): void;
  removed(entry: CacheEntry, reason: RemovalReason): void;
  destroyed(entry: CacheEntry, reason: RemovalReason): void;
  destroyFailed(entry: CacheEntry, error: unknown): void;
  /** A credential resolution (first, or a refresh). */
  credentials(credentialId: string, credentialKind: CredentialKind, report: ResolutionReport): void;
  /** A well-formed region the SDK does not list yet, used as given. */
  newRegion(region: string): void;
  /** Bodies newly found abandoned on one client (the lifecycle plug-in). */
  abandoned(entry: CacheEntry, found: readonly { readonly operation: string }[], destroyed: boolean, afterMs: number): void;
  /** A service keeps making clients for provider functions built per call (the development aids). */
  providerPerCall(service: string, tripped: ProviderTrapTripped): void;
}

/** The fast path of one factory (`plugins/fastPath`). */
export interface FastPathIndex {
  /** The live or removed entry indexed for a call's exact inputs, if any (the store checks it is servable). */
  find(definition: ServiceDefinition, read: CallRead, tier: unknown, region: unknown): CacheEntry | undefined;
  /** Indexes a new (or re-found) entry under its key parts. */
  add(entry: CacheEntry): void;
  /** Forgets a removed entry. */
  forget(entry: CacheEntry): void;
}

/** What the lifecycle plug-in is given by a factory. */
export interface LifecycleContext {
  readonly report: Report;
  readonly abandonedBodyMs: number;
  readonly onAbandonedBody: AbandonedBodyAction;
}

/** How a factory's clients leave it (`plugins/lifecycle`, or the kernel's `destroyAtOnce`). */
export interface Lifecycle {
  /** A new client: count its requests from here on. */
  track(entry: CacheEntry): void;
  /** Takes a client out of service (the store has unlisted it): destroyed now, or once its requests end. */
  retire(entry: CacheEntry, reason: RemovalReason): void;
  /** Dispose: retires every client, waits at most `graceMs`, destroys what is left. */
  close(entries: readonly CacheEntry[], graceMs: number): Promise<void>;
  /** Removed clients still finishing requests. */
  readonly draining: number;
  /** The fields of a stats row the plug-in knows (in flight, bodies, sockets). */
  stats(entry: CacheEntry): Partial<ClientStatsEntry>;
}

/**
 * What the per-call provider warning says: how many clients went unused
 * within how many seconds, each unused for at least `settle` seconds; and
 * whether they were keyed providers whose key came back with a new dependency.
 */
export interface ProviderTrapTripped {
  readonly count: number;
  readonly seconds: number;
  readonly settle: number;
  readonly keyed: boolean;
}

/** The per-call provider warning's watch (`plugins/dev`). */
export interface ProviderTrap {
  /** Notes a client keyed by a provider function's identity; returns what to warn of when the service just tripped the threshold. */
  note(entry: CacheEntry, now: number): ProviderTrapTripped | undefined;
}

/** SDK client classes as services (`plugins/clientClass`). */
export interface ClientClasses {
  /** The definition of a class (probed once per process); throws `UNKNOWN_SERVICE` for a function that is not a client class. */
  definition(Class: SdkClientClass): ServiceDefinition;
  /** The definition already made for a value, if it is a probed class (the fast path's look-up). */
  peek(value: unknown): ServiceDefinition | undefined;
  /** Whether a function looks like a client class without constructing it. */
  looksLike(value: object): boolean;
}

/** The plug-ins a platform entry installs. */
export interface Plugins {
  /** The fast path of `getClient` (Node). */
  readonly fastPath?: (() => FastPathIndex) | undefined;
  /** In-flight tracking, drain, dispose grace, abandoned bodies, sockets in stats (Node). */
  readonly lifecycle?: ((context: LifecycleContext) => Lifecycle) | undefined;
  /** Logger lines and events (`onEvent`, and `diagnostics_channel` on Node). */
  readonly observe?:
    | ((logger: Logger, onEvent: ((event: FactoryEvent) => void) | undefined, clients: () => number, countsInFlight: boolean) => Report)
    | undefined;
  /** Development aids: full message texts, the per-call provider warning, the refusal of a `serviceTiers` key that is a typo, and the check of SDK config values. */
  readonly dev?:
    | {
        readonly format: MessageFormat;
        readonly providerTrap: () => ProviderTrap;
        readonly checkServiceTierKey: (key: string, where: string) => void;
        /** Refuses SDK config values the SDK would fail on at the first request, with a `TypeError` (an `endpoint` string that is no URL). */
        readonly checkConfig: (config: Readonly<Record<string, unknown>>) => void;
      }
    | undefined;
  /** Any SDK client class as a service. */
  readonly clientClasses?: ClientClasses | undefined;
}

/** What is installed: the platform and its plug-ins. */
export interface Installed extends Plugins {
  readonly platform: Platform;
}

let installed: Installed | undefined;

/** Installs the platform and plug-ins (a platform entry calls it once, as it loads). */
export function install(platform: Platform, plugins: Plugins): void {
  installed = { ...plugins, platform };
  setMessageFormat(plugins.dev?.format);
}

/** What is installed (a factory takes it when it is made). */
export function installation(): Installed {
  // Only reachable through a platform entry, which installs before anything else runs.
  return installed as Installed;
}

const silent = (): void => {};

/** The report of a factory without the observe plug-in: nothing is said. */
export const SILENT: Report = {
  created: silent,
  removed: silent,
  destroyed: silent,
  destroyFailed: silent,
  credentials: silent,
  newRegion: silent,
  abandoned: silent,
  providerPerCall: silent,
};
