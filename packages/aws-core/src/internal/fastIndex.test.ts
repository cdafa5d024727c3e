import { describe, expect, it } from 'vitest';
import { fakeService } from '../__fixtures__/fakeService.js';
import { AwsClientError, AwsCredentialError, createClientFactory } from '../index.js';
import { addPath, emptyFastKey, FastIndex, readFastKey } from './fastIndex.js';

const alpha = fakeService('alpha');
const creds = { accessKeyId: 'AKID', secretAccessKey: 'fast-secret' };
const none = () => undefined;

interface Row {
  secret: string | undefined;
  token: string | undefined;
  expirationMs: number | undefined;
  scope: string | undefined;
  account: string | undefined;
  name: string;
}
const row = (name: string, secret = 'fast-secret'): Row => ({ name, secret, token: undefined, expirationMs: undefined, scope: undefined, account: undefined });

describe('FastIndex', () => {
  it('finds an entry only when every secret part matches', () => {
    const index = new FastIndex<Row>();
    const key = emptyFastKey();
    expect(readFastKey(alpha, { region: 'us-east-1', credentials: creds }, none, key)).toBe(true);
    const entry = row('a');
    index.set(key, entry);
    expect(index.get(key)).toBe(entry);
    const other = emptyFastKey();
    readFastKey(alpha, { region: 'us-east-1', credentials: { ...creds, secretAccessKey: 'other' } }, none, other);
    expect(index.get(other)).toBeUndefined();
    readFastKey(alpha, { region: 'us-east-1', credentials: { ...creds, sessionToken: 'tok' } }, none, other);
    expect(index.get(other)).toBeUndefined();
  });

  it('prunes empty levels when entries go', () => {
    const index = new FastIndex<Row>();
    const paths: Array<[unknown[], Row]> = [];
    for (let i = 0; i < 50; i++) {
      const key = emptyFastKey();
      readFastKey(alpha, { region: 'us-east-1', credentials: { accessKeyId: `AKID${i}`, secretAccessKey: 's' } }, none, key);
      const entry = row(String(i), 's');
      paths.push([index.set(key, entry), entry]);
    }
    expect(index.size).toBe(50);
    for (const [path, entry] of paths) index.delete(path, entry);
    expect(index.size).toBe(0);
  });

  it('declines unusual inputs so the full path can explain them', () => {
    const key = emptyFastKey();
    expect(readFastKey(alpha, { region: 'us-east-1', regoin: 'x' }, none, key)).toBe(false);
    expect(readFastKey(alpha, { region: 42 }, none, key)).toBe(false);
    expect(readFastKey(alpha, { credentials: { ...creds, extra: 1 } }, none, key)).toBe(false);
    expect(readFastKey(alpha, { credentials: { accessKeyId: 'AKID' } }, none, key)).toBe(false);
    expect(readFastKey(alpha, { config: { region: 'us-east-1' } }, none, key)).toBe(false);
    expect(readFastKey('never-registered', {}, none, key)).toBe(false);
    expect(readFastKey({ id: 'forged' }, {}, none, key)).toBe(false);
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

describe('addPath', () => {
  it('records a path once however often it flips back to an entry', () => {
    const paths: unknown[][] = [];
    const provider = () => undefined;
    for (let i = 0; i < 1000; i++) addPath(paths, ['alpha', undefined, 'us-east-1', undefined, i % 2 ? 'AKID' : provider, '']);
    expect(paths).toHaveLength(2);
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
