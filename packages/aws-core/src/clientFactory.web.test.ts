import { describe, expect, it } from 'vitest';
import { type FakeClient, fakeService } from './__fixtures__/fakeService.js';

// The web build of the core (the fixture loaded the Node entry first; the web entry installs last and wins).
const { AwsCredentialError, AwsRegionError, createClientFactory } = await import('./index.web.js');
const alpha = fakeService('alpha');

describe('the factory on the web runtime', () => {
  it('says what to pass when there are no credentials, since there is no chain', () => {
    const factory = createClientFactory();
    expect(() => factory.getClient(alpha, { region: 'us-east-1' })).toThrow(AwsCredentialError);
    expect(() => factory.getClient(alpha, { region: 'us-east-1' })).toThrow(/no default credential chain. Pass credentials/);
  });

  it('names the profile when one was given without credentials: profiles exist only on Node', () => {
    const factory = createClientFactory();
    const attempt = () => factory.getClient(alpha, { region: 'us-east-1', profile: 'work' });
    expect(attempt).toThrow(AwsCredentialError);
    expect(attempt).toThrow(
      /^No credentials: profile 'work' was given, but profiles \(the shared config files\) exist only on Node, and browsers and edge runtimes have no default credential chain\. Pass credentials/,
    );
    // With credentials, the profile is accepted (it only keys the client) and does nothing on the web.
    expect(factory.getClient(alpha, { region: 'us-east-1', profile: 'work', credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } })).toBeDefined();
  });

  it('refuses a missing region, since there are no config files', () => {
    const saved = process.env.AWS_REGION;
    delete process.env.AWS_REGION;
    try {
      expect(() => createClientFactory().getClient(alpha, { credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } })).toThrow(AwsRegionError);
    } finally {
      if (saved !== undefined) process.env.AWS_REGION = saved;
    }
  });

  it('maps the tier to fetch handler options', () => {
    const client = createClientFactory().getClient(alpha, { region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } }) as FakeClient;
    expect(client.config.requestHandler).toEqual({ requestTimeout: 30_000 });
  });
});
