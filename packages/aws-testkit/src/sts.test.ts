import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  ExpiredTokenException,
  GetCallerIdentityCommand,
  InvalidIdentityTokenException,
  STSClient,
} from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fastRetries, rejection } from '../test/helpers.js';
import { type LocalAws, startLocalAws } from './index.js';

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined };

const ROLE = 'arn:aws:iam::111122223333:role/app/worker';
const OTHER_ROLE = 'arn:aws:iam::444455556666:role/reader';

let local: LocalAws;

function sts(credentials: Creds = local.credentials, extra: Record<string, unknown> = {}): STSClient {
  return new STSClient({ region: local.region, credentials, ...local.clientOptions('sts').config, maxAttempts: 1, ...extra });
}

async function send<T>(client: STSClient, command: unknown): Promise<T> {
  try {
    return (await client.send(command as never)) as T;
  } finally {
    client.destroy();
  }
}

async function assume(credentials: Creds = local.credentials, input: Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]> = {}) {
  const out = await send<import('@aws-sdk/client-sts').AssumeRoleCommandOutput>(
    sts(credentials),
    new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'session-1', ...input }),
  );
  const c = out.Credentials!;
  return { out, creds: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } };
}

const whoAmI = (credentials: Creds) => send<import('@aws-sdk/client-sts').GetCallerIdentityCommandOutput>(sts(credentials), new GetCallerIdentityCommand({}));

beforeAll(async () => {
  local = await startLocalAws({ services: ['sts', 'sqs'] });
});

afterAll(async () => {
  await local?.stop();
});

beforeEach(() => {
  local.faults.clear();
});

describe('AssumeRole', () => {
  it('issues temporary credentials of the real shape, for DurationSeconds', async () => {
    const before = Date.now();
    const { out, creds } = await assume(local.credentials, { DurationSeconds: 1800 });
    const after = Date.now();
    expect(creds.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(creds.secretAccessKey).toHaveLength(40);
    expect(creds.sessionToken.length).toBeGreaterThan(100);
    const expiration = out.Credentials!.Expiration!.getTime();
    expect(expiration).toBeGreaterThanOrEqual(before + 1_800_000);
    expect(expiration).toBeLessThanOrEqual(after + 1_800_000);
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::111122223333:assumed-role/worker/session-1');
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:session-1$/);
    expect(out.PackedPolicySize).toBeUndefined();
    expect(local.sts.issued().at(-1)).toMatchObject({
      accessKeyId: creds.accessKeyId,
      roleArn: ROLE,
      sessionName: 'session-1',
      sourceAccessKeyId: local.credentials.accessKeyId,
    });
  });

  it('reports PackedPolicySize when a session policy or tags are given', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    const { out } = await assume(local.credentials, { Policy: policy, Tags: [{ Key: 'tenant', Value: 'a' }] });
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    expect(out.PackedPolicySize).toBeLessThanOrEqual(100);
    const err = await rejection(assume(local.credentials, { Policy: '{not json' }));
    expect(err.name).toBe('MalformedPolicyDocumentException');
  });

  it('answers GetCallerIdentity with the signer: a user for the long-term key, the assumed role for temporary credentials', async () => {
    const me = await whoAmI(local.credentials);
    expect(me).toMatchObject({ Account: '000000000000', Arn: `arn:aws:iam::000000000000:user/${local.credentials.accessKeyId}` });
    const { creds, out } = await assume();
    local.requests.reset();
    const them = await whoAmI(creds);
    expect(them).toMatchObject({ Account: '111122223333', Arn: out.AssumedRoleUser!.Arn, UserId: out.AssumedRoleUser!.AssumedRoleId });
    expect(local.requests.entries('sts')).toMatchObject([
      { operation: 'GetCallerIdentity', status: 200, accessKeyId: creds.accessKeyId, signatureValid: true },
    ]);
  });

  it('chains roles: temporary credentials assume another role, for at most an hour', async () => {
    const { creds: first } = await assume();
    const { creds: second, out } = await assume(first, { RoleArn: OTHER_ROLE, RoleSessionName: 'chained' });
    expect((await whoAmI(second)).Arn).toBe('arn:aws:sts::444455556666:assumed-role/reader/chained');
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::444455556666:assumed-role/reader/chained');
    expect(local.sts.issued().at(-1)?.sourceAccessKeyId).toBe(first.accessKeyId);
    const err = await rejection(assume(first, { RoleArn: OTHER_ROLE, DurationSeconds: 7200 }));
    expect(err.name).toBe('ValidationError');
    expect(err.message).toBe('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  });

  it('answers malformed input with ValidationError (400)', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ RoleArn: 'arn:aws:iam::12:role/too-short-account' }, 'Request ARN is invalid'],
      [{ RoleArn: 'short' }, "Value 'short' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20"],
      [{ DurationSeconds: 60 }, "Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"],
      [{ DurationSeconds: 7200 }, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'],
      [{ RoleSessionName: 'has space' }, "Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern"],
    ];
    for (const [input, message] of cases) {
      const err = await rejection(assume(local.credentials, input));
      expect(err.name, JSON.stringify(input)).toBe('ValidationError');
      expect(err.$metadata?.httpStatusCode).toBe(400);
      expect(err.message).toContain(message);
    }
  });
});

