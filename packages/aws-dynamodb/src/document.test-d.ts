import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createClientFactory } from '@dbp/aws-core';
import { describe, expectTypeOf, it } from 'vitest';
import { dynamodbDocument, getDynamoDBDocumentClient } from './document.js';

describe('typed getClient for dynamodbDocument', () => {
  const factory = createClientFactory();

  it('returns DynamoDBDocumentClient for the definition and the getter', () => {
    expectTypeOf(factory.getClient(dynamodbDocument)).toEqualTypeOf<DynamoDBDocumentClient>();
    expectTypeOf(getDynamoDBDocumentClient()).toEqualTypeOf<DynamoDBDocumentClient>();
  });

  it('types config as DynamoDBClientConfig plus translateConfig', () => {
    getDynamoDBDocumentClient({ region: 'us-east-1', config: { maxAttempts: 3, translateConfig: { marshallOptions: { removeUndefinedValues: true } } } });
    // @ts-expect-error wrapNumbers is a boolean or a function
    getDynamoDBDocumentClient({ config: { translateConfig: { unmarshallOptions: { wrapNumbers: 'yes' } } } });
    // @ts-expect-error translateConfig goes in config
    getDynamoDBDocumentClient({ translateConfig: {} });
  });
});
