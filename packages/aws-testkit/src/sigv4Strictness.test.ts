import { AthenaClient, ListQueryExecutionsCommand } from '@aws-sdk/client-athena';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, HeadBucketCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListEndpointsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { rejection } from '../test/helpers.js';
import { generateTestCredentials, type LocalAws, type LocalServiceName, startLocalAws } from './index.js';
import { NodeSha256 } from './internal/hash.js';

// Requests AWS refuses, refused by the testkit with the error AWS answers, so that a test built on
// it fails for code that would fail against AWS: a signature scoped to another region than the
// endpoint's, a signing time more than 15 minutes from the server's clock, a long-term access key
// sent with a session token, a presigned URL used before its time or after its expiry. And the
// other half of clock skew: every response carries the server's `Date`, from which the real SDK
// corrects its clock and retries, here as against AWS. For all seven services, header-signed
// (Bedrock Runtime over HTTP/2) and presigned.

type Client = { send(command: never): Promise<unknown>; destroy(): void; config: { systemClockOffset: number } };
type SdkError = Awaited<ReturnType<typeof rejection>> & { $response?: { headers: Record<string, string> } } & Record<string, unknown>;

interface Case {
  readonly service: LocalServiceName;
  readonly client: (config: Record<string, unknown>) => Client;
  readonly command: () => unknown;
  /** The service's error for a scope naming another region. */
  readonly region: { readonly status: number; readonly name: string };
  /** The service's error for a signing time more than 15 minutes off. */
  readonly skew: { readonly status: number; readonly name: string };
  /** The service's error for a session token the key has none of. */
  readonly token: { readonly status: number; readonly name: string };
}

const signatureError = (status: number, name: string) => ({ region: { status, name }, skew: { status, name } });

const CASES: readonly Case[] = [
  {
    service: 's3',
    client: (config) => new S3Client(config) as unknown as Client,
    command: () => new ListBucketsCommand({}),
    region: { status: 400, name: 'AuthorizationHeaderMalformed' },
    skew: { status: 403, name: 'RequestTimeTooSkewed' },
    token: { status: 400, name: 'InvalidToken' },
  },
  {
    service: 'dynamodb',
    client: (config) => new DynamoDBClient(config) as unknown as Client,
    command: () => new ListTablesCommand({}),
    ...signatureError(400, 'InvalidSignatureException'),
    token: { status: 400, name: 'UnrecognizedClientException' },
  },
  {
    service: 'bedrock-runtime',
    client: (config) => new BedrockRuntimeClient(config) as unknown as Client,
    command: () => new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
    ...signatureError(403, 'InvalidSignatureException'),
    token: { status: 403, name: 'UnrecognizedClientException' },
  },
  {
    service: 'sagemaker',
    client: (config) => new SageMakerClient(config) as unknown as Client,
    command: () => new ListEndpointsCommand({}),
    ...signatureError(400, 'InvalidSignatureException'),
    token: { status: 400, name: 'UnrecognizedClientException' },
  },
  {
    service: 'athena',
    client: (config) => new AthenaClient(config) as unknown as Client,
    command: () => new ListQueryExecutionsCommand({}),
    ...signatureError(400, 'InvalidSignatureException'),
    token: { status: 400, name: 'UnrecognizedClientException' },
  },
  {
    service: 'sts',
    client: (config) => new STSClient(config) as unknown as Client,
    command: () => new GetCallerIdentityCommand({}),
    ...signatureError(403, 'SignatureDoesNotMatch'),
    token: { status: 403, name: 'InvalidClientTokenId' },
  },
  {
    service: 'sqs',
    client: (config) => new SQSClient(config) as unknown as Client,
    command: () => new ListQueuesCommand({}),
    ...signatureError(403, 'SignatureDoesNotMatch'),
    token: { status: 403, name: 'InvalidClientTokenId' },
  },
];

/** Not the default region: the endpoints must hold signatures to the region they were given. */
const REGION = 'eu-central-1';
const OTHER_REGION = 'eu-west-3';
const MINUTE = 60_000;
const SKEW = 30 * MINUTE;

let local: LocalAws;

beforeAll(async () => {
  local = await startLocalAws({ region: REGION });
});

afterAll(async () => {
  await local.stop();
});

afterEach(() => {
  vi.useRealTimers();
});

function clientFor(testCase: Case, overrides: Record<string, unknown> = {}): Client {
  return testCase.client({ region: local.region, credentials: { ...local.credentials }, ...local.clientOptions(testCase.service).config, ...overrides });
}

