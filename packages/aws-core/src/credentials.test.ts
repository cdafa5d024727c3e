import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeClient, fakeService } from './__fixtures__/fakeService.js';
import { AwsClientError, AwsCredentialError, createClientFactory, keyedCredentials, type SessionOptions } from './index.node.js';

const alpha = fakeService('alpha');
const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

afterEach(() => {
  vi.useRealTimers();
});

describe('explicit credentials', () => {
  const malformed: Array<[string, unknown]> = [
    ['missing secret', { accessKeyId: 'AKID' }],
    ['empty access key', { accessKeyId: '', secretAccessKey: secret }],
    ['numeric secret', { accessKeyId: 'AKID', secretAccessKey: 42 }],
    ['null', null],
    ['a string', 'AKID:secret'],
    ['an array', ['AKID', secret]],
    ['empty session token', { accessKeyId: 'AKID', secretAccessKey: secret, sessionToken: '' }],
    ['invalid expiration', { accessKeyId: 'AKID', secretAccessKey: secret, expiration: 'tomorrow' }],
    ['an unknown field', { accessKeyId: 'AKID', secretAccessKey: secret, secret_key: 'x' }],
    ['white space in the key', { accessKeyId: 'AKID ', secretAccessKey: secret }],
    // A token read from a file or a terminal keeps its newline: Node's HTTP client then throws a raw
    // TypeError (ERR_INVALID_CHAR, x-amz-security-token) at the first request.
    ['a session token ending in a newline', { accessKeyId: 'AKID', secretAccessKey: secret, sessionToken: 'FQoGZXIvYXdzEJr\n' }],
    ['white space in the account id', { accessKeyId: 'AKID', secretAccessKey: secret, accountId: '1234 5678 9012' }],
    ['white space in the credential scope', { accessKeyId: 'AKID', secretAccessKey: secret, credentialScope: ' us-east-1' }],
  ];

  it.each(malformed)('refuses %s with AwsCredentialError before any request', (_name, credentials) => {
    const factory = createClientFactory();
    const before = FakeClient.created;
    let thrown: unknown;
    try {
      factory.getClient(alpha, { region: 'us-east-1', credentials: credentials as never });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AwsCredentialError);
    expect((thrown as AwsCredentialError).code).toBe('INVALID_CREDENTIALS');
    expect((thrown as Error).message).toMatch(/accessKeyId, secretAccessKey/);
    expect((thrown as Error).message).not.toContain(secret);
    expect(FakeClient.created).toBe(before);
  });

  it('names a promise of credentials (a provider called instead of passed) and says to pass the function, for getClient and for keyedCredentials dependsOn', async () => {
    const { keyedCredentials } = await import('./index.node.js');
    const promise = Promise.resolve({ accessKeyId: 'AKID', secretAccessKey: secret });
    const expected = expect.objectContaining({
      name: 'AwsCredentialError',
      code: 'INVALID_CREDENTIALS',
      message:
        'Invalid credentials: expected { accessKeyId, secretAccessKey, sessionToken?, expiration? } or a credential provider function, got a Promise. Pass the provider function itself (credentials: provider), not the promise that calling it returns.',
    });
    expect(() => createClientFactory().getClient(alpha, { region: 'us-east-1', credentials: promise as never })).toThrow(expected);
    expect(() => keyedCredentials('k', async () => ({ accessKeyId: 'AKID', secretAccessKey: secret }), { dependsOn: promise as never })).toThrow(expected);
    // A promise that rejects (the provider failed: a missing profile) is refused, and its rejection handled, not left to end the process.
    const failed = Promise.reject(new Error('Could not load profile'));
    expect(() => createClientFactory().getClient(alpha, { region: 'us-east-1', credentials: failed as never })).toThrow(expected);
    // A hand-made thenable whose `then` calls its fulfilment handler unchecked: named the same, not "could not read its options".
    // biome-ignore lint/suspicious/noThenProperty: a thenable given as credentials is what this case is about
    const thenable = { then: (fulfil: (value: unknown) => void) => fulfil({ accessKeyId: 'AKID', secretAccessKey: secret }) };
    expect(() => createClientFactory().getClient(alpha, { region: 'us-east-1', credentials: thenable as never })).toThrow(expected);
    await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it('refuses credentials that have already expired', () => {
    const factory = createClientFactory();
    const expired = { accessKeyId: 'AKID', secretAccessKey: secret, expiration: new Date(Date.now() - 1_000) };
    expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials: expired })).toThrow(AwsCredentialError);
    expect(() => factory.getSession({ region: 'us-east-1', credentials: expired })).toThrow(/expired at/);
  });

  it('never serves static credentials after their expiration', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
    const factory = createClientFactory();
    const credentials = { accessKeyId: 'AKID', secretAccessKey: secret, expiration: new Date('2026-01-01T01:00:00Z') };
    const client = factory.getClient(alpha, { region: 'us-east-1', credentials }) as FakeClient;
    const provider = client.config.credentials as () => Promise<unknown>;
    await expect(provider()).resolves.toMatchObject({ accessKeyId: 'AKID' });
    vi.setSystemTime(Date.parse('2026-01-01T01:00:01Z'));
    await expect(provider()).rejects.toMatchObject({ code: 'CREDENTIALS_EXPIRED' });
    expect(() => factory.getClient(alpha, { region: 'us-east-1', credentials })).toThrow(AwsCredentialError);
    expect(client.destroyed).toBe(1);
    expect(factory.stats().clients).toBe(0);
  });

  it('copies credentials so later mutation of the caller object changes nothing', async () => {
    const factory = createClientFactory();
    const credentials = { accessKeyId: 'AKID', secretAccessKey: secret };
    const client = factory.getClient(alpha, { region: 'us-east-1', credentials }) as FakeClient;
    credentials.secretAccessKey = 'changed';
    await expect((client.config.credentials as () => Promise<{ secretAccessKey: string }>)()).resolves.toMatchObject({ secretAccessKey: secret });
    expect(factory.getClient(alpha, { region: 'us-east-1', credentials })).not.toBe(client);
  });
});