describe('defined roles', () => {
  const guarded = 'arn:aws:iam::111122223333:role/guarded';

  afterAll(() => local.sts.removeRole(guarded));

  it('requires the ExternalId a role names: AccessDenied (403) otherwise', async () => {
    local.sts.defineRole({ arn: guarded, externalId: 'tenant-a-external' });
    for (const ExternalId of [undefined, 'wrong-one']) {
      const err = await rejection(assume(local.credentials, { RoleArn: guarded, ...(ExternalId ? { ExternalId } : {}) }));
      expect(err.name).toBe('AccessDenied');
      expect(err.$metadata?.httpStatusCode).toBe(403);
      expect(err.message).toBe(
        `User: arn:aws:iam::000000000000:user/${local.credentials.accessKeyId} is not authorized to perform: sts:AssumeRole on resource: ${guarded}`,
      );
    }
    await assume(local.credentials, { RoleArn: guarded, ExternalId: 'tenant-a-external' });
  });

  it('trusts only the callers a role names: keys, or any session of a role', async () => {
    const tenant = { accessKeyId: 'AKIATENANTB000000000', secretAccessKey: 'tenant-b-secret-tenant-b-secret-tenant-b' };
    local.addCredentials(tenant);
    local.sts.defineRole({ arn: guarded, trustedCallers: [local.credentials.accessKeyId, ROLE] });
    await assume(local.credentials, { RoleArn: guarded });
    const err = await rejection(assume(tenant, { RoleArn: guarded }));
    expect(err.name).toBe('AccessDenied');
    expect(err.message).toContain(`User: arn:aws:iam::000000000000:user/${tenant.accessKeyId} is not authorized`);
    // A session of ROLE is trusted (role chaining), whoever started it.
    const { creds } = await assume(tenant, { RoleArn: ROLE });
    await assume(creds, { RoleArn: guarded });
    const other = await assume(tenant, { RoleArn: OTHER_ROLE });
    expect((await rejection(assume(other.creds, { RoleArn: guarded }))).name).toBe('AccessDenied');
  });

  it('validates role definitions', () => {
    expect(() => local.sts.defineRole({ arn: 'role/nope' })).toThrow(/role ARN/);
    expect(() => local.sts.defineRole({ arn: guarded, maxSessionDurationSeconds: 10 })).toThrow(/900 to 43200/);
    expect(() => local.sts.setCredentialLifetime(0)).toThrow(TypeError);
  });
});

