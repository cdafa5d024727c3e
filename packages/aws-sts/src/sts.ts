import { STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { defineService, type GetClientOptions, getClientFactory, type ServiceDefinition } from '@dbp/aws-core';

/**
 * The AWS STS service definition: id `'sts'`, tier `'standard'`. Pass it to
 * any factory's `getClient`. `assumeRole()` gets its STS clients through it,
 * from the factory that resolves the role.
 *
 * @example
 * ```ts
 * const client = createClientFactory().getClient(sts, { region: 'us-east-1' })
 * ```
 */
export const sts: ServiceDefinition<STSClient, STSClientConfig> = /* @__PURE__ */ defineService({
  id: 'sts',
  origin: '@dbp/aws-sts',
  create: (config: STSClientConfig) => new STSClient(config),
});

/**
 * The cached `STSClient` from the process-wide factory.
 *
 * @example
 * ```ts
 * const client = getSTSClient({ region: 'us-east-1' })
 * ```
 */
export function getSTSClient(options?: GetClientOptions<STSClientConfig>): STSClient {
  return getClientFactory().getClient(sts, options);
}
