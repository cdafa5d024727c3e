import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { type FakeClient, fakeService, recordingLogger } from './__fixtures__/fakeService.js';
import { AwsClientError, AwsCredentialError, type AwsCredentials, createClientFactory, defineService, keyedCredentials } from './index.node.js';

// Whatever the shape of the input — plain, frozen, a class with getters,
// non-enumerable properties, a Proxy, an object mutated after the call — a
// call gets exactly the client its values ask for, or a typed error.

const alpha = fakeService('alpha');
const A = { accessKeyId: 'AKIDTENANTA', secretAccessKey: 'tenant-a-secret' };
const B = { accessKeyId: 'AKIDTENANTB', secretAccessKey: 'tenant-b-secret' };

/** Options as a DI container hands them out: values behind getters on the prototype, nothing enumerable. */
class TenantOptions {
  readonly #region: string;
  readonly #credentials: AwsCredentials;
  constructor(region: string, credentials: AwsCredentials) {
    this.#region = region;
    this.#credentials = credentials;
  }
  get region(): string {
    return this.#region;
  }
  get credentials(): AwsCredentials {
    return this.#credentials;
  }
}

async function signedAs(client: unknown): Promise<string> {
  const resolved = await ((client as FakeClient).config.credentials as () => Promise<AwsCredentials>)();
  return resolved.accessKeyId;
}