describe('AssumeRoleWithWebIdentity', () => {
  const webRole = 'arn:aws:iam::111122223333:role/irsa';
  const webIdentity = (token: string, extra: Record<string, unknown> = {}) =>
    send<import('@aws-sdk/client-sts').AssumeRoleWithWebIdentityCommandOutput>(
      sts(),
      new AssumeRoleWithWebIdentityCommand({ RoleArn: webRole, RoleSessionName: 'pod', WebIdentityToken: token, ...extra }),
    );

  it('is served unsigned and returns the subject, audience and provider of the token', async () => {
    const token = local.sts.createWebIdentityToken({ sub: 'system:serviceaccount:ns:sa', aud: 'sts.amazonaws.com', iss: 'https://oidc.example.test/id/ABC' });
    local.requests.reset();
    const out = await webIdentity(token);
    expect(out).toMatchObject({
      SubjectFromWebIdentityToken: 'system:serviceaccount:ns:sa',
      Audience: 'sts.amazonaws.com',
      Provider: 'arn:aws:iam::111122223333:oidc-provider/oidc.example.test/id/ABC',
      AssumedRoleUser: { Arn: 'arn:aws:sts::111122223333:assumed-role/irsa/pod' },
    });
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(local.requests.entries('sts')).toMatchObject([{ operation: 'AssumeRoleWithWebIdentity', status: 200, accessKeyId: undefined }]);
    const creds = {
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    };
    expect((await whoAmI(creds)).Arn).toBe('arn:aws:sts::111122223333:assumed-role/irsa/pod');
  });

  it('lets a test rotate the token: both accepted, then the old one refused', async () => {
    const old = local.sts.createWebIdentityToken();
    const rotated = local.sts.createWebIdentityToken();
    expect(rotated).not.toBe(old);
    local.sts.allowWebIdentityToken(old);
    local.sts.allowWebIdentityToken(rotated);
    try {
      await webIdentity(old);
      await webIdentity(rotated);
      const stranger = await rejection(webIdentity(local.sts.createWebIdentityToken()));
      expect(stranger).toBeInstanceOf(InvalidIdentityTokenException);
      local.sts.revokeWebIdentityToken(old);
      const refused = await rejection(webIdentity(old));
      expect(refused).toBeInstanceOf(InvalidIdentityTokenException);
      expect(refused.$metadata?.httpStatusCode).toBe(400);
      await webIdentity(rotated);
    } finally {
      local.sts.revokeWebIdentityToken(rotated);
    }
  });

  it('refuses expired and malformed tokens, and tokens a role does not accept', async () => {
    const expired = local.sts.createWebIdentityToken({ expiresInSeconds: -60 });
    const good = local.sts.createWebIdentityToken({ sub: 'trusted' });
    const err = await rejection(webIdentity(expired));
    expect(err).toBeInstanceOf(ExpiredTokenException);
    expect(err.message).toMatch(/^Token expired: current date\/time \d+ must be before the expiration date\/time \d+$/);
    expect(await rejection(webIdentity('not-a-jwt'))).toBeInstanceOf(InvalidIdentityTokenException);
    local.sts.defineRole({ arn: webRole, webIdentityTokens: (_token, claims) => claims.sub === 'someone-else' });
    try {
      const denied = await rejection(webIdentity(good));
      expect(denied.name).toBe('AccessDenied');
      expect(denied.$metadata?.httpStatusCode).toBe(403);
      local.sts.defineRole({ arn: webRole, webIdentityTokens: [good] });
      await webIdentity(good);
    } finally {
      local.sts.removeRole(webRole);
    }
  });
});

describe('STS faults and auth errors', () => {
  it('throttles with Throttling (400), retried by the SDK, with x-amz-retry-after', async () => {
    local.requests.reset();
    local.faults.inject('sts', { kind: 'throttle', count: 2 }, { operation: 'AssumeRole' });
    await send(sts(local.credentials, fastRetries(3)), new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'throttled' }));
    expect(local.requests.count('sts', { operation: 'AssumeRole', status: 400 })).toBe(2);
    expect(local.requests.count('sts', { operation: 'AssumeRole', status: 200 })).toBe(1);
    local.faults.inject('sts', { kind: 'throttle', retryAfterMs: 1234 });
    const err = await rejection(whoAmI(local.credentials));
    expect(err.name).toBe('Throttling');
    expect((err as { $response?: { headers: Record<string, string> } }).$response?.headers['x-amz-retry-after']).toBe('1234');
  });

  it('answers a wrong secret, an unknown key and a missing signature the STS way', async () => {
    const bad = await rejection(whoAmI({ accessKeyId: local.credentials.accessKeyId, secretAccessKey: 'wrong' }));
    expect([bad.name, bad.$metadata?.httpStatusCode]).toEqual(['SignatureDoesNotMatch', 403]);
    const unknown = await rejection(whoAmI({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' }));
    expect([unknown.name, unknown.$metadata?.httpStatusCode]).toEqual(['InvalidClientTokenId', 403]);
    const unsigned = await fetch(local.endpoints.sts, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });
});
