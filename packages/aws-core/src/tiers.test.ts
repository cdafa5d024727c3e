import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type FakeClient, fakeService } from './__fixtures__/fakeService.js';
import { createClientFactory, DEFAULT_TIERS, SERVICE_TIERS } from './index.node.js';

const creds = { accessKeyId: 'AKID', secretAccessKey: 'tier-secret' };

describe('DEFAULT_TIERS', () => {
  it('maps the seed tiers to SDK v3 attempts and timeouts', () => {
    expect(DEFAULT_TIERS).toEqual({
      standard: { maxAttempts: 6, retryMode: 'standard', connectTimeoutMs: 10_000, readTimeoutMs: 30_000 },
      ai: { maxAttempts: 4, retryMode: 'standard', connectTimeoutMs: 10_000, readTimeoutMs: 120_000 },
      data: { maxAttempts: 4, retryMode: 'standard', connectTimeoutMs: 10_000, readTimeoutMs: 60_000 },
    });
    expect(Object.isFrozen(DEFAULT_TIERS)).toBe(true);
    expect(Object.isFrozen(DEFAULT_TIERS.standard)).toBe(true);
  });
});

describe("the README's tier table", () => {
  it('says what DEFAULT_TIERS and SERVICE_TIERS say', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const rows = readme.split('\n').filter((line) => /^\| `(standard|ai|data)` \|/.test(line));
    const seconds = (ms: number) => `${ms / 1000} s`;
    const expected = Object.entries(DEFAULT_TIERS).map(([name, tier]) => {
      const ids = Object.keys(SERVICE_TIERS).filter((id) => SERVICE_TIERS[id] === name);
      const services = name === 'standard' ? 'every other' : ids.map((id) => `\`${id}\``).join(', ');
      return `| \`${name}\` | ${tier.maxAttempts} | ${seconds(tier.connectTimeoutMs)} | ${seconds(tier.readTimeoutMs)} | ${services} |`;
    });
    expect(rows).toEqual(expected);
    expect(Object.values(DEFAULT_TIERS).map((tier) => tier.retryMode)).toEqual(['standard', 'standard', 'standard']);
  });
});

