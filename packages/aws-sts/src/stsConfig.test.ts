import { type AddressInfo, createServer } from 'node:net';
import { inspect } from 'node:util';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { AwsClientError, AwsCredentialError, createClientFactory } from '@dbp/aws-core';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { everythingShown, recordingLogger } from '../test/localSts.js';
import { caught } from './__fixtures__/caught.js';
import { assumeRole, assumeRoleWithWebIdentity, type StsConfig, sts } from './index.js';
import { redact } from './internal/roleErrors.js';

// Issue 15, point 5: assumeRole against a local STS needed AWS_ENDPOINT_URL_STS.
// `stsConfig` is the STS client's SDK config, keyed by value as getClient keys
// `config`. Every test here runs with no STS endpoint in the environment: the
// local servers are reached only through stsConfig.

const ROLE = 'arn:aws:iam::111122223333:role/app';
let local: LocalAws;
let other: LocalAws;
const savedEndpoint = process.env.AWS_ENDPOINT_URL_STS;

beforeAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_STS;
  delete process.env.AWS_ENDPOINT_URL;
  local = await startLocalAws({ services: ['sts'] });
  // A second STS that accepts the same key: another endpoint, same everything else.
  other = await startLocalAws({ services: ['sts'], credentials: local.credentials });
});

afterAll(async () => {
  await Promise.all([local.stop(), other.stop()]);
  if (savedEndpoint !== undefined) process.env.AWS_ENDPOINT_URL_STS = savedEndpoint;
});

afterEach(() => {
  local.requests.reset();
  other.requests.reset();
});

const assumeRoles = (at: LocalAws = local) => at.requests.count('sts', { operation: 'AssumeRole' });
const whoAmI = async (client: STSClient) => (await client.send(new GetCallerIdentityCommand({}))).Arn;
/** A caller's own STS client on a local endpoint (the one that issued its credentials: each STS knows only its own). */
const callerClient = (factory: ReturnType<typeof createClientFactory>, credentials: ReturnType<typeof assumeRole>, at: LocalAws = local) => {
  const { region, config } = at.clientOptions('sts');
  return factory.getClient(sts, { region, config, credentials });
};
const endpointOf = (at: LocalAws) => at.clientOptions('sts').config.endpoint;

