/**
 * `factory.warm()` against the testkit: the client `getClient` returns, its
 * credentials resolved through the session (once, reused by the first real
 * request), nothing sent to the service, with each kind of credentials.
 */
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import {
  AwsClientError,
  AwsCredentialError,
  type AwsCredentials,
  AwsRegionError,
  createClientFactory,
  type GetClientOptions,
  keyedCredentials,
} from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { s3 } from '@dbp/aws-s3';
import { assumeRole } from '@dbp/aws-sts';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disposedAfterEach, heapAfterGc } from './helpers.js';

let local: LocalAws;
const ENV = ['AWS_ENDPOINT_URL_STS', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'] as const;
const envBefore = new Map<string, string | undefined>();

beforeAll(async () => {
  local = await startLocalAws();
  for (const name of ENV) envBefore.set(name, process.env[name]);
  // The SDK reads it: every STS client the factory builds for assumeRole talks to the local STS.
  process.env.AWS_ENDPOINT_URL_STS = local.endpoints.sts;
});

afterAll(async () => {
  for (const [name, value] of envBefore) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await local.stop();
});

afterEach(() => local.requests.reset());
const disposed = disposedAfterEach(() => local);

/** A provider that counts its calls and takes a little time, as a real source does. */
function counting() {
  const counter = { calls: 0 };
  const provider = async (): Promise<AwsCredentials> => {
    counter.calls++;
    await new Promise((resolve) => setTimeout(resolve, 10));
    return { ...local.credentials, expiration: new Date(Date.now() + 3_600_000) };
  };
  return { provider, counter };
}

const s3Options = (credentials?: GetClientOptions['credentials']) => ({
  region: local.region,
  ...(credentials === undefined ? {} : { credentials }),
  config: { ...local.clientOptions('s3').config },
});
/** One slow provider for the tests that remove a client while warm() waits for it. */
const shared = async (): Promise<AwsCredentials> => {
  await new Promise((resolve) => setTimeout(resolve, 10));
  return { ...local.credentials, expiration: new Date(Date.now() + 3_600_000) };
};
const serviceRequests = () => local.requests.entries('s3').length + local.requests.entries('dynamodb').length;

describe('warm() with each kind of credentials', () => {
  it('explicit credentials: the same client, nothing sent, and the first request succeeds', async () => {
    const factory = disposed(createClientFactory());
    const options = s3Options({ ...local.credentials });
    const client = await factory.warm(s3, options);
    expect(client).toBe(factory.getClient(s3, options));
    expect(local.requests.entries()).toEqual([]);
    await client.send(new ListBucketsCommand({}));
    expect(local.requests.entries('s3')).toMatchObject([{ status: 200, accessKeyId: local.credentials.accessKeyId, signatureValid: true }]);
  });

  it('a provider: resolved once by warm(), not again by the first request', async () => {
    const factory = disposed(createClientFactory());
    const { provider, counter } = counting();
    const client = await factory.warm(s3, s3Options(provider));
    expect(counter.calls).toBe(1);
    expect(local.requests.entries()).toEqual([]);
    expect(client).toBe(factory.getClient(s3, s3Options(provider)));
    await client.send(new ListBucketsCommand({}));
    expect(counter.calls).toBe(1);
    expect(local.requests.count('s3', { status: 200 })).toBe(1);
  });

  it('two services warmed at once on one provider share one resolution, and neither request resolves again', async () => {
    const factory = disposed(createClientFactory());
    const { provider, counter } = counting();
    const dynamoOptions = { region: local.region, credentials: provider, config: { ...local.clientOptions('dynamodb').config } };
    const [s3Client, dynamoClient] = await Promise.all([factory.warm(s3, s3Options(provider)), factory.warm(dynamodb, dynamoOptions)]);
    expect(counter.calls).toBe(1);
    expect(serviceRequests()).toBe(0);
    await Promise.all([s3Client.send(new ListBucketsCommand({})), dynamoClient.send(new ListTablesCommand({}))]);
    expect(counter.calls).toBe(1);
    expect(local.requests.count(undefined, { status: 200 })).toBe(2);
  });

  it('keyedCredentials: resolved once, with the factory as context, nothing sent', async () => {
    const factory = disposed(createClientFactory());
    const { provider, counter } = counting();
    let context: unknown;
    const keyed = keyedCredentials('warm-tenant', async (given) => {
      context = given;
      return provider();
    });
    const client = await factory.warm(s3, s3Options(keyed));
    expect(counter.calls).toBe(1);
    expect((context as { factory?: unknown }).factory).toBe(factory);
    expect(local.requests.entries()).toEqual([]);
    await client.send(new ListBucketsCommand({}));
    expect(counter.calls).toBe(1);
    expect(local.requests.count('s3', { status: 200 })).toBe(1);
  });

  it('assumeRole: one AssumeRole at warm(), none at the first request, which is signed with the role', async () => {
    const factory = disposed(createClientFactory({ defaultRegion: local.region }));
    const role = 'arn:aws:iam::111122223333:role/warm';
    const credentials = assumeRole({ roleArn: role, roleSessionName: 'warm', source: { ...local.credentials } });
    const client = await factory.warm(s3, s3Options(credentials));
    expect(local.requests.count('sts', { operation: 'AssumeRole', status: 200 })).toBe(1);
    expect(local.requests.entries('s3')).toEqual([]);
    await client.send(new ListBucketsCommand({}));
    expect(local.requests.count('sts', { operation: 'AssumeRole' })).toBe(1);
    const issued = local.sts.issued().filter((set) => set.roleArn === role);
    expect(local.requests.entries('s3')).toMatchObject([{ status: 200, accessKeyId: issued.at(-1)?.accessKeyId }]);
  });

  it('the default chain (environment variables): resolved at warm(), nothing sent, the first request signed with them', async () => {
    process.env.AWS_ACCESS_KEY_ID = local.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = local.credentials.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    const factory = disposed(createClientFactory());
    const client = await factory.warm(s3, s3Options());
    expect(local.requests.entries()).toEqual([]);
    // Changed after warm(): the client keeps what warm() resolved, so the request shows it was resolved there.
    process.env.AWS_ACCESS_KEY_ID = 'AKIDCHANGEDAFTERWARM1';
    await client.send(new ListBucketsCommand({}));
    expect(local.requests.entries('s3')).toMatchObject([{ status: 200, accessKeyId: local.credentials.accessKeyId }]);
  });
});

describe("the calling client's config reaches the credential source, as the SDK hands it to any provider", () => {
  // The SDK's own providers read its region: a profile's role_arn and fromTemporaryCredentials call STS
  // in the caller's region with it, in us-east-1 without it.
  const recording = () => {
    const regions: unknown[] = [];
    const provider = async (options?: { callerClientConfig?: { region?: () => Promise<string> } }): Promise<AwsCredentials> => {
      // The parts the SDK's own providers read, not the whole config (which would keep a destroyed client's pool in use).
      expect(Object.keys(options?.callerClientConfig ?? {}).sort()).toEqual(['logger', 'profile', 'region']);
      regions.push(await options?.callerClientConfig?.region?.());
      return { ...local.credentials, expiration: new Date(Date.now() + 3_600_000) };
    };
    return { provider, regions };
  };

  it('a provider function and a keyed source, on the first request', async () => {
    const factory = disposed(createClientFactory());
    const plain = recording();
    await factory.getClient(s3, s3Options(plain.provider)).send(new ListBucketsCommand({}));
    const keyed = recording();
    await factory.getClient(s3, s3Options(keyedCredentials('caller-config', keyed.provider))).send(new ListBucketsCommand({}));
    expect([plain.regions, keyed.regions]).toEqual([[local.region], [local.region]]);
  });

  it('at warm(), which resolves them first', async () => {
    const factory = disposed(createClientFactory());
    const plain = recording();
    await factory.warm(s3, s3Options(plain.provider));
    expect(plain.regions).toEqual([local.region]);
    expect(local.requests.entries()).toEqual([]);
  });
});

describe('warm() while the cache removes the client it warms', () => {
  // Real S3 client and signing: the client warm() hands back is the one getClient gives, and its requests work.
  for (const [what, remove] of [
    ['clearCache()', (factory: ReturnType<typeof createClientFactory>) => factory.clearCache({ service: 's3' })],
    ["another caller's destroy()", (factory: ReturnType<typeof createClientFactory>) => factory.getClient(s3, s3Options(shared)).destroy()],
  ] as const) {
    it(`${what} during the warm-up: warm() gives the client getClient gives now, warmed, never the removed one`, async () => {
      const factory = disposed(createClientFactory());
      const removed = factory.getClient(s3, s3Options(shared));
      const warming = factory.warm(s3, s3Options(shared));
      // The provider takes 10 ms: remove the client while warm() waits for it.
      await new Promise((resolve) => setTimeout(resolve, 2));
      remove(factory);
      const client = await warming;
      expect(client).not.toBe(removed);
      expect(client).toBe(factory.getClient(s3, s3Options(shared)));
      expect(factory.stats()).toMatchObject({ clients: 1 });
      await client.send(new ListBucketsCommand({}));
      expect(local.requests.count('s3', { status: 200 })).toBe(1);
    });
  }
});

describe('warm() called again and again', () => {
  it('keeps nothing per call until dispose(): 20,000 warm() calls on one warmed client grow the heap by less than 2 MiB', async () => {
    const factory = disposed(createClientFactory());
    const options = s3Options({ ...local.credentials });
    const client = await factory.warm(s3, options);
    for (let i = 0; i < 1_000; i++) await factory.warm(s3, options);
    const before = heapAfterGc();
    for (let i = 0; i < 20_000; i++) expect(await factory.warm(s3, options)).toBe(client);
    const grown = heapAfterGc() - before;
    // Each call used to leave ~300 B behind (a reaction on a promise settled only by dispose()): ~6 MiB here.
    expect(grown, `heap grew ${grown} B`).toBeLessThan(2 * 1024 * 1024);
    expect(local.requests.entries()).toEqual([]);
  });
});

describe('warm() reads its options as getClient does', () => {
  it('a frozen object, a Proxy with getters and a plain copy give one client, warmed once', async () => {
    const factory = disposed(createClientFactory());
    const { provider, counter } = counting();
    const plain = s3Options(provider);
    const frozen = Object.freeze({ ...plain, config: Object.freeze({ ...plain.config }) });
    const proxied = new Proxy({} as typeof plain, {
      get: (_target, key) => plain[key as keyof typeof plain],
      has: (_target, key) => key in plain,
      ownKeys: () => Reflect.ownKeys(plain),
      getOwnPropertyDescriptor: (_target, key) => ({ ...Object.getOwnPropertyDescriptor(plain, key), configurable: true }),
    });
    const clients = await Promise.all([factory.warm(s3, frozen), factory.warm(s3, proxied), factory.warm(s3, { ...plain })]);
    expect(new Set(clients).size).toBe(1);
    expect(clients[0]).toBe(factory.getClient(s3, plain));
    expect(counter.calls).toBe(1);
    expect(factory.stats()).toMatchObject({ clients: 1, misses: 1 });
    expect(local.requests.entries()).toEqual([]);
  });
});

describe('warm() refuses what getClient refuses, as a rejection', () => {
  it('an unknown service, a malformed region, an unknown option', async () => {
    const factory = disposed(createClientFactory());
    await expect(factory.warm('no-such-service' as never, s3Options() as never)).rejects.toBeInstanceOf(AwsClientError);
    await expect(factory.warm(s3, { ...s3Options(), region: 'us-east-l' })).rejects.toBeInstanceOf(AwsRegionError);
    await expect(factory.warm(s3, { ...s3Options(), colour: 'blue' } as never)).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    expect(local.requests.entries()).toEqual([]);
  });

  it('a failing provider rejects with AwsCredentialError, its secret-bearing message withheld; nothing sent', async () => {
    const factory = disposed(createClientFactory());
    const failing = async (): Promise<AwsCredentials> => {
      throw new Error('vault said: secret=hunter2');
    };
    const error = await factory.warm(s3, s3Options(failing)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AwsCredentialError);
    expect(error).toMatchObject({ code: 'CREDENTIAL_PROVIDER_FAILED' });
    expect(String((error as Error).message)).not.toContain('hunter2');
    expect(local.requests.entries()).toEqual([]);
  });

  it('a disposed factory rejects with FACTORY_DISPOSED', async () => {
    const factory = createClientFactory();
    await factory.dispose();
    await expect(factory.warm(s3, s3Options())).rejects.toMatchObject({ code: 'FACTORY_DISPOSED' });
  });
});
