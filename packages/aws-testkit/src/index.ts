/**
 * `@dbp/aws-testkit`: local AWS endpoints for tests and demos. S3 (s3rver) and DynamoDB
 * (dynalite) behind a SigV4-verifying proxy, and protocol-faithful Bedrock Runtime, SageMaker,
 * Athena, STS and SQS servers; temporary credentials from the local STS that every service
 * checks; request counters, fault injection, CORS, and listeners that hang.
 *
 * @packageDocumentation
 */
export { type LocalAwsEnvOptions, localAwsEnv } from './env.js';
export { generateTestCredentials, LOCAL_SERVICES, startLocalAws } from './localAws.js';
export type {
  Fault,
  FaultInjector,
  FaultMatch,
  IssuedCredentials,
  LocalAws,
  LocalAwsCredentials,
  LocalClientOptions,
  LocalListener,
  LocalRoleDefinition,
  LocalServiceName,
  LocalSts,
  LocalStsOptions,
  RequestLog,
  RequestLogEntry,
  RequestLogFilter,
  StartLocalAwsOptions,
  WebIdentityClaims,
} from './types.js';
