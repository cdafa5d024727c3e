/**
 * `@dbp/aws-s3` → the Amazon S3 client through `@dbp/aws-core`: cached, tiered
 * (`standard`), secret-safe.
 *
 * @packageDocumentation
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { defineService, type GetClientOptions, getClientFactory, type ServiceDefinition } from '@dbp/aws-core';

/**
 * The Amazon S3 service definition: id `'s3'`, tier `'standard'`. Pass it
 * to any factory's `getClient`.
 *
 * @example
 * ```ts
 * const client = createClientFactory().getClient(s3, { region: 'us-east-1' })
 * ```
 */
export const s3: ServiceDefinition<S3Client, S3ClientConfig> = /* @__PURE__ */ defineService({
  id: 's3',
  origin: '@dbp/aws-s3',
  create: (config: S3ClientConfig) => new S3Client(config),
});

/**
 * The cached `S3Client` from the process-wide factory.
 *
 * @example
 * ```ts
 * const client = getS3Client({ region: 'us-east-1' })
 * ```
 */
export function getS3Client(options?: GetClientOptions<S3ClientConfig>): S3Client {
  return getClientFactory().getClient(s3, options);
}
