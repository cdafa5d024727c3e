import { AwsCredentialError } from '@dbp/aws-core';
import { describe, expect, it, vi } from 'vitest';
import { assumeRoleWithWebIdentity } from './index.js';
import { tokenFileReader } from './tokenFile.web.js';

// This file runs the package as its web build does: `#tokenFile` is the web
// variant (the one browsers, workers and edge runtimes get by their conditions).
vi.mock('#tokenFile', () => import('./tokenFile.web.js'));

describe('webIdentityTokenFile in the web build', () => {
  it('is refused with a typed error that says to pass webIdentityToken', () => {
    expect(() => tokenFileReader('/var/run/secrets/token')).toThrow(AwsCredentialError);
    expect(() => tokenFileReader('/var/run/secrets/token')).toThrow(/only on Node.*pass webIdentityToken/);
  });

  it('is refused by assumeRoleWithWebIdentity at the call, while a token still works', () => {
    let error: unknown;
    try {
      assumeRoleWithWebIdentity({ roleArn: 'arn:aws:iam::111122223333:role/web', webIdentityTokenFile: '/var/run/secrets/token' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AwsCredentialError);
    expect(error).toMatchObject({ code: 'INVALID_CREDENTIALS', message: expect.stringMatching(/^assumeRoleWithWebIdentity\(\): .*pass webIdentityToken/) });
    expect(typeof assumeRoleWithWebIdentity({ roleArn: 'arn:aws:iam::111122223333:role/web', webIdentityToken: 'header.payload.signature' })).toBe('function');
  });
});
