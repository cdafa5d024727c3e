import { afterEach, describe, expect, it } from 'vitest';
import { type FakeClient, fakeService, recordingLogger } from './__fixtures__/fakeService.js';
import { AwsClientError, AwsClientFactory, configureClientFactory, createClientFactory, DEFAULT_TIERS, getClientFactory } from './index.node.js';

const alpha = fakeService('alpha');
const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const slow = { maxAttempts: 2, retryMode: 'standard' as const, connectTimeoutMs: 1_000, readTimeoutMs: 90_000 };

afterEach(async () => {
  // Back to an unconfigured process-wide factory for the next test.
  await getClientFactory().dispose();
  configureClientFactory({});
});

function maxAttempts(client: FakeClient): unknown {
  return client.config.maxAttempts;
}

describe('configureClientFactory', () => {
  it('configures the process-wide factory that getClientFactory() and the helpers use', () => {
    const returned = configureClientFactory({ defaultRegion: 'eu-west-1', tiers: { slow }, serviceTiers: { alpha: 'slow' } });
    expect(returned).toBe(getClientFactory());
    expect(returned).toBe(AwsClientFactory.getInstance());
    const client = getClientFactory().getClient(alpha, { credentials: creds });
    expect(client.config.region).toBe('eu-west-1');
    expect(maxAttempts(client)).toBe(2);
  });

  it('AwsClientFactory.configure() is the same call: options checked and applied, never a TypeError from inside', () => {
    expect(AwsClientFactory.configure({ maxClients: 2 })).toBe(getClientFactory());
    expect(getClientFactory().getClient(alpha, { region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } })).toBeDefined();
    expect(() => AwsClientFactory.configure({ maxClients: 3 })).toThrow(expect.objectContaining({ code: 'FACTORY_ALREADY_IN_USE' }));
    expect(() => AwsClientFactory.configure(42 as never)).toThrow(AwsClientError);
  });

  it('configures in place: a reference taken before the call is the configured factory', () => {
    const held = getClientFactory();
    configureClientFactory({ tiers: { standard: { ...DEFAULT_TIERS.standard, maxAttempts: 3 } } });
    expect(getClientFactory()).toBe(held);
    expect(maxAttempts(held.getClient(alpha, { region: 'us-east-1', credentials: creds }))).toBe(3);
  });

  it('routes logs to the configured logger', () => {
    const logger = recordingLogger();
    configureClientFactory({ logger });
    getClientFactory().getClient(alpha, { region: 'us-east-1', credentials: creds });
    expect(logger.lines.some((line) => line.includes('created alpha client'))).toBe(true);
  });

  it('refuses, typed and without changing anything, once the factory has made a client', () => {
    configureClientFactory({ defaultRegion: 'eu-west-1' });
    const client = getClientFactory().getClient(alpha, { credentials: creds });
    let caught: unknown;
    try {
      configureClientFactory({ defaultRegion: 'ap-south-1' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AwsClientError);
    expect((caught as AwsClientError).code).toBe('FACTORY_ALREADY_IN_USE');
    expect((caught as Error).message).toMatch(/before the first getClient\(\) or get<Service>Client\(\) call.*createClientFactory\(options\)/);
    // The usual cause: a module that makes a client when imported, which runs before the entry's own code (review 15).
    expect((caught as Error).message).toContain(
      'imports run first: a module that makes a client when imported runs before the code of the module importing it',
    );
    expect(getClientFactory().getClient(alpha, { credentials: creds })).toBe(client);
    expect(getClientFactory().getClient(alpha, { credentials: { ...creds } }).config.region).toBe('eu-west-1');
  });

  // Review 13: vitest with isolate: false (and its vm pools) runs a setup file once per test
  // file in one process: the second file's configureClientFactory() was refused.
  it('accepts the same options again once in use, changing nothing (a setup file run once per test file in one process)', () => {
    const logger = recordingLogger();
    const onEvent = (): void => undefined;
    const options = () => ({
      defaultRegion: 'eu-west-1',
      logger,
      onEvent,
      tiers: { slow: { ...slow }, quick: DEFAULT_TIERS.standard },
      serviceTiers: { alpha: 'slow', beta: 'quick' },
    });
    const factory = configureClientFactory(options());
    const client = getClientFactory().getClient(alpha, { credentials: creds });
    // Equal options, as new objects: tiers and serviceTiers compare by value, the logger and onEvent by identity.
    expect(configureClientFactory(options())).toBe(factory);
    expect(getClientFactory().getClient(alpha, { credentials: creds })).toBe(client);
    expect(factory.stats()).toMatchObject({ clients: 1, misses: 1, hits: 1 });
    // Anything that differs is still refused, and changes nothing.
    for (const changed of [
      { ...options(), defaultRegion: 'us-east-1' },
      { ...options(), tiers: { slow: { ...slow, maxAttempts: 3 }, quick: DEFAULT_TIERS.standard } },
      { ...options(), serviceTiers: undefined },
      { ...options(), logger: recordingLogger() },
      { ...options(), onEvent: () => undefined },
      { ...options(), maxClients: 255 },
    ]) {
      const differs = Object.keys(changed).find(
        (key) => changed[key as keyof typeof changed] !== options()[key as keyof typeof changed] && key !== 'tiers' && key !== 'serviceTiers',
      );
      expect(() => configureClientFactory(changed)).toThrow(
        expect.objectContaining({ code: 'FACTORY_ALREADY_IN_USE', message: expect.stringContaining(`with other options than before (${differs ?? ''}`) }),
      );
    }
    // The same tiers and serviceTiers in another order are equal too; the refusal names what differs.
    const reordered = { ...options(), serviceTiers: { beta: 'quick', alpha: 'slow' }, tiers: { quick: DEFAULT_TIERS.standard, slow: { ...slow } } };
    expect(configureClientFactory(reordered)).toBe(factory);
    expect(() => configureClientFactory({ ...options(), tiers: { slow: { ...slow, maxAttempts: 3 }, quick: DEFAULT_TIERS.standard } })).toThrow(
      /\(tiers differs\)/,
    );
    expect(getClientFactory().getClient(alpha, { credentials: creds })).toBe(client);
    expect(maxAttempts(client)).toBe(2);
  });

  it('refuses once the factory has made a session', () => {
    getClientFactory().getSession({ region: 'us-east-1', credentials: creds });
    expect(() => configureClientFactory({ maxClients: 8 })).toThrow(expect.objectContaining({ code: 'FACTORY_ALREADY_IN_USE' }));
  });

  it('refuses from inside a getClient of the process-wide factory (a getter on its options), leaving no client outside the factory', async () => {
    const factory = getClientFactory();
    let inside: unknown;
    const options = {
      credentials: creds,
      get region(): string {
        try {
          configureClientFactory({ defaultRegion: 'eu-west-1' });
        } catch (error) {
          inside = error;
        }
        return 'us-east-1';
      },
    };
    const first = factory.getClient(alpha, options);
    expect(inside).toMatchObject({ code: 'FACTORY_ALREADY_IN_USE' });
    // The client is the factory's: found again, counted, and destroyed by dispose().
    expect(factory.getClient(alpha, { region: 'us-east-1', credentials: creds })).toBe(first);
    expect(factory.stats()).toMatchObject({ clients: 1, misses: 1, hits: 1 });
    await factory.dispose();
    expect(first.destroyed).toBe(1);
  });

  it('may be called again before first use: the new options replace the old whole', () => {
    configureClientFactory({ defaultRegion: 'eu-west-1', tiers: { slow }, serviceTiers: { alpha: 'slow' } });
    configureClientFactory({ defaultRegion: 'us-west-2' });
    const client = getClientFactory().getClient(alpha, { credentials: creds });
    expect(client.config.region).toBe('us-west-2');
    expect(maxAttempts(client)).toBe(DEFAULT_TIERS.standard.maxAttempts);
  });

  it('checks options as createClientFactory does, naming itself, and leaves the factory as it was', () => {
    configureClientFactory({ defaultRegion: 'eu-west-1' });
    expect(() => configureClientFactory({ maxClients: 0 })).toThrow(/configureClientFactory\(\): maxClients must be a positive integer/);
    expect(() => configureClientFactory({ maxClient: 8 } as never)).toThrow(
      /configureClientFactory\(\) got an unknown option 'maxClient'. Did you mean 'maxClients'\?/,
    );
    expect(() => configureClientFactory('eu-west-1' as never)).toThrow(expect.objectContaining({ code: 'INVALID_FACTORY_OPTIONS' }));
    expect(() => configureClientFactory({ defaultRegion: 'eu-west-l' })).toThrow(expect.objectContaining({ code: 'INVALID_REGION' }));
    expect(getClientFactory().getClient(alpha, { credentials: creds }).config.region).toBe('eu-west-1');
  });

  it('an unknown tier in serviceTiers names the service and the call to add the tier to', () => {
    expect(() => configureClientFactory({ serviceTiers: { alpha: 'reports' } })).toThrow(
      expect.objectContaining({
        code: 'UNKNOWN_TIER',
        message:
          "Unknown tier 'reports' for service 'alpha' in serviceTiers. Known tiers: standard, ai, data. Add it with the tiers option of configureClientFactory().",
      }),
    );
  });

  it('an unknown tier suggests the closest known one, from getClient and from serviceTiers', () => {
    expect(() => getClientFactory().getClient(alpha, { credentials: creds, tier: 'stardard' })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_TIER', message: expect.stringContaining("Unknown tier 'stardard'. Did you mean 'standard'?") }),
    );
    expect(() => configureClientFactory({ serviceTiers: { alpha: 'dta' } })).toThrow(
      expect.objectContaining({ message: expect.stringContaining("Did you mean 'data'?") }),
    );
  });

  it("a disposed factory's error says what to do for the process-wide factory and for one's own", async () => {
    const shared = getClientFactory();
    await shared.dispose();
    expect(() => shared.getClient(alpha, { credentials: creds })).toThrow(
      expect.objectContaining({ code: 'FACTORY_DISPOSED', message: expect.stringMatching(/^The process-wide factory was disposed\. getClientFactory\(\)/) }),
    );
    const own = createClientFactory();
    await own.dispose();
    expect(() => own.getClient(alpha, { credentials: creds })).toThrow(
      expect.objectContaining({
        code: 'FACTORY_DISPOSED',
        message: 'This factory was disposed and cannot be used again. Create a new one with createClientFactory().',
      }),
    );
  });

  it('a refused defaultRegion leaves nothing behind: the factory works, unconfigured, before and after a dispose()', async () => {
    // No process-wide factory yet: the refusal must not leave the bad region for the one getInstance() makes.
    await getClientFactory().dispose();
    expect(() => configureClientFactory({ defaultRegion: 'eu-west-l' })).toThrow(expect.objectContaining({ code: 'INVALID_REGION' }));
    expect(getClientFactory().getClient(alpha, { region: 'us-east-1', credentials: creds }).config.region).toBe('us-east-1');
    await getClientFactory().dispose();
    // An unused process-wide factory: it keeps its options, and so does the next one.
    configureClientFactory({ defaultRegion: 'eu-west-1' });
    expect(() => configureClientFactory({ defaultRegion: 'xx-west-l', regionValidation: 'strict' })).toThrow(
      expect.objectContaining({ code: 'INVALID_REGION' }),
    );
    await getClientFactory().dispose();
    expect(getClientFactory().getClient(alpha, { credentials: creds }).config.region).toBe('eu-west-1');
  });

  it('copies the options: mutating them after the call changes nothing', () => {
    const tier = { ...slow };
    const options = { defaultRegion: 'eu-west-1', tiers: { slow: tier }, serviceTiers: { alpha: 'slow' } };
    configureClientFactory(options);
    tier.maxAttempts = 9;
    options.defaultRegion = 'ap-south-1';
    options.serviceTiers.alpha = 'standard';
    const client = getClientFactory().getClient(alpha, { credentials: creds });
    expect(client.config.region).toBe('eu-west-1');
    expect(maxAttempts(client)).toBe(2);
  });

  it('reads class instances with getters, frozen objects and Proxies like plain options', async () => {
    class Options {
      get defaultRegion(): string {
        return 'eu-north-1';
      }
    }
    for (const options of [new Options(), Object.freeze({ defaultRegion: 'eu-north-1' }), new Proxy({ defaultRegion: 'eu-north-1' }, {})]) {
      configureClientFactory(options as never);
      expect(getClientFactory().getClient(alpha, { credentials: { ...creds } }).config.region).toBe('eu-north-1');
      await getClientFactory().dispose();
      configureClientFactory({});
    }
  });

  it('turns a throwing getter into a typed error that withholds its text', () => {
    const options = {
      get logger(): never {
        throw new Error('vault said: secret-token-123');
      },
    };
    let caught: unknown;
    try {
      configureClientFactory(options as never);
    } catch (error) {
      caught = error;
    }
    expect((caught as AwsClientError).code).toBe('INVALID_FACTORY_OPTIONS');
    expect((caught as Error).message).not.toContain('secret-token-123');
  });

  it('stays in force for the factory getInstance() makes after a dispose()', async () => {
    configureClientFactory({ defaultRegion: 'eu-west-1' });
    const first = getClientFactory();
    first.getClient(alpha, { credentials: creds });
    await first.dispose();
    const second = getClientFactory();
    expect(second).not.toBe(first);
    expect(second.getClient(alpha, { credentials: creds }).config.region).toBe('eu-west-1');
  });
});
