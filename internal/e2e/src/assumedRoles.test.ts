/**
 * Assumed roles end to end: `assumeRole()` / `assumeRoleWithWebIdentity()`
 * from `@dbp/aws-sts` as the credentials of the five service packages,
 * through one factory, with the real SDK clients, signing and retries
 * against the testkit, whose STS issues temporary credentials that every
 * local service checks (key, session token, expiry). The request log says
 * which key signed each request; `local.sts.issued()` says which role each
 * key belongs to.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListQueryExecutionsCommand } from '@aws-sdk/client-athena';
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { ListEndpointsCommand } from '@aws-sdk/client-sagemaker';
import { athena } from '@dbp/aws-athena';
import { bedrockRuntime } from '@dbp/aws-bedrock';
import { type AwsClientFactory, type AwsCredentialProvider, createClientFactory } from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { s3 } from '@dbp/aws-s3';
import { sagemaker } from '@dbp/aws-sagemaker';
import { assumeRole, assumeRoleWithWebIdentity } from '@dbp/aws-sts';
import { type LocalAws, type LocalServiceName, startLocalAws } from '@dbp/aws-testkit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localAwsWithLocalSts } from './helpers.js';

let local: LocalAws;

/** One cheap request per service package, through the factory. */
const SERVICES: { id: LocalServiceName; send: (factory: AwsClientFactory, credentials: AwsCredentialProvider) => Promise<unknown> }[] = [
  { id: 's3', send: (f, credentials) => f.getClient(s3, { credentials, config: local.clientOptions('s3').config }).send(new ListBucketsCommand({})) },
  {
    id: 'dynamodb',
    send: (f, credentials) => f.getClient(dynamodb, { credentials, config: local.clientOptions('dynamodb').config }).send(new ListTablesCommand({})),
  },
  {
    id: 'bedrock-runtime',
    send: (f, credentials) =>
      f
        .getClient(bedrockRuntime, { credentials, config: local.clientOptions('bedrock-runtime').config })
        .send(new ConverseCommand({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', messages: [{ role: 'user', content: [{ text: 'hi' }] }] })),
  },
  {
    id: 'sagemaker',
    send: (f, credentials) => f.getClient(sagemaker, { credentials, config: local.clientOptions('sagemaker').config }).send(new ListEndpointsCommand({})),
  },
  {
    id: 'athena',
    send: (f, credentials) => f.getClient(athena, { credentials, config: local.clientOptions('athena').config }).send(new ListQueryExecutionsCommand({})),
  },
];
const SERVICE_IDS = SERVICES.map((service) => service.id);

localAwsWithLocalSts(
  () => startLocalAws(),
  (started) => {
    local = started;
  },
);

afterEach(() => {
  local.faults.clear();
  local.requests.reset();
});

/** Fresh per call, as a request handler would build it. */
const source = () => ({ accessKeyId: local.credentials.accessKeyId, secretAccessKey: local.credentials.secretAccessKey });
const stsCalls = (operation: string, status?: number) => local.requests.count('sts', { operation, status });
/** The requests the five services received, with the key that signed each. */
const serviceRequests = () => SERVICE_IDS.flatMap((id) => local.requests.entries(id));
const issuedFor = (roleArn: string, since = 0) =>
  local.sts
    .issued()
    .slice(since)
    .filter((set) => set.roleArn === roleArn);

describe('one role, five services, many callers', () => {
  it('calls AssumeRole exactly once for 5 services × 50 concurrent callers building assumeRole() per request', async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    const role = 'arn:aws:iam::111122223333:role/shared';
    const since = local.sts.issued().length;
    const requests = SERVICES.flatMap((service) =>
      Array.from({ length: 50 }, () => service.send(factory, assumeRole({ roleArn: role, roleSessionName: 'shared', source: source() }))),
    );
    const outcomes = await Promise.allSettled(requests);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(stsCalls('AssumeRole')).toBe(1);
    const [issued] = issuedFor(role, since);
    for (const id of SERVICE_IDS) expect(local.requests.count(id, { accessKeyId: issued?.accessKeyId, status: 200 }), id).toBe(50);
    expect(serviceRequests().every((entry) => entry.signatureValid === true)).toBe(true);
    // Five service clients and the one STS client that assumed the role.
    expect(factory.stats()).toMatchObject({ clients: 6, misses: 6 });
  });
});

describe('an assumeRole() source used outside a factory', () => {
  it('called by the caller or given to a plain SDK client, assumes the role once, shared by concurrent calls', async () => {
    const role = 'arn:aws:iam::111122223333:role/direct';
    const credentials = assumeRole({ roleArn: role, roleSessionName: 'direct', source: source(), stsConfig: local.clientOptions('sts').config });
    const since = local.sts.issued().length;
    const [first, second] = await Promise.all([credentials(), credentials()]);
    expect(await credentials()).toMatchObject({ accessKeyId: first.accessKeyId });
    expect(second.accessKeyId).toBe(first.accessKeyId);
    // A plain client given the same source signs with those credentials, without another AssumeRole.
    const plain = new S3Client({ ...local.clientOptions('s3').config, region: local.region, credentials });
    await plain.send(new ListBucketsCommand({}));
    plain.destroy();
    expect(issuedFor(role, since)).toHaveLength(1);
    expect(local.requests.count('s3', { accessKeyId: first.accessKeyId, status: 200 })).toBe(1);
  });
});

describe('a tenant whose client stays cached while other tenants come and go (maxClients)', () => {
  it('a second service for it reuses its credentials: one AssumeRole, however many other tenants passed through', async () => {
    await using factory = createClientFactory({ defaultRegion: local.region, maxClients: 4 });
    const role = (tenant: string) =>
      assumeRole({ roleArn: `arn:aws:iam::111122223333:role/hot-${tenant}`, roleSessionName: `tenant-${tenant}`, source: source() });
    const s3Of = (tenant: string) => factory.getClient(s3, { credentials: role(tenant), config: local.clientOptions('s3').config });
    const hot = s3Of('hot');
    await hot.send(new ListBucketsCommand({}));
    for (const tenant of ['b', 'c', 'd', 'e']) {
      // The hot tenant's client is hit between the others, so it stays cached (least recently used goes first).
      expect(s3Of('hot')).toBe(hot);
      await s3Of(tenant).send(new ListBucketsCommand({}));
    }
    expect(s3Of('hot')).toBe(hot);
    await factory.getClient(dynamodb, { credentials: role('hot'), config: local.clientOptions('dynamodb').config }).send(new ListTablesCommand({}));
    // Before, the credential session of 'hot' fell out of its map (touched only when a client was
    // made) while its client stayed: the DynamoDB client assumed the role again.
    expect(issuedFor('arn:aws:iam::111122223333:role/hot-hot')).toHaveLength(1);
    const [issued] = issuedFor('arn:aws:iam::111122223333:role/hot-hot');
    expect(local.requests.count('dynamodb', { accessKeyId: issued?.accessKeyId, status: 200 })).toBe(1);
  });
});

describe('tenants taking turns beyond maxClients', () => {
  // Review 11: an evicted client took its tenant's credentials with it (sessions were bounded by
  // maxClients), so every request of tenants taking turns made an AssumeRole.
  it('get new clients but keep their credentials: one AssumeRole per role over three rounds', async () => {
    await using factory = createClientFactory({ defaultRegion: local.region, maxClients: 3 });
    const roles = Array.from({ length: 6 }, (_, i) => `arn:aws:iam::111122223333:role/turns-${i}`);
    const since = local.sts.issued().length;
    for (let round = 0; round < 3; round++) {
      for (const roleArn of roles) {
        await factory
          .getClient(s3, { credentials: assumeRole({ roleArn, roleSessionName: 'turns', source: source() }), config: local.clientOptions('s3').config })
          .send(new ListBucketsCommand({}));
      }
    }
    for (const roleArn of roles) expect(issuedFor(roleArn, since), roleArn).toHaveLength(1);
    expect(local.requests.count('s3', { operation: 'ListBuckets', status: 200 })).toBe(18);
    expect(factory.stats().evictions).toBeGreaterThan(0);
  });
});

describe('tenants', () => {
  const tenants = [
    {
      name: 'a',
      role: 'arn:aws:iam::111111111111:role/tenant-a',
      externalId: 'tenant-a-external',
      key: { accessKeyId: 'AKIDTENANTSOURCEAAAA', secretAccessKey: 'tenant-a-source-secret-00000000000000000' },
    },
    {
      name: 'b',
      role: 'arn:aws:iam::222222222222:role/tenant-b',
      externalId: 'tenant-b-external',
      key: { accessKeyId: 'AKIDTENANTSOURCEBBBB', secretAccessKey: 'tenant-b-source-secret-11111111111111111' },
    },
  ];

  beforeAll(() => {
    for (const tenant of tenants) {
      local.addCredentials(tenant.key);
      // Each role trusts only its tenant's key, and only with its external id.
      local.sts.defineRole({ arn: tenant.role, externalId: tenant.externalId, trustedCallers: [tenant.key.accessKeyId] });
    }
  });

  it("signs every request with its own tenant's temporary key", async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    const since = local.sts.issued().length;
    const credentialsOf = (tenant: (typeof tenants)[number]) =>
      assumeRole({ roleArn: tenant.role, externalId: tenant.externalId, roleSessionName: `tenant-${tenant.name}`, source: { ...tenant.key } });
    // Interleaved: each tenant sends 4 requests to every service, all at once.
    const sent: string[] = [];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const tenant = tenants[i % 2]!;
        const service = SERVICES[Math.floor(i / 2) % SERVICES.length]!;
        sent.push(tenant.name);
        return service.send(factory, credentialsOf(tenant));
      }),
    );
    expect(stsCalls('AssumeRole', 200)).toBe(2);
    for (const tenant of tenants) {
      const [issued, ...more] = issuedFor(tenant.role, since);
      expect(more).toEqual([]);
      // Assumed with the tenant's own long-term key…
      expect(issued?.sourceAccessKeyId).toBe(tenant.key.accessKeyId);
      // …and every request of the tenant signed with what it got: 4 per service, 20 in all.
      for (const id of SERVICE_IDS) expect(local.requests.count(id, { accessKeyId: issued?.accessKeyId, status: 200 }), `${tenant.name} ${id}`).toBe(4);
    }
    expect(serviceRequests()).toHaveLength(40);
    expect(sent.filter((name) => name === 'a')).toHaveLength(20);
  });

  it("refuses a tenant's role to the other tenant's key, naming the role", async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    const [a, b] = tenants;
    const crossed = assumeRole({ roleArn: a!.role, externalId: a!.externalId, source: { ...b!.key } });
    await expect(SERVICES[0]!.send(factory, crossed)).rejects.toMatchObject({
      name: 'AwsCredentialError',
      code: 'ASSUME_ROLE_FAILED',
      message: expect.stringContaining(a!.role),
    });
    expect(serviceRequests()).toEqual([]);
  });
});

