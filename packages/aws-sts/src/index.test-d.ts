import { STSClient } from '@aws-sdk/client-sts';
import { type AwsCredentialProvider, createClientFactory, type ResolvedAwsCredentialProvider } from '@dbp/aws-core';
import { describe, expectTypeOf, it } from 'vitest';
import { assumeRole, assumeRoleWithWebIdentity, getSTSClient, sts } from './index.js';
// The string id is typed by the register entry's augmentation (as for a user who imports it).
import './registry.js';

const roleArn = 'arn:aws:iam::111122223333:role/app';

describe('typed getClient for sts', () => {
  const factory = createClientFactory();

  it('returns STSClient for the definition, the string id and the getter', () => {
    expectTypeOf(factory.getClient(sts)).toEqualTypeOf<STSClient>();
    expectTypeOf(factory.getClient('sts')).toEqualTypeOf<STSClient>();
    expectTypeOf(getSTSClient()).toEqualTypeOf<STSClient>();
  });

  it('returns STSClient for the SDK client class too (any SDK v3 client class works)', () => {
    expectTypeOf(factory.getClient(STSClient, { region: 'us-east-1', config: { maxAttempts: 2 } })).toEqualTypeOf<STSClient>();
    // @ts-expect-error the config is the class's own
    factory.getClient(STSClient, { config: { forcePathStyle: true } });
  });

  it('types config as the service client configuration', () => {
    factory.getClient(sts, { region: 'us-east-1', config: { maxAttempts: 3, endpoint: 'http://127.0.0.1:4566' } });
    // @ts-expect-error maxAttempts is a number (or a provider), not a string
    factory.getClient(sts, { config: { maxAttempts: 'three' } });
    // @ts-expect-error unknown options are refused at compile time too
    factory.getClient('sts', { regoin: 'us-east-1' });
  });
});

describe('assumeRole types', () => {
  it('is a credential provider any getClient takes', () => {
    expectTypeOf(assumeRole({ roleArn })).toEqualTypeOf<ResolvedAwsCredentialProvider>();
    expectTypeOf(assumeRole({ roleArn })).toExtend<AwsCredentialProvider>();
    // A plain SDK client takes it too (under exactOptionalPropertyTypes as well: the README blocks are checked so).
    new STSClient({ credentials: assumeRole({ roleArn }) });
    createClientFactory().getClient(sts, { credentials: assumeRole({ roleArn, externalId: 'x', tags: { tenant: 'a' }, durationSeconds: 900 }) });
  });

  it('takes explicit credentials, a provider or another assumeRole as source', () => {
    assumeRole({ roleArn, source: { accessKeyId: 'AKID', secretAccessKey: 's' } });
    assumeRole({ roleArn, source: async () => ({ accessKeyId: 'AKID', secretAccessKey: 's' }) });
    assumeRole({ roleArn, source: assumeRole({ roleArn }) });
    // @ts-expect-error a source is credentials or a provider, not a string
    assumeRole({ roleArn, source: 'AKID' });
  });

  it('refuses typos, a missing role and tags of the SDK shape', () => {
    // @ts-expect-error externalID is not an option (externalId is)
    assumeRole({ roleArn, externalID: 'x' });
    // @ts-expect-error roleArn is required
    assumeRole({ externalId: 'x' });
    // @ts-expect-error tags are { key: value }, not the SDK's [{ Key, Value }]
    assumeRole({ roleArn, tags: [{ Key: 'a', Value: 'b' }] });
  });
});

describe('stsConfig types', () => {
  it("is the STS client's SDK config, without the options the source has of its own", () => {
    assumeRole({ roleArn, stsConfig: { endpoint: 'http://127.0.0.1:4566', maxAttempts: 2 } });
    assumeRoleWithWebIdentity({ roleArn, webIdentityToken: 'jwt', stsConfig: { endpoint: 'http://127.0.0.1:4566' } });
    // The testkit's config for a service is { endpoint }: it fits as it is.
    const local: { config: { endpoint: string; forcePathStyle?: true } } = { config: { endpoint: 'http://127.0.0.1:4566' } };
    assumeRole({ roleArn, stsConfig: local.config });
    // @ts-expect-error maxAttempts is a number (or a provider), not a string
    assumeRole({ roleArn, stsConfig: { maxAttempts: 'two' } });
    // @ts-expect-error the STS region is the region option
    assumeRole({ roleArn, stsConfig: { region: 'eu-west-1' } });
    // @ts-expect-error the credentials that call AssumeRole are the source option
    assumeRole({ roleArn, stsConfig: { credentials: { accessKeyId: 'a', secretAccessKey: 'b' } } });
  });
});

describe('assumeRoleWithWebIdentity types', () => {
  it('takes exactly one of a token and a token file', () => {
    expectTypeOf(assumeRoleWithWebIdentity({ roleArn, webIdentityToken: 'jwt' })).toEqualTypeOf<ResolvedAwsCredentialProvider>();
    assumeRoleWithWebIdentity({ roleArn, webIdentityTokenFile: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token' });
    // @ts-expect-error neither a token nor a file
    assumeRoleWithWebIdentity({ roleArn });
    // @ts-expect-error not both
    assumeRoleWithWebIdentity({ roleArn, webIdentityToken: 'jwt', webIdentityTokenFile: '/t' });
    // @ts-expect-error a web identity role has no source
    assumeRoleWithWebIdentity({ roleArn, webIdentityToken: 'jwt', source: { accessKeyId: 'a', secretAccessKey: 'b' } });
  });
});