/** One call on a client of its own, one attempt unless `overrides` say otherwise. */
async function send(testCase: Case, overrides: Record<string, unknown>): Promise<unknown> {
  const client = clientFor(testCase, { maxAttempts: 1, ...overrides });
  try {
    return await client.send(testCase.command() as never);
  } finally {
    client.destroy();
  }
}

const failure = async (promise: Promise<unknown>): Promise<SdkError> => (await rejection(promise)) as SdkError;

describe.each(CASES)('$service refuses what AWS refuses', (testCase) => {
  const { service, region, skew, token } = testCase;

  it('accepts a well-signed request (the checks below can fail)', async () => {
    await expect(send(testCase, {})).resolves.toBeDefined();
    expect(local.requests.entries(service).at(-1)).toMatchObject({ status: 200, signatureValid: true });
  });

  it(`answers a signature scoped to another region with ${region.status} ${region.name}`, async () => {
    const error = await failure(send(testCase, { region: OTHER_REGION }));
    expect([error.name, error.$metadata?.httpStatusCode]).toEqual([region.name, region.status]);
    if (service === 's3') {
      expect(error.message).toBe(`The authorization header is malformed; the region '${OTHER_REGION}' is wrong; expecting '${REGION}'`);
      expect(error.Region).toBe(REGION);
    } else {
      expect(error.message).toBe(`Credential should be scoped to a valid region, not '${OTHER_REGION}'.`);
    }
    expect(local.requests.entries(service).at(-1)).toMatchObject({ status: region.status, signatureValid: false });
  });

  it(`takes ${service === 'sts' ? '' : 'no '}us-east-1 signature besides its own region's`, async () => {
    // STS's global endpoint signs for us-east-1, and the one local STS endpoint stands for it too.
    const call = send(testCase, { region: 'us-east-1' });
    if (service === 'sts') await expect(call).resolves.toBeDefined();
    else expect((await failure(call)).name).toBe(region.name);
  });

  it.each([
    ['behind', -SKEW, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/],
    ['ahead of', SKEW, /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/],
  ])(`answers a signing time 30 minutes %s its clock with ${skew.status} ${skew.name} and its Date`, async (_when, offset, message) => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const error = await failure(send(testCase, { systemClockOffset: offset }));
    const after = Date.now();
    expect([error.name, error.$metadata?.httpStatusCode]).toEqual([skew.name, skew.status]);
    if (service === 's3') {
      expect(error.message).toBe('The difference between the request time and the current time is too large.');
      expect(error.MaxAllowedSkewMilliseconds).toBe('900000');
      expect(Date.parse(String(error.ServerTime))).toBeGreaterThanOrEqual(before);
    } else {
      expect(error.message).toMatch(message);
    }
    // The server's clock, which the SDK corrects its own from.
    const date = Date.parse(error.$response?.headers.date ?? '');
    expect(date).toBeGreaterThanOrEqual(before);
    expect(date).toBeLessThanOrEqual(after);
  });

  it(`answers a long-term key sent with a session token with ${token.status} ${token.name}`, async () => {
    const error = await failure(send(testCase, { credentials: { ...local.credentials, sessionToken: 'not-a-session-token-of-this-key' } }));
    expect([error.name, error.$metadata?.httpStatusCode]).toEqual([token.name, token.status]);
  });

  it(`takes a pair added with a session token only with that token, as a role's credentials (${token.name} otherwise)`, async () => {
    const role = { ...generateTestCredentials(), sessionToken: `IQoJb3JpZ2luX2VjE${service.replace(/[^a-z]/g, '')}TOKEN` };
    local.addCredentials(role);
    await expect(send(testCase, { credentials: role })).resolves.toBeDefined();
    expect(local.requests.entries(service).at(-1)).toMatchObject({ status: 200, accessKeyId: role.accessKeyId, signatureValid: true });
    for (const credentials of [
      { accessKeyId: role.accessKeyId, secretAccessKey: role.secretAccessKey },
      { ...role, sessionToken: `${role.sessionToken}-other` },
    ]) {
      const error = await failure(send(testCase, { credentials }));
      expect([error.name, error.$metadata?.httpStatusCode]).toEqual([token.name, token.status]);
    }
  });
});