describe('getClient with options of any shape', () => {
  it('gives tenant B its own client when the options are class instances with getters', async () => {
    const factory = createClientFactory();
    const a = factory.getClient(alpha, new TenantOptions('us-east-1', A));
    const b = factory.getClient(alpha, new TenantOptions('us-east-1', B));
    expect(b).not.toBe(a);
    expect(await signedAs(a)).toBe(A.accessKeyId);
    expect(await signedAs(b)).toBe(B.accessKeyId);
    // Both paths read them alike: again (the fast path), and as plain objects.
    expect(factory.getClient(alpha, new TenantOptions('us-east-1', A))).toBe(a);
    expect(factory.getClient(alpha, new TenantOptions('us-east-1', B))).toBe(b);
    expect(factory.getClient(alpha, { region: 'us-east-1', credentials: { ...B } })).toBe(b);
    // A later plain call without credentials is neither tenant's client.
    const plain = factory.getClient(alpha, { region: 'us-east-1' });
    expect(plain).not.toBe(a);
    expect(plain).not.toBe(b);
  });

  it('reads frozen objects, null-prototype objects, non-enumerable properties and Proxies by their values', async () => {
    const factory = createClientFactory();
    const reference = factory.getClient(alpha, { region: 'eu-west-1', credentials: { ...A } });
    const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { region: 'eu-west-1', credentials: { ...A } });
    const hidden = Object.defineProperties({}, { region: { value: 'eu-west-1' }, credentials: { value: { ...A } } });
    const proxied = new Proxy({ region: 'eu-west-1', credentials: { ...A } }, {});
    const getterProxy = new Proxy({}, { get: (_, key) => (key === 'region' ? 'eu-west-1' : key === 'credentials' ? A : undefined) });
    for (const options of [Object.freeze({ region: 'eu-west-1', credentials: Object.freeze({ ...A }) }), nullProto, hidden, proxied, getterProxy]) {
      expect(factory.getClient(alpha, options as never)).toBe(reference);
    }
    // Credentials of those shapes too.
    const credentialShapes = [
      Object.defineProperties({}, { accessKeyId: { value: A.accessKeyId }, secretAccessKey: { value: A.secretAccessKey } }),
      new Proxy({ ...A }, {}),
      new (class {
        get accessKeyId(): string {
          return A.accessKeyId;
        }
        get secretAccessKey(): string {
          return A.secretAccessKey;
        }
      })(),
    ];
    for (const credentials of credentialShapes) expect(factory.getClient(alpha, { region: 'eu-west-1', credentials: credentials as never })).toBe(reference);
    expect(await signedAs(reference)).toBe(A.accessKeyId);
  });

  it('sees objects mutated after the call, and the first client keeps what it was made with', async () => {
    const factory = createClientFactory();
    const credentials = { ...A };
    const options = { region: 'us-east-1', credentials };
    const first = factory.getClient(alpha, options);
    credentials.accessKeyId = B.accessKeyId;
    credentials.secretAccessKey = B.secretAccessKey;
    const second = factory.getClient(alpha, options);
    expect(second).not.toBe(first);
    expect(await signedAs(first)).toBe(A.accessKeyId);
    expect(await signedAs(second)).toBe(B.accessKeyId);
    options.region = 'eu-west-1';
    expect(factory.getClient(alpha, options)).not.toBe(second);
    expect((second as FakeClient).config.region).toBe('us-east-1');
  });

  it('reads each option once per call, so a getter that changes between reads cannot split the key from the client', async () => {
    const factory = createClientFactory();
    let reads = 0;
    const flipping = {
      region: 'us-east-1',
      get credentials() {
        reads++;
        return reads % 2 === 1 ? A : B;
      },
    };
    const client = factory.getClient(alpha, flipping);
    const signer = await signedAs(client);
    // Whichever value the call used, its key is that value's: asking for it plainly gives the same client.
    expect(factory.getClient(alpha, { region: 'us-east-1', credentials: signer === A.accessKeyId ? A : B })).toBe(client);
  });

  it('turns whatever an options object throws into a typed error', () => {
    const factory = createClientFactory();
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const throwing = {
      get region(): string {
        throw new TypeError('boom');
      },
    };
    for (const options of [revoked.proxy, throwing]) {
      const error = (() => {
        try {
          factory.getClient(alpha, options as never);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(AwsClientError);
      expect(error).toMatchObject({ code: 'INVALID_OPTIONS' });
    }
    for (const where of ['config', 'credentials'] as const) {
      const inner = Proxy.revocable({}, {});
      inner.revoke();
      expect(() => factory.getClient(alpha, { region: 'us-east-1', [where]: inner.proxy } as never)).toThrow(AwsClientError);
    }
    const filter = Proxy.revocable({}, {});
    filter.revoke();
    expect(() => factory.clearCache(filter.proxy as never)).toThrow(AwsClientError);
    expect(() => factory.getSession(revoked.proxy as never)).toThrow(AwsClientError);
  });

  it('refuses on the fast path what the full path refuses', () => {
    const factory = createClientFactory();
    factory.getClient(alpha, {});
    factory.getClient(alpha, { region: 'us-east-1', credentials: A });
    expect(() => factory.getClient(alpha, [] as never)).toThrow(AwsClientError);
    expect(() => factory.getClient(alpha, 'us-east-1' as never)).toThrow(AwsClientError);
    expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials: A, regoin: 'x' } as never)).toThrow(/Did you mean 'region'/);
    expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials: { ...A, expiration: 1 } as never })).toThrow(AwsCredentialError);
    expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials: { ...A, extra: 1 } as never })).toThrow(AwsCredentialError);
    expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials: A, tier: Object.create(null) })).toThrow(AwsClientError);
  });

  it('reads only own keys as typos: an enumerable key on Object.prototype (a polluting library) refuses no call', () => {
    const factory = createClientFactory();
    const before = factory.getClient(alpha, { region: 'us-east-1', credentials: A });
    const polluted = Object.prototype as Record<string, unknown>;
    polluted.polluted = 1;
    try {
      // The same client again, by the fast path and by the full path (fresh objects, a config).
      expect(factory.getClient(alpha, { region: 'us-east-1', credentials: A })).toBe(before);
      expect(factory.getClient(alpha, { region: 'us-east-1', credentials: { ...A } })).toBe(before);
      expect(factory.getClient(alpha, { region: 'us-east-1', credentials: { ...A }, config: { maxAttempts: 2 } })).not.toBe(before);
      expect(factory.getSession({ region: 'us-east-1', credentials: { ...A } }).region).toBe('us-east-1');
      expect(createClientFactory({ maxClients: 3 }).getClient(alpha, { region: 'us-east-1', credentials: A })).not.toBe(before);
      expect(factory.clearCache({ region: 'eu-west-1' })).toBe(0);
      // An own typo is still refused.
      expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials: A, regoin: 'x' } as never)).toThrow(/Did you mean 'region'/);
      expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials: { ...A, extra: 1 } as never })).toThrow(AwsCredentialError);
    } finally {
      delete polluted.polluted;
    }
  });
});

