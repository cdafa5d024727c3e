/**
 * What a credential provider resolves to, as real SDK clients then use it:
 * the factory reads each credential field once, by name, so a class
 * instance whose fields are getters (a credentials class of the caller's,
 * an SDK-style wrapper) signs requests as a plain object does; required
 * fields that are empty are refused typed at the provider, not left to the
 * service's `SignatureDoesNotMatch` or the SDK's untyped "Resolved
 * credential object is not valid".
 */
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { type AwsCredentials, createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let local: LocalAws;
beforeAll(async () => {
  local = await startLocalAws({ services: ['s3'] });
});
afterAll(async () => {
  await local.stop();
});

/** Credentials whose fields are getters on the prototype (no own enumerable field). */
class VaultCredentials {
  readonly #pair: AwsCredentials;
  constructor(pair: AwsCredentials) {
    this.#pair = pair;
  }
  get accessKeyId(): string {
    return this.#pair.accessKeyId;
  }
  get secretAccessKey(): string {
    return this.#pair.secretAccessKey;
  }
  get expiration(): Date {
    return new Date(Date.now() + 3_600_000);
  }
}

describe('what a credential provider resolves to', () => {
  it('signs with a class instance whose credential fields are getters, as with a plain object', async () => {
    const factory = createClientFactory();
    const { credentials, ...rest } = local.clientOptions('s3');
    const client = factory.getClient(s3, { ...rest, credentials: async () => new VaultCredentials(credentials) });
    await expect(client.send(new ListBucketsCommand({}))).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    const session = factory.getSession({ region: rest.region, credentials: async () => new VaultCredentials(credentials) });
    await expect(session.credentials()).resolves.toMatchObject({ accessKeyId: credentials.accessKeyId, expiration: expect.any(Date) });
    expect(local.requests.entries().every((entry) => entry.signatureValid === true)).toBe(true);
    await factory.dispose();
  });

  it('refuses an empty access key id or secret from a provider, typed, before anything is sent', async () => {
    const factory = createClientFactory();
    const { credentials, ...rest } = local.clientOptions('s3');
    local.requests.reset();
    for (const empty of [
      { ...credentials, secretAccessKey: '' },
      { ...credentials, accessKeyId: '' },
    ]) {
      const client = factory.getClient(s3, { ...rest, credentials: async () => empty });
      await expect(client.send(new ListBucketsCommand({}))).rejects.toMatchObject({ code: 'CREDENTIAL_PROVIDER_FAILED' });
    }
    expect(local.requests.count('s3')).toBe(0);
    await factory.dispose();
  });
});
