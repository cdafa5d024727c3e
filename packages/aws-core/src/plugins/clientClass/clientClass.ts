/**
 * Any SDK v3 client class as a service: `getClient(SQSClient, …)`.
 *
 * The core never references a client class itself (so bundles keep only the
 * clients an application uses): a class it is handed is probed once per
 * process for its service id (`new SQSClient({}).config.serviceId`, `'SQS'`
 * → `'sqs'`; constructing a client opens no connection) and gets one
 * definition, whose tier comes from `SERVICE_TIERS`.
 *
 * @module
 */
import { fail } from '../../kernel/errors.js';
import { defineService, serviceIdFrom } from '../../kernel/serviceDefinition.js';
import { errorName } from '../../kernel/text.js';
import type { SdkClientClass, SdkClientLike, ServiceDefinition } from '../../kernel/types.js';

function probe(Class: SdkClientClass): string {
  let client: Partial<SdkClientLike> & { config?: { serviceId?: unknown } };
  try {
    client = new (Class as unknown as new (config: object) => typeof client)({});
  } catch (error) {
    throw fail('UNKNOWN_SERVICE.notClient', { threw: errorName(error) }, { cause: error });
  }
  const serviceId = client.config?.serviceId;
  if (typeof client.destroy !== 'function' || typeof client.middlewareStack?.add !== 'function' || typeof serviceId !== 'string') {
    throw fail('UNKNOWN_SERVICE.notClient');
  }
  client.destroy();
  return serviceIdFrom(serviceId);
}

const definitions = new WeakMap<object, ServiceDefinition>();

/** Whether a function looks like an SDK client class without constructing it (`send` and `destroy` on its prototype). */
export function looksLikeClientClass(value: object): boolean {
  const prototype = (value as { prototype?: { send?: unknown; destroy?: unknown } }).prototype;
  return typeof prototype?.send === 'function' && typeof prototype.destroy === 'function';
}

/** The definition already made for a value, if it is a probed client class (the fast path's look-up). */
export function peekClassDefinition(value: unknown): ServiceDefinition | undefined {
  return typeof value === 'function' ? definitions.get(value) : undefined;
}

/**
 * The definition of an SDK client class (`SQSClient` → id `'sqs'`, tier from
 * `SERVICE_TIERS`), made and the class probed once per process. Factories
 * apply their own `serviceTiers` on top.
 */
export function classDefinition(Class: SdkClientClass): ServiceDefinition {
  let definition = definitions.get(Class);
  if (definition === undefined) {
    const id = probe(Class);
    // The probe ran the class's constructor, which may itself have asked the
    // factory for this class (and so defined it): keep that definition, so
    // the class has one, and its clients one cache key.
    definition =
      definitions.get(Class) ??
      (defineService({
        id,
        create: (config: object) => new (Class as unknown as new (config: object) => SdkClientLike)(config),
      }) as ServiceDefinition);
    definitions.set(Class, definition);
  }
  return definition;
}