describe('region, profile and credentials given in config', () => {
  it('stand for the options: the same client as the option gives, on every path', async () => {
    const factory = createClientFactory();
    const byOption = factory.getClient(alpha, { region: 'eu-west-1', credentials: { ...A } });
    expect(factory.getClient(alpha, { config: { region: 'eu-west-1', credentials: { ...A } } })).toBe(byOption);
    expect(factory.getClient(alpha, { region: 'eu-west-1', config: { credentials: { ...A } } })).toBe(byOption);
    expect((byOption as FakeClient).config.region).toBe('eu-west-1');
    expect(await signedAs(byOption)).toBe(A.accessKeyId);
    // Given both ways with the same value: that value.
    expect(factory.getClient(alpha, { region: 'eu-west-1', credentials: A, config: { region: 'eu-west-1', credentials: A } })).toBe(byOption);
    // Credentials twice are the same only as the same object or function: a copy is refused (getClient says which).
    expect(() => factory.getClient(alpha, { region: 'eu-west-1', credentials: A, config: { credentials: { ...A } } })).toThrow(
      'getClient() got credentials twice, as an option and as config.credentials, not the same object or function.',
    );
    // A config alias is still checked as the option is.
    expect(() => factory.getClient(alpha, { credentials: A, config: { region: 'eu-wset-1' } })).toThrow(
      expect.objectContaining({ code: 'INVALID_REGION', suggestion: 'eu-west-1' }),
    );
    // …and its errors name it as given: config.region, not region.
    expect(() => factory.getClient(alpha, { credentials: A, config: { region: 'eu-wset-1' } })).toThrow(
      "Region 'eu-wset-1' from config.region is not a valid AWS region — did you mean 'eu-west-1'? Fix config.region.",
    );
    // The SDK takes a region provider; the factory cannot key one by value, and says what to pass.
    expect(() => factory.getClient(alpha, { credentials: A, config: { region: async () => 'eu-west-1' } } as never)).toThrow(
      "config.region must be a string such as 'us-east-1', got a function. Resolve a region provider first: the region is part of the cache key.",
    );
  });

  it.each([
    ['region', { region: 'us-east-1', credentials: A, config: { region: 'eu-west-1' } }],
    ['profile', { region: 'us-east-1', profile: 'dev', config: { profile: 'prod' } }],
    ['credentials', { region: 'us-east-1', credentials: A, config: { credentials: B } }],
  ] as const)('given both ways with different values (%s): INVALID_OPTIONS, never one dropped without a word', (name, options) => {
    const factory = createClientFactory();
    let thrown: unknown;
    try {
      factory.getClient(alpha, options as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AwsClientError);
    expect(thrown).toMatchObject({ code: 'INVALID_OPTIONS' });
    expect((thrown as Error).message).toContain(`getClient() got ${name} twice, as an option and as config.${name}`);
    expect((thrown as Error).message).not.toContain(B.secretAccessKey);
    expect(factory.stats().clients).toBe(0);
  });
});

describe('config snapshots', () => {
  it('keys URLs, Dates, arrays and nested objects by value and hands the client copies', () => {
    const factory = createClientFactory();
    const endpoint = new URL('http://host-a.example:4566');
    const config = { endpoint, when: new Date(1_000), list: ['x'], nested: { deep: { value: 1 } } };
    const first = factory.getClient(alpha, { region: 'us-east-1', credentials: A, config: config as never }) as FakeClient;
    expect(first.config.endpoint).not.toBe(endpoint);
    expect(String(first.config.endpoint)).toBe('http://host-a.example:4566/');
    endpoint.host = 'host-b.example';
    config.when.setTime(2_000);
    config.list.push('y');
    config.nested.deep.value = 2;
    // The cached client still talks to host A, with the values it was made with.
    expect(String(first.config.endpoint)).toBe('http://host-a.example:4566/');
    expect((first.config.when as Date).getTime()).toBe(1_000);
    expect(first.config.list).toEqual(['x']);
    expect(first.config.nested).toEqual({ deep: { value: 1 } });
    // Asking for host B gets another client; asking for host A again gets the first.
    const second = factory.getClient(alpha, { region: 'us-east-1', credentials: A, config: config as never }) as FakeClient;
    expect(second).not.toBe(first);
    expect(String(second.config.endpoint)).toBe('http://host-b.example:4566/');
    const again = { endpoint: new URL('http://host-a.example:4566'), when: new Date(1_000), list: ['x'], nested: { deep: { value: 1 } } };
    expect(factory.getClient(alpha, { region: 'us-east-1', credentials: A, config: again as never })).toBe(first);
  });

  it('reads config keys that are not enumerable (Object.defineProperty), at every depth, on both paths', () => {
    const factory = createClientFactory();
    const options = { region: 'us-east-1', credentials: A };
    // A client without config first: the fast path must not hand it out for a config whose keys for…in cannot see.
    const bare = factory.getClient(alpha, options) as FakeClient;
    const hidden = () =>
      Object.defineProperties(
        {},
        {
          endpoint: { value: 'http://127.0.0.1:4566' },
          requestHandler: { value: Object.defineProperty({}, 'requestTimeout', { value: 1_234 }), enumerable: true },
        },
      );
    const client = factory.getClient(alpha, { ...options, config: hidden() as never }) as FakeClient;
    expect(client).not.toBe(bare);
    expect(client.config.endpoint).toBe('http://127.0.0.1:4566');
    expect(client.config.requestHandler).toMatchObject({ requestTimeout: 1_234 });
    // Equal by value: the same client, whether its keys are enumerable or not, and again and again (fast path).
    for (let i = 0; i < 3; i++) expect(factory.getClient(alpha, { ...options, config: hidden() as never })).toBe(client);
    expect(factory.getClient(alpha, { ...options, config: { endpoint: 'http://127.0.0.1:4566', requestHandler: { requestTimeout: 1_234 } } as never })).toBe(
      client,
    );
    // A hidden key beside enumerable ones, after the same enumerable keys alone were memoised by the fast path.
    const plain = factory.getClient(alpha, { ...options, config: { maxAttempts: 2 } }) as FakeClient;
    expect(factory.getClient(alpha, { ...options, config: { maxAttempts: 2 } })).toBe(plain);
    const withHidden = factory.getClient(alpha, {
      ...options,
      config: Object.defineProperty({ maxAttempts: 2 }, 'endpoint', { value: 'http://127.0.0.1:4566' }) as never,
    }) as FakeClient;
    expect(withHidden).not.toBe(plain);
    expect(withHidden.config).toMatchObject({ maxAttempts: 2, endpoint: 'http://127.0.0.1:4566' });
    // A key inherited from a polluted Object.prototype is not the caller's: it stays out.
    const proto = Object.prototype as Record<string, unknown>;
    proto.endpoint = 'http://polluted.example';
    try {
      expect(factory.getClient(alpha, { ...options, config: { maxAttempts: 2 } })).toBe(plain);
    } finally {
      delete proto.endpoint;
    }
    // One inherited key and one hidden own key: for…in lists as many keys as the config owns, but not the same ones
    // (the fast path's memo of the last config must not answer for it).
    proto.tag = 'v';
    try {
      const tagged = factory.getClient(alpha, { ...options, config: { tag: 'v' } }) as FakeClient;
      expect(factory.getClient(alpha, { ...options, config: { tag: 'v' } })).toBe(tagged);
      const hiddenEndpoint = factory.getClient(alpha, {
        ...options,
        config: Object.defineProperty({}, 'endpoint', { value: 'http://127.0.0.1:4566' }) as never,
      }) as FakeClient;
      expect(hiddenEndpoint).not.toBe(tagged);
      expect(hiddenEndpoint.config.endpoint).toBe('http://127.0.0.1:4566');
    } finally {
      delete proto.tag;
    }
  });

  it('refuses a config that is a class instance or made by Object.create(), saying what to pass instead', () => {
    const factory = createClientFactory();
    class Settings {
      get endpoint(): string {
        return 'http://127.0.0.1:4566';
      }
    }
    for (const config of [new Settings(), Object.create({ endpoint: 'http://127.0.0.1:4566' }), new Map()]) {
      expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials: A, config })).toThrow(
        'config must be a plain object of SDK client configuration, got a class instance or an object made by Object.create(), whose values are not read. Pass an object literal, such as { endpoint: settings.endpoint }.',
      );
    }
    expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials: A, config: ['x'] as never })).toThrow(
      'config must be a plain object of SDK client configuration, got an array.',
    );
  });

  it('refuses a config.endpoint string that is no URL at getClient, not with a TypeError at the first request', () => {
    const factory = createClientFactory();
    for (const endpoint of ['not a url', '127.0.0.1:4566', 'http://']) {
      expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials: A, config: { endpoint } })).toThrow(
        expect.objectContaining({
          name: 'AwsClientError',
          code: 'INVALID_CONFIG',
          message:
            "config.endpoint is not a URL (new URL() refuses it, as the SDK would at the first request). Give the whole URL with its scheme, such as 'http://127.0.0.1:4566'.",
        }),
      );
    }
    // It parses, but its scheme is the host: the SDK would send nowhere.
    for (const [endpoint, scheme] of [
      ['localhost:4566', 'localhost:'],
      ['minio:9000/bucket', 'minio:'],
      ['ftp://127.0.0.1:4566', 'ftp:'],
    ]) {
      expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials: A, config: { endpoint } })).toThrow(
        expect.objectContaining({
          code: 'INVALID_CONFIG',
          message: `config.endpoint has the scheme '${scheme}' (the text before its first colon), and the SDK sends only to http: and https: URLs. Give the whole URL with its scheme, such as 'http://127.0.0.1:4566'.`,
        }),
      );
    }
    // A value the SDK would read as a URL at the first request.
    for (const [endpoint, got] of [
      [4566, 'a number'],
      [true, 'a boolean'],
    ] as const) {
      expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials: A, config: { endpoint } as never })).toThrow(
        expect.objectContaining({
          code: 'INVALID_CONFIG',
          message: `config.endpoint must be a URL string such as 'http://127.0.0.1:4566' (or a URL, an endpoint object or a function that gives one), got ${got}.`,
        }),
      );
    }
    // What the SDK takes: a URL string with a scheme, a URL object, an endpoint object, a provider; and '', no endpoint to it.
    for (const endpoint of [
      '',
      'http://127.0.0.1:4566',
      'https://s3.us-east-1.amazonaws.com/',
      new URL('http://localhost:9000'),
      { url: new URL('http://localhost:9000') },
    ]) {
      expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials: A, config: { endpoint } as never })).not.toThrow();
    }
  });

  it('keeps class instances and functions by identity', () => {
    const factory = createClientFactory();
    class Agent {}
    const agent = new Agent();
    const client = factory.getClient(alpha, { region: 'us-east-1', credentials: A, config: { requestHandler: { httpAgent: agent } } }) as FakeClient;
    expect((client.config.requestHandler as { httpAgent: unknown }).httpAgent).toBe(agent);
    expect(factory.getClient(alpha, { region: 'us-east-1', credentials: A, config: { requestHandler: { httpAgent: new Agent() } } })).not.toBe(client);
  });
});

