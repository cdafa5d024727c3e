import { inspect } from 'node:util';
import { AwsClientError } from '@dbp/aws-core';
import { describe, expect, it } from 'vitest';
import { caught } from './__fixtures__/caught.js';
import { assumeRole, assumeRoleWithWebIdentity } from './index.js';

// Fourth adversarial review. The core turns what a getter on getClient's
// options throws into INVALID_OPTIONS.unreadable and keeps the getter's own
// error (which may quote the token a secret-store read used) out of
// util.inspect (aws-core validateOptions.ts `unreadable`). The role sources
// read their options with getters too (a DI container, a config class) and let
// the getter's error out as it was: message, stack and util.inspect quoted it.
// Now an INVALID_CREDENTIALS error whose cause is withheld (roleErrors.ts
// `unreadableOptions`).

const ROLE = 'arn:aws:iam::111122223333:role/app';
const secret = 'hvs.REVIEWFOURSTSGETTERTOKEN';

function failing<T extends object>(target: T, name: string): T {
  return Object.defineProperty(target, name, {
    enumerable: true,
    get() {
      throw new Error(`vault read with token ${secret} failed`);
    },
  });
}

describe('a getter on role options that throws with a secret in its message', () => {
  it.each([
    ['assumeRole({ externalId })', () => assumeRole(failing({ roleArn: ROLE }, 'externalId'))],
    ['assumeRole({ source })', () => assumeRole({ roleArn: ROLE, source: failing({ accessKeyId: 'AKIDSOURCE' }, 'secretAccessKey') as never })],
    ['assumeRole({ tags })', () => assumeRole({ roleArn: ROLE, tags: failing({}, 'tenant') })],
    ['assumeRoleWithWebIdentity({ webIdentityToken })', () => assumeRoleWithWebIdentity(failing({ roleArn: ROLE }, 'webIdentityToken') as never)],
  ])('%s: a typed error, with no secret in util.inspect', (_name, run) => {
    const error = caught(run);
    expect(error).toBeInstanceOf(AwsClientError);
    expect(inspect(error)).not.toContain(secret);
  });
});
