/**
 * Calls back into the factory from inside a call: an options getter, a
 * logger or an onEvent listener that gets another client, clears the cache
 * or disposes the factory while getClient is reading its options or making a
 * client. The outer call still gets the client its own options ask for (or
 * FACTORY_DISPOSED), never one the inner call removed, and getClient's
 * re-entrancy count (clientStore.ts `reading`) comes back so hits take the
 * fast path again. Each block was a defect a review found, until the fix its
 * comment names.
 */
import { describe, expect, it } from 'vitest';
import { type FakeClient, fakeService } from '../__fixtures__/fakeService.js';
import { AwsClientError, createClientFactory, type Logger } from '../index.node.js';

const alpha = fakeService('alpha');
const region = 'us-east-1';
const credentials = { accessKeyId: 'AKIDREVIEWFOUR', secretAccessKey: 'review-four-secret' };

describe('an options getter that uses the factory itself', () => {
  // getClient reads a call into one reusable record (`#read` in
  // clientFactory.ts, filled field by field by keySpec.ts `readCall`). A
  // getter run while it is being filled (a DI container resolving
  // credentials or config lazily, which builds another client) re-enters
  // getClient, which refilled the same record; the outer call then carried on
  // with the inner call's region and credentials. A call made while another
  // is being read now reads into its own record and takes the full path
  // (clientStore.ts `clientFor`).
  const queue = fakeService('queue');
  const sts = fakeService('sts');

  it('a credentials getter that builds a client for another region: the call gets its own region', async () => {
    await using factory = createClientFactory();
    const tenant = { accessKeyId: 'AKIDTENANT', secretAccessKey: 'tenant-secret' };
    const client = factory.getClient(queue, {
      region: 'us-east-1',
      get credentials() {
        factory.getClient(sts, { region: 'eu-west-1', credentials: { accessKeyId: 'AKIDBASE', secretAccessKey: 'base-secret' } });
        return tenant;
      },
    });
    expect(client.config.region).toBe('us-east-1');
  });

  it("a config getter that builds a client with the platform's credentials: the tenant's call never gets them", async () => {
    await using factory = createClientFactory();
    const client = factory.getClient(queue, {
      region,
      credentials: { accessKeyId: 'AKIDTENANT', secretAccessKey: 'tenant-secret' },
      get config() {
        factory.getClient(sts, { region, credentials: { accessKeyId: 'AKIDPLATFORM', secretAccessKey: 'platform-secret' } });
        return { maxAttempts: 2 };
      },
    });
    const resolved = await (client.config.credentials as () => Promise<{ accessKeyId: string }>)();
    expect(resolved.accessKeyId).toBe('AKIDTENANT');
  });

  it('a getter inside config that builds another client: the call gets its own config', async () => {
    await using factory = createClientFactory();
    const credentials = { accessKeyId: 'AKIDCONFIG', secretAccessKey: 'config-secret' };
    const client = factory.getClient(queue, {
      region,
      credentials,
      config: {
        endpoint: 'https://outer.example',
        get maxAttempts() {
          factory.getClient(sts, { region, credentials, config: { endpoint: 'https://inner.example', maxAttempts: 9 } });
          return 2;
        },
      },
    });
    expect(client.config.endpoint).toBe('https://outer.example');
    expect(client.config.maxAttempts).toBe(2);
  });

  it("a getter inside config that uses another factory: the call's config is read whole (the fast path's scratch is shared by factories)", async () => {
    await using platform = createClientFactory();
    await using tenant = createClientFactory();
    const credentials = { accessKeyId: 'AKIDCONFIG', secretAccessKey: 'config-secret' };
    // Cached first: the client a config read without its endpoint would find.
    const withoutEndpoint = tenant.getClient(queue, { region, credentials, config: { maxAttempts: 2 } });
    const options = () => ({
      region,
      credentials,
      config: {
        endpoint: 'https://outer.example',
        get maxAttempts() {
          platform.getClient(sts, { region, credentials, config: { endpoint: 'https://inner.example', maxAttempts: 9 } });
          return 2;
        },
      },
    });
    const client = tenant.getClient(queue, options());
    // Asked again: now the fast path reads it, with the other factory's call in the middle.
    expect(tenant.getClient(queue, options())).toBe(client);
    expect(client).not.toBe(withoutEndpoint);
    expect(client.config.endpoint).toBe('https://outer.example');
  });
});