describe('refresh ahead of expiry', () => {
  it('refreshes short-lived credentials before they expire; no request fails or is signed with expired ones', async () => {
    const role = 'arn:aws:iam::333333333333:role/short-lived';
    // 3 s credentials, refreshed from 2 s before they expire: a refresh is due 1 s after each issue.
    local.sts.defineRole({ arn: role, credentialLifetimeSeconds: 3 });
    const since = local.sts.issued().length;
    try {
      await using factory = createClientFactory({ defaultRegion: local.region });
      const credentials = () => assumeRole({ roleArn: role, refreshWindowMs: 2_000, source: source() });
      let sent = 0;
      // Bounded: until three sets were issued (two refreshes), at most 400 rounds.
      for (let round = 0; round < 400 && issuedFor(role, since).length < 3; round++) {
        await Promise.all([SERVICES[0]!.send(factory, credentials()), SERVICES[1]!.send(factory, credentials())]);
        sent += 2;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const issued = issuedFor(role, since);
      expect(issued.length).toBeGreaterThanOrEqual(3);
      // Every AssumeRole after the first went out while the set before it was still valid.
      const assumes = local.requests.entries('sts').filter((entry) => entry.operation === 'AssumeRole');
      expect(assumes.every((entry) => entry.status === 200)).toBe(true);
      for (let i = 1; i < issued.length; i++) expect(assumes[i]!.at).toBeLessThan(issued[i - 1]!.expiration.getTime());
      // No request failed, and each was signed with a set that was valid when it arrived.
      const requests = serviceRequests();
      expect(requests).toHaveLength(sent);
      expect(requests.filter((entry) => entry.status !== 200)).toEqual([]);
      const expiryOf = new Map(issued.map((set) => [set.accessKeyId, set.expiration.getTime()]));
      for (const entry of requests) expect(entry.at).toBeLessThan(expiryOf.get(entry.accessKeyId!) ?? 0);
      // Requests were signed with more than one set: the refreshed credentials were used.
      expect(new Set(requests.map((entry) => entry.accessKeyId)).size).toBeGreaterThanOrEqual(2);
    } finally {
      local.sts.removeRole(role);
    }
  });
});

describe('STS trouble', () => {
  it('absorbs STS throttling in the STS client’s own retries', async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    local.faults.inject('sts', { kind: 'throttle', count: 2 }, { operation: 'AssumeRole' });
    const credentials = () => assumeRole({ roleArn: 'arn:aws:iam::444444444444:role/throttled', source: source() });
    const outcomes = await Promise.allSettled(SERVICES.map((service) => service.send(factory, credentials())));
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(stsCalls('AssumeRole', 400)).toBe(2);
    expect(stsCalls('AssumeRole', 200)).toBe(1);
    expect(serviceRequests().every((entry) => entry.status === 200 && entry.accessKeyId?.startsWith('ASIA'))).toBe(true);
  });
});