describe.each(CASES)('$service and a client clock off by 30 minutes, as against AWS', (testCase) => {
  const { service, skew } = testCase;

  it.each([
    ['slow', -SKEW],
    ['fast', SKEW],
  ])('a machine clock 30 minutes %s: the SDK reads the Date, corrects its clock and retries', async (_how, offset) => {
    // Only Date is faked: the SDK signs with it, the endpoints keep real time.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + offset, shouldAdvanceTime: true });
    local.requests.reset();
    const output = (await send(testCase, { maxAttempts: 3 })) as { $metadata: { attempts?: number } };
    expect(output.$metadata.attempts).toBe(2);
    expect(local.requests.entries(service).map((e) => e.status)).toEqual([skew.status, 200]);
  });

  // The SDK retries a clock-skew error within the call when the clock it corrected was off by more
  // than 4 minutes, or for an InvalidSignatureException saying "Signature expired" (@smithy/core
  // isTransientError); a misconfigured systemClockOffset on a right clock is neither, so that call
  // fails, but the client's next one is signed on the corrected clock.
  it.each([
    ['behind', -SKEW],
    ['ahead of', SKEW],
  ])('a systemClockOffset 30 minutes %s: refused at most once, then signed on the server clock', async (when, offset) => {
    const client = clientFor(testCase, { systemClockOffset: offset });
    try {
      local.requests.reset();
      const retriedInCall = when === 'behind' && skew.name === 'InvalidSignatureException';
      const first = client.send(testCase.command() as never);
      if (retriedInCall) await expect(first).resolves.toMatchObject({ $metadata: { attempts: 2 } });
      else expect((await failure(first)).name).toBe(skew.name);
      expect(Math.abs(client.config.systemClockOffset)).toBeLessThan(MINUTE);
      await expect(client.send(testCase.command() as never)).resolves.toMatchObject({ $metadata: { attempts: 1 } });
      expect(local.requests.entries(service).map((e) => e.status)).toEqual(retriedInCall ? [skew.status, 200, 200] : [skew.status, 200]);
    } finally {
      client.destroy();
    }
  });
});

describe('S3 names the region it expects', () => {
  it('in x-amz-bucket-region for a bucket, so HeadBucket with followRegionRedirects finds it', async () => {
    const s3 = clientFor(CASES[0]!) as unknown as S3Client;
    const redirected = new S3Client({ ...local.clientOptions('s3').config, region: OTHER_REGION, credentials: local.credentials, followRegionRedirects: true });
    const plain = new S3Client({ ...local.clientOptions('s3').config, region: OTHER_REGION, credentials: local.credentials, maxAttempts: 1 });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'regional' }));
      const error = (await rejection(plain.send(new HeadBucketCommand({ Bucket: 'regional' })))) as SdkError;
      expect(error.$metadata?.httpStatusCode).toBe(400);
      expect(error.$response?.headers['x-amz-bucket-region']).toBe(REGION);
      await expect(redirected.send(new HeadBucketCommand({ Bucket: 'regional' }))).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    } finally {
      s3.destroy();
      redirected.destroy();
      plain.destroy();
    }
  });
});