describe('a misspelt credential field', () => {
  it("names the field meant, and maps STS's capitalised spelling (a common slip: its Credentials passed as they come)", () => {
    const factory = createClientFactory();
    const refused = (credentials: object) => {
      try {
        factory.getClient(alpha, { region: 'us-east-1', credentials: credentials as never });
      } catch (error) {
        return error as AwsCredentialError;
      }
      throw new Error('accepted');
    };
    const fields = 'Pass { accessKeyId, secretAccessKey, sessionToken?, expiration?, credentialScope?, accountId? }.';
    expect(refused({ accesKeyId: 'AKIDTYPO', secretAccessKey: 'typo-secret' })).toMatchObject({
      code: 'INVALID_CREDENTIALS',
      message: `Invalid credentials: unknown field 'accesKeyId'. Did you mean 'accessKeyId'? ${fields}`,
    });
    const sts = refused({ AccessKeyId: 'ASIASTS', SecretAccessKey: 'sts-secret', SessionToken: 'sts-token' });
    expect(sts).toBeInstanceOf(AwsCredentialError);
    expect(sts.message).toBe(
      `Invalid credentials: unknown field 'AccessKeyId'. STS's Credentials (AssumeRole, GetSessionToken) spell their fields with capitals: map AccessKeyId, SecretAccessKey, SessionToken and Expiration to accessKeyId, secretAccessKey, sessionToken and expiration. ${fields}`,
    );
    expect(sts.message).not.toContain('sts-secret');
    // Only STS's own spelling gets the STS hint; any other case slip is a plain typo.
    expect(refused({ accessKeyId: 'AKIDOK', secretAccessKey: 'ok-secret', sessiontoken: 'token' }).message).toBe(
      `Invalid credentials: unknown field 'sessiontoken'. Did you mean 'sessionToken'? ${fields}`,
    );
    expect(refused({ accessKeyId: 'AKIDOK', secretAccessKey: 'ok-secret', region: 'us-east-1' }).message).toBe(
      `Invalid credentials: unknown field 'region'. ${fields}`,
    );
    // Review 13 (R): the shared credentials file's names, and short forms, were given no field to use.
    for (const [field, meant] of [
      ['aws_access_key_id', 'accessKeyId'],
      ['access_key_id', 'accessKeyId'],
      ['aws_secret_access_key', 'secretAccessKey'],
      ['secretKey', 'secretAccessKey'],
      ['aws_session_token', 'sessionToken'],
      ['token', 'sessionToken'],
    ]) {
      const credentials = { accessKeyId: 'AKIDOK', secretAccessKey: 'ok-secret', [field as string]: 'value-of-it' };
      expect(refused(credentials).message).toBe(`Invalid credentials: unknown field '${field}'. Did you mean '${meant}'? ${fields}`);
    }
    // Review 13 (S): an inherited name is no alias.
    expect(refused({ accessKeyId: 'AKIDOK', secretAccessKey: 'ok-secret', constructor: 'x' }).message).toBe(
      `Invalid credentials: unknown field 'constructor'. ${fields}`,
    );
  });

  // Review 13 (S): a name was clipped to 40 characters before it was checked for a credential, so a
  // secret with one character in front (39 of its 40 characters) was shown.
  it('never shows a secret pasted as a field or option name, with a character or a variable name in front', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const factory = createClientFactory({ defaultRegion: 'us-east-1' });
    for (const name of [` ${secret}`, `"${secret}`, `AWS_SECRET_ACCESS_KEY=${secret}`]) {
      const shown: string[] = [];
      for (const call of [
        () => factory.getClient(alpha, { credentials: { accessKeyId: 'AKIDOK', secretAccessKey: 'ok-secret', [name]: 'x' } }),
        () => factory.getClient(alpha, { [name]: 'x' } as never),
        () => defineService({ id: 'pasted', create: () => undefined as never, [name]: 'x' } as never),
      ]) {
        try {
          call();
        } catch (error) {
          shown.push((error as Error).message);
        }
      }
      expect(shown).toHaveLength(3);
      for (const message of shown) {
        expect(message, message).toContain('looks like a credential, not shown');
        expect(message).not.toContain(secret.slice(0, 16));
      }
    }
  });
});