describe('chained roles', () => {
  it('assumes the target with the hub role’s credentials, and signs every service with the target’s', async () => {
    const hub = 'arn:aws:iam::555555555555:role/hub';
    const target = 'arn:aws:iam::666666666666:role/workload';
    local.sts.defineRole({ arn: hub, trustedCallers: [local.credentials.accessKeyId] });
    local.sts.defineRole({ arn: target, trustedCallers: [hub] });
    const since = local.sts.issued().length;
    try {
      await using factory = createClientFactory({ defaultRegion: local.region });
      const chained = () => assumeRole({ roleArn: target, source: assumeRole({ roleArn: hub, source: source() }) });
      await Promise.all(SERVICES.flatMap((service) => [service.send(factory, chained()), service.send(factory, chained())]));
      const [hubSet] = issuedFor(hub, since);
      const [targetSet, ...more] = issuedFor(target, since);
      expect(more).toEqual([]);
      expect(hubSet?.sourceAccessKeyId).toBe(local.credentials.accessKeyId);
      expect(targetSet?.sourceAccessKeyId).toBe(hubSet?.accessKeyId);
      expect(stsCalls('AssumeRole')).toBe(2);
      expect(serviceRequests().map((entry) => entry.accessKeyId)).toEqual(Array(10).fill(targetSet?.accessKeyId));
    } finally {
      local.sts.removeRole(hub);
      local.sts.removeRole(target);
    }
  });
});

