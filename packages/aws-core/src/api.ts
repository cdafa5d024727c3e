/**
 * The public API of `@dbp/aws-core`, the same in every build: both platform
 * entries (`index.node.ts`, `index.web.ts`) re-export exactly this list.
 *
 * @module
 */
export {
  AwsClientFactory,
  type CredentialContext,
  configureClientFactory,
  createClientFactory,
  getClientFactory,
} from './kernel/clientFactory.js';
export { credentialsIssuedBy } from './kernel/credentials.js';
export {
  AwsClientError,
  type AwsClientErrorOptions,
  AwsCredentialError,
  type AwsCredentialErrorOptions,
  AwsRegionError,
  type AwsRegionErrorOptions,
} from './kernel/errors.js';
export { type KeyedCredentialProvider, type KeyedCredentialsOptions, keyedCredentials } from './kernel/keyedCredentials.js';
export { defineService, registerService } from './kernel/serviceDefinition.js';
export type { ServicePackages } from './kernel/servicePackages.js';
export { SERVICE_TIERS } from './kernel/serviceTiers.js';
export { DEFAULT_TIERS } from './kernel/tiers.js';
export type {
  AbandonedBodyAction,
  AwsClientErrorCode,
  AwsCredentialProvider,
  AwsCredentials,
  AwsSession,
  ClearCacheFilter,
  ClientFactoryOptions,
  ClientFor,
  ClientOf,
  ClientOfId,
  ClientStatsEntry,
  ConfigFor,
  ConfigOf,
  ConfigOfClass,
  ConfigOfId,
  DefaultTierName,
  FactoryEvent,
  FactoryEventName,
  FactoryStats,
  FactorySummary,
  GetClientOptions,
  HandlerOptionsContext,
  KnownService,
  Logger,
  RegionValidation,
  RegisteredId,
  ResolvedAwsCredentialProvider,
  ResolvedAwsCredentials,
  RetryMode,
  RuntimeFlavor,
  SdkClientClass,
  SdkClientLike,
  ServiceArgument,
  ServiceDefinition,
  ServiceDefinitionInput,
  ServiceId,
  ServiceInput,
  ServiceRef,
  ServiceRegistry,
  SessionOptions,
  SocketStats,
  TierConfig,
  TierName,
} from './kernel/types.js';