describe('credential fingerprints', () => {
  it('refuses empty strings in every credential field rather than reading them as absent', () => {
    const factory = createClientFactory();
    for (const field of ['sessionToken', 'credentialScope', 'accountId'] as const) {
      expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials: { ...A, [field]: '' } })).toThrow(AwsCredentialError);
    }
  });

  it('gives distinct credential sets distinct clients, however their values are crafted', () => {
    const factory = createClientFactory();
    const sets: AwsCredentials[] = [
      { accessKeyId: 'K', secretAccessKey: 'S', sessionToken: 'T' },
      { accessKeyId: 'K', secretAccessKey: 'S', credentialScope: 'T' },
      { accessKeyId: 'K', secretAccessKey: 'S', accountId: 'T' },
      { accessKeyId: 'K', secretAccessKey: 'S|1:T' },
      { accessKeyId: 'K', secretAccessKey: 'S\u0000T' },
      { accessKeyId: 'K', secretAccessKey: 'S', sessionToken: 'T|-' },
      { accessKeyId: 'K', secretAccessKey: 'S', sessionToken: '1:T' },
      { accessKeyId: 'K|S', secretAccessKey: 'T' },
    ];
    const clients = sets.map((credentials) => factory.getClient(alpha, { region: 'us-east-1', credentials }));
    expect(new Set(clients).size).toBe(sets.length);
    expect(new Set(factory.stats().entries.map((entry) => entry.credentialId)).size).toBe(sets.length);
  });

  it('never serves an expired set another set’s client', () => {
    const factory = createClientFactory();
    const past = new Date(Date.now() - 1_000);
    factory.getClient(alpha, { region: 'us-east-1', credentials: { accessKeyId: 'K', secretAccessKey: 'S', sessionToken: String(past.getTime()) } });
    expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials: { accessKeyId: 'K', secretAccessKey: 'S', expiration: past } })).toThrow(
      expect.objectContaining({ code: 'CREDENTIALS_EXPIRED' }),
    );
  });

  it('clips a long region in log lines and messages', () => {
    const logger = recordingLogger();
    const long = `us-${'x'.repeat(5_000)}-1`;
    const factory = createClientFactory({ logger, regionValidation: 'off' });
    factory.getClient(alpha, { region: long, credentials: A });
    factory.clearCache();
    expect(logger.lines.length).toBeGreaterThanOrEqual(2);
    for (const line of logger.lines) expect(line.length).toBeLessThan(300);
    const strict = createClientFactory({ regionValidation: 'strict' });
    expect(() => strict.getClient(alpha, { region: long, credentials: A })).toThrow(expect.objectContaining({ message: expect.stringMatching(/^.{1,300}$/s) }));
  });
});

