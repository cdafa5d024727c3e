import { AthenaClient, ListQueryExecutionsCommand } from '@aws-sdk/client-athena';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { ListEndpointsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { athena } from '@dbp/aws-athena';
import { bedrockRuntime } from '@dbp/aws-bedrock';
import { dynamodb } from '@dbp/aws-dynamodb';
import { s3 } from '@dbp/aws-s3';
import { sagemaker } from '@dbp/aws-sagemaker';

/** The five service packages' definitions, by the testkit's service name. */
export const DEFINITIONS = { s3, dynamodb, 'bedrock-runtime': bedrockRuntime, sagemaker, athena } as const;

/** Their bare SDK client classes. */
export const CLASSES = {
  s3: S3Client,
  dynamodb: DynamoDBClient,
  'bedrock-runtime': BedrockRuntimeClient,
  sagemaker: SageMakerClient,
  athena: AthenaClient,
} as const;

/** One cheap call per service, as the credential parts (6 and 8) send them to the testkit. */
export const SERVICE_CALLS: readonly { id: keyof typeof DEFINITIONS; command: () => unknown }[] = [
  { id: 's3', command: () => new ListBucketsCommand({}) },
  { id: 'dynamodb', command: () => new ListTablesCommand({}) },
  {
    id: 'bedrock-runtime',
    command: () => new ConverseCommand({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
  },
  { id: 'sagemaker', command: () => new ListEndpointsCommand({}) },
  { id: 'athena', command: () => new ListQueryExecutionsCommand({}) },
];