describe('presigned URLs', () => {
  let s3: S3Client;

  beforeAll(async () => {
    s3 = clientFor(CASES[0]!) as unknown as S3Client;
    await s3.send(new CreateBucketCommand({ Bucket: 'presigned' }));
    await s3.send(new PutObjectCommand({ Bucket: 'presigned', Key: 'k', Body: 'body' }));
  });

  afterAll(() => {
    s3.destroy();
  });

  const get = new GetObjectCommand({ Bucket: 'presigned', Key: 'k' });
  /** Status and body of a GET, the body's apostrophes unescaped. */
  const xml = async (url: string): Promise<{ status: number; body: string }> => {
    const res = await fetch(url);
    return { status: res.status, body: (await res.text()).replaceAll('&apos;', "'") };
  };

  it('S3 serves one signed 30 minutes ago that has not expired: the 15 minutes bound signing times of headers only', async () => {
    const url = await getSignedUrl(s3, get, { expiresIn: 3600, signingDate: new Date(Date.now() - SKEW) });
    expect(await xml(url)).toEqual({ status: 200, body: 'body' });
  });

  it('S3 answers a presigned PUT sent with an x-amz-* header it did not sign with 403 AccessDenied, naming the header', async () => {
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'presigned', Key: 'uploaded' }), { expiresIn: 60 });
    // A browser adding an ACL or metadata the URL was not made for: AWS refuses it.
    const res = await fetch(url, { method: 'PUT', body: 'x', headers: { 'x-amz-acl': 'public-read', 'x-amz-meta-owner': 'me' } });
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(
      /<Code>AccessDenied<\/Code><Message>There were headers present in the request which were not signed<\/Message><HeadersNotSigned>x-amz-acl, x-amz-meta-owner<\/HeadersNotSigned>/,
    );
    // Without them, the same URL uploads.
    expect((await fetch(url, { method: 'PUT', body: 'x' })).status).toBe(200);
  });

  it('S3 refuses an x-amz-* header a middleware adds after the signer, which AWS would refuse too', async () => {
    const late = clientFor(CASES[0]!) as unknown as S3Client;
    late.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-amz-meta-added-late'] = 'yes';
        return next(args);
      },
      { step: 'deserialize', name: 'addsAfterSigning' },
    );
    try {
      const error = await rejection(late.send(new PutObjectCommand({ Bucket: 'presigned', Key: 'late', Body: 'x' })));
      expect(error).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
      expect(error.message).toBe('There were headers present in the request which were not signed');
    } finally {
      late.destroy();
    }
  });

  it('S3 answers an expired one with 403 AccessDenied "Request has expired"', async () => {
    const url = await getSignedUrl(s3, get, { expiresIn: 60, signingDate: new Date(Date.now() - 2 * MINUTE) });
    const { status, body } = await xml(url);
    expect(status).toBe(403);
    expect(body).toMatch(
      /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message><X-Amz-Expires>60<\/X-Amz-Expires><Expires>[\d-]+T[\d:]+Z<\/Expires><ServerTime>/,
    );
  });

  it('S3 answers one signed 30 minutes ahead with 403 AccessDenied "Request is not yet valid"', async () => {
    const url = await getSignedUrl(s3, get, { expiresIn: 3600, signingDate: new Date(Date.now() + SKEW) });
    const { status, body } = await xml(url);
    expect(status).toBe(403);
    expect(body).toContain('<Code>AccessDenied</Code><Message>Request is not yet valid</Message>');
  });

  it('S3 answers one scoped to another region with 400 AuthorizationQueryParametersError naming the region', async () => {
    const elsewhere = new S3Client({ ...local.clientOptions('s3').config, region: OTHER_REGION, credentials: local.credentials });
    try {
      const { status, body } = await xml(await getSignedUrl(elsewhere, get, { expiresIn: 60 }));
      expect(status).toBe(400);
      expect(body).toContain(
        `<Code>AuthorizationQueryParametersError</Code><Message>Error parsing the X-Amz-Credential parameter; the region '${OTHER_REGION}' is wrong; expecting '${REGION}'</Message><Region>${REGION}</Region>`,
      );
    } finally {
      elsewhere.destroy();
    }
  });

  it('S3 answers a long-term key with a session token with 400 InvalidToken', async () => {
    const mixed = new S3Client({
      ...local.clientOptions('s3').config,
      region: REGION,
      credentials: { ...local.credentials, sessionToken: 'not-a-session-token-of-this-key' },
    });
    try {
      const { status, body } = await xml(await getSignedUrl(mixed, get, { expiresIn: 60 }));
      expect([status, /<Code>(\w+)<\/Code>/.exec(body)?.[1]]).toEqual([400, 'InvalidToken']);
    } finally {
      mixed.destroy();
    }
  });

  /** A presigned STS GetCallerIdentity (what EKS tokens are), signed for `region` at `signingDate`. */
  async function presignedSts(region: string, signingDate: Date): Promise<string> {
    const endpoint = new URL(local.endpoints.sts);
    const signer = new SignatureV4({ credentials: local.credentials, region, service: 'sts', sha256: NodeSha256 as never });
    const request = await signer.presign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: endpoint.hostname,
        port: Number(endpoint.port),
        path: '/',
        query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
        headers: { host: endpoint.host },
      },
      { expiresIn: 60, signingDate },
    );
    return `${local.endpoints.sts}/?${new URLSearchParams(request.query as Record<string, string>).toString()}`;
  }

  it('STS serves a presigned GetCallerIdentity for its region', async () => {
    const { status, body } = await xml(await presignedSts(REGION, new Date()));
    expect(status).toBe(200);
    expect(body).toContain(`<Arn>arn:aws:iam::000000000000:user/${local.credentials.accessKeyId}</Arn>`);
  });

  it.each([
    ['scoped to another region', OTHER_REGION, 0, `Credential should be scoped to a valid region, not '${OTHER_REGION}'.`],
    ['signed 30 minutes ahead', REGION, SKEW, 'Signature not yet current: '],
  ])('STS answers one %s with 403 SignatureDoesNotMatch', async (_what, region, offset, message) => {
    const { status, body } = await xml(await presignedSts(region, new Date(Date.now() + offset)));
    expect(status).toBe(403);
    expect(body).toContain(`<Code>SignatureDoesNotMatch</Code><Message>${message}`);
  });
});
