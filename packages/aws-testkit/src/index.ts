/**
 * `@dbp/aws-testkit`: local AWS endpoints for tests and demos. S3 (s3rver) and DynamoDB
 * (dynalite) behind a SigV4-verifying proxy, and protocol-faithful Bedrock Runtime, SageMaker
 * and Athena servers; request counters, fault injection, CORS, and listeners that hang.
 *
 * @packageDocumentation
 */
export { type LocalAwsEnvOptions, localAwsEnv } from './env.js';
export { generateTestCredentials, LOCAL_SERVICES, startLocalAws } from './localAws.js';
export type {
  Fault,
  FaultInjector,
  FaultMatch,
  LocalAws,
  LocalAwsCredentials,
  LocalClientOptions,
  LocalListener,
  LocalServiceName,
  RequestLog,
  RequestLogEntry,
  RequestLogFilter,
  StartLocalAwsOptions,
} from './types.js';
