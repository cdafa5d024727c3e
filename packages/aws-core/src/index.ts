/**
 * `@dbp/aws-core`: one place to get AWS SDK v3 clients, cached by service,
 * region, profile, credentials and config; configured by workload tier; safe
 * with secrets; with typed errors that say what to do.
 *
 * @packageDocumentation
 */
export {
  AwsClientFactory,
  type ClientFactoryOptions,
  createClientFactory,
  getClientFactory,
  type RegionValidation,
} from './clientFactory.js';
export {
  AwsClientError,
  type AwsClientErrorCode,
  type AwsClientErrorOptions,
  AwsCredentialError,
  AwsRegionError,
  type AwsRegionErrorOptions,
} from './errors.js';
export {
  type ClientOf,
  type ConfigOf,
  defineService,
  type HandlerOptionsContext,
  type RuntimeFlavor,
  registerService,
  type SdkClientLike,
  type ServiceDefinition,
  type ServiceId,
  type ServiceRegistry,
} from './serviceDefinition.js';
export { DEFAULT_TIERS, type DefaultTierName, type RetryMode, type TierConfig, type TierName } from './tiers.js';
export type {
  AwsCredentialProvider,
  AwsCredentials,
  AwsSession,
  ClearCacheFilter,
  ClientStatsEntry,
  FactoryStats,
  GetClientOptions,
  Logger,
  SessionOptions,
} from './types.js';
