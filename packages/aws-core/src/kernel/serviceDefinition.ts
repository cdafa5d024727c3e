import { describeType, fail } from './errors.js';
import { tierForService } from './serviceTiers.js';
import { clip, looksLikeCredential, NAME_CHARS } from './text.js';
import type { SdkClientLike, ServiceDefinition, ServiceDefinitionInput } from './types.js';
import { guardRead } from './validateOptions.js';

const DEFINITION: unique symbol = Symbol.for('@dbp/aws-core/service-definition') as never;
const REGISTRY_KEY = Symbol.for('@dbp/aws-core/registry@1');
/** Where `defineService` keeps a definition's `definitionKey` (computed once). */
const SHARED_KEY = Symbol.for('@dbp/aws-core/definition-key');
const ID_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * The service id a name that is no id was probably meant as: a client
 * class's or a service's name (`'SQSClient'`, `'SQS'` → `'sqs'`). None for a
 * string that looks like a credential (a secret pasted in the wrong place
 * must not come back lower-cased) or that spells no id.
 */
export function idMeantBy(name: string): string | undefined {
  if (looksLikeCredential(name) || name.trim() === '') return undefined;
  const id = serviceIdFrom(name.replace(/Client$/, ''));
  return isServiceId(id) ? id : undefined;
}

/** Whether a string is spelt as a service id: lower-case letters, digits and dashes, starting with a letter. */
export function isServiceId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/**
 * The service id a service's name spells (an SDK client's `config.serviceId`): `'SQS'` → `'sqs'`, `'Bedrock Runtime'` →
 * `'bedrock-runtime'`, `'S3 Control'` → `'s3-control'`.
 */
export function serviceIdFrom(name: string): string {
  return (
    name
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .replace(/^(\d)/, 's$1') || 'unknown'
  );
}

/** Every field of a definition's input, once: the compiler keeps the list complete. */
const FIELDS: { readonly [K in keyof ServiceDefinitionInput<SdkClientLike, object>]-?: true } = {
  id: true,
  tier: true,
  create: true,
  handlerOptions: true,
  origin: true,
};
/** The fields `defineService` takes; any other own key is refused. */
const DEFINITION_FIELDS: readonly string[] = Object.keys(FIELDS);

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
    // A misspelt field (`handlerOption`) would be dropped without a word: refused, as options are.
    for (const key in definition) {
      if (!DEFINITION_FIELDS.includes(key) && Object.hasOwn(definition, key)) {
        throw fail('INVALID_SERVICE_DEFINITION.unknownKey', { where: 'defineService()', key: clip(key, NAME_CHARS), allowed: DEFINITION_FIELDS });
      }
    }
    const { id, tier, create, handlerOptions, origin } = definition;
    return { id, tier, create, handlerOptions, origin };
  });
  const tier = givenTier === undefined && typeof id === 'string' ? tierForService(id) : givenTier;
  if (typeof id !== 'string' || !isServiceId(id)) return invalid('id', id);
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
