import { afterEach, describe, expect, it, vi } from 'vitest';
import { deferred, type FakeClient, fakeService, recordingLogger } from './__fixtures__/fakeService.js';
import { AwsClientError, AwsClientFactory, createClientFactory, defineService, getClientFactory, keyedCredentials } from './index.node.js';

const alpha = fakeService('alpha');
const beta = fakeService('beta');
const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

afterEach(() => {
  vi.useRealTimers();
});

describe('AwsClientFactory.getInstance', () => {
  it('returns one process-wide factory, also through getClientFactory', () => {
    expect(AwsClientFactory.getInstance()).toBe(AwsClientFactory.getInstance());
    expect(getClientFactory()).toBe(AwsClientFactory.getInstance());
  });

  it('keeps the instance on globalThis under a Symbol.for key', () => {
    const holder = globalThis as Record<symbol, unknown>;
    expect(holder[Symbol.for('@dbp/aws-core/factory@1')]).toBe(getClientFactory());
  });

  it('refuses construction from outside and says what to use instead', () => {
    // @ts-expect-error the constructor is private: a compile error in TypeScript, and refused when run (JavaScript callers)
    const construct = () => new AwsClientFactory();
    expect(construct).toThrow(AwsClientError);
    expect(construct).toThrow(/getInstance\(\).*createClientFactory\(/);
    try {
      construct();
    } catch (error) {
      expect((error as AwsClientError).code).toBe('CONSTRUCTOR_IS_PRIVATE');
    }
  });

  it('hands out a fresh factory after the shared one is disposed', () => {
    const first = getClientFactory();
    first.dispose();
    expect(() => first.getClient(alpha, { region: 'us-east-1', credentials: creds })).toThrow(/disposed/);
    const second = getClientFactory();
    expect(second).not.toBe(first);
    expect(second.disposed).toBe(false);
  });

  it('keeps factories from createClientFactory isolated from each other', () => {
    const a = createClientFactory();
    const b = createClientFactory();
    expect(a.getClient(alpha, { region: 'us-east-1', credentials: creds })).not.toBe(b.getClient(alpha, { region: 'us-east-1', credentials: creds }));
    expect(a).toBeInstanceOf(AwsClientFactory);
  });
});

describe('getClient cache keys', () => {
  const base = () => ({
    region: 'us-east-1',
    profile: undefined as string | undefined,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-one', sessionToken: 'token-one' },
    config: { endpoint: 'http://127.0.0.1:9000', maxAttempts: 3, nested: { a: 1, b: [1, 2] } },
  });

  it('returns the same client for equal options with new object identities', () => {
    const factory = createClientFactory();
    const first = factory.getClient(alpha, base());
    const second = factory.getClient(alpha, base());
    expect(second).toBe(first);
    expect(factory.stats()).toMatchObject({ clients: 1, hits: 1, misses: 1 });
  });

  it('ignores key order and undefined entries in config', () => {
    const factory = createClientFactory();
    const first = factory.getClient(alpha, { region: 'us-east-1', credentials: creds, config: { endpoint: 'http://x', maxAttempts: 2 } });
    const second = factory.getClient(alpha, { credentials: creds, config: { maxAttempts: 2, endpoint: 'http://x', logger: undefined }, region: 'us-east-1' });
    expect(second).toBe(first);
  });

  it('does not cache by the identity of a mutated options object', () => {
    const factory = createClientFactory();
    const options = base();
    const first = factory.getClient(alpha, options);
    options.region = 'eu-west-1';
    const second = factory.getClient(alpha, options);
    expect(second).not.toBe(first);
    expect((second as FakeClient).config.region).toBe('eu-west-1');
    options.config.nested.a = 2;
    expect(factory.getClient(alpha, options)).not.toBe(second);
  });

  const changes: Array<[string, (o: ReturnType<typeof base>) => unknown]> = [
    ['region', (o) => ({ ...o, region: 'eu-west-1' })],
    ['profile', (o) => ({ ...o, profile: 'other' })],
    ['access key', (o) => ({ ...o, credentials: { ...o.credentials, accessKeyId: 'AKIDOTHER' } })],
    ['secret', (o) => ({ ...o, credentials: { ...o.credentials, secretAccessKey: 'secret-two' } })],
    ['session token', (o) => ({ ...o, credentials: { ...o.credentials, sessionToken: 'token-two' } })],
    ['credential expiration', (o) => ({ ...o, credentials: { ...o.credentials, expiration: new Date(Date.now() + 3_600_000) } })],
    ['tier', (o) => ({ ...o, tier: 'ai' })],
    ['endpoint', (o) => ({ ...o, config: { ...o.config, endpoint: 'http://127.0.0.1:9001' } })],
    ['maxAttempts', (o) => ({ ...o, config: { ...o.config, maxAttempts: 4 } })],
    ['a nested config value', (o) => ({ ...o, config: { ...o.config, nested: { a: 1, b: [1, 3] } } })],
    ['a new config key', (o) => ({ ...o, config: { ...o.config, forcePathStyle: true } })],
    ['a config value type', (o) => ({ ...o, config: { ...o.config, maxAttempts: '3' } })],
  ];

  it.each(changes)('returns a different client when the %s changes', (_name, change) => {
    const factory = createClientFactory();
    const first = factory.getClient(alpha, base());
    const second = factory.getClient(alpha, change(base()) as Parameters<typeof factory.getClient>[1]);
    expect(second).not.toBe(first);
    expect(factory.stats().clients).toBe(2);
  });

  it('gives each service its own client for the same options', () => {
    const factory = createClientFactory();
    expect(factory.getClient(alpha, base())).not.toBe(factory.getClient(beta, base()));
  });

  it('treats a definition and its registered id as one service', async () => {
    const { registerService } = await import('./index.node.js');
    const gamma = fakeService('gamma');
    registerService(gamma);
    const factory = createClientFactory();
    expect(factory.getClient('gamma' as never, base() as never)).toBe(factory.getClient(gamma, base()));
  });

  it('compares functions and class instances in config by identity', () => {
    const factory = createClientFactory();
    const handler = { handle: () => Promise.resolve({}) };
    class Handler {
      handle() {
        return Promise.resolve({});
      }
    }
    const instance = new Handler();
    const a = factory.getClient(alpha, { ...base(), config: { requestHandler: instance } });
    expect(factory.getClient(alpha, { ...base(), config: { requestHandler: instance } })).toBe(a);
    expect(factory.getClient(alpha, { ...base(), config: { requestHandler: new Handler() } })).not.toBe(a);
    const fn = () => undefined;
    const b = factory.getClient(alpha, { ...base(), config: { hook: fn, handler } });
    expect(factory.getClient(alpha, { ...base(), config: { hook: fn, handler: { ...handler } } })).toBe(b);
    expect(factory.getClient(alpha, { ...base(), config: { hook: () => undefined, handler } })).not.toBe(b);
  });

  it('fingerprints credential providers by identity', () => {
    const factory = createClientFactory();
    const provider = async () => creds;
    const a = factory.getClient(alpha, { region: 'us-east-1', credentials: provider });
    expect(factory.getClient(alpha, { region: 'us-east-1', credentials: provider })).toBe(a);
    expect(factory.getClient(alpha, { region: 'us-east-1', credentials: async () => creds })).not.toBe(a);
  });
});

describe('getClient configuration', () => {
  it('gives the client the tier, the region, the session provider and the config, config winning', () => {
    const factory = createClientFactory();
    const client = factory.getClient(alpha, { region: 'eu-central-1', credentials: creds, config: { maxAttempts: 9, endpoint: 'http://e' } }) as FakeClient;
    expect(client.config).toMatchObject({ maxAttempts: 9, retryMode: 'standard', region: 'eu-central-1', endpoint: 'http://e' });
    expect(client.config.credentials).toBe(factory.getSession({ region: 'eu-central-1', credentials: creds }).credentials);
  });

  it('merges a plain-object requestHandler over the tier timeouts and passes a handler instance through', async () => {
    const factory = createClientFactory();
    const merged = factory.getClient(alpha, {
      region: 'us-east-1',
      credentials: creds,
      config: { requestHandler: { socketTimeout: 5, httpsAgent: { maxSockets: 9 } } },
    }) as FakeClient;
    expect(merged.config.requestHandler).toEqual({ connectionTimeout: 10_000, socketTimeout: 5, httpsAgent: { maxSockets: 9 } });
    const calls: { self: unknown; options: unknown }[] = [];
    class Handler {
      readonly #calls = calls;
      handle(_request: unknown, options?: unknown) {
        this.#calls.push({ self: this, options });
        // requestTimeout 0 here: an exchange that never answers.
        return (options as { requestTimeout?: number }).requestTimeout === 0 ? new Promise(() => {}) : Promise.resolve({});
      }
      metadata = { handlerProtocol: 'h9' };
    }
    const instance = new Handler();
    const passed = factory.getClient(alpha, { region: 'us-east-1', credentials: creds, config: { requestHandler: instance } }) as FakeClient;
    // The instance itself, seen by the SDK through a view (lifecycle plug-in) whose handle() adds
    // an abort signal of the factory's, for dispose(): it runs on the instance, with the caller's options.
    const view = passed.config.requestHandler as Handler;
    expect(view).toBeInstanceOf(Handler);
    expect(view.metadata).toBe(instance.metadata);
    expect(view.constructor).toBe(Handler);
    const given = new AbortController();
    await view.handle({}, { requestTimeout: 5, abortSignal: given.signal });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.self).toBe(instance);
    expect(calls[0]?.options).toMatchObject({ requestTimeout: 5, abortSignal: expect.any(AbortSignal) });
    // The caller's signal still aborts it, with its reason.
    void view.handle({}, { requestTimeout: 0, abortSignal: given.signal });
    const signal = (calls[1]?.options as { abortSignal?: AbortSignal } | undefined)?.abortSignal;
    expect(signal).not.toBe(given.signal);
    given.abort('the caller');
    expect(signal).toMatchObject({ aborted: true, reason: 'the caller' });
  });

  // Review 15 (Y): a Proxy must show an own read-only, non-configurable property as it is; the view
  // wrapped a frozen handler's own handle() and bound its own methods, and every request threw a TypeError.
  it('passes a frozen handler through whole: its own handle() and methods are read as they are', async () => {
    const factory = createClientFactory();
    class Frozen {
      handle = (_request: unknown) => Promise.resolve({ response: 'ok' });
      destroy = () => undefined;
      metadata = { handlerProtocol: 'h1' };
    }
    const instance = Object.freeze(new Frozen());
    const passed = factory.getClient(alpha, { region: 'us-east-1', credentials: creds, config: { requestHandler: instance } }) as FakeClient;
    const handler = passed.config.requestHandler as Frozen;
    await expect(handler.handle({})).resolves.toEqual({ response: 'ok' });
    expect(handler.destroy).toBe(instance.destroy);
    // A frozen instance of a class whose handle() is on its prototype: seen through the view, which works.
    class PrototypeHandle {
      readonly options: unknown[] = [];
      handle(_request: unknown, options?: unknown) {
        this.options.push(options);
        return Promise.resolve({});
      }
    }
    const frozenProto = Object.freeze(new PrototypeHandle());
    const viewed = factory.getClient(alpha, { region: 'us-east-2', credentials: creds, config: { requestHandler: frozenProto } }) as FakeClient;
    const view = viewed.config.requestHandler as PrototypeHandle;
    await view.handle({}, {});
    expect(frozenProto.options).toEqual([{ abortSignal: expect.any(AbortSignal) }]);
    expect(view.options).toBe(frozenProto.options);
    await factory.dispose();
  });

  it('drops prototype-polluting keys from config and never touches Object.prototype', () => {
    const factory = createClientFactory();
    const config = JSON.parse(
      '{"__proto__": {"polluted": true}, "nested": {"__proto__": {"polluted": true}, "ok": 1}, "constructor": {"prototype": {"polluted": true}}}',
    );
    const client = factory.getClient(alpha, { region: 'us-east-1', credentials: creds, config }) as FakeClient;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(client.config, '__proto__')).toBe(false);
    expect(Object.hasOwn(client.config, 'constructor')).toBe(false);
    expect(client.config.nested).toEqual({ ok: 1 });
    expect(Object.getPrototypeOf(client.config.nested)).toBe(Object.prototype);
  });

  it('refuses cyclic config with a typed error', () => {
    const factory = createClientFactory();
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials: creds, config: cyclic })).toThrow(/cycle/);
  });

  it('accepts frozen options', () => {
    const factory = createClientFactory();
    const options = Object.freeze({ region: 'us-east-1', credentials: Object.freeze({ ...creds }), config: Object.freeze({ endpoint: 'http://x' }) });
    expect(factory.getClient(alpha, options)).toBe(factory.getClient(alpha, options));
  });

  it('wraps a failing constructor in AwsClientError with the cause', () => {
    const broken = fakeService('broken');
    const throwing = {
      ...broken,
      create: () => {
        throw new Error('bad endpoint');
      },
    };
    const factory = createClientFactory();
    const def = defineService(throwing as never);
    expect(() => factory.getClient(def, { region: 'us-east-1', credentials: creds })).toThrow(/Creating the broken client failed: bad endpoint/);
  });

  it('refuses a create that gives no client (async, or returning nothing) with INVALID_SERVICE_DEFINITION, not a TypeError from inside', async () => {
    const factory = createClientFactory();
    const cases: [string, (config: object) => unknown][] = [
      ['a Promise', async (config) => ({ config, destroy() {}, middlewareStack: { add() {} } })],
      // The client it promises is destroyed when it comes; a destroy that throws, or a create that rejects, is handled.
      [
        'a Promise',
        async () => ({
          destroy() {
            throw new Error('destroy failed');
          },
        }),
      ],
      [
        'a Promise',
        async () => {
          throw new Error('module not found');
        },
      ],
      ['undefined', () => undefined],
      ['an object', (config) => ({ config })],
      ['a string', () => 'client'],
    ];
    for (const [got, create] of cases) {
      const definition = defineService({ id: 'made-wrong', tier: 'standard', create: create as never });
      expect(() => factory.getClient(definition, { region: 'us-east-1', credentials: creds }), got).toThrow(
        expect.objectContaining({
          name: 'AwsClientError',
          code: 'INVALID_SERVICE_DEFINITION',
          message: `Invalid service definition: create must return the SDK client itself (an object with destroy()), at once: an async create gives a promise (import the client's module before calling getClient()), got ${got}. Pass { id: 'my-service', tier: 'standard', create: (config) => new MyClient(config) } to defineService(), and a definition made by defineService() to registerService().`,
        }),
      );
    }
    expect(factory.stats()).toMatchObject({ clients: 0 });
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
});

