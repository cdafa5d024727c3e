import { GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { ConverseCommand, InvokeModelCommand, ResourceNotFoundException } from '@aws-sdk/client-bedrock-runtime';
import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateEndpointCommand, DescribeEndpointCommand, ListEndpointsCommand } from '@aws-sdk/client-sagemaker';
import { athena } from '@dbp/aws-athena';
import { bedrockRuntime } from '@dbp/aws-bedrock';
import { createClientFactory } from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { s3 } from '@dbp/aws-s3';
import { sagemaker } from '@dbp/aws-sagemaker';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let local: LocalAws;
const factory = createClientFactory();

beforeAll(async () => {
  local = await startLocalAws();
});

afterAll(async () => {
  factory.dispose();
  await local.stop();
});

describe('real operations through the factory', () => {
  it('puts and gets an S3 object and lists it (XML responses)', async () => {
    const client = factory.getClient(s3, local.clientOptions('s3'));
    await client.send(new CreateBucketCommand({ Bucket: 'e2e-bucket' }));
    await client.send(new PutObjectCommand({ Bucket: 'e2e-bucket', Key: 'hello.txt', Body: 'hello from the factory' }));
    const object = await client.send(new GetObjectCommand({ Bucket: 'e2e-bucket', Key: 'hello.txt' }));
    expect(await object.Body?.transformToString()).toBe('hello from the factory');
    const listing = await client.send(new ListObjectsV2Command({ Bucket: 'e2e-bucket' }));
    expect(listing.Contents?.map((item) => item.Key)).toEqual(['hello.txt']);
  });

  it('writes and reads a DynamoDB item', async () => {
    const client = factory.getClient(dynamodb, local.clientOptions('dynamodb'));
    await client.send(
      new CreateTableCommand({
        TableName: 'e2e-table',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await client.send(new PutItemCommand({ TableName: 'e2e-table', Item: { pk: { S: 'user#1' }, name: { S: 'Ada' } } }));
    const item = await client.send(new GetItemCommand({ TableName: 'e2e-table', Key: { pk: { S: 'user#1' } } }));
    expect(item.Item).toEqual({ pk: { S: 'user#1' }, name: { S: 'Ada' } });
  });

  it('invokes a model and converses with Bedrock Runtime', async () => {
    const client = factory.getClient(bedrockRuntime, local.clientOptions('bedrock-runtime'));
    const invoked = await client.send(
      new InvokeModelCommand({
        modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
        contentType: 'application/json',
        body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello' }] }),
      }),
    );
    expect(JSON.parse(new TextDecoder().decode(invoked.body))).toBeTypeOf('object');
    const conversation = await client.send(
      new ConverseCommand({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', messages: [{ role: 'user', content: [{ text: 'Say hello' }] }] }),
    );
    expect(conversation.output?.message?.content?.[0]?.text).toBeTypeOf('string');
    expect(conversation.stopReason).toBeDefined();
    await expect(
      client.send(new ConverseCommand({ modelId: 'nobody.model-v1', messages: [{ role: 'user', content: [{ text: 'x' }] }] })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('creates, describes and lists a SageMaker endpoint', async () => {
    const client = factory.getClient(sagemaker, local.clientOptions('sagemaker'));
    const created = await client.send(new CreateEndpointCommand({ EndpointName: 'e2e-endpoint', EndpointConfigName: 'e2e-config' }));
    expect(created.EndpointArn).toContain('endpoint/e2e-endpoint');
    const described = await client.send(new DescribeEndpointCommand({ EndpointName: 'e2e-endpoint' }));
    expect(described.EndpointName).toBe('e2e-endpoint');
    const listed = await client.send(new ListEndpointsCommand({}));
    expect(listed.Endpoints?.map((endpoint) => endpoint.EndpointName)).toContain('e2e-endpoint');
  });

  it('runs an Athena query and reads its rows', async () => {
    const client = factory.getClient(athena, local.clientOptions('athena'));
    const { QueryExecutionId } = await client.send(
      new StartQueryExecutionCommand({ QueryString: 'SELECT 1', ResultConfiguration: { OutputLocation: 's3://results/' } }),
    );
    expect(QueryExecutionId).toBeTypeOf('string');
    let state: string | undefined;
    for (let poll = 0; poll < 20 && state !== 'SUCCEEDED'; poll++) {
      const execution = await client.send(new GetQueryExecutionCommand({ QueryExecutionId }));
      state = execution.QueryExecution?.Status?.State;
    }
    expect(state).toBe('SUCCEEDED');
    const results = await client.send(new GetQueryResultsCommand({ QueryExecutionId }));
    expect(results.ResultSet?.Rows?.length).toBeGreaterThan(1);
    expect(results.ResultSet?.ResultSetMetadata?.ColumnInfo?.length).toBeGreaterThan(0);
  });

  it('answered everything from cached clients, one per service', () => {
    const stats = factory.stats();
    expect(stats.clients).toBe(5);
    expect(stats.entries.map((entry) => entry.service).sort()).toEqual(['athena', 'bedrock-runtime', 'dynamodb', 's3', 'sagemaker']);
  });
});
