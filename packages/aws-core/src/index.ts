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
  configureClientFactory,
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
export type { AbandonedBodyAction } from './internal/abandonedBodies.js';
export type { FactoryEvent, FactoryEventName } from './internal/events.js';
export {
  type CredentialContext,
  type KeyedCredentialProvider,
  type KeyedCredentialsOptions,
  keyedCredentials,
} from './keyedCredentials.js';
export {
  type ClientOf,
  type ConfigOf,
  type ConfigOfClass,
  defineService,
  type HandlerOptionsContext,
  type RuntimeFlavor,
  registerService,
  type SdkClientClass,
  type SdkClientLike,
  type ServiceDefinition,
  type ServiceDefinitionInput,
  type ServiceId,
  type ServiceRegistry,
} from './serviceDefinition.js';
export { SERVICE_TIERS } from './serviceTiers.js';
export { DEFAULT_TIERS, type DefaultTierName, type RetryMode, type TierConfig, type TierName } from './tiers.js';
export type {
  AwsCredentialProvider,
  AwsCredentials,
  AwsSession,
  ClearCacheFilter,
  ClientStatsEntry,
  FactoryStats,
  FactorySummary,
  GetClientOptions,
  Logger,
  ServiceRef,
  SessionOptions,
  SocketStats,
} from './types.js';
