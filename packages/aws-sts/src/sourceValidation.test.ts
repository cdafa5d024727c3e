import { type AwsClientError, AwsCredentialError, createClientFactory } from '@dbp/aws-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { everythingShown } from '../test/localSts.js';
import { caught } from './__fixtures__/caught.js';
import { assumeRole, sts } from './index.js';

// Issue 14, point 5: assumeRole({ source }) copied a malformed source without
// checking it, and the error came only at the first request, as
// ASSUME_ROLE_FAILED. Now the source is checked at the call by the core's own
// validator (keyedCredentials' dependsOn, as getClient checks credentials):
// the same class, code and message getClient gives for the same value.

const ROLE = 'arn:aws:iam::111122223333:role/app';
const KEY = 'AKIDSOURCEVALIDATION1';
const SECRET = 'source-validation-secret-000000000000000';
const TOKEN = 'source-validation-session-token-0000000';

/** What getClient throws for the same credentials: the reference behaviour. */
function getClientError(credentials: unknown): unknown {
  const factory = createClientFactory({ defaultRegion: 'us-east-1' });
  try {
    return caught(() => factory.getClient(sts, { credentials: credentials as never }));
  } finally {
    void factory.dispose();
  }
}

class VaultCredentials {
  get accessKeyId(): string {
    return KEY;
  }
  get secretAccessKey(): string {
    return '';
  }
}

const malformed: [string, () => unknown, string][] = [
  ['an empty secret', () => ({ accessKeyId: KEY, secretAccessKey: '' }), 'INVALID_CREDENTIALS'],
  ['a missing secret', () => ({ accessKeyId: KEY }), 'INVALID_CREDENTIALS'],
  ['a secret given as undefined', () => ({ accessKeyId: KEY, secretAccessKey: undefined }), 'INVALID_CREDENTIALS'],
  ['an empty access key id', () => ({ accessKeyId: '', secretAccessKey: SECRET }), 'INVALID_CREDENTIALS'],
  ['a number as the secret', () => ({ accessKeyId: KEY, secretAccessKey: 12345 }), 'INVALID_CREDENTIALS'],
  ['a number as the access key id', () => ({ accessKeyId: 12345, secretAccessKey: SECRET }), 'INVALID_CREDENTIALS'],
  ['a number as the session token', () => ({ accessKeyId: KEY, secretAccessKey: SECRET, sessionToken: 7 }), 'INVALID_CREDENTIALS'],
  ["a typo'd field", () => ({ accessKeyId: KEY, secretAccesKey: SECRET }), 'INVALID_CREDENTIALS'],
  ['an extra field', () => ({ accessKeyId: KEY, secretAccessKey: SECRET, region: 'us-east-1' }), 'INVALID_CREDENTIALS'],
  ['white space in the access key id', () => ({ accessKeyId: ` ${KEY}`, secretAccessKey: SECRET }), 'INVALID_CREDENTIALS'],
  ['a newline after the secret', () => ({ accessKeyId: KEY, secretAccessKey: `${SECRET}\n` }), 'INVALID_CREDENTIALS'],
  ['an expiration that is a string', () => ({ accessKeyId: KEY, secretAccessKey: SECRET, expiration: '2099-01-01T00:00:00Z' }), 'INVALID_CREDENTIALS'],
  ['an invalid Date', () => ({ accessKeyId: KEY, secretAccessKey: SECRET, expiration: new Date(Number.NaN) }), 'INVALID_CREDENTIALS'],
  [
    'expired credentials',
    () => ({ accessKeyId: KEY, secretAccessKey: SECRET, sessionToken: TOKEN, expiration: new Date(Date.now() - 60_000) }),
    'CREDENTIALS_EXPIRED',
  ],
  ['a class instance whose secret getter gives an empty string', () => new VaultCredentials(), 'INVALID_CREDENTIALS'],
  ['a frozen object with a missing secret', () => Object.freeze({ accessKeyId: KEY }), 'INVALID_CREDENTIALS'],
  ['a Proxy with white space in the secret', () => new Proxy({ accessKeyId: KEY, secretAccessKey: `${SECRET} ` }, {}), 'INVALID_CREDENTIALS'],
  [
    'a promise of credentials (a provider called instead of passed)',
    () => Promise.resolve({ accessKeyId: KEY, secretAccessKey: SECRET }),
    'INVALID_CREDENTIALS',
  ],
];

describe('assumeRole({ source }) checks explicit credentials at the call, exactly as getClient', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(malformed)('%s', (_name, source, code) => {
    const error = caught(() => assumeRole({ roleArn: ROLE, source: source() as never }));
    expect(error).toBeInstanceOf(AwsCredentialError);
    expect(error).toMatchObject({ code });
    const reference = getClientError(source()) as AwsClientError;
    expect(reference).toBeInstanceOf(AwsCredentialError);
    // The same error getClient gives for the same value (one validator).
    expect((error as AwsClientError).code).toBe(reference.code);
    expect((error as Error).message.replace(/expired at \S+/, 'expired at …')).toBe(reference.message.replace(/expired at \S+/, 'expired at …'));
    const shown = everythingShown(error);
    expect(shown).not.toContain(SECRET);
    expect(shown).not.toContain(TOKEN);
  });

  it('refuses a source whose expiration passed after an equal one was accepted, as getClient does', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const expiration = new Date(Date.now() + 60_000);
    const source = () => ({ accessKeyId: KEY, secretAccessKey: SECRET, sessionToken: TOKEN, expiration: new Date(expiration) });
    const before = assumeRole({ roleArn: ROLE, source: source() });
    expect(assumeRole({ roleArn: ROLE, source: source() })).toBe(before);
    vi.setSystemTime(expiration.getTime() + 1);
    const error = caught(() => assumeRole({ roleArn: ROLE, source: source() }));
    expect(error).toBeInstanceOf(AwsCredentialError);
    expect(error).toMatchObject({ code: 'CREDENTIALS_EXPIRED' });
    expect((getClientError(source()) as AwsClientError).code).toBe('CREDENTIALS_EXPIRED');
    expect(everythingShown(error)).not.toContain(SECRET);
  });

  it('still accepts valid sources of every shape: temporary credentials, a class instance, a frozen object, a Proxy', () => {
    class Good {
      get accessKeyId(): string {
        return KEY;
      }
      get secretAccessKey(): string {
        return SECRET;
      }
    }
    const future = new Date(Date.now() + 3_600_000);
    for (const source of [
      { accessKeyId: KEY, secretAccessKey: SECRET, sessionToken: TOKEN, expiration: future },
      new Good(),
      Object.freeze({ accessKeyId: KEY, secretAccessKey: SECRET }),
      new Proxy({ accessKeyId: KEY, secretAccessKey: SECRET }, {}),
      // Credentials an SDK client has seen carry its `$source` mark.
      { accessKeyId: KEY, secretAccessKey: SECRET, $source: {} },
    ]) {
      expect(typeof assumeRole({ roleArn: ROLE, source: source as never })).toBe('function');
    }
  });
});

describe('a missing option', () => {
  it('says "got undefined", as the core does, never "got a undefined"', () => {
    const error = caught(() => assumeRole({} as never));
    expect(error).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect((error as Error).message).toContain('got undefined');
    expect((error as Error).message).not.toContain('a undefined');
  });
});
