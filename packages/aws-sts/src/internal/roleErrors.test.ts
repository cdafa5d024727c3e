import { AwsClientError, AwsCredentialError } from '@dbp/aws-core';
import { describe, expect, it } from 'vitest';
import { assumeRoleFailed } from './roleErrors.js';

const ROLE = 'arn:aws:iam::111122223333:role/app';

describe('assumeRoleFailed', () => {
  it("gives a disposed factory's FACTORY_DISPOSED as it is (a refresh in dispose()'s grace period), not as a role to check", () => {
    const disposed = new AwsClientError('This factory was disposed and cannot be used again.', { code: 'FACTORY_DISPOSED' });
    expect(assumeRoleFailed('assumeRole', ROLE, disposed, [])).toBe(disposed);
    // Any other error of the factory's still names the role and what to check.
    const region = new AwsClientError('Region is missing.', { code: 'MISSING_REGION' });
    const wrapped = assumeRoleFailed('assumeRole', ROLE, region, []);
    expect(wrapped).toBeInstanceOf(AwsCredentialError);
    expect(wrapped).toMatchObject({ code: 'ASSUME_ROLE_FAILED', cause: region });
    expect(wrapped.message).toContain(`Could not assume role ${ROLE}`);
  });

  // Review 13: an STS outage or a stalled STS was blamed on the role's trust policy and external id.
  it.each([
    [
      'an STS 500 (InternalFailure)',
      Object.assign(new Error('Internal failure'), { name: 'InternalFailure', $fault: 'server', $metadata: { httpStatusCode: 500 } }),
      /STS failed on its side: nothing about the role to change/,
    ],
    [
      'an STS 503 without a fault mark',
      Object.assign(new Error('unavailable'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }),
      /STS failed on its side/,
    ],
    ['a socket timeout', Object.assign(new Error('Connection timed out after 30000 ms'), { name: 'TimeoutError' }), /STS did not answer in time/],
  ])('says %s is not the role to fix, and how to fail sooner', (_, error, hint) => {
    const wrapped = assumeRoleFailed('assumeRole', ROLE, error, []);
    expect(wrapped).toMatchObject({ code: 'ASSUME_ROLE_FAILED', cause: error });
    expect(wrapped.message).toMatch(hint);
    expect(wrapped.message).toContain('to fail sooner, give assumeRole() fewer, such as stsConfig: { maxAttempts: 2 }');
    expect(wrapped.message).not.toMatch(/trust policy/);
  });

  // Review 13 (R): a factory's defaultRegion other than a local STS's was blamed on the source credentials.
  it("says a signature scoped to another region is the region's, not the credentials'", () => {
    const scoped = Object.assign(new Error("Credential should be scoped to a valid region, not 'eu-west-1'."), {
      name: 'SignatureDoesNotMatch',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
    });
    const message = assumeRoleFailed('assumeRole', ROLE, scoped, []).message;
    expect(message).toMatch(/STS signs for another region than the one assumeRole\(\) used .* pass region to assumeRole\(\)/);
    expect(message).not.toMatch(/check the access key/);
  });

  it('still says what to check for a refusal (a 4xx)', () => {
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 } });
    expect(assumeRoleFailed('assumeRole', ROLE, denied, []).message).toMatch(/trust policy allows the caller/);
  });
});
