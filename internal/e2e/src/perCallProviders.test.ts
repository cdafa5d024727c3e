/**
 * The client-per-request trap with real STS calls: a provider built per
 * request (what `fromTemporaryCredentials()` in a handler is) is a new
 * function every time, so every request gets a new client and an STS call,
 * and the factory warns; `assumeRole()` or `keyedCredentials()` built per
 * request is one client and one STS call, and no warning; 20 tenants whose
 * providers are built once and reused get no warning either.
 *
 * A request a second: the clock (Date only) is moved by hand, so the warning,
 * which waits for clients that go unused for a while, needs no real waiting.
 */

import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { type AwsCredentialProvider, createClientFactory, keyedCredentials, type Logger } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import { assumeRole } from '@dbp/aws-sts';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { localAwsWithLocalSts } from './helpers.js';

let local: LocalAws;
const ROLE = 'arn:aws:iam::999999999999:role/per-request';
const REQUESTS = 35;
const TRAP = /s3: \d+ clients were created within \d+ s for \d+ different credential provider functions/;

localAwsWithLocalSts(
  () => startLocalAws({ services: ['s3', 'sts'] }),
  (started) => {
    local = started;
  },
);

afterEach(() => {
  vi.useRealTimers();
  local.requests.reset();
});

/** Moves the clock (Date only: sockets and timers run as ever) to `seconds` after the test's start. */
function clockAt(start: number, seconds: number): void {
  vi.setSystemTime(start + seconds * 1_000);
}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug: () => {}, info: () => {}, warn: (...content) => warnings.push(content.map(String).join(' ')), error: () => {} };
}

/** What `fromTemporaryCredentials({ params: { RoleArn } })` is: a provider with its own STS client, calling AssumeRole when asked. */
const stsClients: STSClient[] = [];
function temporaryCredentialsProvider(): AwsCredentialProvider {
  let client: STSClient | undefined;
  return async () => {
    client ??= new STSClient({ region: local.region, credentials: { ...local.credentials }, endpoint: local.endpoints.sts });
    stsClients.push(client);
    const { Credentials } = await client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'per-request' }));
    return {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken,
      expiration: Credentials!.Expiration,
    };
  };
}

async function handleRequests(credentials: () => AwsCredentialProvider) {
  const logger = recordingLogger();
  await using factory = createClientFactory({ defaultRegion: local.region, logger });
  const start = Date.now();
  vi.useFakeTimers({ toFake: ['Date'], now: start });
  for (let i = 0; i < REQUESTS; i++) {
    clockAt(start, i);
    await factory.getClient(s3, { credentials: credentials(), config: local.clientOptions('s3').config }).send(new ListBucketsCommand({}));
  }
  const s3Clients = factory.stats().entries.filter((entry) => entry.service === 's3').length;
  return { logger, s3Clients, assumeRoles: local.requests.count('sts', { operation: 'AssumeRole', status: 200 }) };
}

describe('credential providers built per request', () => {
  afterAll(() => {
    for (const client of stsClients) client.destroy();
  });

  it('a fromTemporaryCredentials-style provider per request: a client and an STS call each, and one warning', async () => {
    const { logger, s3Clients, assumeRoles } = await handleRequests(temporaryCredentialsProvider);
    expect(s3Clients).toBe(REQUESTS);
    expect(assumeRoles).toBe(REQUESTS);
    expect(logger.warnings.filter((line) => TRAP.test(line))).toHaveLength(1);
    expect(logger.warnings.find((line) => TRAP.test(line))).toMatch(/assumeRole\(\) from @dbp\/aws-sts/);
  });

  it('assumeRole() per request: one client, one STS call, no warning', async () => {
    const { logger, s3Clients, assumeRoles } = await handleRequests(() => assumeRole({ roleArn: ROLE, source: { ...local.credentials } }));
    expect({ s3Clients, assumeRoles }).toEqual({ s3Clients: 1, assumeRoles: 1 });
    expect(logger.warnings.filter((line) => TRAP.test(line))).toEqual([]);
  });

  it('20 tenants, each with a provider built once (an STS call each), served at start-up and then every 5 s: no warning', async () => {
    const logger = recordingLogger();
    await using factory = createClientFactory({ defaultRegion: local.region, logger });
    const tenants = Array.from({ length: 20 }, () => temporaryCredentialsProvider());
    const start = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: start });
    const serve = () =>
      Promise.all(
        tenants.map((credentials) => factory.getClient(s3, { credentials, config: local.clientOptions('s3').config }).send(new ListBucketsCommand({}))),
      );
    await serve();
    for (let second = 5; second <= 60; second += 5) {
      clockAt(start, second);
      await serve();
    }
    expect(factory.stats().entries.filter((entry) => entry.service === 's3')).toHaveLength(20);
    expect(local.requests.count('s3', { operation: 'ListBuckets', status: 200 })).toBe(20 * 13);
    expect(logger.warnings.filter((line) => TRAP.test(line))).toEqual([]);
  });

  it('keyedCredentials() around the same per-request provider: one client, one STS call, no warning', async () => {
    const { logger, s3Clients, assumeRoles } = await handleRequests(() => keyedCredentials(`role:${ROLE}`, temporaryCredentialsProvider()));
    expect({ s3Clients, assumeRoles }).toEqual({ s3Clients: 1, assumeRoles: 1 });
    expect(logger.warnings.filter((line) => TRAP.test(line))).toEqual([]);
  });
});
