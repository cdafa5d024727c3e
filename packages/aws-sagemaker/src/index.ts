/**
 * `@dbp/aws-sagemaker` → the Amazon SageMaker client through `@dbp/aws-core`: cached, tiered
 * (`ai`), secret-safe.
 *
 * @packageDocumentation
 */
import { SageMakerClient, type SageMakerClientConfig } from '@aws-sdk/client-sagemaker';
import { defineService, type GetClientOptions, getClientFactory, type ServiceDefinition } from '@dbp/aws-core';

/**
 * The Amazon SageMaker service definition: id `'sagemaker'`, tier `'ai'`. Pass it
 * to any factory's `getClient`.
 *
 * @example
 * ```ts
 * const client = createClientFactory().getClient(sagemaker, { region: 'us-east-1' })
 * ```
 */
export const sagemaker: ServiceDefinition<SageMakerClient, SageMakerClientConfig> = /* @__PURE__ */ defineService({
  id: 'sagemaker',
  origin: '@dbp/aws-sagemaker',
  create: (config: SageMakerClientConfig) => new SageMakerClient(config),
});

/**
 * The cached `SageMakerClient` from the process-wide factory.
 *
 * @example
 * ```ts
 * const client = getSageMakerClient({ region: 'us-east-1' })
 * ```
 */
export function getSageMakerClient(options?: GetClientOptions<SageMakerClientConfig>): SageMakerClient {
  return getClientFactory().getClient(sagemaker, options);
}
