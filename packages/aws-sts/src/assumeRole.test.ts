import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AwsCredentialError, AwsRegionError, createClientFactory, getClientFactory, keyedCredentials } from '@dbp/aws-core';
import type { LocalAws } from '@dbp/aws-testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { everythingShown, recordingLogger, startLocalSts } from '../test/localSts.js';
import { assumeRole, assumeRoleWithWebIdentity, sts } from './index.js';

let local: LocalAws & { stopSts(): Promise<void> };
const ROLE = 'arn:aws:iam::111122223333:role/app';
const OTHER_ROLE = 'arn:aws:iam::111122223333:role/other';
const TENANT_B = { accessKeyId: 'AKIDSTSTENANTBBBBBBB', secretAccessKey: 'tenant-b-secret-0000000000000000000000000' };

beforeAll(async () => {
  local = await startLocalSts();
  local.addCredentials(TENANT_B);
});

afterAll(async () => {
  await local.stopSts();
});

afterEach(() => {
  local.faults.clear();
  local.requests.reset();
});

/** A fresh copy each time, as a caller building options per request would pass. */
const source = () => ({ accessKeyId: local.credentials.accessKeyId, secretAccessKey: local.credentials.secretAccessKey });
const assumeRoles = () => local.requests.count('sts', { operation: 'AssumeRole' });
const whoAmI = async (client: STSClient) => (await client.send(new GetCallerIdentityCommand({}))).Arn;

