/**
 * `@dbp/aws-dynamodb` → the Amazon DynamoDB client through `@dbp/aws-core`: cached, tiered
 * (`standard`), secret-safe.
 *
 * @packageDocumentation
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { defineService, type GetClientOptions, getClientFactory, type ServiceDefinition } from '@dbp/aws-core';

/**
 * The Amazon DynamoDB service definition: id `'dynamodb'`, tier `'standard'`. Pass it
 * to any factory's `getClient`.
 *
 * @example
 * ```ts
 * const client = createClientFactory().getClient(dynamodb, { region: 'us-east-1' })
 * ```
 */
export const dynamodb: ServiceDefinition<DynamoDBClient, DynamoDBClientConfig> = /* @__PURE__ */ defineService({
  id: 'dynamodb',
  origin: '@dbp/aws-dynamodb',
  create: (config: DynamoDBClientConfig) => new DynamoDBClient(config),
});

/**
 * The cached `DynamoDBClient` from the process-wide factory.
 *
 * @example
 * ```ts
 * const client = getDynamoDBClient({ region: 'us-east-1' })
 * ```
 */
export function getDynamoDBClient(options?: GetClientOptions<DynamoDBClientConfig>): DynamoDBClient {
  return getClientFactory().getClient(dynamodb, options);
}