describe('credential providers', () => {
  it('wraps provider failures in AwsCredentialError with the cause', async () => {
    const factory = createClientFactory();
    const cause = new Error('token service unavailable');
    const session = factory.getSession({ region: 'us-east-1', credentials: async () => Promise.reject(cause) });
    const error = await session.credentials().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCredentialError);
    expect((error as AwsCredentialError).cause).toBe(cause);
    expect((error as AwsCredentialError).code).toBe('CREDENTIAL_PROVIDER_FAILED');
    // The caller's own provider: to fix it, not to configure the default chain, which it is not.
    expect((error as Error).message).toContain('the credential provider given as credentials failed with Error');
    expect((error as Error).message).not.toContain('default');
    const keyed = keyedCredentials('failing-tenant', async () => Promise.reject(cause));
    await expect(factory.getSession({ region: 'us-east-1', credentials: keyed }).credentials()).rejects.toThrow(/provider given as credentials failed/);
  });

  it('retries a failed resolution on the next call instead of remembering the failure', async () => {
    const factory = createClientFactory();
    let calls = 0;
    const session = factory.getSession({
      region: 'us-east-1',
      credentials: async () => {
        calls++;
        if (calls === 1) throw new Error('flaky');
        return { accessKeyId: 'AKID', secretAccessKey: secret };
      },
    });
    await expect(session.credentials()).rejects.toBeInstanceOf(AwsCredentialError);
    await expect(session.credentials()).resolves.toMatchObject({ accessKeyId: 'AKID' });
    expect(calls).toBe(2);
  });

  it('refreshes temporary credentials shortly before they expire, not before', async () => {
    vi.useFakeTimers({ now: 0 });
    const factory = createClientFactory();
    let calls = 0;
    const session = factory.getSession({
      region: 'us-east-1',
      credentials: async () => {
        calls++;
        return { accessKeyId: `AKID${calls}`, secretAccessKey: secret, expiration: new Date(Date.now() + 3_600_000) };
      },
    });
    await session.credentials();
    vi.setSystemTime(3_600_000 - 6 * 60_000);
    await expect(session.credentials()).resolves.toMatchObject({ accessKeyId: 'AKID1' });
    vi.setSystemTime(3_600_000 - 4 * 60_000);
    // Inside the window: the current credentials answer at once, the refresh runs behind them.
    await expect(session.credentials()).resolves.toMatchObject({ accessKeyId: 'AKID1' });
    await vi.waitFor(() => expect(calls).toBe(2));
    await expect(session.credentials()).resolves.toMatchObject({ accessKeyId: 'AKID2' });
    expect(calls).toBe(2);
  });

  it('refreshes credentials that live shorter than the window at half their lifetime, not on every call', async () => {
    vi.useFakeTimers({ now: 0 });
    const factory = createClientFactory();
    let calls = 0;
    const session = factory.getSession({
      region: 'us-east-1',
      // Two-minute credentials against the five-minute default window.
      credentials: async () => {
        calls++;
        return { accessKeyId: `AKID${calls}`, secretAccessKey: secret, expiration: new Date(Date.now() + 120_000) };
      },
    });
    await session.credentials();
    for (let i = 0; i < 20; i++) await expect(session.credentials()).resolves.toMatchObject({ accessKeyId: 'AKID1' });
    vi.setSystemTime(59_000);
    for (let i = 0; i < 20; i++) await session.credentials();
    await Promise.resolve();
    expect(calls).toBe(1);
    vi.setSystemTime(61_000);
    await expect(session.credentials()).resolves.toMatchObject({ accessKeyId: 'AKID1' });
    await vi.waitFor(() => expect(calls).toBe(2));
    // The new credentials are fresh for their first half again.
    for (let i = 0; i < 20; i++) await expect(session.credentials()).resolves.toMatchObject({ accessKeyId: 'AKID2' });
    expect(calls).toBe(2);
  });

  it('names a failed refresh by an identifier-like error name only, never a name that carries text', async () => {
    const lines: string[] = [];
    const events: unknown[] = [];
    const factory = createClientFactory({ logger: { warn: (line: string) => lines.push(line) }, onEvent: (event) => events.push(event) });
    const session = factory.getSession({
      region: 'us-east-1',
      credentials: async () => {
        const error = new Error('boom');
        error.name = `token ${secret} rejected`;
        throw error;
      },
    });
    await expect(session.credentials()).rejects.toBeInstanceOf(AwsCredentialError);
    const seen = JSON.stringify(events) + lines.join('\n');
    expect(seen).not.toContain(secret);
    expect(JSON.stringify(events)).toContain('"reason":"Error"');
  });

  it('retries a provider that throws synchronously, like one that rejects', async () => {
    const factory = createClientFactory();
    let calls = 0;
    const provider = (() => {
      calls++;
      if (calls === 1) throw new Error('not yet');
      return Promise.resolve({ accessKeyId: 'AKIDSYNC', secretAccessKey: secret });
    }) as unknown as () => Promise<{ accessKeyId: string; secretAccessKey: string }>;
    const session = factory.getSession({ region: 'us-east-1', credentials: provider });
    await expect(session.credentials()).rejects.toBeInstanceOf(AwsCredentialError);
    await expect(session.credentials()).resolves.toMatchObject({ accessKeyId: 'AKIDSYNC' });
    expect(calls).toBe(2);
  });

  it('accepts an expiration given as a Date, an ISO string or epoch milliseconds, and refuses anything else with a typed error', async () => {
    const factory = createClientFactory();
    const later = Date.now() + 3_600_000;
    for (const expiration of [new Date(later), new Date(later).toISOString(), later]) {
      const session = factory.getSession({
        region: 'us-east-1',
        credentials: async () => ({ accessKeyId: 'AKIDEXP', secretAccessKey: secret, expiration }) as never,
      });
      const first = await session.credentials();
      expect(first.expiration).toBeInstanceOf(Date);
      expect(first.expiration?.getTime()).toBe(later);
      // The second call reads the memoised expiration: once a TypeError here.
      await expect(session.credentials()).resolves.toMatchObject({ accessKeyId: 'AKIDEXP' });
    }
    for (const expiration of ['soon', {}, Number.NaN]) {
      const session = factory.getSession({
        region: 'us-east-1',
        credentials: async () => ({ accessKeyId: 'AKIDEXP', secretAccessKey: secret, expiration }) as never,
      });
      await expect(session.credentials()).rejects.toMatchObject({ code: 'CREDENTIAL_PROVIDER_FAILED' });
    }
  });

  it('keeps serving valid credentials while a refresh ahead of expiry fails, and retries it', async () => {
    vi.useFakeTimers({ now: 0 });
    const warnings: string[] = [];
    const factory = createClientFactory({ logger: { warn: (line: string) => warnings.push(line) } });
    let calls = 0;
    const session = factory.getSession({
      region: 'us-east-1',
      credentials: async () => {
        calls++;
        if (calls === 2) throw new Error('STS is down');
        return { accessKeyId: `AKID${calls}`, secretAccessKey: secret, expiration: new Date(Date.now() + 600_000) };
      },
    });
    await expect(session.credentials()).resolves.toMatchObject({ accessKeyId: 'AKID1' });
    vi.setSystemTime(600_000 - 60_000);
    // In the window: served at once; the background refresh fails quietly.
    await expect(session.credentials()).resolves.toMatchObject({ accessKeyId: 'AKID1' });
    await vi.waitFor(() => expect(warnings.some((line) => line.includes('ahead of their expiry failed'))).toBe(true));
    expect(calls).toBe(2);
    expect(warnings.join('\n')).not.toContain(secret);
    // Retried on a later call (not sooner than a second later), then the new ones serve.
    vi.setSystemTime(600_000 - 55_000);
    await expect(session.credentials()).resolves.toMatchObject({ accessKeyId: 'AKID1' });
    await vi.waitFor(() => expect(calls).toBe(3));
    await expect(session.credentials()).resolves.toMatchObject({ accessKeyId: 'AKID3' });
  });

  it('makes callers wait for a fresh resolution once the credentials have expired', async () => {
    vi.useFakeTimers({ now: 0 });
    const factory = createClientFactory();
    let calls = 0;
    const session = factory.getSession({
      region: 'us-east-1',
      credentials: async () => {
        calls++;
        return { accessKeyId: `AKID${calls}`, secretAccessKey: secret, expiration: new Date(Date.now() + 600_000) };
      },
    });
    await session.credentials();
    vi.setSystemTime(700_000);
    const [a, b] = await Promise.all([session.credentials(), session.credentials()]);
    expect(a).toMatchObject({ accessKeyId: 'AKID2' });
    expect(b).toBe(a);
    expect(calls).toBe(2);
  });

  it('refuses a provider that resolves to something other than credentials', async () => {
    const factory = createClientFactory();
    const session = factory.getSession({ region: 'us-east-1', credentials: async () => ({ token: 'x' }) as never });
    await expect(session.credentials()).rejects.toThrow(/not credentials/);
  });

  it('refuses what a provider resolved with white space in a field, typed and naming the field, never the value', async () => {
    // A token read from a file with its newline: sent as it is, Node's HTTP client throws a raw
    // TypeError (ERR_INVALID_CHAR, x-amz-security-token) at the request.
    const token = 'FQoGZXIvYXdzEJr-session-token';
    const factory = createClientFactory();
    const session = factory.getSession({
      region: 'us-east-1',
      credentials: async () => ({ accessKeyId: 'AKID', secretAccessKey: secret, sessionToken: `${token}\n` }),
    });
    const error = await session.credentials().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AwsCredentialError);
    expect(error).toMatchObject({ code: 'INVALID_CREDENTIALS', message: expect.stringContaining('sessionToken contains white space') });
    expect((error as Error).message).not.toContain(token);
    expect((error as Error).message).not.toContain(secret);
  });
});