describe('assumeRole', () => {
  it('is a value: equal options built per call give the same source, one client and one STS call for 50 concurrent callers', async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    const perCall = () => assumeRole({ roleArn: ROLE, externalId: 'ext-1', tags: { tenant: 'a' }, source: source() });
    expect(perCall()).toBe(perCall());
    const clients = Array.from({ length: 50 }, () => factory.getClient(sts, { credentials: perCall() }));
    expect(new Set(clients).size).toBe(1);
    const arns = await Promise.all(clients.map(whoAmI));
    expect(new Set(arns)).toEqual(new Set([expect.stringMatching(/^arn:aws:sts::111122223333:assumed-role\/app\/dbp-aws-\d+$/)]));
    expect(assumeRoles()).toBe(1);
    // The caller's 50 clients are one; the STS client that called AssumeRole is the other.
    expect(factory.stats()).toMatchObject({ clients: 2, misses: 2 });
    expect(local.requests.entries('sts').every((entry) => entry.signatureValid === true)).toBe(true);
  });

  it('resolves one key once across service definitions, and gives each its own client', async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    const byDefinition = factory.getClient(sts, { credentials: assumeRole({ roleArn: ROLE, source: source() }) });
    const byClass = factory.getClient(STSClient, { credentials: assumeRole({ roleArn: ROLE, source: source() }) });
    expect(byClass).not.toBe(byDefinition);
    const [a, b] = await Promise.all([whoAmI(byDefinition), whoAmI(byClass)]);
    expect(a).toBe(b);
    expect(assumeRoles()).toBe(1);
  });

  it('keeps every option apart: another role, external id, session, duration, tags, policy, region, window or source is another source', () => {
    const factory = createClientFactory({ defaultRegion: local.region });
    const base = { roleArn: ROLE, externalId: 'ext-1', source: source() };
    const variants = [
      base,
      { ...base, roleArn: OTHER_ROLE },
      { ...base, externalId: 'ext-2' },
      { ...base, externalId: undefined },
      { ...base, roleSessionName: 'reporting' },
      { ...base, durationSeconds: 900 },
      { ...base, tags: { tenant: 'a' } },
      { ...base, tags: { tenant: 'b' } },
      { ...base, policy: '{"Version":"2012-10-17","Statement":[]}' },
      { ...base, region: 'eu-west-1' },
      { ...base, refreshWindowMs: 1_000 },
      { ...base, source: TENANT_B },
      { ...base, source: { ...source(), sessionToken: 'token-1' } },
      { ...base, source: undefined },
    ];
    const clients = variants.map((options) => factory.getClient(sts, { credentials: assumeRole(options) }));
    expect(new Set(clients).size).toBe(variants.length);
    // …and each of them again, built afresh, is the same client.
    expect(variants.map((options) => factory.getClient(sts, { credentials: assumeRole({ ...options }) }))).toEqual(clients);
    // Tags are a set: their order does not matter.
    expect(factory.getClient(sts, { credentials: assumeRole({ ...base, tags: { b: '2', a: '1' } }) })).toBe(
      factory.getClient(sts, { credentials: assumeRole({ ...base, tags: { a: '1', b: '2' } }) }),
    );
    void factory.dispose();
  });

  it('snapshots a static source: mutating it afterwards changes no built source', () => {
    const factory = createClientFactory({ defaultRegion: local.region });
    const mutable = source();
    const first = factory.getClient(sts, { credentials: assumeRole({ roleArn: ROLE, source: mutable }) });
    mutable.secretAccessKey = `${mutable.secretAccessKey}x`;
    const second = factory.getClient(sts, { credentials: assumeRole({ roleArn: ROLE, source: mutable }) });
    expect(second).not.toBe(first);
    expect(factory.getClient(sts, { credentials: assumeRole({ roleArn: ROLE, source: source() }) })).toBe(first);
    void factory.dispose();
  });

  it('signs AssumeRole with each source: two sources are two STS calls, each by its own key', async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    const issuedBefore = local.sts.issued().length;
    const a = factory.getClient(sts, { credentials: assumeRole({ roleArn: ROLE, source: source() }) });
    const b = factory.getClient(sts, { credentials: assumeRole({ roleArn: ROLE, source: { ...TENANT_B } }) });
    await Promise.all([whoAmI(a), whoAmI(b)]);
    expect(
      local.sts
        .issued()
        .slice(issuedBefore)
        .map((set) => set.sourceAccessKeyId)
        .sort(),
    ).toEqual([local.credentials.accessKeyId, TENANT_B.accessKeyId].sort());
  });

  it('reads a class-instance source through its getters, and tells two such sources apart by value', async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    class VaultCredentials {
      readonly #id: string;
      readonly #secret: string;
      constructor(id: string, secret: string) {
        this.#id = id;
        this.#secret = secret;
      }
      get accessKeyId(): string {
        return this.#id;
      }
      get secretAccessKey(): string {
        return this.#secret;
      }
    }
    const issuedBefore = local.sts.issued().length;
    const a = assumeRole({ roleArn: ROLE, source: new VaultCredentials(local.credentials.accessKeyId, local.credentials.secretAccessKey) });
    const b = assumeRole({ roleArn: ROLE, source: new VaultCredentials(TENANT_B.accessKeyId, TENANT_B.secretAccessKey) });
    expect(b).not.toBe(a);
    await Promise.all([whoAmI(factory.getClient(sts, { credentials: a })), whoAmI(factory.getClient(sts, { credentials: b }))]);
    expect(
      local.sts
        .issued()
        .slice(issuedBefore)
        .map((set) => set.sourceAccessKeyId)
        .sort(),
    ).toEqual([local.credentials.accessKeyId, TENANT_B.accessKeyId].sort());
  });

  it("uses the factory's own credentials when no source is given (the default chain on Node)", async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = TENANT_B.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = TENANT_B.secretAccessKey;
    try {
      await using factory = createClientFactory({ defaultRegion: local.region });
      await whoAmI(factory.getClient(sts, { credentials: assumeRole({ roleArn: OTHER_ROLE }) }));
      expect(local.sts.issued().at(-1)).toMatchObject({ roleArn: OTHER_ROLE, sourceAccessKeyId: TENANT_B.accessKeyId });
    } finally {
      for (const [name, value] of [
        ['AWS_ACCESS_KEY_ID', saved.id],
        ['AWS_SECRET_ACCESS_KEY', saved.secret],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('chains roles: the target is assumed with the hub role’s temporary credentials', async () => {
    const hub = 'arn:aws:iam::111122223333:role/hub';
    const target = 'arn:aws:iam::444455556666:role/audit';
    local.sts.defineRole({ arn: hub, trustedCallers: [local.credentials.accessKeyId] });
    local.sts.defineRole({ arn: target, trustedCallers: [hub] });
    try {
      await using factory = createClientFactory({ defaultRegion: local.region });
      const chained = () => assumeRole({ roleArn: target, roleSessionName: 'audit', source: assumeRole({ roleArn: hub, source: source() }) });
      expect(chained()).toBe(chained());
      const client = factory.getClient(sts, { credentials: chained() });
      expect(await whoAmI(client)).toBe('arn:aws:sts::444455556666:assumed-role/audit/audit');
      const [hubSet, targetSet] = local.sts.issued().slice(-2);
      expect(hubSet).toMatchObject({ roleArn: hub, sourceAccessKeyId: local.credentials.accessKeyId });
      expect(targetSet).toMatchObject({ roleArn: target, sourceAccessKeyId: hubSet?.accessKeyId });
      // The same target from another hub is another source.
      const viaOther = factory.getClient(sts, {
        credentials: assumeRole({ roleArn: target, roleSessionName: 'audit', source: assumeRole({ roleArn: OTHER_ROLE }) }),
      });
      expect(viaOther).not.toBe(client);
    } finally {
      local.sts.removeRole(hub);
      local.sts.removeRole(target);
    }
  });

  it('gives credentials with their expiration and account id, called directly outside a factory too', async () => {
    const provider = assumeRole({ roleArn: 'arn:aws:iam::777788889999:role/direct', durationSeconds: 1800, region: local.region, source: source() });
    const before = Date.now();
    try {
      const credentials = await provider();
      expect(credentials.accessKeyId).toMatch(/^ASIA/);
      expect(credentials.sessionToken).toBeTruthy();
      expect(credentials.accountId).toBe('777788889999');
      expect(credentials.expiration?.getTime()).toBeGreaterThanOrEqual(before + 1_790_000);
    } finally {
      // Outside a factory the process-wide one served the STS client.
      await getClientFactory().dispose();
    }
  });

  it('keeps serving per-call sources past its memory: a forgotten one is rebuilt with an equal key, still a cache hit', () => {
    const factory = createClientFactory({ defaultRegion: local.region });
    const first = assumeRole({ roleArn: ROLE, roleSessionName: 'first', source: source() });
    const client = factory.getClient(sts, { credentials: first });
    for (let i = 0; i < 300; i++) assumeRole({ roleArn: `arn:aws:iam::111122223333:role/tenant-${i}` });
    const again = assumeRole({ roleArn: ROLE, roleSessionName: 'first', source: source() });
    expect(again).not.toBe(first);
    expect(factory.getClient(sts, { credentials: again })).toBe(client);
    void factory.dispose();
  });

  it('reads options once per call even when a getter calls back in', () => {
    const inner = { roleArn: OTHER_ROLE };
    let innerSource: unknown;
    const tricky = {
      get roleArn() {
        innerSource = assumeRole(inner);
        return ROLE;
      },
      externalId: 'ext-9',
    };
    const outer = assumeRole(tricky);
    expect(outer).toBe(assumeRole({ roleArn: ROLE, externalId: 'ext-9' }));
    expect(innerSource).toBe(assumeRole(inner));
    expect(outer).not.toBe(innerSource);
  });

  it('does not trip the per-call provider warning', async () => {
    const logger = recordingLogger();
    await using factory = createClientFactory({ defaultRegion: local.region, logger });
    for (let i = 0; i < 50; i++) factory.getClient(sts, { credentials: assumeRole({ roleArn: ROLE, source: source() }) });
    expect(logger.lines.filter((line) => line.includes('credential provider functions'))).toEqual([]);
  });
});

describe('assumeRole errors', () => {
  it('names the role and the external id for a wrong external id, with the SDK error as cause and no secret anywhere', async () => {
    const guarded = 'arn:aws:iam::111122223333:role/guarded';
    local.sts.defineRole({ arn: guarded, externalId: 'right-external-id' });
    try {
      await using factory = createClientFactory({ defaultRegion: local.region });
      const client = factory.getClient(sts, { credentials: assumeRole({ roleArn: guarded, externalId: 'wrong-external-id', source: source() }) });
      const error = await whoAmI(client).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AwsCredentialError);
      expect(error).toMatchObject({ code: 'ASSUME_ROLE_FAILED', cause: { name: 'AccessDenied' } });
      const { message } = error as Error;
      expect(message).toContain(guarded);
      expect(message).toMatch(/trust policy/);
      expect(message).toMatch(/externalId/);
      const shown = everythingShown(error);
      expect(shown).not.toContain(local.credentials.secretAccessKey);
      expect(shown).not.toContain('right-external-id');
      // The SDK's own message names the caller by access key id here; ours does not repeat it.
      expect(message).not.toContain(local.credentials.accessKeyId);
      // Failures are not remembered: the next request asks STS again.
      const before = assumeRoles();
      await expect(whoAmI(client)).rejects.toMatchObject({ code: 'ASSUME_ROLE_FAILED' });
      expect(assumeRoles()).toBe(before + 1);
    } finally {
      local.sts.removeRole(guarded);
    }
  });

  it('names the source role when a chained source fails, and never shows its temporary secret', async () => {
    const hub = 'arn:aws:iam::111122223333:role/hub-closed';
    local.sts.defineRole({ arn: hub, trustedCallers: ['AKIDNOBODYNOBODYNOBO'] });
    try {
      await using factory = createClientFactory({ defaultRegion: local.region });
      const client = factory.getClient(sts, { credentials: assumeRole({ roleArn: ROLE, source: assumeRole({ roleArn: hub, source: source() }) }) });
      const error = await whoAmI(client).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'ASSUME_ROLE_FAILED' });
      expect((error as Error).message).toContain(ROLE);
      expect((error as Error).message).toContain(hub);
      expect(everythingShown(error)).not.toContain(local.credentials.secretAccessKey);
    } finally {
      local.sts.removeRole(hub);
    }
  });

  it("escapes control characters in the STS error it quotes, so STS's text cannot forge a log line", async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    const text = 'denied\n[ERROR] forged \u001b[31mred';
    local.faults.inject('sts', { kind: 'status', status: 403, code: 'AccessDenied', message: text }, { operation: 'AssumeRole' });
    const error = await whoAmI(factory.getClient(sts, { credentials: assumeRole({ roleArn: ROLE, source: source() }) })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ASSUME_ROLE_FAILED', cause: { name: 'AccessDenied' } });
    expect((error as Error).message).toContain('denied\\n[ERROR] forged \\u001b[31mred');
    expect((error as Error).message).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
  });

  it("says an STS that fails on its side (a 500) is not the role's trust policy to fix", async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    local.faults.inject('sts', { kind: 'status', status: 500 }, { operation: 'AssumeRole' });
    const credentials = assumeRole({ roleArn: ROLE, source: source(), stsConfig: { maxAttempts: 1 } });
    const error = await whoAmI(factory.getClient(sts, { credentials })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ASSUME_ROLE_FAILED', cause: { $metadata: { httpStatusCode: 500 } } });
    expect((error as Error).message).toMatch(/STS failed on its side: nothing about the role to change/);
    expect((error as Error).message).not.toMatch(/trust policy/);
  });

  // Review 13: a chained role's durationSeconds over an hour was left to STS, at the first request.
  it('refuses durationSeconds over an hour at the call when the source is another assumeRole() (role chaining)', () => {
    const hub = assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/hub', source: source() });
    expect(() => assumeRole({ roleArn: ROLE, source: hub, durationSeconds: 7_200 })).toThrow(
      expect.objectContaining({
        code: 'INVALID_CREDENTIALS',
        message: expect.stringMatching(/durationSeconds must be at most 3600 when the source is another assumeRole\(\).*got 7200\./),
      }),
    );
    expect(typeof assumeRole({ roleArn: ROLE, source: hub, durationSeconds: 3_600 })).toBe('function');
    // Not chaining: a source of the caller's own may be a role's or a user's, left to STS.
    expect(typeof assumeRole({ roleArn: ROLE, source: async () => ({ ...source() }), durationSeconds: 7_200 })).toBe('function');
  });

  it('wraps refused source credentials, and does not quote their secret', async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    const wrong = { accessKeyId: local.credentials.accessKeyId, secretAccessKey: 'not-the-secret-000000000000000000000000000' };
    const error = await whoAmI(factory.getClient(sts, { credentials: assumeRole({ roleArn: ROLE, source: wrong }) })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ASSUME_ROLE_FAILED', cause: { name: 'SignatureDoesNotMatch' } });
    expect((error as Error).message).toMatch(/source credentials/);
    expect(everythingShown(error)).not.toContain(wrong.secretAccessKey);
  });

  it('reports a duration beyond the role maximum as such', async () => {
    const short = 'arn:aws:iam::111122223333:role/short';
    local.sts.defineRole({ arn: short, maxSessionDurationSeconds: 3600 });
    try {
      await using factory = createClientFactory({ defaultRegion: local.region });
      const error = await whoAmI(factory.getClient(sts, { credentials: assumeRole({ roleArn: short, durationSeconds: 7200, source: source() }) })).catch(
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ code: 'ASSUME_ROLE_FAILED', cause: { name: 'ValidationError' } });
      expect((error as Error).message).toMatch(/durationSeconds/);
    } finally {
      local.sts.removeRole(short);
    }
  });

  it("calls STS in us-east-1 when neither the options nor the factory name a region, as the SDK's role assumers do", async () => {
    const saved = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    // STS in eu-west-1, as the caller's client asks: it takes signatures for its own region and for
    // us-east-1 (its global endpoint's), as AWS does, and refuses any other.
    const regional = await startLocalSts({ region: 'eu-west-1', credentials: local.credentials });
    try {
      await using factory = createClientFactory();
      // The caller's client has a region; the role, resolved once for every region, has none of its own.
      const client = factory.getClient(sts, {
        region: 'eu-west-1',
        credentials: assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/anywhere', source: source() }),
      });
      expect(await whoAmI(client)).toMatch(/assumed-role\/anywhere\//);
      expect(
        factory
          .stats()
          .entries.map((entry) => entry.region)
          .sort(),
      ).toEqual(['eu-west-1', 'us-east-1']);
      // Both signatures were checked: the caller's for eu-west-1, the role assumer's for us-east-1.
      expect(regional.requests.entries('sts').map((entry) => [entry.operation, entry.signatureValid])).toEqual([
        ['AssumeRole', true],
        ['GetCallerIdentity', true],
      ]);
    } finally {
      await regional.stopSts();
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('absorbs STS throttling with the tier’s retries', async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    local.faults.inject('sts', { kind: 'throttle', count: 2, retryAfterMs: false }, { operation: 'AssumeRole' });
    expect(
      await whoAmI(factory.getClient(sts, { credentials: assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/throttled', source: source() }) })),
    ).toMatch(/assumed-role\/throttled/);
    expect(local.requests.count('sts', { operation: 'AssumeRole', status: 400 })).toBe(2);
    expect(local.requests.count('sts', { operation: 'AssumeRole', status: 200 })).toBe(1);
  });

  it.each([
    ['no options', undefined, /takes an options object/],
    ['a malformed role ARN', { roleArn: 'arn:aws:iam::1234:role/x' }, /roleArn must be an IAM role ARN.*'arn:aws:iam::1234:role\/x'/],
    ['a user ARN', { roleArn: 'arn:aws:iam::123456789012:user/bob' }, /roleArn must be an IAM role ARN/],
    ['a typo', { roleArn: ROLE, externalID: 'x' }, /no option 'externalID'.*externalId/],
    ['a duration below 900', { roleArn: ROLE, durationSeconds: 60 }, /durationSeconds must be a whole number of seconds from 900 to 43200/],
    ['a fractional duration', { roleArn: ROLE, durationSeconds: 1000.5 }, /durationSeconds/],
    ['a bad session name', { roleArn: ROLE, roleSessionName: 'has space' }, /roleSessionName must be .*\[\\w\+=,\.@-\]/],
    ['an empty external id', { roleArn: ROLE, externalId: '' }, /externalId must be a non-empty string/],
    ['tags as an array', { roleArn: ROLE, tags: [{ Key: 'a', Value: 'b' }] }, /tags must be a plain object .*got an array/],
    ['a tag with a number value', { roleArn: ROLE, tags: { a: 1 } }, /tag 'a' is the number 1/],
    ['a source of the wrong type', { roleArn: ROLE, source: 'AKIDSECRET' }, /source must be credentials/],
    ['a negative refresh window', { roleArn: ROLE, refreshWindowMs: -1 }, /refreshWindowMs must be a number of milliseconds/],
    ['an empty region', { roleArn: ROLE, region: '' }, /region must be a non-empty string/],
  ])('refuses %s at once with a typed error', (_, options, message) => {
    let error: unknown;
    try {
      assumeRole(options as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AwsCredentialError);
    expect(error).toMatchObject({ code: 'INVALID_CREDENTIALS', message: expect.stringMatching(/^assumeRole\(\): /) });
    expect((error as Error).message).toMatch(message);
    expect(everythingShown(error)).not.toContain('AKIDSECRET');
  });

  // Reviews 11, 13 (N, R): a region typo was accepted at the call, and failed every request later.
  it.each([
    ['us-east-l', 'us-east-1'],
    ['us-est-1', 'us-east-1'],
    ['US-EAST-1', 'us-east-1'],
    [' eu-west-1', 'eu-west-1'],
  ])('refuses the region %j at the call, as getClient would, naming the region meant', (region, meant) => {
    for (const call of [() => assumeRole({ roleArn: ROLE, region }), () => assumeRoleWithWebIdentity({ roleArn: ROLE, webIdentityToken: 'token', region })]) {
      let error: unknown;
      try {
        call();
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(AwsRegionError);
      expect(error).toMatchObject({
        code: 'INVALID_REGION',
        suggestion: meant,
        message: expect.stringMatching(new RegExp(`^assumeRole(WithWebIdentity)?\\(\\): region .* is not an AWS region; did you mean '${meant}'\\?$`)),
      });
    }
    // A region that is well formed and new to the SDK's list is used as given, as getClient does; and one no known
    // region is near is left to the factory, whose regionValidation may be 'off' (review 13, S: Ceph's 'default').
    expect(typeof assumeRole({ roleArn: ROLE, region: 'eu-central-3' })).toBe('function');
    expect(typeof assumeRole({ roleArn: ROLE, region: 'default' })).toBe('function');
  });

  it('refuses a typo even when equal options without it were seen before', () => {
    assumeRole({ roleArn: ROLE });
    expect(() => assumeRole({ roleArn: ROLE, externalID: 'x' } as never)).toThrow(/no option 'externalID'\. Did you mean 'externalId'\?/);
    expect(() => assumeRole({ roleARN: ROLE } as never)).toThrow(/no option 'roleARN'\. Did you mean 'roleArn'\?/);
    expect(() => assumeRoleWithWebIdentity({ roleArn: ROLE, webIdentityTokenFILE: '/t' } as never)).toThrow(/Did you mean 'webIdentityTokenFile'\?/);
    // No did-you-mean for a key that is no option in any case.
    expect(() => assumeRole({ roleArn: ROLE, bogus: 1 } as never)).toThrow(/no option 'bogus'\. Its options/);
  });

  it('never shows an unknown key that may be a secret pasted in the wrong place, only its length', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYzzSECRETzz';
    // An access key id glued to a word (`keyAKIA…`) reads like an option name, yet is a key id all the same.
    for (const key of [
      secret,
      'wJalrXUtnFEMIK7MDENGbPxRfiCYzzSECRETzzAB',
      'AKIAIOSFODNN7EXAMPLE',
      'keyAKIAIOSFODNN7EXAMPLE',
      'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
    ]) {
      let message = '';
      try {
        assumeRole({ roleArn: ROLE, [key]: 'x' } as never);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain(`no option (a key of ${key.length} characters, not shown)`);
      expect(message).not.toContain(key.slice(0, 12));
      expect(message).not.toContain('AKIAIOSFODNN');
    }
  });

  it('is told apart from keyedCredentials and plain credentials with similar values', () => {
    const factory = createClientFactory({ defaultRegion: local.region });
    const assumed = factory.getClient(sts, { credentials: assumeRole({ roleArn: ROLE }) });
    const keyed = factory.getClient(sts, { credentials: keyedCredentials(ROLE, async () => ({ ...local.credentials })) });
    expect(keyed).not.toBe(assumed);
    void factory.dispose();
  });

  it("a keyedCredentials() key that spells a role's own key (a tenant id as the key) gets neither that role's client nor gives the role its provider", async () => {
    // The key string this package gives the factory for assumeRole({ roleArn: ROLE }) with the default chain as its source.
    const roleKey = `@dbp/aws-sts:${JSON.stringify(['assumeRole', ROLE, null, null, null, null, null, null, null, null])}`;
    const forged = async () => ({ accessKeyId: 'AKIAFORGEDFORGED0001', secretAccessKey: 'forged' });
    const factory = createClientFactory({ defaultRegion: local.region });
    const assumed = factory.getClient(sts, { credentials: assumeRole({ roleArn: ROLE }) });
    const keyed = factory.getClient(sts, { credentials: keyedCredentials(roleKey, forged) });
    expect(keyed).not.toBe(assumed);
    expect((await keyed.config.credentials()).accessKeyId).toBe('AKIAFORGEDFORGED0001');
    await factory.dispose();
    // The other order: the forged key first, then the role.
    const other = createClientFactory({ defaultRegion: local.region });
    const keyedFirst = other.getClient(sts, { credentials: keyedCredentials(roleKey, forged) });
    expect(other.getClient(sts, { credentials: assumeRole({ roleArn: ROLE }) })).not.toBe(keyedFirst);
    await other.dispose();
  });
});
