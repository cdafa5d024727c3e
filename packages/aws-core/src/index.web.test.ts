import { describe, expect, it } from 'vitest';
import { deferred, type FakeClient, fakeService } from './__fixtures__/fakeService.js';

// The web build (browsers, workers, edge): the fixture loaded the Node entry first; the web entry installs last and wins.
const { AwsClientError, createClientFactory, keyedCredentials } = await import('./index.web.js');
const alpha = fakeService('alpha');
const credentials = { accessKeyId: 'AKIDWEB', secretAccessKey: 'web-secret-value' };

describe('the web build', () => {
  it('accepts the options that do nothing there (no drain, no body watch), and still refuses bad values typed', async () => {
    const factory = createClientFactory({ disposeGraceMs: 1, abandonedBodyMs: 5, onAbandonedBody: 'destroy' });
    expect(factory.getClient(alpha, { region: 'us-east-1', credentials })).toBeDefined();
    await factory.dispose();
    expect(() => createClientFactory({ disposeGraceMs: -1 })).toThrow(AwsClientError);
    expect(() => createClientFactory({ onAbandonedBody: 'drop' as never })).toThrow(expect.objectContaining({ code: 'INVALID_FACTORY_OPTIONS' }));
  });

  it('destroys a removed client at once, even with a request running (fetch-based clients keep running requests), and counts nothing in flight', async () => {
    const factory = createClientFactory();
    const client = factory.getClient(alpha, { region: 'us-east-1', credentials }) as FakeClient;
    const response = deferred<string>();
    const running = client.send(() => response.promise);
    expect(factory.clearCache()).toBe(1);
    expect(client.destroyed).toBe(1);
    expect(factory.stats().draining).toBe(0);
    response.resolve('done');
    await expect(running).resolves.toBe('done');
  });

  it('dispose() destroys every client at once and settles without waiting for running requests', async () => {
    const factory = createClientFactory({ disposeGraceMs: 60_000 });
    const client = factory.getClient(alpha, { region: 'us-east-1', credentials }) as FakeClient;
    const never = deferred<string>();
    void client.send(() => never.promise);
    await factory.dispose();
    expect(client.destroyed).toBe(1);
    expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials })).toThrow(expect.objectContaining({ code: 'FACTORY_DISPOSED' }));
  });

  it('says, loaded on Node, that the bundle was made without the node condition when there is no region or credentials', () => {
    const factory = createClientFactory();
    for (const options of [{ region: 'us-east-1' }, { credentials }]) {
      expect(() => factory.getClient(alpha, options)).toThrow(
        expect.objectContaining({ message: expect.stringContaining("This is @dbp/aws-core's web build, running on Node") }),
      );
    }
    // Where there is no Node, it says nothing of it.
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'process') as PropertyDescriptor;
    Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
    try {
      expect(() => factory.getClient(alpha, { region: 'us-east-1' })).toThrow(expect.objectContaining({ code: 'MISSING_CREDENTIALS' }));
      expect(() => factory.getClient(alpha, { region: 'us-east-1' })).not.toThrow(/web build/);
    } finally {
      Object.defineProperty(globalThis, 'process', saved);
    }
  });

  it('takes an environment whose variables cannot be read (Deno without --allow-env) as one without a region', async () => {
    const saved = Object.getOwnPropertyDescriptor(process, 'env') as PropertyDescriptor;
    // Deno throws NotCapable for a variable read without the permission.
    const refusing = new Proxy(
      {},
      {
        get: () => {
          throw Object.assign(new Error('Requires env access'), { name: 'NotCapable' });
        },
      },
    );
    Object.defineProperty(process, 'env', { value: refusing, configurable: true });
    try {
      const factory = createClientFactory();
      expect(() => factory.getClient(alpha, { credentials })).toThrow(expect.objectContaining({ code: 'MISSING_REGION' }));
      // A keyed source is handed its factory's region (none here) without failing.
      const keyed = keyedCredentials('web-tenant', async ({ region }) => ({ ...credentials, accessKeyId: `AKID${region ?? 'NONE'}` }));
      const session = factory.getSession({ region: 'us-east-1', credentials: keyed });
      await expect(session.credentials()).resolves.toMatchObject({ accessKeyId: 'AKIDNONE' });
    } finally {
      Object.defineProperty(process, 'env', saved);
    }
  });
});