describe('assumeRole({ stsConfig })', () => {
  it('works against the testkit with no environment variable, as the testkit README shows', async () => {
    expect(process.env.AWS_ENDPOINT_URL_STS).toBeUndefined();
    await using factory = createClientFactory({ defaultRegion: local.region });
    const credentials = assumeRole({ roleArn: ROLE, source: local.credentials, stsConfig: local.clientOptions('sts').config });
    expect(await whoAmI(callerClient(factory, credentials))).toMatch(/^arn:aws:sts::111122223333:assumed-role\/app\/dbp-aws-\d+$/);
    expect(assumeRoles()).toBe(1);
    expect(local.requests.entries('sts').every((entry) => entry.signatureValid === true)).toBe(true);
  });

  it('equal values from fresh objects: the same source, one client, one AssumeRole call for 20 concurrent callers', async () => {
    const logger = recordingLogger();
    await using factory = createClientFactory({ defaultRegion: local.region, logger });
    const perCall = () => assumeRole({ roleArn: ROLE, source: { ...local.credentials }, stsConfig: { endpoint: endpointOf(local), maxAttempts: 3 } });
    expect(perCall()).toBe(perCall());
    const clients = Array.from({ length: 20 }, () => callerClient(factory, perCall()));
    expect(new Set(clients).size).toBe(1);
    await Promise.all(clients.map(whoAmI));
    expect(assumeRoles()).toBe(1);
    // The caller's client and the STS client that called AssumeRole.
    expect(factory.stats().clients).toBe(2);
    expect(logger.lines.filter((line) => line.includes('credential provider functions'))).toEqual([]);
  });

  it('equal nested values from fresh objects: one key, so one client and one AssumeRole call', async () => {
    const logger = recordingLogger();
    await using factory = createClientFactory({ defaultRegion: local.region, logger });
    const perCall = () =>
      assumeRole({ roleArn: ROLE, source: { ...local.credentials }, stsConfig: { endpoint: endpointOf(local), customUserAgent: [['app', '1.0']] } });
    const clients = Array.from({ length: 20 }, () => callerClient(factory, perCall()));
    expect(new Set(clients).size).toBe(1);
    await Promise.all(clients.map(whoAmI));
    expect(assumeRoles()).toBe(1);
    expect(factory.stats().clients).toBe(2);
    expect(logger.lines.filter((line) => line.includes('credential provider functions'))).toEqual([]);
  });

  it('per-call sources with nested stsConfig do not push remembered ones out of memory', () => {
    const flat = () => assumeRole({ roleArn: ROLE, externalId: 'remembered', stsConfig: { endpoint: endpointOf(local) } });
    const first = flat();
    for (let i = 0; i < 10; i++) assumeRole({ roleArn: ROLE, stsConfig: { endpoint: endpointOf(local), customUserAgent: [['app', String(i)]] } });
    expect(flat()).toBe(first);
  });

  it('a different endpoint is another source: its own client and its own AssumeRole call, on that endpoint', async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    const on = (at: LocalAws) => assumeRole({ roleArn: ROLE, source: { ...local.credentials }, stsConfig: { endpoint: endpointOf(at) } });
    expect(on(other)).not.toBe(on(local));
    const a = callerClient(factory, on(local));
    const b = callerClient(factory, on(other), other);
    expect(b).not.toBe(a);
    await Promise.all([whoAmI(a), whoAmI(b)]);
    expect([assumeRoles(local), assumeRoles(other)]).toEqual([1, 1]);
    // …and no stsConfig at all is another source again.
    expect(callerClient(factory, assumeRole({ roleArn: ROLE, source: { ...local.credentials } }))).not.toBe(a);
  });

  it('snapshots stsConfig at the call: mutating it afterwards, top level or nested, changes no built source', async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    const flat = { endpoint: endpointOf(local) };
    const first = assumeRole({ roleArn: ROLE, source: { ...local.credentials }, stsConfig: flat });
    flat.endpoint = endpointOf(other);
    await whoAmI(callerClient(factory, first));
    expect([assumeRoles(local), assumeRoles(other)]).toEqual([1, 0]);
    // The mutated object, passed again, is what it now says.
    const second = assumeRole({ roleArn: ROLE, source: { ...local.credentials }, stsConfig: flat });
    expect(second).not.toBe(first);
    await whoAmI(callerClient(factory, second, other));
    expect([assumeRoles(local), assumeRoles(other)]).toEqual([1, 1]);

    // Nested: the endpoint as an SDK Endpoint object, its port changed after the call.
    const port = (at: LocalAws) => Number(new URL(endpointOf(at)).port);
    const nested = { endpoint: { protocol: 'http:', hostname: '127.0.0.1', port: port(local), path: '/' } };
    const roleArn = 'arn:aws:iam::111122223333:role/nested';
    const third = assumeRole({ roleArn, source: { ...local.credentials }, stsConfig: nested });
    nested.endpoint.port = port(other);
    await whoAmI(callerClient(factory, third));
    expect([assumeRoles(local), assumeRoles(other)]).toEqual([2, 1]);
    expect(local.sts.issued().at(-1)?.roleArn).toBe(roleArn);
    const fourth = assumeRole({ roleArn, source: { ...local.credentials }, stsConfig: nested });
    expect(callerClient(factory, fourth)).not.toBe(callerClient(factory, third));
    await whoAmI(callerClient(factory, fourth, other));
    expect([assumeRoles(local), assumeRoles(other)]).toEqual([2, 2]);
  });

  it('takes frozen objects, Proxies and getters, reading each value once per call, and keys them by value', async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    const plain = assumeRole({ roleArn: ROLE, source: { ...local.credentials }, stsConfig: { endpoint: endpointOf(local) } });
    const frozen = assumeRole({ roleArn: ROLE, source: { ...local.credentials }, stsConfig: Object.freeze({ endpoint: endpointOf(local) }) });
    const proxied = assumeRole({ roleArn: ROLE, source: { ...local.credentials }, stsConfig: new Proxy({ endpoint: endpointOf(local) }, {}) });
    let reads = 0;
    const withGetter = {
      get endpoint() {
        reads++;
        return endpointOf(local);
      },
    };
    const got = assumeRole({ roleArn: ROLE, source: { ...local.credentials }, stsConfig: withGetter });
    expect(reads).toBe(1);
    for (const source of [frozen, proxied, got]) expect(callerClient(factory, source)).toBe(callerClient(factory, plain));
    await whoAmI(callerClient(factory, got));
    expect(assumeRoles()).toBe(1);
    expect(reads).toBe(1);
  });

  it('turns a getter that throws, at the top or nested, into the typed unreadable-options error, with no secret shown', () => {
    const secret = 'vault-token-STSCONFIG-0000000000';
    const throwing = () => {
      throw new Error(`vault read with ${secret} failed`);
    };
    const top = Object.defineProperty({}, 'endpoint', { enumerable: true, get: throwing });
    const nested = { endpoint: Object.defineProperty({ protocol: 'http:' }, 'hostname', { enumerable: true, get: throwing }) };
    for (const stsConfig of [top, nested]) {
      const error = caught(() => assumeRole({ roleArn: ROLE, stsConfig: stsConfig as never }));
      expect(error).toBeInstanceOf(AwsCredentialError);
      expect(error).toMatchObject({ code: 'INVALID_CREDENTIALS', message: expect.stringMatching(/^assumeRole\(\): could not read its options/) });
      expect(inspect(error)).not.toContain(secret);
      expect(everythingShown(error)).not.toContain(secret);
    }
  });

  it.each([
    ['a string', 'http://127.0.0.1:4566', /stsConfig must be a plain object .*got a string/],
    ['null', null, /stsConfig must be a plain object .*got null/],
    ['an array', [{ endpoint: 'http://127.0.0.1:4566' }], /stsConfig must be a plain object .*got an array/],
    ['a class instance', new (class StsSettings {})(), /stsConfig must be a plain object .*got an instance of a class/],
    ['region inside it', { endpoint: 'http://127.0.0.1:4566', region: 'eu-west-1' }, /stsConfig\.region is not taken: pass the region option/],
    [
      'credentials inside it',
      { credentials: { accessKeyId: 'AKIDINSIDE', secretAccessKey: 'inside-secret' } },
      /stsConfig\.credentials is not taken: pass source/,
    ],
    ['profile inside it', { profile: 'dev' }, /stsConfig\.profile is not taken: pass source: the profile's credential provider/],
  ])('refuses %s with a typed error at the call', (_name, stsConfig, message) => {
    const error = caught(() => assumeRole({ roleArn: ROLE, stsConfig: stsConfig as never }));
    expect(error).toBeInstanceOf(AwsCredentialError);
    expect(error).toMatchObject({ code: 'INVALID_CREDENTIALS', message: expect.stringMatching(/^assumeRole\(\): /) });
    expect((error as Error).message).toMatch(message);
    expect(everythingShown(error)).not.toContain('inside-secret');
  });

  it('refuses a class instance as stsConfig whatever was called before: an equal plain stsConfig accepted earlier changes nothing', () => {
    class StsSettings {
      endpoint = 'http://127.0.0.1:4566';
    }
    const refusal = () => caught(() => assumeRole({ roleArn: ROLE, stsConfig: new StsSettings() as never }));
    expect(refusal()).toMatchObject({ code: 'INVALID_CREDENTIALS', message: expect.stringMatching(/got an instance of a class/) });
    assumeRole({ roleArn: ROLE, stsConfig: { endpoint: 'http://127.0.0.1:4566' } });
    expect(refusal()).toMatchObject({ code: 'INVALID_CREDENTIALS', message: expect.stringMatching(/got an instance of a class/) });
  });

  it('ignores a __proto__ key (stsConfig parsed from JSON) as getClient ignores it in config: the source of the same config without it', async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    const fromJson = JSON.parse(`{"__proto__": {"polluted": true}, "endpoint": ${JSON.stringify(endpointOf(local))}}`) as StsConfig;
    const plain = assumeRole({ roleArn: ROLE, source: { ...local.credentials }, stsConfig: { endpoint: endpointOf(local) } });
    const parsed = assumeRole({ roleArn: ROLE, source: { ...local.credentials }, stsConfig: fromJson });
    expect(callerClient(factory, parsed)).toBe(callerClient(factory, plain));
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    // getClient's own config reads the same object the same way.
    expect(factory.getClient(sts, { region: local.region, credentials: local.credentials, config: fromJson })).toBe(
      factory.getClient(sts, { region: local.region, credentials: local.credentials, config: { endpoint: endpointOf(local) } }),
    );
  });

  it("refuses what getClient refuses in config (a symbol, a cycle) with getClient's own INVALID_CONFIG error", () => {
    const cycle: Record<string, unknown> = { endpoint: 'http://127.0.0.1:4566' };
    cycle.self = cycle;
    for (const stsConfig of [{ endpoint: Symbol('endpoint') }, cycle]) {
      const error = caught(() => assumeRole({ roleArn: ROLE, stsConfig: stsConfig as never }));
      expect(error).toBeInstanceOf(AwsClientError);
      expect(error).toMatchObject({ code: 'INVALID_CONFIG' });
    }
  });

  it('an undefined value is no value: { endpoint, x: undefined } is the source of { endpoint }', () => {
    const a = assumeRole({ roleArn: ROLE, stsConfig: { endpoint: endpointOf(local) } });
    const factory = createClientFactory({ defaultRegion: local.region });
    expect(callerClient(factory, assumeRole({ roleArn: ROLE, stsConfig: { endpoint: endpointOf(local), maxAttempts: undefined } }))).toBe(
      callerClient(factory, a),
    );
    void factory.dispose();
  });
});

