import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { AwsCredentialError, createClientFactory, getClientFactory } from '@dbp/aws-core';
import type { LocalAws } from '@dbp/aws-testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { everythingShown, startLocalSts } from '../test/localSts.js';
import { assumeRoleWithWebIdentity, sts } from './index.js';

let local: LocalAws & { stopSts(): Promise<void> };
let dir: string;
const ROLE = 'arn:aws:iam::111122223333:role/eks-app';

beforeAll(async () => {
  local = await startLocalSts();
  dir = mkdtempSync(join(tmpdir(), 'dbp-sts-token-'));
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await local.stopSts();
});

afterEach(() => {
  local.requests.reset();
});

const webIdentityCalls = (status?: number) => local.requests.count('sts', { operation: 'AssumeRoleWithWebIdentity', status });
const whoAmI = async (client: STSClient) => (await client.send(new GetCallerIdentityCommand({}))).Arn;

describe('assumeRoleWithWebIdentity', () => {
  it('sends the call unsigned, once for many callers, and signs with what it got', async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    const token = local.sts.createWebIdentityToken({ sub: 'system:serviceaccount:apps:web' });
    local.sts.allowWebIdentityToken(token);
    const perCall = () => assumeRoleWithWebIdentity({ roleArn: ROLE, webIdentityToken: token, roleSessionName: 'web' });
    expect(perCall()).toBe(perCall());
    const clients = Array.from({ length: 20 }, () => factory.getClient(sts, { credentials: perCall() }));
    expect(new Set(clients).size).toBe(1);
    const arns = await Promise.all(clients.map(whoAmI));
    expect(new Set(arns)).toEqual(new Set(['arn:aws:sts::111122223333:assumed-role/eks-app/web']));
    expect(webIdentityCalls(200)).toBe(1);
    const [call] = local.requests.entries('sts').filter((entry) => entry.operation === 'AssumeRoleWithWebIdentity');
    expect(call?.accessKeyId).toBeUndefined();
    const issued = local.sts.issued().at(-1);
    expect(issued).toMatchObject({ roleArn: ROLE, sourceAccessKeyId: undefined });
    expect(local.requests.count('sts', { operation: 'GetCallerIdentity', accessKeyId: issued?.accessKeyId, status: 200 })).toBe(20);
  });

  it('keys the token by value: another token is another source, the same token text the same', () => {
    const factory = createClientFactory({ defaultRegion: local.region });
    const one = local.sts.createWebIdentityToken({ sub: 'one' });
    const two = local.sts.createWebIdentityToken({ sub: 'two' });
    const client = (token: string) => factory.getClient(sts, { credentials: assumeRoleWithWebIdentity({ roleArn: ROLE, webIdentityToken: token }) });
    expect(client(one)).not.toBe(client(two));
    expect(client(`${one}`.slice(0))).toBe(client(one));
    expect(client(one)).not.toBe(factory.getClient(sts, { credentials: assumeRoleWithWebIdentity({ roleArn: ROLE, webIdentityTokenFile: join(dir, 'x') }) }));
    void factory.dispose();
  });

  it('gives credentials with their expiration and account id', async () => {
    const token = local.sts.createWebIdentityToken();
    local.sts.allowWebIdentityToken(token);
    try {
      // Called directly, outside a factory: the process-wide factory serves its STS client.
      const credentials = await assumeRoleWithWebIdentity({
        roleArn: 'arn:aws:iam::777788889999:role/oidc',
        webIdentityToken: token,
        durationSeconds: 900,
        region: local.region,
      })();
      expect(credentials).toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/), accountId: '777788889999', expiration: expect.any(Date) });
    } finally {
      await getClientFactory().dispose();
    }
  });

  it('reads a rotated token file at the next refresh, with no request failing', async () => {
    const rotating = 'arn:aws:iam::111122223333:role/rotating';
    // Short-lived credentials, refreshed in the background from 2.5 s before expiry: the first refresh is due at once.
    local.sts.defineRole({ arn: rotating, credentialLifetimeSeconds: 3 });
    const file = join(dir, 'token');
    const first = local.sts.createWebIdentityToken({ sub: 'first' });
    const second = local.sts.createWebIdentityToken({ sub: 'second' });
    local.sts.allowWebIdentityToken(first);
    writeFileSync(file, `${first}\n`);
    try {
      await using factory = createClientFactory({ defaultRegion: local.region });
      const client = () =>
        factory.getClient(sts, { credentials: assumeRoleWithWebIdentity({ roleArn: rotating, webIdentityTokenFile: file, refreshWindowMs: 2_500 }) });
      expect(await whoAmI(client())).toMatch(/assumed-role\/rotating\//);
      // Rotate as EKS does: the new token in the file, the old one no longer accepted.
      writeFileSync(file, second);
      local.sts.allowWebIdentityToken(second);
      local.sts.revokeWebIdentityToken(first);
      let requests = 0;
      for (let i = 0; i < 200 && webIdentityCalls(200) < 2; i++) {
        await whoAmI(client());
        requests++;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(requests).toBeGreaterThan(0);
      // The refresh used the new token (the old one would have been refused), and nothing failed.
      expect(webIdentityCalls(200)).toBe(2);
      expect(local.requests.entries('sts').filter((entry) => entry.status !== 200)).toEqual([]);
    } finally {
      local.sts.removeRole(rotating);
    }
  });

  it('names the role and what to check when the token is refused, never the token', async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    const token = local.sts.createWebIdentityToken({ sub: 'revoked' });
    local.sts.revokeWebIdentityToken(token);
    const error = await whoAmI(factory.getClient(sts, { credentials: assumeRoleWithWebIdentity({ roleArn: ROLE, webIdentityToken: token }) })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AwsCredentialError);
    expect(error).toMatchObject({ code: 'ASSUME_ROLE_FAILED', cause: { name: 'InvalidIdentityTokenException' } });
    expect((error as Error).message).toContain(ROLE);
    expect((error as Error).message).toMatch(/audience \(aud\)/);
    expect((error as Error).message).toMatch(/OIDC/);
    expect(everythingShown(error)).not.toContain(token);
  });

  it('says an expired token is expired', async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    const token = local.sts.createWebIdentityToken({ expiresInSeconds: -60 });
    local.sts.allowWebIdentityToken(token);
    const error = await whoAmI(factory.getClient(sts, { credentials: assumeRoleWithWebIdentity({ roleArn: ROLE, webIdentityToken: token }) })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'ASSUME_ROLE_FAILED', cause: { name: 'ExpiredTokenException' } });
    expect((error as Error).message).toMatch(/token has expired/);
    expect(everythingShown(error)).not.toContain(token);
  });

  it('names a token file it cannot read', async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    const missing = join(dir, 'missing-token');
    const error = await whoAmI(factory.getClient(sts, { credentials: assumeRoleWithWebIdentity({ roleArn: ROLE, webIdentityTokenFile: missing }) })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'ASSUME_ROLE_FAILED', message: expect.stringContaining(missing) });
    expect((error as Error).message).toMatch(/ENOENT/);
    expect(webIdentityCalls()).toBe(0);
  });

  it.each([
    ['neither a token nor a file', { roleArn: ROLE }, /exactly one of webIdentityToken .* and webIdentityTokenFile/],
    ['both a token and a file', { roleArn: ROLE, webIdentityToken: 'a.b.c', webIdentityTokenFile: '/t' }, /exactly one of/],
    ['a token with whitespace', { roleArn: ROLE, webIdentityToken: 'a.b.c\n' }, /webIdentityToken must be the token itself, with no whitespace/],
    ['an option of assumeRole', { roleArn: ROLE, webIdentityToken: 'a.b.c', externalId: 'x' }, /no option 'externalId'/],
    ['a malformed role ARN', { roleArn: 'role/app', webIdentityToken: 'a.b.c' }, /roleArn must be an IAM role ARN/],
  ])('refuses %s at once with a typed error', (_, options, message) => {
    let error: unknown;
    try {
      assumeRoleWithWebIdentity(options as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      name: 'AwsCredentialError',
      code: 'INVALID_CREDENTIALS',
      message: expect.stringMatching(/^assumeRoleWithWebIdentity\(\): /),
    });
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('a.b.c');
  });
});