describe('a getter that changes the factory while a repeated call is matched on the fast path', () => {
  // The fast path first compares a call with the last client it handed out
  // (fastPath.ts `FastPath.find` → `isLastCall`), reading the call's config
  // and credentials, and so running their getters, as it compares. A getter
  // that clears the cache, evicts that client (a nested getClient past
  // `maxClients`) or disposes the factory removes it meanwhile; the
  // comparison still matches and `clientStore.ts` `clientFor` serves it
  // (`ClientCache.serve` assumes "a removed entry is never asked for").
  // The full path checks this (`#closed()`, `raced?.state`); the fast path
  // did not, and now serves only a live entry (falling through otherwise).
  const queue = fakeService('queue');
  const other = fakeService('other');

  /** Makes the client, then hits it once so it is the fast path's last entry. */
  function warm(factory: ReturnType<typeof createClientFactory>): FakeClient {
    const client = factory.getClient(queue, { region, credentials, config: { maxAttempts: 2 } });
    expect(factory.getClient(queue, { region, credentials, config: { maxAttempts: 2 } })).toBe(client);
    return client;
  }

  /** A config equal to `{ maxAttempts: 2 }` whose getter runs `effect` once. */
  function configThat(effect: () => void): { maxAttempts: number } {
    let ran = false;
    return {
      get maxAttempts() {
        if (!ran) {
          ran = true;
          effect();
        }
        return 2;
      },
    };
  }

  it('clearCache() in a getter: the call is handed a live, cached client, not the one just cleared', async () => {
    await using factory = createClientFactory();
    warm(factory);
    const client = factory.getClient(queue, { region, credentials, config: configThat(() => factory.clearCache()) });
    expect(client.destroyed).toBe(0);
    expect(factory.getClient(queue, { region, credentials, config: { maxAttempts: 2 } })).toBe(client);
  });

  it('a nested getClient that evicts the client (maxClients: 1): the call is not handed the evicted client', async () => {
    await using factory = createClientFactory({ maxClients: 1 });
    warm(factory);
    const client = factory.getClient(queue, {
      region,
      credentials,
      config: configThat(() => factory.getClient(other, { region, credentials })),
    });
    expect(client.destroyed).toBe(0);
    expect(factory.stats().entries.map((entry) => entry.service)).toContain('queue');
  });

  it('dispose() in a getter: FACTORY_DISPOSED, as on the full path, never the client dispose destroyed', async () => {
    const factory = createClientFactory();
    warm(factory);
    let caught: unknown;
    try {
      factory.getClient(queue, { region, credentials, config: configThat(() => void factory.dispose()) });
    } catch (error) {
      caught = error;
    }
    await factory.dispose();
    expect(caught).toBeInstanceOf(AwsClientError);
    expect((caught as AwsClientError).code).toBe('FACTORY_DISPOSED');
  });

  it('the same getters on a first call (full path) are handled: a live client, or FACTORY_DISPOSED', async () => {
    await using cleared = createClientFactory();
    const client = cleared.getClient(queue, { region, credentials, config: configThat(() => cleared.clearCache()) });
    expect(client.destroyed).toBe(0);
    expect(cleared.getClient(queue, { region, credentials, config: { maxAttempts: 2 } })).toBe(client);
    const disposed = createClientFactory();
    expect(() => disposed.getClient(queue, { region, credentials, config: configThat(() => void disposed.dispose()) })).toThrow(
      expect.objectContaining({ code: 'FACTORY_DISPOSED' }),
    );
    await disposed.dispose();
  });
});

