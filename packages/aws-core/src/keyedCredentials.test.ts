import { describe, expect, it, vi } from 'vitest';
import { type FakeClient, fakeService, recordingLogger } from './__fixtures__/fakeService.js';
import { AwsCredentialError, type CredentialContext, createClientFactory, keyedCredentials } from './index.node.js';

const alpha = fakeService('alpha');
const beta = fakeService('beta');
const creds = { accessKeyId: 'AKIDKEYED', secretAccessKey: 'keyed-secret', expiration: new Date(Date.now() + 3_600_000) };

function countingSource() {
  const seen: CredentialContext[] = [];
  return {
    seen,
    provider: async (context: CredentialContext) => {
      seen.push(context);
      await null;
      return { ...creds };
    },
  };
}

async function resolve(client: unknown): Promise<unknown> {
  return ((client as FakeClient).config.credentials as () => Promise<unknown>)();
}

describe('keyedCredentials', () => {
  it('resolves with an optional field left out absent, not present as undefined (ResolvedAwsCredentials), called directly and through a session', async () => {
    const provider = keyedCredentials('absent', async () => ({
      accessKeyId: 'AKIDABSENT',
      secretAccessKey: 'secret',
      sessionToken: undefined,
      accountId: undefined,
    }));
    const direct = await provider();
    expect(Object.keys(direct).sort()).toEqual(['accessKeyId', 'secretAccessKey']);
    const viaSession = await createClientFactory().getSession({ region: 'us-east-1', credentials: provider }).credentials();
    expect('sessionToken' in viaSession || 'accountId' in viaSession || 'expiration' in viaSession).toBe(false);
  });

  it('makes a provider built per call a cache hit with one session and one resolution', async () => {
    const factory = createClientFactory({ defaultRegion: 'eu-west-1' });
    const source = countingSource();
    const clients = Array.from({ length: 100 }, () => factory.getClient(alpha, { credentials: keyedCredentials('tenant-1', source.provider) }));
    expect(new Set(clients).size).toBe(1);
    expect(factory.stats()).toMatchObject({ clients: 1, misses: 1, hits: 99 });
    await Promise.all(clients.map(resolve));
    expect(source.seen).toHaveLength(1);
  });

  it('resolves one key once across services and regions, and gives it the factory and its region', async () => {
    const factory = createClientFactory({ defaultRegion: 'eu-west-1' });
    const source = countingSource();
    const provider = () => keyedCredentials('role-a', source.provider);
    const clients = ['us-east-1', 'eu-west-1'].flatMap((region) =>
      [alpha, beta].map((service) => factory.getClient(service, { region, credentials: provider() })),
    );
    expect(new Set(clients).size).toBe(4);
    await Promise.all(clients.map(resolve));
    expect(source.seen).toHaveLength(1);
    expect(source.seen[0]?.factory).toBe(factory);
    expect(source.seen[0]?.region).toBe('eu-west-1');
  });

  it('keeps different keys apart, and the same key with different dependencies apart', async () => {
    const factory = createClientFactory({ defaultRegion: 'us-east-1' });
    const source = countingSource();
    const a = factory.getClient(alpha, { credentials: keyedCredentials('k', source.provider) });
    expect(factory.getClient(alpha, { credentials: keyedCredentials('other', source.provider) })).not.toBe(a);
    const onStatic = (secretAccessKey: string) =>
      factory.getClient(alpha, { credentials: keyedCredentials('k', source.provider, { dependsOn: { accessKeyId: 'AKIDSOURCE', secretAccessKey } }) });
    const first = onStatic('one');
    expect(first).not.toBe(a);
    expect(onStatic('one')).toBe(first);
    expect(onStatic('two')).not.toBe(first);
    // A keyed dependency counts by its own identity (key and dependencies), not the function.
    const nested = (inner: string) =>
      factory.getClient(alpha, { credentials: keyedCredentials('k', source.provider, { dependsOn: keyedCredentials(inner, source.provider) }) });
    expect(nested('inner')).toBe(nested('inner'));
    expect(nested('inner')).not.toBe(nested('other-inner'));
    // A secret string (a web identity token) counts by value, and never shows.
    const onToken = (token: string) => factory.getClient(alpha, { credentials: keyedCredentials('k', source.provider, { dependsOn: token }) });
    const tokenA = 'eyJhbGciOiJSUzI1NiJ9.token-a.signature';
    expect(onToken(tokenA)).toBe(onToken(tokenA));
    expect(onToken(tokenA)).not.toBe(onToken('eyJhbGciOiJSUzI1NiJ9.token-b.signature'));
    expect(onToken(tokenA)).not.toBe(a);
    expect(JSON.stringify(factory.stats())).not.toContain('token-a');
    expect(() => keyedCredentials('k', source.provider, { dependsOn: '' })).toThrow(AwsCredentialError);
  });

  it('cannot be fooled by a key that spells out another key and its dependency', () => {
    const factory = createClientFactory({ defaultRegion: 'us-east-1' });
    const source = countingSource();
    const withSecret = factory.getClient(alpha, { credentials: keyedCredentials('k', source.provider, { dependsOn: 'x' }) });
    expect(factory.getClient(alpha, { credentials: keyedCredentials('k\u0000secret|1:x', source.provider) })).not.toBe(withSecret);
    expect(factory.getClient(alpha, { credentials: keyedCredentials('1:k|secret|1:x', source.provider) })).not.toBe(withSecret);
  });

  it('is never confused with explicit credentials whose access key id equals the key', () => {
    const factory = createClientFactory({ defaultRegion: 'us-east-1' });
    const keyed = factory.getClient(alpha, { credentials: keyedCredentials('AKIDSAME', countingSource().provider) });
    const explicit = factory.getClient(alpha, { credentials: { accessKeyId: 'AKIDSAME', secretAccessKey: 's' } });
    expect(explicit).not.toBe(keyed);
    expect(factory.getClient(alpha, { credentials: keyedCredentials('AKIDSAME', countingSource().provider) })).toBe(keyed);
  });

  it('does not trip the per-call provider warning, while plain providers built per call do', () => {
    const logger = recordingLogger();
    const factory = createClientFactory({ defaultRegion: 'us-east-1', logger });
    // One request a second: a client counts once it has gone unused for the settle time.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      for (let i = 0; i < 50; i++) {
        vi.setSystemTime(1_000_000 + i * 1_000);
        factory.getClient(alpha, { credentials: keyedCredentials('tenant', countingSource().provider) });
      }
      expect(logger.lines.filter((line) => line.includes('credential provider functions'))).toEqual([]);
      for (let i = 0; i < 50; i++) {
        vi.setSystemTime(2_000_000 + i * 1_000);
        factory.getClient(beta, { credentials: async () => ({ ...creds }) });
      }
    } finally {
      vi.useRealTimers();
    }
    const warnings = logger.lines.filter((line) => line.includes('credential provider functions'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/beta: 20 clients/);
    expect(warnings[0]).toMatch(/keyedCredentials/);
  });

  it('can be called directly by an SDK client, outside any factory', async () => {
    const source = countingSource();
    await expect(keyedCredentials('k', source.provider)()).resolves.toMatchObject({ accessKeyId: creds.accessKeyId });
    expect(source.seen).toEqual([{}]);
  });

  it('called directly, resolves once for concurrent and later calls until shortly before expiry, as a session does (one AssumeRole, not one per call)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const source = countingSource();
      const provider = keyedCredentials('direct', source.provider);
      await Promise.all([provider(), provider(), provider()]);
      await provider();
      expect(source.seen).toHaveLength(1);
      // Within the refresh window (5 minutes before expiry): refreshed in the background, the valid ones still served.
      vi.setSystemTime(Date.now() + 3_600_000 - 60_000);
      await expect(provider()).resolves.toMatchObject({ accessKeyId: creds.accessKeyId });
      await vi.waitFor(() => expect(source.seen).toHaveLength(2));
      // Its failure reaches the caller as the source gave it, and a later call asks again.
      const failing = keyedCredentials('failing', async () => {
        throw new RangeError('vault down');
      });
      await expect(failing()).rejects.toThrow(new RangeError('vault down'));
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a missing key or provider with a typed error', () => {
    expect(() => keyedCredentials('', countingSource().provider)).toThrow(AwsCredentialError);
    expect(() => keyedCredentials('k', undefined as never)).toThrow(AwsCredentialError);
    expect(() => keyedCredentials('k', countingSource().provider, { refreshWindowMs: -1 })).toThrow(AwsCredentialError);
  });

  it('refuses an unknown option (a typo of dependsOn would key two sources as one) and options that are not an object', () => {
    const provider = async () => ({ ...creds });
    const tenantA = { accessKeyId: 'AKIDTENANTA', secretAccessKey: 'tenant-a-secret' };
    expect(() => keyedCredentials('role', provider, { dependOn: tenantA } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', message: expect.stringContaining("Did you mean 'dependsOn'?") }),
    );
    expect(() => keyedCredentials('role', provider, { refreshWindowMS: 5 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    expect(() => keyedCredentials('role', provider, null as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    expect(() => keyedCredentials('role', provider, 5 as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    // What is allowed still is, given any way.
    class Options {
      get dependsOn() {
        return tenantA;
      }
    }
    expect(typeof keyedCredentials('role', provider, new Options())).toBe('function');
    expect(typeof keyedCredentials('role', provider, { refreshWindowMs: 0, dependsOn: tenantA, clientConfig: {} })).toBe('function');
    expect(typeof keyedCredentials('role', provider, undefined)).toBe('function');
  });

  it("checks explicit dependsOn credentials at the call with getClient's validator, never quoting them", () => {
    const factory = createClientFactory({ defaultRegion: 'eu-west-1' });
    const secret = 'dependency-secret-00000000000000';
    const refusedByGetClient = (credentials: unknown) => {
      try {
        factory.getClient(alpha, { credentials: credentials as never });
      } catch (error) {
        return error as AwsCredentialError;
      }
      throw new Error('getClient accepted it');
    };
    for (const dependsOn of [
      { accessKeyId: 'AKIDSOURCE', secretAccessKey: '' },
      { accessKeyId: 'AKIDSOURCE' },
      { accessKeyId: 'AKIDSOURCE', secretAccesKey: secret },
      { accessKeyId: 'AKIDSOURCE ', secretAccessKey: secret },
      { accessKeyId: 'AKIDSOURCE', secretAccessKey: secret, expiration: new Date(Date.now() - 1_000) },
      42,
    ]) {
      const expected = refusedByGetClient(dependsOn);
      let error: unknown;
      try {
        keyedCredentials('k', countingSource().provider, { dependsOn: dependsOn as never });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(AwsCredentialError);
      expect(error).toMatchObject({ code: expected.code });
      expect(String((error as Error).message).replace(/at \S+\./, '')).toBe(expected.message.replace(/at \S+\./, ''));
      expect((error as Error).message).not.toContain(secret);
    }
    void factory.dispose();
  });

  it('keys clientConfig by value as getClient keys config, snapshotted at the call, and hands the snapshot to the provider', async () => {
    const factory = createClientFactory({ defaultRegion: 'eu-west-1' });
    const source = countingSource();
    class Handler {
      handle(): void {}
    }
    const handler = new Handler();
    const keyed = (clientConfig: Record<string, unknown>) => keyedCredentials('k', source.provider, { clientConfig });
    const client = (clientConfig: Record<string, unknown>) => factory.getClient(alpha, { credentials: keyed(clientConfig) });
    const base = () => ({ endpoint: 'http://127.0.0.1:1', nested: { path: ['a'] }, handler, undefinedIsAbsent: undefined });
    // Equal values from fresh objects: one client, one session.
    expect(client(base())).toBe(client(base()));
    expect(client(base())).toBe(client({ nested: { path: ['a'] }, handler, endpoint: 'http://127.0.0.1:1' }));
    // Another value, a nested one, a class instance by identity, no config at all: apart.
    const others = [
      { ...base(), endpoint: 'http://127.0.0.1:2' },
      { ...base(), nested: { path: ['b'] } },
      { ...base(), handler: new Handler() },
    ];
    const all = [client(base()), ...others.map(client), factory.getClient(alpha, { credentials: keyedCredentials('k', source.provider) })];
    expect(new Set(all).size).toBe(all.length);
    // Mutating the caller's object after the call changes nothing the provider gets.
    const mutable = base();
    const provider = keyed(mutable);
    mutable.endpoint = 'http://127.0.0.1:3';
    mutable.nested.path.push('changed');
    await resolve(factory.getClient(beta, { credentials: provider }));
    const given = source.seen.at(-1)?.clientConfig;
    expect(given).toEqual({ endpoint: 'http://127.0.0.1:1', nested: { path: ['a'] }, handler });
    expect(given?.handler).toBe(handler);
    expect(Object.isFrozen(given)).toBe(true);
    // …and the mutated object is another key.
    expect(client(mutable)).not.toBe(client(base()));
    // A provider without clientConfig gets none.
    await resolve(factory.getClient(beta, { credentials: keyedCredentials('none', source.provider) }));
    expect(source.seen.at(-1)?.clientConfig).toBeUndefined();
    void factory.dispose();
  });

  it('refuses clientConfig that getClient would refuse as config, with its typed error', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const clientConfig of ['http://127.0.0.1', [], new (class Config {})(), { a: Symbol('x') }, cycle]) {
      expect(() => keyedCredentials('k', countingSource().provider, { clientConfig: clientConfig as never })).toThrow(
        expect.objectContaining({ code: 'INVALID_CONFIG' }),
      );
    }
  });
});
