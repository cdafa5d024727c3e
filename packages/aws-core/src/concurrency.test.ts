import { describe, expect, it } from 'vitest';
import { FakeClient, fakeService } from './__fixtures__/fakeService.js';
import { createClientFactory } from './index.node.js';

const services = ['svc-a', 'svc-b', 'svc-c', 'svc-d', 'svc-e'].map((id) => fakeService(id));
const regions = ['us-east-1', 'eu-west-1', 'ap-northeast-1', 'sa-east-1'];

function countingProvider() {
  let calls = 0;
  const provider = async () => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { accessKeyId: 'AKIDCOUNT', secretAccessKey: 'counted-secret' };
  };
  return { provider, calls: () => calls };
}

describe('getClient under concurrency', () => {
  it('creates exactly one client per key for 10,000 calls in one tick', async () => {
    const factory = createClientFactory();
    const before = FakeClient.created;
    const results = await Promise.all(
      Array.from({ length: 10_000 }, (_, i) =>
        Promise.resolve().then(() =>
          factory.getClient(services[i % 5]!, { region: regions[i % 4], credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } }),
        ),
      ),
    );
    expect(FakeClient.created - before).toBe(20);
    expect(new Set(results).size).toBe(20);
    expect(factory.stats()).toMatchObject({ clients: 20, misses: 20, hits: 9_980 });
  });

  it('creates exactly one client per key for 10,000 calls spread across awaits', async () => {
    const factory = createClientFactory();
    const before = FakeClient.created;
    const results = await Promise.all(
      Array.from({ length: 10_000 }, async (_, i) => {
        for (let hop = 0; hop < i % 7; hop++) await null;
        if (i % 97 === 0) await new Promise((resolve) => setTimeout(resolve, i % 3));
        return factory.getClient(services[i % 5]!, { region: regions[i % 4], credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } });
      }),
    );
    expect(FakeClient.created - before).toBe(20);
    expect(new Set(results).size).toBe(20);
  });
});

describe('getSession under concurrency', () => {
  it('resolves credentials once for 10,000 concurrent resolutions of one session', async () => {
    const factory = createClientFactory();
    const { provider, calls } = countingProvider();
    const resolved = await Promise.all(
      Array.from({ length: 10_000 }, async (_, i) => {
        for (let hop = 0; hop < i % 5; hop++) await null;
        return factory.getSession({ region: 'us-east-1', credentials: provider }).credentials();
      }),
    );
    expect(calls()).toBe(1);
    expect(new Set(resolved).size).toBe(1);
    expect(factory.stats().sessions).toBe(1);
  });

  it('resolves credentials once for five services on one session', async () => {
    const factory = createClientFactory();
    const { provider, calls } = countingProvider();
    const clients = services.map((service) => factory.getClient(service, { region: 'us-east-1', credentials: provider }) as FakeClient);
    const identities = await Promise.all(clients.map((client) => (client.config.credentials as () => Promise<unknown>)()));
    expect(calls()).toBe(1);
    expect(new Set(clients.map((client) => client.config.credentials)).size).toBe(1);
    expect(new Set(identities).size).toBe(1);
  });

  it('resolves one provider once across every service and region, and distinct providers separately', async () => {
    const factory = createClientFactory();
    const shared = countingProvider();
    const other = countingProvider();
    const resolveAll = (provider: () => Promise<unknown>) =>
      regions.flatMap((region) =>
        services.map((service) =>
          ((factory.getClient(service, { region, credentials: provider as never }) as FakeClient).config.credentials as () => Promise<unknown>)(),
        ),
      );
    await Promise.all([...resolveAll(shared.provider), ...resolveAll(other.provider)]);
    expect(shared.calls()).toBe(1);
    expect(other.calls()).toBe(1);
    expect(factory.stats().clients).toBe(2 * regions.length * services.length);
  });
});
