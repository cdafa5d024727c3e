/**
 * `@dbp/aws-sts` → the AWS STS client through `@dbp/aws-core` (cached, tiered
 * `standard`, secret-safe), and assumed roles as credential sources keyed by
 * value: `getClient(s3, { credentials: assumeRole({ roleArn }) })`.
 *
 * @packageDocumentation
 */

export {
  type AssumeRoleOptions,
  type AssumeRoleWithWebIdentityOptions,
  assumeRole,
  assumeRoleWithWebIdentity,
  type StsConfig,
  type WebIdentityRoleOptions,
} from './assumeRole.js';
export { getSTSClient, sts } from './sts.js';
