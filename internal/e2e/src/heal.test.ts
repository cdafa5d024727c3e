/**
 * Credentials that heal themselves, against the testkit: its STS issues
 * temporary credentials every local service checks, and
 * `local.sts.expireCredentials()` expires them server-side (as a revoked
 * session, or an expiry a skewed clock hid, looks from AWS). A rejected
 * request drops the session's credentials once, shared by every client and
 * caller, and is sent again once; what cannot heal gets CREDENTIALS_REJECTED.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Upload } from '@aws-sdk/lib-storage';
import {
  AwsCredentialError,
  type AwsCredentials,
  type CredentialContext,
  createClientFactory,
  type FactoryEvent,
  type GetClientOptions,
  keyedCredentials,
} from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { s3 } from '@dbp/aws-s3';
import { assumeRole } from '@dbp/aws-sts';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { disposedAfterEach, localAwsWithLocalSts, rejection, serialise } from './helpers.js';

let local: LocalAws;

localAwsWithLocalSts(
  () => startLocalAws(),
  (started) => {
    local = started;
  },
);

afterEach(() => local.requests.reset());
const disposed = disposedAfterEach(() => local);

/** Temporary credentials from the local STS, outside any factory. */
async function issue(sessionName: string): Promise<AwsCredentials> {
  const sts = new STSClient({ region: local.region, credentials: local.credentials, ...local.clientOptions('sts').config });
  try {
    const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111122223333:role/heal', RoleSessionName: sessionName }));
    return { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken!, expiration: c!.Expiration! };
  } finally {
    sts.destroy();
  }
}

const s3Options = (credentials: GetClientOptions['credentials']) => ({ region: local.region, credentials, config: { ...local.clientOptions('s3').config } });
const dynamoOptions = (credentials: GetClientOptions['credentials']) => ({
  region: local.region,
  credentials,
  config: { ...local.clientOptions('dynamodb').config },
});

/**
 * A factory's S3 client on an assumed role, with the bucket `heal-<name>` made, then the role's
 * credentials expired server-side (the client still holds them).
 */
async function bucketWithExpiredRole(name: string) {
  const factory = disposed(createClientFactory());
  const credentials = assumeRole({ roleArn: `arn:aws:iam::111122223333:role/heal-${name}`, roleSessionName: name, source: { ...local.credentials } });
  const client = factory.getClient(s3, s3Options(credentials));
  await client.send(new CreateBucketCommand({ Bucket: `heal-${name}` }));
  local.sts.expireCredentials(local.sts.issued().at(-1)!.accessKeyId);
  return { factory, client };
}

