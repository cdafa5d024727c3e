import type { LocalServiceName } from '@dbp/aws-testkit';

/** The five service packages and the bare SDK clients they wrap. */
export interface ServiceInfo {
  readonly id: LocalServiceName;
  readonly pkg: string;
  readonly getter: string;
  readonly definition: string;
  readonly sdk: string;
  readonly clientClass: string;
}

export const SERVICES: readonly ServiceInfo[] = [
  { id: 's3', pkg: '@dbp/aws-s3', getter: 'getS3Client', definition: 's3', sdk: '@aws-sdk/client-s3', clientClass: 'S3Client' },
  {
    id: 'dynamodb',
    pkg: '@dbp/aws-dynamodb',
    getter: 'getDynamoDBClient',
    definition: 'dynamodb',
    sdk: '@aws-sdk/client-dynamodb',
    clientClass: 'DynamoDBClient',
  },
  {
    id: 'bedrock-runtime',
    pkg: '@dbp/aws-bedrock',
    getter: 'getBedrockRuntimeClient',
    definition: 'bedrockRuntime',
    sdk: '@aws-sdk/client-bedrock-runtime',
    clientClass: 'BedrockRuntimeClient',
  },
  {
    id: 'sagemaker',
    pkg: '@dbp/aws-sagemaker',
    getter: 'getSageMakerClient',
    definition: 'sagemaker',
    sdk: '@aws-sdk/client-sagemaker',
    clientClass: 'SageMakerClient',
  },
  { id: 'athena', pkg: '@dbp/aws-athena', getter: 'getAthenaClient', definition: 'athena', sdk: '@aws-sdk/client-athena', clientClass: 'AthenaClient' },
];

/** Fixed, fake credentials for the parts that make no request. */
export const FAKE_CREDENTIALS = Object.freeze({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