describe('clearCache', () => {
  function populated() {
    const factory = createClientFactory();
    for (const service of [alpha, beta])
      for (const region of ['us-east-1', 'eu-west-1', 'ap-south-1']) factory.getClient(service, { region, credentials: creds });
    return factory;
  }

  it('removes everything and returns the count', () => {
    const factory = populated();
    expect(factory.clearCache()).toBe(6);
    expect(factory.stats()).toMatchObject({ clients: 0, sessions: 0 });
  });

  it('removes one service by id or by definition', () => {
    const factory = populated();
    expect(factory.clearCache({ service: 'alpha' })).toBe(3);
    expect(factory.clearCache({ service: beta })).toBe(3);
    expect(factory.stats().clients).toBe(0);
  });

  it('removes one region', () => {
    const factory = populated();
    expect(factory.clearCache({ region: 'eu-west-1' })).toBe(2);
    expect(factory.stats().entries.map((e) => e.region)).not.toContain('eu-west-1');
  });

  it('refuses a malformed region as getClient does (INVALID_REGION with the suggestion), instead of clearing nothing without a word', () => {
    const factory = populated();
    for (const [region, suggestion] of [
      ['eu-west-l', 'eu-west-1'],
      ['EU-WEST-1', 'eu-west-1'],
    ]) {
      expect(() => factory.clearCache({ region }), region).toThrow(
        expect.objectContaining({ name: 'AwsRegionError', code: 'INVALID_REGION', region, suggestion }),
      );
    }
    expect(factory.stats().clients).toBe(6);
    // A well-formed region with no client clears nothing, as before.
    expect(factory.clearCache({ region: 'us-west-2' })).toBe(0);
  });

  it('removes one service in one region', () => {
    const factory = populated();
    expect(factory.clearCache({ service: 'beta', region: 'ap-south-1' })).toBe(1);
    expect(factory.stats().clients).toBe(5);
    expect(factory.clearCache({ service: 'beta', region: 'ap-south-1' })).toBe(0);
  });

  it('destroys removed clients and makes new ones afterwards', () => {
    const factory = createClientFactory();
    const first = factory.getClient(alpha, { region: 'us-east-1', credentials: creds }) as FakeClient;
    factory.clearCache();
    expect(first.destroyed).toBe(1);
    expect(factory.getClient(alpha, { region: 'us-east-1', credentials: creds })).not.toBe(first);
  });

  it('refuses a malformed filter', () => {
    const factory = createClientFactory();
    expect(() => factory.clearCache({ service: 42 } as never)).toThrow(AwsClientError);
    expect(() => factory.clearCache({ servce: 's3' } as never)).toThrow(/Did you mean 'service'/);
  });
});