describe('temporary credentials expired server-side', () => {
  it('heal with one AssumeRole for 40 concurrent requests on two services, published and counted, never a secret', async () => {
    const events: FactoryEvent[] = [];
    const factory = disposed(createClientFactory({ onEvent: (event) => events.push(event) }));
    const credentials = assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/heal-shared', roleSessionName: 'heal', source: { ...local.credentials } });
    const s3Client = factory.getClient(s3, s3Options(credentials));
    const dynamoClient = factory.getClient(dynamodb, dynamoOptions(credentials));
    await Promise.all([s3Client.send(new ListBucketsCommand({})), dynamoClient.send(new ListTablesCommand({}))]);
    const first = local.sts.issued().at(-1)!;
    expect(local.requests.count('sts', { operation: 'AssumeRole' })).toBe(1);

    expect(local.sts.expireCredentials(first.accessKeyId)).toBe(1);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? s3Client.send(new ListBucketsCommand({})) : dynamoClient.send(new ListTablesCommand({})))),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    // One refresh for both services and every caller.
    expect(local.requests.count('sts', { operation: 'AssumeRole' })).toBe(2);
    const second = local.sts.issued().at(-1)!;
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    // Every request that reached a service with the expired key was refused, and sent once more with the new one.
    for (const service of ['s3', 'dynamodb'] as const) {
      expect(local.requests.count(service, { accessKeyId: second.accessKeyId, status: 200 })).toBe(20);
      expect(local.requests.count(service, { accessKeyId: first.accessKeyId, status: 200 })).toBe(1);
    }
    const stats = factory.stats();
    expect(stats).toMatchObject({ credentialRefreshes: 1, credentialRejections: 0 });
    const refreshes = events.filter((event) => event.name === 'dbp:aws:credentials:refresh');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.reason).toMatch(/^rejected:ExpiredToken(Exception)?$/);
    const published = JSON.stringify([events, stats]);
    for (const secret of [first, second].map((set) => set.accessKeyId)) expect(published).not.toContain(secret);
  });

  it('an S3 HEAD refused for an expired token is not recognised (no body, no code), as the README says; the next request heals', async () => {
    const { factory, client } = await bucketWithExpiredRole('head');
    const refused = await rejection(client.send(new HeadObjectCommand({ Bucket: 'heal-head', Key: 'none' })));
    expect(refused).not.toBeInstanceOf(AwsCredentialError);
    expect(refused).toMatchObject({ $metadata: { httpStatusCode: 400 } });
    expect(local.requests.count('sts', { operation: 'AssumeRole' })).toBe(1);
    await client.send(new ListBucketsCommand({}));
    expect(local.requests.count('sts', { operation: 'AssumeRole' })).toBe(2);
    expect(factory.stats()).toMatchObject({ credentialRefreshes: 1 });
  });

  it('a one-shot stream body is not sent again: CREDENTIALS_REJECTED, and the next request has fresh credentials', async () => {
    const { factory, client } = await bucketWithExpiredRole('stream');
    local.requests.reset();
    const error = await rejection(
      client.send(new PutObjectCommand({ Bucket: 'heal-stream', Key: 'k', Body: Readable.from([Buffer.from('once')]), ContentLength: 4 })),
    );
    expect(error).toBeInstanceOf(AwsCredentialError);
    expect(error).toMatchObject({ code: 'CREDENTIALS_REJECTED', cause: { name: 'ExpiredToken' } });
    expect(local.requests.count('s3', { operation: 'PutObject' })).toBe(1);
    await client.send(new PutObjectCommand({ Bucket: 'heal-stream', Key: 'k', Body: 'again' }));
    expect(local.requests.count('s3', { operation: 'PutObject', status: 200 })).toBe(1);
    expect(local.requests.count('sts', { operation: 'AssumeRole' })).toBe(1);
    expect(factory.stats()).toMatchObject({ credentialRefreshes: 1, credentialRejections: 1 });
  });

  it('explicit temporary credentials cannot heal: CREDENTIALS_REJECTED at once, sent once, the message naming no secret', async () => {
    const factory = disposed(createClientFactory());
    const explicit = await issue('explicit');
    const client = factory.getClient(s3, s3Options(explicit));
    local.sts.expireCredentials(explicit.accessKeyId);
    local.requests.reset();
    const error = await rejection(client.send(new ListBucketsCommand({})));
    expect(error).toBeInstanceOf(AwsCredentialError);
    expect(error).toMatchObject({ code: 'CREDENTIALS_REJECTED', cause: { name: 'ExpiredToken' } });
    expect(local.requests.count('s3')).toBe(1);
    const message = (error as Error).message;
    for (const secret of [explicit.accessKeyId, explicit.secretAccessKey, explicit.sessionToken!]) expect(message).not.toContain(secret);
    expect(factory.stats()).toMatchObject({ credentialRefreshes: 0, credentialRejections: 1 });
    // Whose credentials they were, as stats() names them: a field, so a production web build has it too.
    expect((error as AwsCredentialError).credentialId).toBe(factory.stats().entries[0]!.credentialId);
    expect((error as AwsCredentialError).credentialId).toMatch(/^[0-9a-f]{12}$/);
    // S3 quotes the expired token back (Token-0), and the SDK copies it onto its error, our cause:
    // printed (console.error, util.inspect) or serialised, neither shows it.
    const cause = (error as Error).cause as Record<string, unknown>;
    expect(cause['Token-0']).toMatch(/^\(a string of \d+ characters that looks like a credential, not shown\)$/);
    for (const shown of [inspect(error, { depth: 5 }), JSON.stringify(cause)]) {
      expect(shown).not.toContain(explicit.sessionToken!);
      expect(shown).not.toContain(explicit.secretAccessKey);
    }
    // Nor does a printer that shows hidden fields (a test runner's error output): the SDK's raw
    // response (\$response) held Node's request, with the signed headers and so the token.
    const hidden = inspect(error, { showHidden: true, depth: 12 });
    expect(hidden).not.toContain(explicit.sessionToken!);
    // What the raw response says of itself stays.
    expect(cause.$response).toMatchObject({ statusCode: 400, headers: expect.objectContaining({ 'x-amz-request-id': expect.any(String) }) });
  });

  /** An S3 client of a factory on temporary credentials from a provider (and SDK config of the caller's), its bucket made, and the session token it signs with. */
  async function temporaryS3(bucket: string, config: object = {}): Promise<{ client: S3Client; token: () => string }> {
    const factory = disposed(createClientFactory());
    let token = '';
    const provider = async () => {
      const set = await issue(bucket);
      token = set.sessionToken!;
      return set;
    };
    const options = s3Options(provider);
    const client = factory.getClient(s3, { ...options, config: { ...options.config, ...config } });
    await client.send(new CreateBucketCommand({ Bucket: bucket })).catch(() => undefined);
    expect(token).not.toBe('');
    return { client, token: () => token };
  }

  it('a GetObject output on temporary credentials, printed (console.log, util.inspect at any depth), shows no token; its body reads as before', async () => {
    const { client, token: signed } = await temporaryS3('heal-printed');
    await client.send(new PutObjectCommand({ Bucket: 'heal-printed', Key: 'k', Body: 'printed body' }));
    const output = await client.send(new GetObjectCommand({ Bucket: 'heal-printed', Key: 'k' }));
    const token = signed();
    // And serialised (JSON.stringify, and the circular-safe serialisers of pino and winston, which call toJSON): its status and headers.
    const serialised = JSON.stringify(output);
    expect(JSON.parse(serialised)).toMatchObject({ Body: { statusCode: 200 } });
    for (const shown of [inspect(output), inspect(output, { depth: 12 }), inspect(output, { showHidden: true, depth: 12 }), serialised])
      expect(shown).not.toContain(token);
    expect(inspect(output.Body)).toMatch(/^IncomingMessage \{/);
    expect(await output.Body?.transformToString()).toBe('printed body');
  });

  // Review 13: the SDK's own logger (a config setting) logs each output, GetObject's body included,
  // before the factory's middleware had hidden the body's request: a serialising logger wrote the token.
  it("a GetObject output logged by the SDK's own logger (config.logger, serialising as pino does) shows no token", async () => {
    const bucket = 'heal-sdk-logger';
    const lines: string[] = [];
    const log = (...args: unknown[]): void => {
      lines.push(args.map(serialise).join(' '));
    };
    const { client, token: signed } = await temporaryS3(bucket, { logger: { trace: log, debug: log, info: log, warn: log, error: log } });
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'logged body' }));
    const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }));
    const token = signed();
    expect(lines.some((line) => line.includes('"Body":{"statusCode":200'))).toBe(true);
    for (const line of lines) expect(line).not.toContain(token);
    expect(await output.Body?.transformToString()).toBe('logged body');
  });

  it("a service's own error on temporary credentials (NoSuchKey) holds no token where a printer of hidden fields finds it", async () => {
    const { client, token } = await temporaryS3('heal-hidden');
    const error = (await rejection(client.send(new GetObjectCommand({ Bucket: 'heal-hidden', Key: 'missing' })))) as Error & { $response?: unknown };
    expect(error).toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    expect(inspect(error, { showHidden: true, depth: 12 })).not.toContain(token());
    expect(error.$response).toMatchObject({ statusCode: 404 });
  });

  it('a long-term key refused is not a rejection of temporary credentials: the SDK error as it was, no refresh', async () => {
    const factory = disposed(createClientFactory());
    let calls = 0;
    const provider = async (): Promise<AwsCredentials> => {
      calls++;
      return { accessKeyId: 'AKIDUNKNOWNLONGTERM1', secretAccessKey: 'unknown-long-term-secret-0000000000000000' };
    };
    const error = await rejection(factory.getClient(dynamodb, dynamoOptions(provider)).send(new ListTablesCommand({})));
    expect(error).toMatchObject({ name: 'UnrecognizedClientException' });
    expect(error).not.toBeInstanceOf(AwsCredentialError);
    expect(calls).toBe(1);
  });

  it('a source that gives back the rejected credentials: CREDENTIALS_REJECTED (unchanged), asked to force a refresh once', async () => {
    const factory = disposed(createClientFactory());
    const stale = await issue('stale');
    const calls: unknown[] = [];
    const provider = async (options?: unknown): Promise<AwsCredentials> => {
      calls.push(options);
      return { ...stale };
    };
    const client = factory.getClient(dynamodb, dynamoOptions(provider));
    await client.send(new ListTablesCommand({}));
    local.sts.expireCredentials(stale.accessKeyId);
    local.requests.reset();
    const error = await rejection(client.send(new ListTablesCommand({})));
    expect(error).toBeInstanceOf(AwsCredentialError);
    expect(error).toMatchObject({ code: 'CREDENTIALS_REJECTED', cause: { name: 'ExpiredTokenException' } });
    // Each call with the calling client's config, as the SDK gives it to any provider; the second forced.
    const config = expect.objectContaining({ region: expect.any(Function) });
    expect(calls).toEqual([{ callerClientConfig: config }, { forceRefresh: true, callerClientConfig: config }]);
    // Not sent again with credentials known to be refused.
    expect(local.requests.count('dynamodb')).toBe(1);
    // Twelve more on two clients at once: each is refused, and the source is not asked once per refusal
    // (at most once more: a second may have passed since it gave the same credentials back).
    const other = factory.getClient(s3, s3Options(provider));
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => rejection(i % 2 === 0 ? client.send(new ListTablesCommand({})) : other.send(new ListBucketsCommand({})))),
    );
    for (const outcome of outcomes) expect(outcome).toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    expect(calls.length).toBeLessThanOrEqual(3);
  });

  it('a keyed source that caches is told to force its refresh (context.forceRefresh) and heals', async () => {
    const factory = disposed(createClientFactory());
    let cached: AwsCredentials | undefined;
    const seen: Array<boolean | undefined> = [];
    const keyed = keyedCredentials('heal-keyed', async (context: CredentialContext) => {
      seen.push(context.forceRefresh);
      if (cached === undefined || context.forceRefresh === true) cached = await issue(`keyed-${seen.length}`);
      return cached;
    });
    const client = factory.getClient(dynamodb, dynamoOptions(keyed));
    await client.send(new ListTablesCommand({}));
    local.sts.expireCredentials(cached!.accessKeyId);
    await client.send(new ListTablesCommand({}));
    expect(seen).toEqual([undefined, true]);
    expect(factory.stats()).toMatchObject({ credentialRefreshes: 1, credentialRejections: 0 });
  });

  it.each([
    ['a profile', { profile: 'rotated' }],
    ['the default chain reading AWS_PROFILE', {}],
  ] as const)(
    'session credentials rewritten in the shared credentials file (saml2aws, aws sso) heal for %s: the forced refresh reads the file again',
    async (_name, options) => {
      const dir = mkdtempSync(join(tmpdir(), 'dbp-heal-files-'));
      const saved = { file: process.env.AWS_SHARED_CREDENTIALS_FILE, config: process.env.AWS_CONFIG_FILE, profile: process.env.AWS_PROFILE };
      const write = (set: AwsCredentials) =>
        writeFileSync(
          join(dir, 'credentials'),
          `[rotated]\naws_access_key_id = ${set.accessKeyId}\naws_secret_access_key = ${set.secretAccessKey}\naws_session_token = ${set.sessionToken}\n`,
        );
      try {
        // Issued before the variables point at the files: an SDK client made meanwhile (issue's) reads and caches them.
        const first = await issue('rotated-1');
        write(first);
        writeFileSync(join(dir, 'config'), '');
        process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
        process.env.AWS_CONFIG_FILE = join(dir, 'config');
        process.env.AWS_PROFILE = 'rotated';
        const factory = disposed(createClientFactory());
        const client = factory.getClient(s3, { region: local.region, ...options, config: { ...local.clientOptions('s3').config } });
        await client.send(new ListBucketsCommand({}));
        // The tool rewrites the file with a new session, and the old one is revoked.
        write(await issue('rotated-2'));
        local.sts.expireCredentials(first.accessKeyId);
        local.requests.reset();
        await client.send(new ListBucketsCommand({}));
        expect(local.requests.count('s3')).toBe(2);
        expect(factory.stats()).toMatchObject({ credentialRefreshes: 1, credentialRejections: 0 });
      } finally {
        for (const [name, value] of [
          ['AWS_SHARED_CREDENTIALS_FILE', saved.file],
          ['AWS_CONFIG_FILE', saved.config],
          ['AWS_PROFILE', saved.profile],
        ] as const) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('fresh credentials rejected again: CREDENTIALS_REJECTED after exactly one retry', async () => {
    const factory = disposed(createClientFactory());
    let calls = 0;
    const provider = async (): Promise<AwsCredentials> => {
      calls++;
      const set = await issue(`again-${calls}`);
      // Revoked as soon as issued, from the second on.
      if (calls > 1) local.sts.expireCredentials(set.accessKeyId);
      return set;
    };
    const client = factory.getClient(s3, s3Options(provider));
    await client.send(new ListBucketsCommand({}));
    local.sts.expireCredentials(local.sts.issued().at(-1)!.accessKeyId);
    local.requests.reset();
    const error = await rejection(client.send(new ListBucketsCommand({})));
    expect(error).toBeInstanceOf(AwsCredentialError);
    expect(error).toMatchObject({ code: 'CREDENTIALS_REJECTED', cause: { name: 'ExpiredToken' } });
    expect(calls).toBe(2);
    expect(local.requests.count('s3')).toBe(2);
  });
});

describe('a host clock that is off (the endpoints keep real time)', () => {
  const HOURS_2 = 2 * 3_600_000;
  /** Runs `body` on a host clock 20 minutes fast, with 15-minute credentials from the local STS. */
  async function onFastClock(body: () => Promise<void>): Promise<void> {
    local.sts.setCredentialLifetime(900);
    try {
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 20 * 60_000, shouldAdvanceTime: true });
      await body();
    } finally {
      local.sts.setCredentialLifetime(undefined);
    }
  }
  afterEach(() => {
    vi.useRealTimers();
  });

  it('2 h fast: 10 sequential requests on one-hour role credentials cost at most 2 AssumeRole calls', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + HOURS_2, shouldAdvanceTime: true });
    const factory = disposed(createClientFactory());
    const credentials = assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/fast-clock', roleSessionName: 'fast', source: { ...local.credentials } });
    const client = factory.getClient(s3, s3Options(credentials));
    for (let i = 0; i < 10; i++) await client.send(new ListBucketsCommand({}));
    expect(local.requests.count('s3', { operation: 'ListBuckets', status: 200 })).toBe(10);
    expect(local.requests.count('sts', { operation: 'AssumeRole', status: 200 })).toBeLessThanOrEqual(2);
  });

  it('20 min fast, 15-minute role credentials shared by two services: a new client (no skew measured yet) does not undo the skew the other measured', async () => {
    await onFastClock(async () => {
      const factory = disposed(createClientFactory());
      const credentials = assumeRole({
        roleArn: 'arn:aws:iam::111122223333:role/fast-shared',
        roleSessionName: 'fast-shared',
        source: { ...local.credentials },
      });
      await factory.getClient(s3, s3Options(credentials)).send(new ListBucketsCommand({}));
      // Each request on a new client of the same session: each starts with no measured skew (0).
      for (let i = 0; i < 4; i++) {
        await factory.getClient(dynamodb, dynamoOptions(credentials)).send(new ListTablesCommand({}));
        factory.clearCache({ service: dynamodb });
        await factory.getClient(s3, s3Options(credentials)).send(new ListBucketsCommand({}));
      }
      // The first request meets the skew (refused once, the SDK corrects its clock, then the
      // credentials resolved on the host's clock are seen on AWS's); before, every new client's 0
      // made them look expired again: 5 AssumeRole calls.
      expect(local.requests.count('sts', { operation: 'AssumeRole', status: 200 })).toBeLessThanOrEqual(2);
      expect(local.requests.count('dynamodb', { operation: 'ListTables', status: 200 })).toBe(4);
    });
  });

  it('20 min fast, 15-minute role credentials: the first requests of a new client cost one AssumeRole (the skew STS measured decides their expiry)', async () => {
    await onFastClock(async () => {
      const factory = disposed(createClientFactory());
      const credentials = assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/fast-first', roleSessionName: 'fast-first', source: { ...local.credentials } });
      const client = factory.getClient(dynamodb, dynamoOptions(credentials));
      for (let i = 0; i < 3; i++) await client.send(new ListTablesCommand({}));
      expect(local.requests.count('dynamodb', { operation: 'ListTables', status: 200 })).toBe(3);
      // Before, the calling client had not met the skew yet: its credentials, resolved on the
      // host's clock, looked expired until its own first answer, and were fetched 2 to 3 times.
      expect(local.requests.count('sts', { operation: 'AssumeRole', status: 200 })).toBe(1);
    });
  });

  it("a server whose clock is off (an emulator beside AWS) decides no other credentials' expiry: explicit credentials expired 30 min ago are refused", async () => {
    // Answers every request with a Date header two hours behind.
    const server = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { date: new Date(Date.now() - HOURS_2).toUTCString(), 'content-length': '0' });
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const factory = disposed(createClientFactory());
      const { port } = server.address() as AddressInfo;
      const emulator = factory.getClient(s3, {
        region: local.region,
        credentials: { ...local.credentials },
        config: { endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true },
      });
      await emulator.send(new HeadBucketCommand({ Bucket: 'emulated' }));
      const expired = { ...local.credentials, expiration: new Date(Date.now() - 30 * 60_000) };
      for (const other of [factory, disposed(createClientFactory())]) {
        expect(() => other.getClient(s3, s3Options(expired))).toThrow(expect.objectContaining({ code: 'CREDENTIALS_EXPIRED' }));
      }
    } finally {
      server.close();
    }
  });

  it('2 h slow: credentials expired while they still look valid heal on the first rejection', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - HOURS_2, shouldAdvanceTime: true });
    const factory = disposed(createClientFactory());
    const credentials = assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/slow-clock', roleSessionName: 'slow', source: { ...local.credentials } });
    const client = factory.getClient(dynamodb, dynamoOptions(credentials));
    // The first request is refused once for its skewed signing time, then the SDK corrects its clock.
    await client.send(new ListTablesCommand({}));
    local.sts.expireCredentials(local.sts.issued().at(-1)!.accessKeyId);
    local.requests.reset();
    // The SDK's signer marks an error "clock skew corrected" (so retried with the same credentials)
    // whenever the offset it derives from the whole-second Date header differs from the one it signed
    // with: with a 2 h skew, nearly every response. Half a millisecond makes it certain here.
    (client.config as { systemClockOffset: number }).systemClockOffset += 0.5;
    for (let i = 0; i < 5; i++) await client.send(new ListTablesCommand({}));
    expect(local.requests.count('sts', { operation: 'AssumeRole', status: 200 })).toBe(1);
    // One refusal (the expired credentials), then every request succeeds.
    expect(local.requests.count('dynamodb', { status: 400 })).toBe(1);
    expect(local.requests.count('dynamodb', { status: 200 })).toBe(5);
    expect(factory.stats()).toMatchObject({ credentialRefreshes: 1, credentialRejections: 0 });
  });

  /** A factory on a clock 2 h slow, and role credentials from the local STS. */
  function onSlowClock(role: string) {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - HOURS_2, shouldAdvanceTime: true });
    const factory = disposed(createClientFactory());
    const credentials = assumeRole({ roleArn: `arn:aws:iam::111122223333:role/${role}`, roleSessionName: role, source: { ...local.credentials } });
    return { factory, credentials };
  }
  /** Makes the signer mark the next error "clock skew corrected" (see above). */
  const nudge = (client: { config: unknown }): void => {
    (client.config as { systemClockOffset: number }).systemClockOffset += 0.5;
  };

  it('2 h slow: RequestExpired keeps the SDK retry with the corrected clock, and throttling, 5xx and resets keep theirs', async () => {
    const { factory, credentials } = onSlowClock('skew-retries');
    const client = factory.getClient(dynamodb, dynamoOptions(credentials));
    await client.send(new ListTablesCommand({}));
    local.requests.reset();
    local.faults.inject('dynamodb', { kind: 'status', status: 400, code: 'RequestExpired' });
    nudge(client);
    await client.send(new ListTablesCommand({}));
    expect(local.requests.count('dynamodb')).toBe(2); // the SDK's retry: same credentials, no refresh
    expect(local.requests.count('sts', { operation: 'AssumeRole' })).toBe(0);
    for (const fault of [
      { kind: 'throttle', count: 2 },
      { kind: 'status', status: 503, count: 2 },
      { kind: 'reset', count: 2 },
    ] as const) {
      local.requests.reset();
      local.faults.inject('dynamodb', fault);
      nudge(client);
      await client.send(new ListTablesCommand({}));
      expect(local.requests.count('dynamodb'), fault.kind).toBe(3);
    }
    expect(local.requests.count('sts', { operation: 'AssumeRole' })).toBe(0);
    expect(factory.stats()).toMatchObject({ credentialRefreshes: 0, credentialRejections: 0 });
  });

  it("2 h slow: a user's middleware after retryMiddleware, a command's own and lib-dynamodb's document client: one refusal, one refresh each", async () => {
    const { factory, credentials } = onSlowClock('skew-stack');
    const client = factory.getClient(dynamodb, dynamoOptions(credentials));
    await client.send(new ListTablesCommand({}));
    local.requests.reset();
    const seen: string[] = [];
    const watch = (next: (args: unknown) => Promise<unknown>) => (args: unknown) =>
      next(args).catch((error: Error) => {
        seen.push(error.name);
        throw error;
      });
    client.middlewareStack.addRelativeTo(watch as never, { relation: 'after', toMiddleware: 'retryMiddleware', name: 'usersAfterRetry' });
    const expire = () => local.sts.expireCredentials(local.sts.issued().at(-1)!.accessKeyId);
    expire();
    nudge(client);
    const list = new ListTablesCommand({});
    const passThrough = (next: (args: unknown) => Promise<unknown>) => (args: unknown) => next(args);
    list.middlewareStack.addRelativeTo(passThrough as never, {
      relation: 'after',
      toMiddleware: 'retryMiddleware',
      name: 'commandsOwn',
    });
    await client.send(list);
    expect(seen).toEqual(['ExpiredTokenException']);
    expect(local.requests.count('dynamodb')).toBe(2);
    expire();
    nudge(client);
    local.requests.reset();
    const error = await rejection(DynamoDBDocumentClient.from(client).send(new ScanCommand({ TableName: 'heal-skew-missing' })));
    expect(error).toMatchObject({ name: 'ResourceNotFoundException' }); // the healed request's own answer
    expect(seen.slice(0, 2)).toEqual(['ExpiredTokenException', 'ExpiredTokenException']);
    expect(local.requests.count('sts', { operation: 'AssumeRole', status: 200 })).toBe(1);
    expect(factory.stats()).toMatchObject({ credentialRefreshes: 2, credentialRejections: 0 });
  });

  it('2 h slow: lib-storage Upload whose part is refused mid-upload heals with one refresh', async () => {
    const { factory, credentials } = onSlowClock('skew-upload');
    const client = factory.getClient(s3, s3Options(credentials));
    await client.send(new CreateBucketCommand({ Bucket: 'heal-skew-upload' }));
    local.requests.reset();
    local.faults.inject('s3', { kind: 'status', status: 400, code: 'ExpiredToken' }, { operation: 'UploadPart' });
    nudge(client);
    const body = Buffer.alloc(11 * 1024 * 1024, 7);
    await new Upload({ client, params: { Bucket: 'heal-skew-upload', Key: 'big', Body: body }, partSize: 5 * 1024 * 1024, queueSize: 1 }).done();
    expect(local.requests.count('s3', { operation: 'UploadPart', status: 400 })).toBe(1);
    expect(local.requests.count('s3', { operation: 'UploadPart', status: 200 })).toBe(3);
    expect((await client.send(new HeadObjectCommand({ Bucket: 'heal-skew-upload', Key: 'big' }))).ContentLength).toBe(body.length);
    expect(factory.stats()).toMatchObject({ credentialRefreshes: 1, credentialRejections: 0 });
  });
});
