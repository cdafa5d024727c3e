import { describeType, fail } from './errors.js';
import { guardRead } from './internal/validateOptions.js';
import { tierForService } from './serviceTiers.js';
import type { TierConfig, TierName } from './tiers.js';

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

/** A registered service id, or any string when none is known at compile time. */
export type ServiceId = keyof ServiceRegistry & string;

const DEFINITION: unique symbol = Symbol.for('@dbp/aws-core/service-definition') as never;
const REGISTRY_KEY = Symbol.for('@dbp/aws-core/registry@1');
/** Where `defineService` keeps a definition's `definitionKey` (computed once). */
const SHARED_KEY = Symbol.for('@dbp/aws-core/definition-key');
const ID_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

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
 * Describes a service for the factory. Validates the definition and freezes
 * it. Two definitions never share a client, even with the same id: a custom
 * `defineService({ id: 's3', create })` gets clients of its own.
 *
 * @example
 * ```ts
 * export const s3 = defineService({ id: 's3', create: (config: S3ClientConfig) => new S3Client(config) }) // tier from SERVICE_TIERS: 'standard'
 * ```
 */
export function defineService<TClient extends SdkClientLike, TConfig extends object>(
  definition: ServiceDefinitionInput<TClient, TConfig>,
): ServiceDefinition<TClient, TConfig> {
  const invalid = (field: string, got: unknown): never => {
    throw fail('INVALID_SERVICE_DEFINITION', { field, got: describeType(got) });
  };
  if (typeof definition !== 'object' || definition === null) return invalid('definition', definition);
  // Read once, each field by name; what a getter throws becomes a typed error.
  const {
    id,
    tier: givenTier,
    create,
    handlerOptions,
    origin,
  } = guardRead('defineService()', () => {
    const { id, tier, create, handlerOptions, origin } = definition;
    return { id, tier, create, handlerOptions, origin };
  });
  const tier = givenTier === undefined && typeof id === 'string' ? tierForService(id) : givenTier;
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) return invalid('id', id);
  if (typeof tier !== 'string' || tier.length === 0) return invalid('tier', tier);
  if (typeof create !== 'function') return invalid('create', create);
  if (handlerOptions !== undefined && typeof handlerOptions !== 'function') return invalid('handlerOptions', handlerOptions);
  if (origin !== undefined && (typeof origin !== 'string' || origin.length === 0)) return invalid('origin', origin);
  return Object.freeze({
    id,
    tier,
    create,
    handlerOptions,
    origin,
    [DEFINITION]: true,
    [SHARED_KEY]: origin === undefined ? undefined : sharedKey(id, origin),
  });
}

/** `id` cannot hold a space (`ID_PATTERN`), so the first space ends it: unambiguous. */
function sharedKey(id: string, origin: string): string {
  return `${id} ${origin}`;
}

/**
 * What the cache tells definitions apart by. With an `origin`, its id and
 * origin: one service of one package, the same string from every copy of that
 * package (ESM and CJS builds, two installs), and another for each service a
 * package defines. Without one, the definition itself (by identity).
 */
export function definitionKey(definition: ServiceDefinition): ServiceDefinition | string {
  const { origin } = definition;
  if (origin === undefined) return definition;
  return (definition as { [SHARED_KEY]?: string })[SHARED_KEY] ?? sharedKey(definition.id, origin);
}

/** Whether a value is a definition made by `defineService` (from any copy of the core). */
export function isServiceDefinition(value: unknown): value is ServiceDefinition {
  return typeof value === 'object' && value !== null && (value as { [DEFINITION]?: unknown })[DEFINITION] === true;
}

function registry(): Map<string, ServiceDefinition> {
  const holder = globalThis as { [REGISTRY_KEY]?: Map<string, ServiceDefinition> };
  let map = holder[REGISTRY_KEY];
  if (!map) {
    map = new Map();
    Object.defineProperty(holder, REGISTRY_KEY, { value: map, enumerable: false, configurable: true });
  }
  return map;
}

/**
 * Makes `getClient('<id>')` work for a definition. Shared process-wide (across
 * copies of the package). Registering the same id again replaces it.
 *
 * @example
 * ```ts
 * registerService(s3) // what `import '@dbp/aws-s3/register'` does
 * ```
 */
export function registerService(definition: ServiceDefinition<SdkClientLike, never>): void {
  if (!isServiceDefinition(definition)) throw fail('INVALID_SERVICE_DEFINITION', { field: 'registered', got: describeType(definition) });
  registry().set(definition.id, definition as ServiceDefinition);
}

/** Looks a registered definition up by id. */
export function lookupService(id: string): ServiceDefinition | undefined {
  return registry().get(id);
}

/** The ids registered so far, sorted. */
export function registeredServiceIds(): string[] {
  return [...registry().keys()].sort();
}
