import { describe, expect, it } from 'vitest';
import {
  CREDENTIAL_FIELDS,
  emptyCredentialsRead,
  emptyRead,
  IGNORED_CREDENTIAL_FIELDS,
  isCredentialName,
  isOptionName,
  OPTION_NAMES,
  readCall,
  readCredentials,
  SESSION_NAMES,
  WrongType,
} from './keySpec.js';

/** A Proxy that records every property it is asked for, and owns no keys. */
function recorder(values: Record<string, unknown> = {}): { target: object; gets: string[] } {
  const gets: string[] = [];
  const target = new Proxy(
    {},
    {
      get: (_, key) => {
        if (typeof key === 'string') gets.push(key);
        return values[key as string];
      },
    },
  );
  return { target, gets };
}

describe('the key spec', () => {
  it('declares exactly the options of getClient and getSession', () => {
    expect([...OPTION_NAMES].sort()).toEqual(['config', 'credentials', 'profile', 'region', 'tier']);
    expect([...SESSION_NAMES].sort()).toEqual(['credentials', 'profile', 'region']);
    expect(CREDENTIAL_FIELDS.map((field) => field.name)).toEqual([
      'accessKeyId',
      'secretAccessKey',
      'sessionToken',
      'expiration',
      'credentialScope',
      'accountId',
    ]);
  });

  it('reads options by property access of exactly the declared names, in order', () => {
    const { target, gets } = recorder({ region: 'us-east-1' });
    readCall(target, emptyRead());
    expect(gets).toEqual([...OPTION_NAMES]);
  });

  it('asks an object of another prototype that gives no option at all whether it is a promise (then) too, and nothing else', () => {
    const { target, gets } = recorder();
    Object.setPrototypeOf(target, null);
    readCall(target, emptyRead());
    expect(gets).toEqual([...OPTION_NAMES, 'then']);
    const plain = recorder();
    readCall(plain.target, emptyRead());
    expect(plain.gets).toEqual([...OPTION_NAMES]);
  });

  it('reads credentials by property access of exactly the declared fields, in order', () => {
    const { target, gets } = recorder();
    readCredentials(target, emptyCredentialsRead());
    expect(gets).toEqual(CREDENTIAL_FIELDS.map((field) => field.name));
  });

  it('answers isOptionName and isCredentialName exactly as the declarations do', () => {
    const candidates = [
      ...OPTION_NAMES,
      ...CREDENTIAL_FIELDS.map((field) => field.name),
      ...IGNORED_CREDENTIAL_FIELDS,
      'regoin',
      'Region',
      '',
      'toString',
      '__proto__',
      'endpoint',
      'secret',
    ];
    for (const key of candidates) {
      expect(isOptionName(key), key).toBe((OPTION_NAMES as readonly string[]).includes(key));
      expect(isCredentialName(key), key).toBe(CREDENTIAL_FIELDS.some((field) => field.name === key) || IGNORED_CREDENTIAL_FIELDS.has(key));
    }
  });

  it('reads getters, inherited and non-enumerable properties the same way, and scans only enumerable keys for typos', () => {
    class Options {
      get region(): string {
        return 'eu-west-1';
      }
    }
    const withHidden = Object.defineProperty({ profile: 'p' }, 'tier', { value: 'ai', enumerable: false });
    const read = emptyRead();
    readCall(new Options(), read);
    expect(read).toMatchObject({ region: 'eu-west-1', problem: undefined });
    readCall(withHidden, read);
    expect(read).toMatchObject({ profile: 'p', tier: 'ai', problem: undefined });
    readCall({ region: 'eu-west-1', regoin: 'x' }, read);
    expect(read.problem).toEqual({ kind: 'unknown-key', key: 'regoin' });
    for (const unusual of [null, [], 'us-east-1', 42, () => undefined]) {
      readCall(unusual, read);
      expect(read.problem).toEqual({ kind: 'not-an-object', value: unusual });
    }
    readCall(undefined, read);
    expect(read).toEqual(emptyRead());
  });

  it('normalises expiration for every path: a Date as epoch ms, anything else as a WrongType that equals nothing', () => {
    const read = emptyCredentialsRead();
    readCredentials({ accessKeyId: 'A', secretAccessKey: 'S', expiration: new Date(5) }, read);
    expect(read.expiration).toBe(5);
    readCredentials({ accessKeyId: 'A', secretAccessKey: 'S', expiration: 5 }, read);
    expect(read.expiration).toBeInstanceOf(WrongType);
    expect(read.expiration).not.toBe(5);
    readCredentials({ accessKeyId: 'A', secretAccessKey: 'S', expiration: new Date(Number.NaN) }, read);
    expect(read.expiration).toBeNaN();
    expect(readCredentials({ accessKeyId: 'A', secretAccessKey: 'S', $source: {}, extra: 1 }, read)).toBe('extra');
  });
});
