import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { createClientFactory } from '@dbp/aws-core';
import { describe, expectTypeOf, it } from 'vitest';
import { bedrockRuntime, getBedrockRuntimeClient } from './index.js';
// The string id is typed by the register entry's augmentation (as for a user who imports it).
import './registry.js';

describe('typed getClient for bedrock-runtime', () => {
  const factory = createClientFactory();

  it('returns BedrockRuntimeClient for the definition, the string id and the getter', () => {
    expectTypeOf(factory.getClient(bedrockRuntime)).toEqualTypeOf<BedrockRuntimeClient>();
    expectTypeOf(factory.getClient('bedrock-runtime')).toEqualTypeOf<BedrockRuntimeClient>();
    expectTypeOf(getBedrockRuntimeClient()).toEqualTypeOf<BedrockRuntimeClient>();
  });

  it('types config as the service client configuration', () => {
    factory.getClient(bedrockRuntime, { region: 'us-east-1', config: { maxAttempts: 3, endpoint: 'http://127.0.0.1:4566' } });
    // @ts-expect-error maxAttempts is a number (or a provider), not a string
    factory.getClient(bedrockRuntime, { config: { maxAttempts: 'three' } });
    // @ts-expect-error unknown options are refused at compile time too
    factory.getClient('bedrock-runtime', { regoin: 'us-east-1' });
  });

  it('refuses ids no package registered', () => {
    // @ts-expect-error 'not-a-service' is not in ServiceRegistry
    factory.getClient('not-a-service');
  });
});