describe('the re-entrancy count of getClient (clientStore.ts `reading`)', () => {
  const queue = fakeService('queue');

  /** How often a hit asks a config Proxy for its prototype: 2 on the fast path (isPlainRecord, for…in), 1 on the full path alone. */
  function prototypeReadsPerHit(factory: ReturnType<typeof createClientFactory>): number {
    let reads = 0;
    const config = new Proxy(
      { maxAttempts: 3 },
      {
        getPrototypeOf(target) {
          reads++;
          return Reflect.getPrototypeOf(target);
        },
      },
    );
    factory.getClient(queue, { region, credentials, config });
    factory.getClient(queue, { region, credentials, config });
    reads = 0;
    factory.getClient(queue, { region, credentials, config });
    return reads;
  }

  it('is restored after getters that call back in and throw, and after a stack overflow: hits take the fast path again', async () => {
    await using factory = createClientFactory();
    const fastHit = prototypeReadsPerHit(factory);
    expect(fastHit).toBe(2);
    for (let i = 0; i < 1000; i++) {
      expect(() =>
        factory.getClient(queue, {
          region,
          credentials,
          get tier(): string {
            factory.getClient(queue, { region, credentials });
            throw new Error('after calling back in');
          },
        }),
      ).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    }
    const deep = (): unknown =>
      factory.getClient(queue, {
        region,
        credentials,
        get config() {
          deep();
          return {};
        },
      });
    expect(deep).toThrow(AwsClientError);
    expect(prototypeReadsPerHit(factory)).toBe(fastHit);
  });
});

describe('a listener that clears the cache while a client is being created', () => {
  // A clearCache() run by the logger or a listener while the client is being
  // created removes it: the factory makes it again (clientStore.ts).
  it.each([
    ['a logger', (clear: () => void) => ({ options: { logger: { debug: clear } as Logger } })],
    ['an onEvent listener', (clear: () => void) => ({ options: { onEvent: clear } })],
  ])('through %s: getClient never hands out a destroyed client', (_name, make) => {
    let clearOnce: () => void = () => {};
    const { options } = make(() => clearOnce());
    const factory = createClientFactory(options);
    let cleared = 0;
    clearOnce = () => {
      if (cleared++ === 0) factory.clearCache();
    };
    const client = factory.getClient(alpha, {
      region,
      credentials: { accessKeyId: 'AKIDREENTER', secretAccessKey: 'reenter-secret' },
    }) as unknown as FakeClient;
    expect(cleared).toBeGreaterThan(0);
    expect(client.destroyed).toBe(0);
    // One getClient call that created a client: one miss (FactorySummary.misses), however often it was made.
    expect(factory.stats()).toMatchObject({ misses: 1, hits: 0 });
  });
});

describe('a listener that clears the cache on an LRU eviction (maxClients)', () => {
  it("sees each client's create before its evict and destroy: the eviction a new client causes is reported after the new client's create", () => {
    const events: string[] = [];
    let clearing = false;
    const factory = createClientFactory({
      maxClients: 1,
      onEvent: (event) => {
        const where = 'region' in event ? event.region : undefined;
        events.push(`${event.name} ${where}`);
        if (event.name === 'dbp:aws:client:evict' && !clearing) {
          clearing = true;
          factory.clearCache();
        }
      },
    });
    factory.getClient(alpha, { region: 'eu-west-1', credentials });
    factory.getClient(alpha, { region: 'eu-west-2', credentials });
    const seen = (name: string, of: string) => events.indexOf(`${name} ${of}`);
    for (const of of ['eu-west-1', 'eu-west-2']) {
      const created = seen('dbp:aws:client:create', of);
      expect(created, events.join('\n')).toBeGreaterThanOrEqual(0);
      for (const later of ['dbp:aws:client:evict', 'dbp:aws:client:destroy']) {
        const at = seen(later, of);
        if (at >= 0) expect(at, `${later} ${of} before its create:\n${events.join('\n')}`).toBeGreaterThan(created);
      }
    }
  });
});

describe('a listener that disposes the factory while a client is being created', () => {
  it('makes that getClient throw FACTORY_DISPOSED instead of handing out the destroyed client', () => {
    const factory = createClientFactory({
      onEvent: (event) => {
        if (event.name === 'dbp:aws:client:create') void factory.dispose();
      },
    });
    expect(() => factory.getClient(alpha, { region, credentials: { accessKeyId: 'AKIDLISTEN', secretAccessKey: 'listener-secret' } })).toThrow(
      expect.objectContaining({ code: 'FACTORY_DISPOSED' }),
    );
  });
});
