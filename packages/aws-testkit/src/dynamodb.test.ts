import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../test/helpers.js';
import { type LocalAws, startLocalAws } from './index.js';

let local: LocalAws;
let client: DynamoDBClient;

beforeAll(async () => {
  local = await startLocalAws({ services: ['dynamodb'] });
  const { region, credentials, config } = local.clientOptions('dynamodb');
  client = new DynamoDBClient({ region, credentials, ...config });
});

afterAll(async () => {
  client?.destroy();
  await local?.stop();
});

describe('DynamoDB through dynalite and the verifying proxy', () => {
  it('creates a table, writes, reads and queries items', async () => {
    await client.send(
      new CreateTableCommand({
        TableName: 'things',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    let status: string | undefined;
    for (let i = 0; i < 50 && status !== 'ACTIVE'; i++) {
      status = (await client.send(new DescribeTableCommand({ TableName: 'things' }))).Table?.TableStatus;
    }
    expect(status).toBe('ACTIVE');
    for (const sk of [1, 2, 3]) {
      await client.send(new PutItemCommand({ TableName: 'things', Item: { pk: { S: 'a' }, sk: { N: String(sk) }, label: { S: `item ${sk}` } } }));
    }
    const got = await client.send(new GetItemCommand({ TableName: 'things', Key: { pk: { S: 'a' }, sk: { N: '2' } } }));
    expect(got.Item?.label?.S).toBe('item 2');
    const queried = await client.send(
      new QueryCommand({
        TableName: 'things',
        KeyConditionExpression: 'pk = :pk AND sk >= :min',
        ExpressionAttributeValues: { ':pk': { S: 'a' }, ':min': { N: '2' } },
      }),
    );
    expect(queried.Items?.map((i) => i.sk?.N)).toEqual(['2', '3']);
    expect(local.requests.count('dynamodb', { operation: 'PutItem', status: 200 })).toBe(3);
  });

  it('returns the typed exceptions of the DynamoDB model', async () => {
    const conditional = await rejection(
      client.send(new PutItemCommand({ TableName: 'things', Item: { pk: { S: 'a' }, sk: { N: '1' } }, ConditionExpression: 'attribute_not_exists(pk)' })),
    );
    expect(conditional).toBeInstanceOf(ConditionalCheckFailedException);
    const missing = await rejection(client.send(new GetItemCommand({ TableName: 'nope', Key: { pk: { S: 'a' } } })));
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });
});
