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
});
