import type { LocalAws, LocalServiceName } from './types.js';

/** The SDK's service-specific endpoint variables (`AWS_ENDPOINT_URL_<SERVICE ID>`). */
const ENV_NAMES: Readonly<Record<LocalServiceName, string>> = Object.freeze({
  s3: 'AWS_ENDPOINT_URL_S3',
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  'bedrock-runtime': 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME',
  sagemaker: 'AWS_ENDPOINT_URL_SAGEMAKER',
  athena: 'AWS_ENDPOINT_URL_ATHENA',
  sts: 'AWS_ENDPOINT_URL_STS',
  sqs: 'AWS_ENDPOINT_URL_SQS',
});

/** Options of `localAwsEnv`. */
export interface LocalAwsEnvOptions {
  /** Also set `AWS_REGION`, `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`. Default `false`. */
  includeCredentials?: boolean | undefined;
}

/**
 * The environment variables that point SDK clients at the local endpoints:
 * `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`,
 * `AWS_ENDPOINT_URL_SAGEMAKER`, `AWS_ENDPOINT_URL_ATHENA`, `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL_SQS`
 * (started services only). S3 clients need no `forcePathStyle` with them: the endpoints are
 * IP addresses, for which the SDK uses path-style requests by itself.
 *
 * @example
 * ```ts
 * spawn('node', ['app.js'], { env: { ...process.env, ...localAwsEnv(local, { includeCredentials: true }) } });
 * ```
 */
export function localAwsEnv(local: Pick<LocalAws, 'endpoints' | 'region' | 'credentials'>, options: LocalAwsEnvOptions = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [service, name] of Object.entries(ENV_NAMES) as Array<[LocalServiceName, string]>) {
    const endpoint = local.endpoints[service];
    if (endpoint !== undefined) env[name] = endpoint;
  }
  if (options.includeCredentials) {
    env.AWS_REGION = local.region;
    env.AWS_ACCESS_KEY_ID = local.credentials.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = local.credentials.secretAccessKey;
  }
  return env;
}
