import { describe, expect, it } from 'vitest';
import { type FakeClient, fakeService } from './__fixtures__/fakeService.js';
import { AwsClientError, createClientFactory } from './index.node.js';

// Findings of a fourth adversarial review: each comment says what the defect
// was and what fixed it; the other tests pin what held.

const region = 'us-east-1';
const credentials = { accessKeyId: 'AKIDREVIEWFOUR', secretAccessKey: 'review-four-secret' };

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