describe('web identity', () => {
  it('reads a rotated token file at the refresh, and every service keeps working', async () => {
    const role = 'arn:aws:iam::777777777777:role/irsa';
    local.sts.defineRole({ arn: role, credentialLifetimeSeconds: 3 });
    const dir = mkdtempSync(join(tmpdir(), 'dbp-e2e-token-'));
    const file = join(dir, 'token');
    const first = local.sts.createWebIdentityToken({ sub: 'system:serviceaccount:apps:first' });
    const second = local.sts.createWebIdentityToken({ sub: 'system:serviceaccount:apps:second' });
    local.sts.allowWebIdentityToken(first);
    writeFileSync(file, first);
    const since = local.sts.issued().length;
    try {
      await using factory = createClientFactory({ defaultRegion: local.region });
      const credentials = () => assumeRoleWithWebIdentity({ roleArn: role, webIdentityTokenFile: file, refreshWindowMs: 2_000 });
      await Promise.all(SERVICES.map((service) => service.send(factory, credentials())));
      expect(stsCalls('AssumeRoleWithWebIdentity', 200)).toBe(1);
      // Rotate as EKS does: a new token in the file; the old one refused from now on.
      writeFileSync(file, second);
      local.sts.allowWebIdentityToken(second);
      local.sts.revokeWebIdentityToken(first);
      for (let round = 0; round < 400 && issuedFor(role, since).length < 2; round++) {
        await Promise.all(SERVICES.map((service) => service.send(factory, credentials())));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // The refresh succeeded, so it sent the new token; nothing failed; the call was never signed.
      expect(stsCalls('AssumeRoleWithWebIdentity', 200)).toBe(2);
      expect(local.requests.entries('sts').filter((entry) => entry.status !== 200)).toEqual([]);
      expect(local.requests.entries('sts').map((entry) => entry.accessKeyId)).toEqual([undefined, undefined]);
      expect(serviceRequests().filter((entry) => entry.status !== 200)).toEqual([]);
      const issuedKeys = new Set(issuedFor(role, since).map((set) => set.accessKeyId));
      expect(serviceRequests().every((entry) => issuedKeys.has(entry.accessKeyId!))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      local.sts.removeRole(role);
    }
  });
});