describe('assumeRoleWithWebIdentity({ stsConfig })', () => {
  const WEB_ROLE = 'arn:aws:iam::111122223333:role/web';

  it('works with no environment variable; equal values are one call, another endpoint another', async () => {
    await using factory = createClientFactory({ defaultRegion: local.region });
    const token = local.sts.createWebIdentityToken({ sub: 'web' });
    const on = (at: LocalAws) => assumeRoleWithWebIdentity({ roleArn: WEB_ROLE, webIdentityToken: token, stsConfig: { endpoint: endpointOf(at) } });
    expect(on(local)).toBe(on(local));
    const clients = Array.from({ length: 10 }, () => callerClient(factory, on(local)));
    expect(new Set(clients).size).toBe(1);
    const arns = await Promise.all(clients.map(whoAmI));
    expect(new Set(arns)).toEqual(new Set([expect.stringMatching(/assumed-role\/web\//)]));
    const webCalls = (at: LocalAws) => at.requests.count('sts', { operation: 'AssumeRoleWithWebIdentity', status: 200 });
    expect([webCalls(local), webCalls(other)]).toEqual([1, 0]);
    await whoAmI(callerClient(factory, on(other), other));
    expect([webCalls(local), webCalls(other)]).toEqual([1, 1]);
  });

  it('refuses credentials inside stsConfig: the call is sent unsigned', () => {
    const error = caught(() => assumeRoleWithWebIdentity({ roleArn: WEB_ROLE, webIdentityToken: 'a.b.c', stsConfig: { credentials: {} } as never }));
    expect(error).toMatchObject({ code: 'INVALID_CREDENTIALS', message: expect.stringMatching(/stsConfig\.credentials is not taken: .*unsigned/) });
  });
});

describe('an STS that cannot be reached', () => {
  it('is ASSUME_ROLE_FAILED that says so (the network, the region, stsConfig.endpoint), names the endpoint, and blames no trust policy', async () => {
    // A port nothing listens on: the real SDK client gets ECONNREFUSED.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await using factory = createClientFactory({ defaultRegion: local.region });
    const credentials = assumeRole({ roleArn: ROLE, source: local.credentials, stsConfig: { endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 } });
    const error: unknown = await callerClient(factory, credentials)
      .config.credentials()
      .catch((rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(AwsCredentialError);
    expect(error).toMatchObject({ code: 'ASSUME_ROLE_FAILED' });
    const { message } = error as AwsCredentialError;
    expect(message).toContain('STS could not be reached (ECONNREFUSED)');
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).toContain('stsConfig.endpoint');
    expect(message).not.toContain('trust policy');
    expect(message).not.toContain(local.credentials.secretAccessKey);
  });

  it('keeps host names in the quoted SDK message, and still cuts out anything shaped like a JWT', () => {
    expect(redact('getaddrinfo ENOTFOUND sts.us-east-1.amazonaws.com', [])).toBe('getaddrinfo ENOTFOUND sts.us-east-1.amazonaws.com');
    expect(redact('ENOTFOUND sts.eu-central-1.amazonaws.com.cn and vpce-0123456789abcdef0-abcdefgh.sts.us-east-1.vpce.amazonaws.com', [])).not.toContain(
      '[redacted',
    );
    const jwt = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    expect(redact(`token ${jwt} was refused`, [])).toBe('token [redacted token] was refused');
    // A JOSE header with a line break after its brace encodes as `ew…`.
    const spaced = `${Buffer.from('{\n "alg": "RS256"}').toString('base64url')}.${Buffer.from('{"sub":"system:serviceaccount:x"}').toString('base64url')}.c2ln`;
    expect(redact(spaced, [])).toBe('[redacted token]');
    // Access key ids, glued to other text too.
    expect(redact('key=AKIAIOSFODNN7EXAMPLE; idASIAIOSFODNN7EXAMPLEx', [])).toBe('key=[access key id]; id[access key id]x');
  });
});