describe('drain then destroy', () => {
  it('lets in-flight requests finish before destroying a cleared client', async () => {
    const factory = createClientFactory();
    const client = factory.getClient(alpha, { region: 'us-east-1', credentials: creds }) as FakeClient;
    const gate = deferred<string>();
    const request = client.send(() => gate.promise);
    await Promise.resolve();
    expect(factory.stats().entries[0]?.inFlight).toBe(1);
    expect(factory.clearCache()).toBe(1);
    expect(client.destroyed).toBe(0);
    expect(factory.stats().draining).toBe(1);
    gate.resolve('done');
    await expect(request).resolves.toBe('done');
    expect(client.destroyed).toBe(1);
    expect(factory.stats().draining).toBe(0);
  });

  it('destroys after a failing in-flight request too', async () => {
    const factory = createClientFactory();
    const client = factory.getClient(alpha, { region: 'us-east-1', credentials: creds }) as FakeClient;
    const gate = deferred<void>();
    const request = client.send(async () => {
      await gate.promise;
      throw new Error('service error');
    });
    factory.clearCache();
    gate.resolve();
    await expect(request).rejects.toThrow('service error');
    expect(client.destroyed).toBe(1);
  });

  it('waits for a streaming response body to end', async () => {
    const { PassThrough } = await import('node:stream');
    const factory = createClientFactory();
    const client = factory.getClient(alpha, { region: 'us-east-1', credentials: creds }) as FakeClient;
    const body = new PassThrough();
    const output = await client.send(async () => ({ Body: body }));
    expect(output.Body).toBe(body);
    factory.clearCache();
    expect(client.destroyed).toBe(0);
    body.end('bytes');
    body.resume();
    await new Promise((resolve) => body.once('close', resolve));
    expect(client.destroyed).toBe(1);
  });
});