describe('tier configuration', () => {
  it.each([
    ['standard', 6, 30_000],
    ['ai', 4, 120_000],
    ['data', 4, 60_000],
  ] as const)('gives a %s client %i attempts and Node handler timeouts of 10 s / %i ms', (tier, attempts, read) => {
    const client = createClientFactory().getClient(fakeService(`tier-${tier}`, tier), { region: 'us-east-1', credentials: creds }) as FakeClient;
    expect(client.config).toMatchObject({ maxAttempts: attempts, retryMode: 'standard', requestHandler: { connectionTimeout: 10_000, socketTimeout: read } });
  });

  // Review 13 (R): a misspelt field beside the four was accepted and ignored (`readTimeout: 5_000`).
  it('refuses a tier with a field it does not have, naming the field meant', () => {
    expect(() => createClientFactory({ tiers: { reports: { ...DEFAULT_TIERS.data, readTimeout: 300_000 } as never } })).toThrow(
      expect.objectContaining({
        code: 'INVALID_FACTORY_OPTIONS',
        message:
          "Tier 'reports' has no field 'readTimeout'; did you mean 'readTimeoutMs'? A tier is { maxAttempts, retryMode, connectTimeoutMs, readTimeoutMs }, for example DEFAULT_TIERS.standard.",
      }),
    );
    expect(() => createClientFactory({ tiers: { reports: { ...DEFAULT_TIERS.data, priority: 1 } as never } })).toThrow(
      /^Tier 'reports' has no field 'priority'\. A tier is/,
    );
    expect(createClientFactory({ tiers: { reports: { ...DEFAULT_TIERS.data, readTimeoutMs: 300_000 } } })).toBeDefined();
  });

  it('lets a call pick another tier', () => {
    const client = createClientFactory().getClient(fakeService('picked'), { region: 'us-east-1', credentials: creds, tier: 'ai' }) as FakeClient;
    expect(client.config).toMatchObject({ maxAttempts: 4, requestHandler: { socketTimeout: 120_000 } });
  });

  it('lets config values win over the tier', () => {
    const client = createClientFactory().getClient(fakeService('override'), {
      region: 'us-east-1',
      credentials: creds,
      config: { maxAttempts: 2, retryMode: 'adaptive', requestHandler: { socketTimeout: 1_500 } },
    }) as FakeClient;
    expect(client.config).toMatchObject({ maxAttempts: 2, retryMode: 'adaptive', requestHandler: { connectionTimeout: 10_000, socketTimeout: 1_500 } });
  });

  it('lets a service shape its handler options from the tier', () => {
    const service = fakeService('shaped', 'ai');
    const shaped = {
      ...service,
      handlerOptions: ({ tier }: { tier: { readTimeoutMs: number } }) => ({ requestTimeout: tier.readTimeoutMs, disableConcurrentStreams: true }),
    };
    const client = createClientFactory().getClient(shaped as typeof service, { region: 'us-east-1', credentials: creds }) as FakeClient;
    expect(client.config.requestHandler).toEqual({ requestTimeout: 120_000, disableConcurrentStreams: true });
  });

  it('accepts added and overridden tiers', () => {
    const factory = createClientFactory({
      tiers: {
        batch: { maxAttempts: 8, retryMode: 'adaptive', connectTimeoutMs: 2_000, readTimeoutMs: 300_000 },
        standard: { ...DEFAULT_TIERS.standard, maxAttempts: 3 },
      },
    });
    const batch = factory.getClient(fakeService('batchy', 'batch'), { region: 'us-east-1', credentials: creds }) as FakeClient;
    expect(batch.config).toMatchObject({ maxAttempts: 8, retryMode: 'adaptive', requestHandler: { connectionTimeout: 2_000, socketTimeout: 300_000 } });
    const standard = factory.getClient(fakeService('std'), { region: 'us-east-1', credentials: creds }) as FakeClient;
    expect(standard.config.maxAttempts).toBe(3);
    expect(DEFAULT_TIERS.standard.maxAttempts).toBe(6);
  });

  it('names the known tiers when one is unknown', () => {
    expect(() => createClientFactory().getClient(fakeService('unknown-tier', 'gold'), { region: 'us-east-1', credentials: creds })).toThrow(
      /Unknown tier 'gold'. Known tiers: standard, ai, data/,
    );
  });

  it.each([
    [{ maxAttempts: 0, retryMode: 'standard', connectTimeoutMs: 1, readTimeoutMs: 1 }, /maxAttempts/],
    [{ maxAttempts: 1, retryMode: 'legacy', connectTimeoutMs: 1, readTimeoutMs: 1 }, /retryMode/],
    [{ maxAttempts: 1, retryMode: 'standard', connectTimeoutMs: '10', readTimeoutMs: 1 }, /connectTimeoutMs/],
    [{ maxAttempts: 1, retryMode: 'standard', connectTimeoutMs: 1, readTimeoutMs: Number.NaN }, /readTimeoutMs/],
    ['fast', /must be an object/],
  ])('refuses an invalid tier %j', (tier, message) => {
    expect(() => createClientFactory({ tiers: { custom: tier as never } })).toThrow(message);
  });

  it('refuses tiers and serviceTiers given as class instances as such, not as "an object"', () => {
    class Tiers {
      readonly batch = { ...DEFAULT_TIERS.data };
    }
    class ServiceTiers {
      get s3() {
        return 'data';
      }
    }
    expect(() => createClientFactory({ tiers: new Tiers() as never })).toThrow(
      expect.objectContaining({
        code: 'INVALID_FACTORY_OPTIONS',
        message: expect.stringMatching(
          /tiers must be an object of tier name → tier, got a class instance .* Pass an object literal, such as \{ \.\.\.tiers \}\.$/,
        ),
      }),
    );
    expect(() => createClientFactory({ serviceTiers: new ServiceTiers() as never })).toThrow(/serviceTiers .*got a class instance/);
    // Not an object at all: described as before.
    expect(() => createClientFactory({ tiers: 'data' as never })).toThrow(/tiers must be an object of tier name → tier, got a string\.$/);
  });
});
