import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fakeService } from './__fixtures__/fakeService.js';
import { createClientFactory } from './index.node.js';

// Findings of a third adversarial review: probes a user could write, each a
// defect that was real until the fix its comment names.

const region = 'us-east-1';
const _packageDir = fileURLToPath(new URL('..', import.meta.url));

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