describe('LRU bound and ttl', () => {
  it('evicts the least recently used client beyond maxClients', () => {
    const factory = createClientFactory({ maxClients: 2 });
    const a = factory.getClient(alpha, { region: 'us-east-1', credentials: creds }) as FakeClient;
    const b = factory.getClient(alpha, { region: 'us-west-2', credentials: creds }) as FakeClient;
    factory.getClient(alpha, { region: 'us-east-1', credentials: creds });
    const c = factory.getClient(alpha, { region: 'eu-west-1', credentials: creds }) as FakeClient;
    expect(b.destroyed).toBe(1);
    expect(a.destroyed).toBe(0);
    expect(c.destroyed).toBe(0);
    expect(factory.stats()).toMatchObject({ clients: 2, evictions: 1 });
    expect(factory.stats().entries.map((e) => e.region)).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('defaults to 256 clients', () => {
    const factory = createClientFactory();
    for (let i = 0; i < 300; i++) factory.getClient(alpha, { region: 'us-east-1', credentials: { accessKeyId: `AKID${i}`, secretAccessKey: 's' } });
    expect(factory.stats()).toMatchObject({ clients: 256, evictions: 44 });
    expect(factory.stats().sessions).toBeLessThanOrEqual(4 * 256);
  });

  // Review 11: sessions were bounded by maxClients, so an evicted client took its tenant's
  // credentials with it: 300 assumed roles taking turns with the default maxClients of 256 made
  // an AssumeRole per request although every credential was valid for an hour.
  it('keeps credentials past the clients they outlive: tenants taking turns beyond maxClients resolve theirs once, within a bound', async () => {
    const factory = createClientFactory({ maxClients: 2 });
    const calls: number[] = [];
    const tenant = (i: number) =>
      keyedCredentials(`tenant-${i}`, async () => {
        calls[i] = (calls[i] ?? 0) + 1;
        return { accessKeyId: `AKIDTENANT${i}`, secretAccessKey: 'tenant-secret', expiration: new Date(Date.now() + 3_600_000) };
      });
    const resolve = (i: number) =>
      ((factory.getClient(alpha, { region: 'us-east-1', credentials: tenant(i) }) as FakeClient).config.credentials as () => Promise<unknown>)();
    for (let round = 0; round < 3; round++) for (let i = 0; i < 8; i++) await resolve(i);
    expect(calls).toEqual(Array(8).fill(1));
    expect(factory.stats()).toMatchObject({ clients: 2, sessions: 8, evictions: 22 });
    // Four times maxClients at most: a ninth tenant pushes out the least recently used one's credentials.
    await resolve(8);
    expect(factory.stats().sessions).toBe(8);
    await resolve(0);
    expect(calls[0]).toBe(2);
  });

  it('expires clients idle longer than ttlMs', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const factory = createClientFactory({ ttlMs: 1_000 });
    const first = factory.getClient(alpha, { region: 'us-east-1', credentials: creds }) as FakeClient;
    vi.setSystemTime(1_000_500);
    expect(factory.getClient(alpha, { region: 'us-east-1', credentials: creds })).toBe(first);
    vi.setSystemTime(1_001_600);
    const second = factory.getClient(alpha, { region: 'us-east-1', credentials: creds });
    expect(second).not.toBe(first);
    expect(first.destroyed).toBe(1);
    expect(factory.stats().evictions).toBe(1);
  });

  it('sweeps other idle clients when it creates one', () => {
    vi.useFakeTimers({ now: 2_000_000 });
    const factory = createClientFactory({ ttlMs: 1_000 });
    const idle = factory.getClient(alpha, { region: 'us-east-1', credentials: creds }) as FakeClient;
    vi.setSystemTime(2_005_000);
    factory.getClient(beta, { region: 'us-east-1', credentials: creds });
    expect(idle.destroyed).toBe(1);
    expect(factory.stats().clients).toBe(1);
  });
});

describe('stats, dispose and logging', () => {
  it('reports counters and one row per client', () => {
    const factory = createClientFactory();
    factory.getClient(alpha, { region: 'us-east-1', credentials: creds, tier: 'data' });
    factory.getClient(alpha, { region: 'us-east-1', credentials: creds, tier: 'data' });
    const stats = factory.stats();
    expect(stats).toMatchObject({ clients: 1, sessions: 1, hits: 1, misses: 1, evictions: 0 });
    expect(stats.entries[0]).toMatchObject({ service: 'alpha', region: 'us-east-1', tier: 'data', hits: 1, inFlight: 0 });
    expect(stats.entries[0]?.credentialId).toMatch(/^[0-9a-f]{12}$/);
  });

  it('dispose destroys every client and refuses further use; Symbol.dispose does the same', () => {
    const factory = createClientFactory();
    const client = factory.getClient(alpha, { region: 'us-east-1', credentials: creds }) as FakeClient;
    factory[Symbol.dispose]();
    expect(client.destroyed).toBe(1);
    expect(factory.disposed).toBe(true);
    expect(() => factory.getSession()).toThrow(/disposed/);
    factory.dispose();
    expect(client.destroyed).toBe(1);
  });

  it('logs creation and removal with fingerprints only', () => {
    const logger = recordingLogger();
    const factory = createClientFactory({ logger });
    factory.getClient(alpha, { region: 'us-east-1', credentials: creds });
    factory.clearCache();
    expect(logger.lines.join('\n')).toMatch(/created alpha client .*credentials [0-9a-f]{12}/);
    expect(logger.lines.join('\n')).toMatch(/cleared alpha client/);
  });

  it('validates factory options', () => {
    expect(() => createClientFactory({ maxClients: 0 })).toThrow(/maxClients must be a positive integer/);
    expect(() => createClientFactory({ ttlMs: -1 })).toThrow(/ttlMs/);
    expect(() => createClientFactory({ regionValidation: 'loose' as never })).toThrow(/regionValidation/);
    // A refused word is shown (letters and dashes only: never a key or a secret), so 'warning' for 'warn' reads at once.
    expect(() => createClientFactory({ regionValidation: 'warning' as never })).toThrow(
      "createClientFactory(): regionValidation must be 'strict', 'warn' or 'off', got 'warning'.",
    );
    expect(() => createClientFactory({ onAbandonedBody: 'drop' as never })).toThrow("onAbandonedBody must be 'warn' or 'destroy', got 'drop'.");
    expect(() => createClientFactory({ regionValidation: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' as never })).toThrow(/got a string\.$/);
    expect(() => createClientFactory({ regionValidation: 'AKIAIOSFODNN7EXAMPLE' as never })).toThrow(/got a string\.$/);
    expect(() => createClientFactory({ maxClient: 3 } as never)).toThrow(/Did you mean 'maxClients'/);
    expect(() => createClientFactory({ logger: 'console' as never })).toThrow(/logger must be an object/);
    expect(() => createClientFactory({ defaultRegion: 'us-east-l' })).toThrow(/did you mean 'us-east-1'/);
  });
});

describe('defineService', () => {
  const create = (config: object) => ({ config, destroy() {}, middlewareStack: { add() {} } });

  it("refuses a misspelt field with the closest one, instead of dropping it (own keys only: a polluted prototype's are not the caller's)", () => {
    let thrown: unknown;
    try {
      defineService({ id: 'typo', create, handlerOption: () => ({}) } as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AwsClientError);
    expect(thrown).toMatchObject({ code: 'INVALID_SERVICE_DEFINITION' });
    expect((thrown as Error).message).toBe(
      "defineService() got an unknown option 'handlerOption'. Did you mean 'handlerOptions'? Allowed: id, tier, create, handlerOptions, origin.",
    );
    const inherited = Object.create({ stray: 1 }) as Record<string, unknown>;
    Object.assign(inherited, { id: 'inherited', create });
    expect(defineService(inherited as never).id).toBe('inherited');
    // A definition given again is accepted as it is.
    const made = defineService({ id: 'again', tier: 'data', create, origin: 'pkg' });
    expect(defineService(made).tier).toBe('data');
  });
});
