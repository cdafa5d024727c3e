import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { createClientFactory } from '@dbp/aws-core';
import { describe, expectTypeOf, it } from 'vitest';
import { getS3Client, s3 } from './index.js';
// The string id is typed by the register entry's augmentation (as for a user who imports it).
import './registry.js';

describe('typed getClient for s3', () => {
  const factory = createClientFactory();

  it('returns S3Client for the definition, the string id and the getter', () => {
    expectTypeOf(factory.getClient(s3)).toEqualTypeOf<S3Client>();
    expectTypeOf(factory.getClient('s3')).toEqualTypeOf<S3Client>();
    expectTypeOf(getS3Client()).toEqualTypeOf<S3Client>();
  });

  it('types config as the service client configuration', () => {
    factory.getClient(s3, { region: 'us-east-1', config: { maxAttempts: 3, endpoint: 'http://127.0.0.1:4566' } });
    // @ts-expect-error maxAttempts is a number (or a provider), not a string
    factory.getClient(s3, { config: { maxAttempts: 'three' } });
    // @ts-expect-error unknown options are refused at compile time too
    factory.getClient('s3', { regoin: 'us-east-1' });
    // A config typed as the SDK's own (whose region may be a provider) compiles (review 15, Y: a stricter
    // type for config.region refused it); a provider function there is refused when called.
    const shared: S3ClientConfig = { forcePathStyle: true, maxAttempts: 3 };
    factory.getClient(s3, { region: 'eu-west-1', config: shared });
    getS3Client({ config: shared });
  });

  it('refuses ids no package registered', () => {
    // @ts-expect-error 'not-a-service' is not in ServiceRegistry
    factory.getClient('not-a-service');
  });
});

describe('clearCache takes what it clears by', () => {
  it('an id, the definition or the client class, and not a look-alike { id } (refused when run)', () => {
    const factory = createClientFactory();
    factory.clearCache({ service: s3 });
    factory.clearCache({ service: 's3', region: 'us-east-1' });
    factory.clearCache({ service: S3Client });
    // @ts-expect-error a plain { id } is not a definition: pass the id as a string
    factory.clearCache({ service: { id: 's3' } });
  });
});

describe('S3-specific config', () => {
  it('accepts forcePathStyle', () => {
    createClientFactory().getClient(s3, { config: { forcePathStyle: true } });
  });
});