// Review 11: a promise (an async function's result passed without `await`), a Map, a Date… read
// as options gave nothing, so the call silently took every default: the default credential chain
// and region, another identity than the caller meant.
describe('options that cannot be options', () => {
  const notOptions: [string, () => object, string][] = [
    ['a Promise', () => Promise.resolve({ region: 'us-east-1', credentials: A }), 'a Promise'],
    ['a Map', () => new Map([['region', 'us-east-1']]), 'a Map'],
    ['a Set', () => new Set(['us-east-1']), 'a Set'],
    ['a Date', () => new Date(), 'a Date'],
    ['a RegExp', () => /us-east-1/, 'a RegExp'],
    ['an Error', () => new Error('x'), 'an Error'],
    ['a Uint8Array', () => new Uint8Array(4), 'an ArrayBuffer view'],
    ['a URL', () => new URL('https://example.com'), 'a URL'],
    ['a Promise of another realm', () => vm.runInNewContext('Promise.resolve({})') as object, 'a Promise'],
    ['a Map of another realm', () => vm.runInNewContext('new Map()') as object, 'a Map'],
    ['a File', () => new File(['x'], 'x.txt'), 'a File'],
    ['an AbortSignal', () => new AbortController().signal, 'an AbortSignal'],
  ];

  it.each(notOptions)('refuses %s in getClient, getSession and warm, before taking any default', async (_name, make, got) => {
    const factory = createClientFactory({ defaultRegion: 'us-east-1' });
    for (const call of [() => factory.getClient(alpha, make() as never), () => factory.getSession(make() as never)]) {
      let error: unknown;
      try {
        call();
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(AwsClientError);
      expect(error).toMatchObject({ code: 'INVALID_OPTIONS', message: expect.stringContaining(`takes an options object, got ${got}.`) });
    }
    // warm()'s refusal names warm(), the method the caller called.
    await expect(factory.warm(alpha, make() as never)).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringMatching(new RegExp(`^warm\\(\\) takes an options object, got ${got}\\.`)),
    });
    expect(factory.stats()).toMatchObject({ clients: 0, sessions: 0 });
  });

  it("names warm() in warm()'s refusals of an unknown option and of options it could not read", async () => {
    const factory = createClientFactory({ defaultRegion: 'us-east-1' });
    await expect(factory.warm(alpha, { regoin: 'us-east-1' } as never)).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringMatching(/^warm\(\) got an unknown option 'regoin'. Did you mean 'region'\?/),
    });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    await expect(factory.warm(alpha, proxy as never)).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringMatching(/^warm\(\) could not read its options \(TypeError\)/),
    });
    // getClient()'s still name getClient().
    expect(() => factory.getClient(alpha, { regoin: 'us-east-1' } as never)).toThrow(/^getClient\(\) got an unknown option 'regoin'/);
  });

  it("names warm() in warm()'s refusal of a service that is none, and getClient() in getClient()'s", async () => {
    const factory = createClientFactory({ defaultRegion: 'us-east-1' });
    await expect(factory.warm(42 as never)).rejects.toMatchObject({
      code: 'UNKNOWN_SERVICE',
      message: expect.stringMatching(/^warm\(\) takes a service definition .*, got a number\.$/),
    });
    expect(() => factory.getClient(null as never)).toThrow(/^getClient\(\) takes a service definition .*, got null\.$/);
    // A function that is no client class: the same text for both calls, naming neither.
    const notAClass = (): void => undefined;
    await expect(factory.warm(notAClass as never)).rejects.toThrow(/^The service given is a function that is not an AWS SDK v3 client class/);
    expect(factory.stats()).toMatchObject({ clients: 0, sessions: 0 });
  });

  it('says where an SDK client setting given beside the options goes (written as for new S3Client({ endpoint }))', async () => {
    const factory = createClientFactory({ defaultRegion: 'us-east-1' });
    expect(() => factory.getClient(alpha, { region: 'us-east-1', endpoint: 'http://127.0.0.1:4566' } as never)).toThrow(
      "getClient() got an unknown option 'endpoint'. SDK client settings go in config: { config: { endpoint: … } }. Allowed: region, profile, credentials, config, tier.",
    );
    await expect(factory.warm(alpha, { forcePathStyle: true } as never)).rejects.toThrow(
      /SDK client settings go in config: \{ config: \{ forcePathStyle: … \} \}/,
    );
    // A setting whose name holds an option's is the setting, not a typo of the option.
    expect(() => factory.getClient(alpha, { region: 'us-east-1', followRegionRedirects: true } as never)).toThrow(
      "getClient() got an unknown option 'followRegionRedirects'. SDK client settings go in config: { config: { followRegionRedirects: … } }.",
    );
    // Not where there is no config to put it in, not for a typo of an option, and not for what is no SDK
    // client setting (a factory option, a command's own option or parameter), which config would ignore.
    expect(() => factory.getSession({ endpoint: 'x' } as never)).not.toThrow(/SDK client settings/);
    for (const key of ['regoin', 'ttlMs', 'abortSignal', 'Bucket']) {
      expect(() => factory.getClient(alpha, { [key]: 1 } as never)).not.toThrow(/SDK client settings/);
    }
  });

  it('says to await a promise', () => {
    const factory = createClientFactory();
    expect(() => factory.getClient(alpha, Promise.resolve({}) as never)).toThrow('Await the promise and pass its result.');
  });

  it.each(notOptions)('refuses %s as factory options and keyed-credential options', (_name, make) => {
    expect(() => createClientFactory(make() as never)).toThrow(expect.objectContaining({ code: 'INVALID_FACTORY_OPTIONS' }));
    expect(() => keyedCredentials('tenant', async () => A, make() as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
  });

  // Review 11: asking whether options are a promise or a built-in read `then` and Symbol.toStringTag,
  // and a Proxy whose trap throws for them (one that builds environment names from its keys) was
  // refused as unreadable, factory options included, although it reads fine by name.
  it('takes a Proxy whose trap throws for then and for symbols, as options read by name', () => {
    const settings = (values: Record<string, unknown>) =>
      new Proxy(values, {
        get: (target, key) => {
          if (typeof key !== 'string' || key === 'then') throw new TypeError(`no setting ${String(key)}`);
          return target[key];
        },
      });
    const factory = createClientFactory(settings({ disposeGraceMs: 100, defaultRegion: 'us-east-1' }) as never);
    expect(factory.getClient(alpha, settings({}) as never)).toBe(factory.getClient(alpha, {}));
  });

  it('still takes an empty object and a class instance whose getters give nothing: every default, as asked', () => {
    const factory = createClientFactory({ defaultRegion: 'us-east-1' });
    class Nothing {
      get region(): string | undefined {
        return undefined;
      }
    }
    expect(factory.getClient(alpha, {})).toBe(factory.getClient(alpha, new Nothing()));
  });
});

describe('messages describe what was given', () => {
  const region = 'us-east-1';

  it.each([
    ['null', null, 'null'],
    ['a number', 42, 'a number'],
    ['an array', [], 'an array'],
  ])('getClient(service, %s) names it', (_label, value, shown) => {
    const factory = createClientFactory();
    expect(() => factory.getClient(alpha, value as never)).toThrow(expect.objectContaining({ message: expect.stringContaining(`got ${shown}`) }));
  });

  it('a numeric secretAccessKey is "a number", not "a Date"', () => {
    const factory = createClientFactory();
    expect(() => factory.getClient(alpha, { region, credentials: { accessKeyId: 'AKID', secretAccessKey: 12345 as never } })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('got a number') }),
    );
  });
});