describe('profiles', () => {
  let dir: string;
  const saved = {
    config: process.env.AWS_CONFIG_FILE,
    credentials: process.env.AWS_SHARED_CREDENTIALS_FILE,
    profile: process.env.AWS_PROFILE,
    home: process.env.HOME,
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dbp-aws-profiles-'));
    // An SSO profile with no cached token (never signed in, or signed out), and a
    // credential_process that answers in a format the SDK refuses: profiles
    // that exist, whose source fails.
    writeFileSync(join(dir, 'process.sh'), '#!/bin/sh\necho \'{"Version": 2}\'\n', { mode: 0o755 });
    writeFileSync(
      join(dir, 'config'),
      [
        '[profile analytics]\nregion = eu-west-1',
        '[profile sso-dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\nregion = us-east-1',
        '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1',
        `[profile process-v2]\ncredential_process = ${join(dir, 'process.sh')}`,
        '[profile role-without-source]\nrole_arn = arn:aws:iam::111122223333:role/app\nsource_profile = no-such-source',
        // A key id whose secret was never pasted in: the SDK answers as for a missing profile.
        '[profile half-pasted]\naws_access_key_id = AKIDHALFPASTED',
        '',
      ].join('\n'),
    );
    process.env.HOME = dir;
    writeFileSync(join(dir, 'credentials'), `[analytics]\naws_access_key_id = AKIDANALYTICS\naws_secret_access_key = ${secret}\n`);
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    delete process.env.AWS_PROFILE;
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const [name, value] of [
      ['AWS_CONFIG_FILE', saved.config],
      ['AWS_SHARED_CREDENTIALS_FILE', saved.credentials],
      ['AWS_PROFILE', saved.profile],
      ['HOME', saved.home],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('resolves a profile from the shared files', async () => {
    const factory = createClientFactory();
    await expect(factory.getSession({ region: 'us-east-1', profile: 'analytics' }).credentials()).resolves.toMatchObject({ accessKeyId: 'AKIDANALYTICS' });
    const client = factory.getClient(alpha, { region: 'us-east-1', profile: 'analytics' }) as FakeClient;
    expect(client.config.profile).toBe('analytics');
  });

  /** What resolving a session's credentials rejects with. */
  const failure = (options: SessionOptions): Promise<unknown> =>
    createClientFactory()
      .getSession({ region: 'us-east-1', ...options })
      .credentials()
      .catch((e: unknown) => e);

  it('finds a profile added to the files after a lookup failed, in the same process (the SDK keeps its copy of the files)', async () => {
    const factory = createClientFactory();
    const session = factory.getSession({ region: 'us-east-1', profile: 'added-later' });
    await expect(session.credentials()).rejects.toMatchObject({ code: 'PROFILE_NOT_FOUND' });
    const saved = readFileSync(join(dir, 'credentials'), 'utf8');
    try {
      writeFileSync(join(dir, 'credentials'), `${saved}[added-later]\naws_access_key_id = AKIDADDEDLATER\naws_secret_access_key = ${secret}\n`);
      await expect(session.credentials()).resolves.toMatchObject({ accessKeyId: 'AKIDADDEDLATER' });
    } finally {
      writeFileSync(join(dir, 'credentials'), saved);
    }
  });

  it("finds a profile added after the files were read for another, at its first lookup (the SDK's copy lacks it)", async () => {
    // The files are read (and kept by the SDK) for a profile that exists …
    await expect(createClientFactory().getSession({ region: 'us-east-1', profile: 'analytics' }).credentials()).resolves.toMatchObject({
      accessKeyId: 'AKIDANALYTICS',
    });
    const saved = readFileSync(join(dir, 'credentials'), 'utf8');
    try {
      // … then another is added, and its first lookup is made by a new factory.
      writeFileSync(join(dir, 'credentials'), `${saved}[added-first]\naws_access_key_id = AKIDADDEDFIRST\naws_secret_access_key = ${secret}\n`);
      await expect(createClientFactory().getSession({ region: 'us-east-1', profile: 'added-first' }).credentials()).resolves.toMatchObject({
        accessKeyId: 'AKIDADDEDFIRST',
      });
      // A profile that is missing still is, after one more look.
      await expect(createClientFactory().getSession({ region: 'us-east-1', profile: 'still-missing' }).credentials()).rejects.toMatchObject({
        code: 'PROFILE_NOT_FOUND',
      });
    } finally {
      writeFileSync(join(dir, 'credentials'), saved);
    }
  });

  it('names a missing profile and the files it looked in', async () => {
    const error = await failure({ profile: 'no-such-profile' });
    expect(error).toBeInstanceOf(AwsCredentialError);
    expect((error as AwsCredentialError).code).toBe('PROFILE_NOT_FOUND');
    expect((error as Error).message).toContain("'no-such-profile'");
    expect((error as Error).message).toContain(join(dir, 'config'));
    expect((error as Error).message).toContain(join(dir, 'credentials'));
  });

  it('tells the owner of an incomplete profile (a key id without its secret) to check its settings, not only its name', async () => {
    const error = await failure({ profile: 'half-pasted' });
    expect(error).toMatchObject({ code: 'PROFILE_NOT_FOUND', message: expect.stringContaining("profile 'half-pasted'") });
    expect((error as Error).message).toContain('or it is incomplete (aws_access_key_id without aws_secret_access_key');
    expect((error as Error).message).toContain('Check its name and its settings');
  });

  it("names the profile that is missing: a role profile's source_profile, and a name with ] or the SSO command in it", async () => {
    const error = await failure({ profile: 'role-without-source' });
    expect(error).toMatchObject({
      code: 'PROFILE_NOT_FOUND',
      message: expect.stringContaining("profile 'no-such-source' (the source_profile of 'role-without-source') from"),
    });
    expect(await failure({ profile: 'dev]x' })).toMatchObject({ code: 'PROFILE_NOT_FOUND', message: expect.stringContaining("'dev]x'") });
    expect(await failure({ profile: 'aws sso login' })).toMatchObject({ code: 'PROFILE_NOT_FOUND' });
  });

  it("says an SSO profile needs `aws sso login`, not that it is missing (the SDK's text names 'this profile')", async () => {
    const error = await failure({ profile: 'sso-dev' });
    expect(error).toBeInstanceOf(AwsCredentialError);
    expect(error).toMatchObject({ code: 'CREDENTIAL_PROVIDER_FAILED', message: expect.stringContaining('aws sso login --profile sso-dev') });
    expect((error as Error).message).not.toContain('Check the profile name');
    expect(String((error as Error).cause)).toContain('sso login');
  });

  it('a profile whose credential_process fails is not reported missing', async () => {
    const error = await failure({ profile: 'process-v2' });
    expect(error).toBeInstanceOf(AwsCredentialError);
    expect(error).toMatchObject({ code: 'CREDENTIAL_PROVIDER_FAILED', message: expect.stringContaining('CredentialsProviderError') });
    // Named, with where to look; the process's own output (it may print a secret) only on the cause.
    expect((error as Error).message).toContain("profile 'process-v2'");
    expect((error as Error).message).toContain('credential_process');
    expect((error as Error).message).toContain(join(dir, 'config'));
  });

  it('names AWS_PROFILE when the default chain fails while it is set (the chain reads that profile), and not when it is unset', async () => {
    // Every other source of the chain off (the instance metadata service, at its end, fails at once so).
    const scrubbed = [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
      'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
      'AWS_EC2_METADATA_DISABLED',
    ];
    const savedEnv = scrubbed.map((name) => [name, process.env[name]] as const);
    for (const name of scrubbed) delete process.env[name];
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    try {
      process.env.AWS_PROFILE = 'no-such-profile';
      const error = await failure({});
      expect(error).toBeInstanceOf(AwsCredentialError);
      expect(error).toMatchObject({ code: 'CREDENTIAL_PROVIDER_FAILED' });
      expect((error as Error).message).toContain("with AWS_PROFILE naming profile 'no-such-profile'");
      expect((error as Error).message).toContain(join(dir, 'config'));
      // A profile AWS_PROFILE names that exists is what the chain resolves.
      process.env.AWS_PROFILE = 'analytics';
      await expect(createClientFactory().getSession({ region: 'us-east-1' }).credentials()).resolves.toMatchObject({ accessKeyId: 'AKIDANALYTICS' });
      delete process.env.AWS_PROFILE;
      const unset = await failure({});
      expect(unset).toMatchObject({ code: 'CREDENTIAL_PROVIDER_FAILED', message: expect.stringContaining('the default credential chain failed') });
      expect((unset as Error).message).not.toContain('AWS_PROFILE');
    } finally {
      delete process.env.AWS_PROFILE;
      for (const [name, value] of savedEnv) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it("a provider of the caller's that mentions a profile in its error is not reported as a missing profile", async () => {
    const error = await failure({ profile: 'analytics', credentials: async () => Promise.reject(new Error('profile lookup failed')) });
    expect(error).toMatchObject({ code: 'CREDENTIAL_PROVIDER_FAILED' });
  });

  it('refuses a malformed profile name', () => {
    const factory = createClientFactory();
    expect(() => factory.getClient(alpha, { region: 'us-east-1', profile: '' })).toThrow(AwsCredentialError);
    expect(() => factory.getClient(alpha, { region: 'us-east-1', profile: 42 as never })).toThrow(AwsCredentialError);
  });

  it('gives explicit credentials precedence over a profile', async () => {
    const factory = createClientFactory();
    const session = factory.getSession({ region: 'us-east-1', profile: 'analytics', credentials: { accessKeyId: 'AKIDEXPLICIT', secretAccessKey: secret } });
    await expect(session.credentials()).resolves.toMatchObject({ accessKeyId: 'AKIDEXPLICIT' });
  });
});

describe('getSession', () => {
  it('returns one session object for equal inputs', () => {
    const factory = createClientFactory();
    const a = factory.getSession({ region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: secret } });
    const b = factory.getSession({ region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: secret } });
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('refuses client-only options', () => {
    const factory = createClientFactory();
    expect(() => factory.getSession({ tier: 'ai' } as never)).toThrow(AwsClientError);
  });
});

describe('static credentials handed to the SDK', () => {
  it('are a fresh extensible object on every resolution, so the SDK can tag their $source', async () => {
    const factory = createClientFactory();
    const client = factory.getClient(alpha, { region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: secret } }) as FakeClient;
    const provider = client.config.credentials as () => Promise<Record<string, unknown>>;
    const first = await provider();
    expect(Object.isExtensible(first)).toBe(true);
    first.$source = { CREDENTIALS_CODE: 'e' };
    const second = await provider();
    expect(second).not.toBe(first);
    expect(second.$source).toBeUndefined();
  });
});

describe('credentials an SDK client has used', () => {
  it('are accepted although the SDK wrote $source onto them, and share the client', () => {
    const factory = createClientFactory();
    const credentials = { accessKeyId: 'AKID', secretAccessKey: secret };
    const first = factory.getClient(alpha, { region: 'us-east-1', credentials });
    Object.assign(credentials, { $source: { CREDENTIALS_CODE: 'e' } });
    expect(factory.getClient(alpha, { region: 'us-east-1', credentials })).toBe(first);
  });
});
