import { AwsClientError, describeType } from './errors.js';
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
    add(middleware: never, options: never): void;
  };
}

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
  /** The tier this service's clients get unless a call asks for another. */
  readonly tier: TierName;
  /** Builds the SDK client from the merged configuration. */
  readonly create: (config: TConfig) => TClient;
  /**
   * Shapes the `requestHandler` options for this service on a runtime (the
   * Bedrock Runtime client uses an HTTP/2 handler on Node, which takes other
   * options). Defaults to the runtime's mapping.
   */
  readonly handlerOptions?: ((context: HandlerOptionsContext) => Record<string, unknown>) | undefined;
}

/** The SDK client type a service definition builds. */
export type ClientOf<TService> = TService extends { create: (...args: never[]) => infer TClient } ? TClient : never;

/** The SDK configuration type a service definition takes. */
export type ConfigOf<TService> = TService extends { create: (config: infer TConfig) => unknown } ? TConfig : never;

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
const ID_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Describes a service for the factory. Validates the definition and freezes it.
 *
 * @example
 * ```ts
 * export const s3 = defineService({ id: 's3', tier: 'standard', create: (config: S3ClientConfig) => new S3Client(config) })
 * ```
 */
export function defineService<TClient extends SdkClientLike, TConfig extends object>(
  definition: ServiceDefinition<TClient, TConfig>,
): ServiceDefinition<TClient, TConfig> {
  const fail = (what: string): never => {
    throw new AwsClientError(`Invalid service definition: ${what}. Pass { id: 'my-service', tier: 'standard', create: (config) => new MyClient(config) }.`, {
      code: 'INVALID_SERVICE_DEFINITION',
    });
  };
  if (typeof definition !== 'object' || definition === null) return fail(`expected an object, got ${describeType(definition)}`);
  if (typeof definition.id !== 'string' || !ID_PATTERN.test(definition.id)) {
    return fail(`id must be lower-case letters, digits and dashes, starting with a letter (got ${describeType(definition.id)})`);
  }
  if (typeof definition.tier !== 'string' || definition.tier.length === 0) return fail(`tier must be a tier name such as 'standard'`);
  if (typeof definition.create !== 'function') return fail('create must be a function (config) => client');
  if (definition.handlerOptions !== undefined && typeof definition.handlerOptions !== 'function') {
    return fail('handlerOptions, when given, must be a function');
  }
  const frozen = Object.freeze({ ...definition, [DEFINITION]: true });
  return frozen;
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
  if (!isServiceDefinition(definition)) {
    throw new AwsClientError('registerService() takes a definition made by defineService(); got something else.', {
      code: 'INVALID_SERVICE_DEFINITION',
    });
  }
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
