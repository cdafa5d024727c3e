/**
 * `@dbp/aws-athena` → the Amazon Athena client through `@dbp/aws-core`: cached, tiered
 * (`data`), secret-safe.
 *
 * @packageDocumentation
 */
import { AthenaClient, type AthenaClientConfig } from '@aws-sdk/client-athena';
import { defineService, type GetClientOptions, getClientFactory, type ServiceDefinition } from '@dbp/aws-core';

/**
 * The Amazon Athena service definition: id `'athena'`, tier `'data'`. Pass it
 * to any factory's `getClient`.
 *
 * @example
 * ```ts
 * const client = createClientFactory().getClient(athena, { region: 'us-east-1' })
 * ```
 */
export const athena: ServiceDefinition<AthenaClient, AthenaClientConfig> = /* @__PURE__ */ defineService({
  id: 'athena',
  origin: '@dbp/aws-athena',
  create: (config: AthenaClientConfig) => new AthenaClient(config),
});

/**
 * The cached `AthenaClient` from the process-wide factory.
 *
 * @example
 * ```ts
 * const client = getAthenaClient({ region: 'us-east-1' })
 * ```
 */
export function getAthenaClient(options?: GetClientOptions<AthenaClientConfig>): AthenaClient {
  return getClientFactory().getClient(athena, options);
}
