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
