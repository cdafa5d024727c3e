import { describe, expect, it } from 'vitest';
import { FakeClient, type FakeConfig, fakeService } from '../../__fixtures__/fakeService.js';
import { AwsClientError, AwsCredentialError, createClientFactory, defineService } from '../../index.node.js';
import type { CacheEntry } from '../../kernel/clientCache.js';
import { keyedCredentials } from '../../kernel/keyedCredentials.js';
import { keyedSourceOf } from '../../kernel/keyedSources.js';
import { CHAIN } from '../../kernel/keySpec.js';
import { emptyFastKey, FastIndex, type FastKey, readFastConfig, readFastCredentials } from './fastPath.js';

const alpha = fakeService('alpha');
const creds = { accessKeyId: 'AKID', secretAccessKey: 'fast-secret' };
const region = 'us-east-1';

function keyFor(credentials: unknown, region = 'us-east-1'): FastKey {
  const key = emptyFastKey();
  key.definition = alpha;
  key.tier = 'standard';
  key.region = region;
  expect(readFastCredentials(credentials, key)).toBe(true);
  return key;
}

/** An entry indexed under its own key, as the full path makes them. */
const entryFor = (key: FastKey): CacheEntry => ({ keyParts: { ...key } }) as CacheEntry;

describe('FastIndex', () => {
  it('finds an entry only when every credential field matches', () => {
    const index = new FastIndex();
    const found = entryFor(keyFor(creds));
    index.set(found.keyParts, found);
    expect(index.get(keyFor({ ...creds }))).toBe(found);
    expect(index.get(keyFor({ ...creds, secretAccessKey: 'other' }))).toBeUndefined();
    expect(index.get(keyFor({ ...creds, sessionToken: 'tok' }))).toBeUndefined();
    expect(index.get(keyFor({ ...creds, expiration: new Date(1) }))).toBeUndefined();
    expect(index.get(keyFor({ ...creds, credentialScope: 'scope' }))).toBeUndefined();
    expect(index.get(keyFor({ ...creds, accountId: '123456789012' }))).toBeUndefined();
    // The last answer is compared field by field too, not only the walk.
    expect(index.get(keyFor({ ...creds }))).toBe(found);
    expect(index.get(keyFor({ ...creds, sessionToken: 'tok' }))).toBeUndefined();
  });

  it('tells explicit credentials, a provider, a keyed provider and the default chain apart', () => {
    const keyed = keyedCredentials('AKID', async () => creds);
    const keyedKey = keyFor(keyed);
    const identity = keyedSourceOf(keyed)?.identity;
    expect(keyedKey).toMatchObject({ kind: 'keyed', credential: identity, secretAccessKey: undefined });
    const index = new FastIndex();
    const staticEntry = entryFor(keyFor({ ...creds, accessKeyId: identity }));
    index.set(staticEntry.keyParts, staticEntry);
    // Same index slot (the access key id equals the keyed provider's identity), another kind: no match.
    expect(index.get(keyedKey)).toBeUndefined();
    expect(keyFor(undefined)).toMatchObject({ kind: 'chain', credential: CHAIN });
    const provider = async () => creds;
    expect(keyFor(provider)).toMatchObject({ kind: 'provider', credential: provider });
  });

  it('prunes empty levels when entries go', () => {
    const index = new FastIndex();
    const paths: Array<[unknown[], CacheEntry]> = [];
    for (let i = 0; i < 50; i++) {
      const found = entryFor(keyFor({ accessKeyId: `AKID${i}`, secretAccessKey: 's' }));
      paths.push([index.set(found.keyParts, found), found]);
    }
    expect(index.size).toBe(50);
    for (const [path, found] of paths) index.delete(path, found);
    expect(index.size).toBe(0);
  });

  it('declines what only the full path can judge', () => {
    const key = emptyFastKey();
    expect(readFastCredentials({ ...creds, extra: 1 }, key)).toBe(false);
    expect(readFastCredentials(42, key)).toBe(false);
    expect(readFastCredentials(null, key)).toBe(false);
    expect(readFastConfig({ region: 'us-east-1' }, key)).toBe(false);
    expect(readFastConfig([], key)).toBe(false);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = { cyclic };
    expect(readFastConfig(cyclic, key)).toBe(false);
  });
});

describe('the fast path of getClient', () => {
  it('never lets a cached entry hide an error the full path would raise', () => {
    const factory = createClientFactory();
    factory.getClient(alpha, { region: 'us-east-1', credentials: creds });
    expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials: creds, regoin: 'x' } as never)).toThrow(AwsClientError);
    expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials: { ...creds, extra: 'x' } as never })).toThrow(AwsCredentialError);
    expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials: { ...creds, sessionToken: 42 } as never })).toThrow(AwsCredentialError);
  });

  it('serves the same client for a fresh equal options object and forgets cleared entries', () => {
    const factory = createClientFactory();
    const first = factory.getClient(alpha, { region: 'us-east-1', credentials: { ...creds } });
    expect(factory.getClient(alpha, { region: 'us-east-1', credentials: { ...creds } })).toBe(first);
    factory.clearCache();
    expect(factory.getClient(alpha, { region: 'us-east-1', credentials: { ...creds } })).not.toBe(first);
  });

  it('counts fast hits in stats', () => {
    const factory = createClientFactory();
    for (let i = 0; i < 1000; i++) factory.getClient(alpha, { region: 'us-east-1', credentials: creds });
    expect(factory.stats()).toMatchObject({ hits: 999, misses: 1 });
    expect(factory.stats().entries[0]?.hits).toBe(999);
  });
});

