import type { AthenaClient } from '@aws-sdk/client-athena';
import { createClientFactory } from '@dbp/aws-core';
import { describe, expectTypeOf, it } from 'vitest';
import { athena, getAthenaClient } from './index.js';
// The string id is typed by the register entry's augmentation (as for a user who imports it).
import './registry.js';

describe('typed getClient for athena', () => {
  const factory = createClientFactory();

  it('returns AthenaClient for the definition, the string id and the getter', () => {
    expectTypeOf(factory.getClient(athena)).toEqualTypeOf<AthenaClient>();
    expectTypeOf(factory.getClient('athena')).toEqualTypeOf<AthenaClient>();
    expectTypeOf(getAthenaClient()).toEqualTypeOf<AthenaClient>();
  });

  it('types config as the service client configuration', () => {
    factory.getClient(athena, { region: 'us-east-1', config: { maxAttempts: 3, endpoint: 'http://127.0.0.1:4566' } });
    // @ts-expect-error maxAttempts is a number (or a provider), not a string
    factory.getClient(athena, { config: { maxAttempts: 'three' } });
    // @ts-expect-error unknown options are refused at compile time too
    factory.getClient('athena', { regoin: 'us-east-1' });
  });

  it('refuses ids no package registered', () => {
    // @ts-expect-error 'not-a-service' is not in ServiceRegistry
    factory.getClient('not-a-service');
  });
});
