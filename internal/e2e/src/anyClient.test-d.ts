import { SQSClient } from '@aws-sdk/client-sqs';
import { createClientFactory } from '@dbp/aws-core';
import { describe, expectTypeOf, it } from 'vitest';

describe('getClient with an SDK client class', () => {
  const factory = createClientFactory();

  it('returns the class instance, with config typed by the class', () => {
    expectTypeOf(factory.getClient(SQSClient)).toEqualTypeOf<SQSClient>();
    expectTypeOf(factory.getClient(SQSClient, { region: 'us-east-1', config: { maxAttempts: 3, useQueueUrlAsEndpoint: false } })).toEqualTypeOf<SQSClient>();
    // @ts-expect-error forcePathStyle is no SQSClient configuration
    factory.getClient(SQSClient, { config: { forcePathStyle: true } });
    factory.clearCache({ service: SQSClient });
  });
});
