import { AwsCredentialError, createClientFactory } from '@dbp/aws-core';
import { describe, expect, it } from 'vitest';
import { everythingShown } from '../test/localSts.js';
import { caught } from './__fixtures__/caught.js';
import { assumeRole, assumeRoleWithWebIdentity, sts } from './index.js';

// Ninth adversarial review. A rejected option was quoted as given: a secret
// key, an access key id, a session token or a JWT pasted into roleArn,
// roleSessionName or a tag key came back whole in the error's message, and a
// line break in it forged a log line. Now every user-given value in a message
// goes through roleErrors.ts `quoted`, which describes a value that looks like
// a credential without showing it (as the core does) and escapes control
// characters.

const ROLE = 'arn:aws:iam::111122223333:role/app';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1';
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEHoaCXVzLWVhc3QtMSJHMEUCIQD6exampleSessionToken/AbCdEf1234567890+ZyXw==';
const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDphcHAiLCJhdWQiOiJzdHMuYW1hem9uYXdzLmNvbSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU';

function refusal(run: () => unknown): Error {
  const error = caught(run);
  expect(error).toBeInstanceOf(AwsCredentialError);
  expect(error).toMatchObject({ code: 'INVALID_CREDENTIALS' });
  return error as Error;
}

const notShown = (value: string) => `(a string of ${value.length} characters that looks like a credential, not shown)`;

describe('a rejected value that looks like a credential is never shown', () => {
  it.each([
    ['a secret access key as roleArn', SECRET_KEY, () => assumeRole({ roleArn: SECRET_KEY })],
    ['an access key id as roleArn', KEY_ID, () => assumeRole({ roleArn: KEY_ID })],
    ['a session token as roleArn', SESSION_TOKEN, () => assumeRole({ roleArn: SESSION_TOKEN })],
    ['a JWT as roleArn', JWT, () => assumeRoleWithWebIdentity({ roleArn: JWT, webIdentityToken: JWT })],
    ['a secret access key as roleSessionName', SECRET_KEY, () => assumeRole({ roleArn: ROLE, roleSessionName: SECRET_KEY })],
    ['a secret access key as a tag key', SECRET_KEY, () => assumeRole({ roleArn: ROLE, tags: { [SECRET_KEY]: 5 } as never })],
  ])('%s', (_, secret, run) => {
    const error = refusal(run);
    expect(error.message).toContain(notShown(secret));
    expect(everythingShown(error)).not.toContain(secret.slice(0, 12));
    expect(everythingShown(error)).not.toContain(secret.slice(-12));
  });

  it('describes the whole value when a credential is glued to other text', () => {
    const value = `arn:aws:iam::${KEY_ID}:role/app`;
    const error = refusal(() => assumeRole({ roleArn: value }));
    expect(error.message).toContain(`got ${notShown(value)}.`);
    expect(everythingShown(error)).not.toContain('AKIAIOSFODNN');
  });
});

describe('control characters in a rejected value are escaped', () => {
  it.each([
    ['roleArn', () => assumeRole({ roleArn: 'arn:aws:iam::1\n[ERROR] forged' }), "got 'arn:aws:iam::1\\n[ERROR] forged'."],
    ['roleArn (a terminal escape)', () => assumeRole({ roleArn: 'arn:\u001b[31mred' }), "got 'arn:\\u001b[31mred'."],
    ['roleSessionName', () => assumeRole({ roleArn: ROLE, roleSessionName: 'app\r\n[ERROR] forged' }), "got 'app\\r\\n[ERROR] forged'."],
    ['a tag key', () => assumeRole({ roleArn: ROLE, tags: { 'a\nb': 1 } as never }), "tag 'a\\nb' is the number 1"],
    ['a line separator', () => assumeRole({ roleArn: 'arn:\u2028x' }), "got 'arn:\\u2028x'."],
  ])('%s', (_, run, shown) => {
    const error = refusal(run);
    expect(error.message).toContain(shown);
    expect(error.message).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
  });

  it('in the path of a token file that cannot be read', async () => {
    await using factory = createClientFactory({ defaultRegion: 'us-east-1' });
    const credentials = assumeRoleWithWebIdentity({ roleArn: ROLE, webIdentityTokenFile: '/nonexistent/dbp\n[ERROR] forged' });
    const error = await factory
      .getClient(sts, { credentials })
      .config.credentials()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ASSUME_ROLE_FAILED', message: expect.stringContaining("'/nonexistent/dbp\\n[ERROR] forged'") });
    expect((error as Error).message).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
  });
});

describe('a clean rejected value is still shown, so the caller sees the typo', () => {
  it('quotes a malformed ARN as given', () => {
    expect(refusal(() => assumeRole({ roleArn: 'arn:aws:iam::12:role' })).message).toMatch(/roleArn must be an IAM role ARN .*; got 'arn:aws:iam::12:role'\.$/);
  });

  it('quotes a bad session name and a bad tag key', () => {
    expect(refusal(() => assumeRole({ roleArn: ROLE, roleSessionName: 'has space' })).message).toContain("got 'has space'.");
    expect(refusal(() => assumeRole({ roleArn: ROLE, tags: { tenant: 1 } as never })).message).toContain("tag 'tenant' is the number 1");
  });

  it('clips a long one', () => {
    const long = `arn:aws:iam::123456789012:user/${'x-'.repeat(200)}`;
    const message = refusal(() => assumeRole({ roleArn: long })).message;
    expect(message).toContain(`got '${long.slice(0, 99)}…'.`);
  });

  it('says what is wrong with a value of millions of characters (the credential check scans bounded runs, where one unbounded run overflowed its stack)', () => {
    const huge = 'a'.repeat(10_000_000);
    expect(refusal(() => assumeRole({ roleArn: huge })).message).toMatch(/roleArn must be an IAM role ARN .*; got 'a{99}…'\.$/);
    expect(refusal(() => assumeRole({ roleArn: ROLE, roleSessionName: huge })).message).toContain('roleSessionName must be');
    expect(refusal(() => assumeRole({ roleArn: `ey${huge}.${'b'.repeat(20)}.c` })).message).toContain('roleArn must be');
    // A secret inside such a value is still found, and the value described.
    const hiding = refusal(() => assumeRole({ roleArn: `${huge} ${SECRET_KEY} ${huge}` })).message;
    expect(hiding).toContain('looks like a credential, not shown');
    expect(hiding).not.toContain(SECRET_KEY);
  });
});

describe('an options getter that throws an error named like a credential', () => {
  it('names it Error', () => {
    const options = Object.defineProperty({}, 'roleArn', {
      enumerable: true,
      get() {
        throw Object.assign(new Error('vault read failed'), { name: KEY_ID });
      },
    });
    const error = refusal(() => assumeRole(options as never));
    expect(error.message).toContain('could not read its options (Error)');
    expect(error.message).not.toContain('AKIAIOSFODNN');
  });
});
