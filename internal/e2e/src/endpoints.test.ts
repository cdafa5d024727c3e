import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { createClientFactory } from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { s3 } from '@dbp/aws-s3';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

let local: LocalAws;
const names = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_DYNAMODB'] as const;
const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3', 'dynamodb'] });
});

afterEach(() => {
  for (const name of names) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

afterAll(async () => {
  await local.stop();
});

describe('endpoint environment variables', () => {
  it('honours AWS_ENDPOINT_URL_<SERVICE>', async () => {
    process.env.AWS_ENDPOINT_URL_S3 = local.endpoints.s3;
    const factory = createClientFactory();
    const before = local.requests.count('s3');
    await factory.getClient(s3, { region: local.region, credentials: local.credentials, config: { forcePathStyle: true } }).send(new ListBucketsCommand({}));
    expect(local.requests.count('s3')).toBe(before + 1);
    factory.dispose();
  });

  it('honours AWS_ENDPOINT_URL', async () => {
    process.env.AWS_ENDPOINT_URL = local.endpoints.dynamodb;
    const factory = createClientFactory();
    const before = local.requests.count('dynamodb');
    await factory.getClient(dynamodb, { region: local.region, credentials: local.credentials }).send(new ListTablesCommand({}));
    expect(local.requests.count('dynamodb')).toBe(before + 1);
    factory.dispose();
  });
});

describe('an endpoint given in config as a property that is not enumerable', () => {
  it('reaches that endpoint (Object.defineProperty, whose default is not enumerable), never AWS', async () => {
    const factory = createClientFactory();
    const config = Object.defineProperties({}, { endpoint: { value: local.endpoints.s3 }, forcePathStyle: { get: () => true } });
    const client = factory.getClient(s3, { region: local.region, credentials: local.credentials, config: config as never });
    // Nothing may leave for anywhere but the local endpoint.
    client.middlewareStack.add(
      (next) => async (args) => {
        const { hostname } = (args as { request: { hostname: string } }).request;
        if (hostname !== '127.0.0.1') throw new Error(`sent to ${hostname}`);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'onlyLocal' },
    );
    const before = local.requests.count('s3');
    await client.send(new ListBucketsCommand({}));
    expect(local.requests.count('s3')).toBe(before + 1);
    // Equal by value to the same config written as a literal.
    expect(
      factory.getClient(s3, { region: local.region, credentials: local.credentials, config: { endpoint: local.endpoints.s3, forcePathStyle: true } }),
    ).toBe(client);
    await factory.dispose();
  });
});

describe('an endpoint without its scheme', () => {
  it('is refused at getClient with INVALID_CONFIG; the bare SDK client fails its first request with a TypeError', async () => {
    const endpoint = local.endpoints.s3.replace(/^http:\/\//, '');
    const factory = createClientFactory();
    expect(() => factory.getClient(s3, { region: local.region, credentials: local.credentials, config: { endpoint, forcePathStyle: true } })).toThrow(
      expect.objectContaining({ name: 'AwsClientError', code: 'INVALID_CONFIG', message: expect.stringMatching(/^config\.endpoint is not a URL/) }),
    );
    const bare = new S3Client({ region: local.region, credentials: local.credentials, endpoint, forcePathStyle: true });
    await expect(bare.send(new ListBucketsCommand({}))).rejects.toBeInstanceOf(TypeError);
    bare.destroy();
    await factory.dispose();
  });

  it("'localhost:<port>' parses with 'localhost:' as its scheme: refused at getClient, naming it; the bare SDK client sends nothing and fails its first request", async () => {
    const endpoint = local.endpoints.s3.replace(/^http:\/\/127\.0\.0\.1/, 'localhost');
    expect(endpoint).toMatch(/^localhost:\d+$/);
    const factory = createClientFactory();
    expect(() => factory.getClient(s3, { region: local.region, credentials: local.credentials, config: { endpoint, forcePathStyle: true } })).toThrow(
      expect.objectContaining({
        name: 'AwsClientError',
        code: 'INVALID_CONFIG',
        message: expect.stringMatching(/^config\.endpoint has the scheme 'localhost:'/),
      }),
    );
    const before = local.requests.count('s3');
    const bare = new S3Client({ region: local.region, credentials: local.credentials, endpoint, forcePathStyle: true, maxAttempts: 1 });
    const failure = await bare.send(new ListBucketsCommand({})).then(
      () => undefined,
      (error: unknown) => error,
    );
    bare.destroy();
    // Today an EndpointError that blames the region ("Invalid region: region was not a valid DNS name").
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toHaveProperty('code', 'INVALID_CONFIG');
    expect(local.requests.count('s3')).toBe(before);
    await factory.dispose();
  });
});
