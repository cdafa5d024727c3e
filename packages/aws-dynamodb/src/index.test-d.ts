import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createClientFactory } from '@dbp/aws-core';
import { describe, expectTypeOf, it } from 'vitest';
import { dynamodb, getDynamoDBClient } from './index.js';
// The string id is typed by the register entry's augmentation (as for a user who imports it).
import './registry.js';

describe('typed getClient for dynamodb', () => {
  const factory = createClientFactory();

  it('returns DynamoDBClient for the definition, the string id and the getter', () => {
    expectTypeOf(factory.getClient(dynamodb)).toEqualTypeOf<DynamoDBClient>();
    expectTypeOf(factory.getClient('dynamodb')).toEqualTypeOf<DynamoDBClient>();
    expectTypeOf(getDynamoDBClient()).toEqualTypeOf<DynamoDBClient>();
  });

  it('types config as the service client configuration', () => {
    factory.getClient(dynamodb, { region: 'us-east-1', config: { maxAttempts: 3, endpoint: 'http://127.0.0.1:4566' } });
    // @ts-expect-error maxAttempts is a number (or a provider), not a string
    factory.getClient(dynamodb, { config: { maxAttempts: 'three' } });
    // @ts-expect-error unknown options are refused at compile time too
    factory.getClient('dynamodb', { regoin: 'us-east-1' });
  });

  it('refuses ids no package registered', () => {
    // @ts-expect-error 'not-a-service' is not in ServiceRegistry
    factory.getClient('not-a-service');
  });
});