describe('config on the fast path', () => {
  it('sees a flat value mutated in place between calls', () => {
    const factory = createClientFactory();
    const config: Record<string, unknown> = { endpoint: 'http://127.0.0.1:1', forcePathStyle: true };
    const first = factory.getClient(alpha, { region: 'us-east-1', credentials: creds, config });
    expect(factory.getClient(alpha, { region: 'us-east-1', credentials: creds, config })).toBe(first);
    config.endpoint = 'http://127.0.0.1:2';
    const second = factory.getClient(alpha, { region: 'us-east-1', credentials: creds, config });
    expect(second).not.toBe(first);
    config.forcePathStyle = false;
    expect(factory.getClient(alpha, { region: 'us-east-1', credentials: creds, config })).not.toBe(second);
    delete config.forcePathStyle;
    config.maxAttempts = 3;
    expect(factory.getClient(alpha, { region: 'us-east-1', credentials: creds, config })).not.toBe(second);
  });

  it('sees a Date or nested object mutated in place between calls', () => {
    const factory = createClientFactory();
    const when = new Date(0);
    const nested = { socketTimeout: 5 };
    const first = factory.getClient(alpha, { region: 'us-east-1', credentials: creds, config: { when, requestHandler: nested } });
    when.setTime(1);
    const second = factory.getClient(alpha, { region: 'us-east-1', credentials: creds, config: { when, requestHandler: nested } });
    expect(second).not.toBe(first);
    nested.socketTimeout = 6;
    expect(factory.getClient(alpha, { region: 'us-east-1', credentials: creds, config: { when, requestHandler: nested } })).not.toBe(second);
  });
});

describe('the last-call shortcut compares credential kinds', () => {
  it('never hands a keyed provider the static-credential client whose access key id equals its key', async () => {
    const factory = createClientFactory();
    const staticA = () => ({ accessKeyId: 'tenant-a', secretAccessKey: 'secret-of-a' });
    const a = factory.getClient(alpha, { region, credentials: staticA() });
    factory.getClient(alpha, { region, credentials: staticA() }); // a hit: A is now the fast path's last entry
    const keyed = keyedCredentials('tenant-a', async () => ({ accessKeyId: 'B', secretAccessKey: 'secret-of-b' }));
    const b = factory.getClient(alpha, { region, credentials: keyed }) as unknown as FakeClient;
    expect(b).not.toBe(a);
    const provider = b.config.credentials as () => Promise<{ secretAccessKey: string }>;
    expect((await provider()).secretAccessKey).toBe('secret-of-b');
  });
});

describe('a config getter that changes between reads cannot poison other calls', () => {
  it('gives a plain caller the client its own config asks for, in this factory and in another one', async () => {
    const credentials = { accessKeyId: 'AKIDREVIEW', secretAccessKey: 'review-secret' };
    const factory = createClientFactory();
    const two = factory.getClient(alpha, { region, credentials, config: { maxAttempts: 2 } });
    let reads = 0;
    // A round-robin getter: 1, 2, 3, … on successive reads.
    const rotating = {
      get maxAttempts() {
        reads++;
        return reads;
      },
    };
    factory.getClient(alpha, { region, credentials, config: rotating });
    const three = factory.getClient(alpha, { region, credentials, config: { maxAttempts: 3 } }) as unknown as FakeClient;
    expect(three).not.toBe(two);
    expect(three.config.maxAttempts).toBe(3);

    // The memo is module state: a caller of one factory poisons another factory.
    const other = createClientFactory();
    const otherTwo = other.getClient(alpha, { region, credentials, config: { maxAttempts: 2 } });
    reads = 0;
    factory.getClient(alpha, { region, credentials, config: rotating });
    const otherThree = other.getClient(alpha, { region, credentials, config: { maxAttempts: 3 } }) as unknown as FakeClient;
    expect(otherThree).not.toBe(otherTwo);
    expect(otherThree.config.maxAttempts).toBe(3);
  });
});

describe('two services one package defines (one origin, two ids)', () => {
  // `origin` is the defining package's name, so a package that defines two
  // services gives both the same origin. The fast path's key held only the
  // origin, so the second service was handed the first one's client; both
  // keys now take `definitionKey` (serviceDefinition.ts): id and origin.
  const sqsLike = defineService({ id: 'queue', origin: '@acme/aws-clients', create: (config: FakeConfig) => new FakeClient({ ...config, made: 'queue' }) });
  const snsLike = defineService({ id: 'topic', origin: '@acme/aws-clients', create: (config: FakeConfig) => new FakeClient({ ...config, made: 'topic' }) });
  const credentials = { accessKeyId: 'AKIDORIGIN', secretAccessKey: 'origin-secret' };

  it('each get their own client', async () => {
    await using factory = createClientFactory();
    const queue = factory.getClient(sqsLike, { region, credentials });
    const topic = factory.getClient(snsLike, { region, credentials });
    expect(topic.config.made).toBe('topic');
    expect(topic).not.toBe(queue);
  });

  it('each get their own client on a repeated call', async () => {
    await using factory = createClientFactory();
    const first = factory.getClient(sqsLike, { region, credentials });
    // The second call is a hit for the queue client: it becomes the "last" entry.
    expect(factory.getClient(sqsLike, { region, credentials })).toBe(first);
    expect(factory.getClient(snsLike, { region, credentials }).config.made).toBe('topic');
  });
});
