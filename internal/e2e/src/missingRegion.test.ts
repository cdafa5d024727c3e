/**
 * No region anywhere on Node (no `region` option, no `defaultRegion`, no
 * `AWS_REGION`, none in the shared config file): the first request fails with
 * an `AwsRegionError` (`MISSING_REGION`) that says what to set, before
 * anything is sent, never the SDK's bare `Error: Region is missing`. A region
 * in the profile's config file (the SDK's own lookup) still works, for the
 * default profile and for a named one, against the testkit's real endpoints.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { AwsRegionError, createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rejection } from './helpers.js';

const VARIABLES = ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'HOME'] as const;
const saved = new Map<string, string | undefined>();
let local: LocalAws;
let dir: string;
let files = 0;

/** A fresh file (a new path each time: the SDK caches what it read per path). */
function file(text: string): string {
  const path = join(dir, `file-${++files}`);
  writeFileSync(path, text);
  return path;
}

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3'] });
});

afterAll(async () => {
  await local.stop();
});

beforeEach(() => {
  for (const name of VARIABLES) saved.set(name, process.env[name]);
  dir = mkdtempSync(join(tmpdir(), 'dbp-missing-region-'));
  // An empty home and empty shared files: nothing the SDK could read a region from.
  process.env.HOME = dir;
  process.env.AWS_CONFIG_FILE = file('');
  process.env.AWS_SHARED_CREDENTIALS_FILE = file('');
  delete process.env.AWS_REGION;
  delete process.env.AWS_DEFAULT_REGION;
  delete process.env.AWS_PROFILE;
  local.requests.reset();
});

afterEach(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** The testkit's S3 with the default key pair and no region anywhere. */
const noRegion = (extra: { profile?: string } = {}) => ({ credentials: { ...local.credentials }, config: { ...local.clientOptions('s3').config }, ...extra });

describe('a region that cannot be resolved on Node', () => {
  it('is an AwsRegionError with what to set at the first request, sent nowhere', async () => {
    expect(process.env.AWS_EC2_METADATA_DISABLED).toBe('true'); // the instance metadata has no region to give here
    await using factory = createClientFactory();
    const client = factory.getClient(s3, noRegion());
    const error = await rejection(client.send(new ListBucketsCommand({})));
    expect(error).toBeInstanceOf(AwsRegionError);
    const refusal = error as AwsRegionError;
    expect(refusal.code).toBe('MISSING_REGION');
    expect(refusal.region).toBe('');
    for (const what of ['region', 'defaultRegion', 'configureClientFactory({ defaultRegion })', 'AWS_REGION', "profile AWS_PROFILE names (else 'default')"]) {
      expect(refusal.message).toContain(what);
    }
    expect(refusal.message).not.toBe('Region is missing');
    expect((refusal.cause as Error).message).toBe('Region is missing');
    expect(local.requests.count('s3')).toBe(0);
    // Every later request says the same (the lookup is asked again: a config file may have gained a region).
    await expect(client.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: 'AwsRegionError', code: 'MISSING_REGION' });
  });

  it('fails warm() with the same AwsRegionError, so a Lambda init or service start-up meets it there, not at the first request', async () => {
    await using factory = createClientFactory();
    const error = await rejection(factory.warm(s3, noRegion()));
    expect(error).toBeInstanceOf(AwsRegionError);
    expect(error).toMatchObject({ code: 'MISSING_REGION', region: '' });
    expect(local.requests.count('s3')).toBe(0);
    // With a region in the profile's config file, the same warm-up succeeds, and the first request is signed for it.
    process.env.AWS_CONFIG_FILE = file(`[default]\nregion = ${local.region}\n`);
    const client = await factory.warm(s3, noRegion());
    expect(await client.config.region()).toBe(local.region);
    await client.send(new ListBucketsCommand({}));
    expect(local.requests.count('s3')).toBe(1);
  });

  it('names the profile whose config file has no region', async () => {
    process.env.AWS_CONFIG_FILE = file('[profile work]\noutput = json\n');
    await using factory = createClientFactory();
    const client = factory.getClient(s3, noRegion({ profile: 'work' }));
    await expect(client.send(new ListBucketsCommand({}))).rejects.toMatchObject({
      name: 'AwsRegionError',
      code: 'MISSING_REGION',
      message: expect.stringContaining("shared config file for profile 'work'"),
    });
  });
});

describe('a region from the shared config file', () => {
  it("is the SDK's own lookup: the default profile's region signs the request", async () => {
    process.env.AWS_CONFIG_FILE = file(`[default]\nregion = ${local.region}\n`);
    await using factory = createClientFactory();
    const client = factory.getClient(s3, noRegion());
    await expect(client.send(new ListBucketsCommand({}))).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    expect(await client.config.region()).toBe(local.region);
    expect(local.requests.entries('s3').map((entry) => entry.signatureValid)).toEqual([true]);
  });

  it("takes a named profile's region (option profile, or AWS_PROFILE), not the default one's", async () => {
    // The default profile's region is another one: the testkit would refuse a signature for it.
    process.env.AWS_CONFIG_FILE = file(`[default]\nregion = eu-west-3\n\n[profile work]\nregion = ${local.region}\n`);
    await using factory = createClientFactory();
    const named = factory.getClient(s3, noRegion({ profile: 'work' }));
    await expect(named.send(new ListBucketsCommand({}))).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    expect(await named.config.region()).toBe(local.region);
    const byDefault = factory.getClient(s3, noRegion());
    expect(await byDefault.config.region()).toBe('eu-west-3');
    await expect(byDefault.send(new ListBucketsCommand({}))).rejects.not.toBeInstanceOf(AwsRegionError);
    process.env.AWS_PROFILE = 'work';
    await using other = createClientFactory();
    expect(await other.getClient(s3, noRegion()).config.region()).toBe(local.region);
  });

  it('is validated as AWS_REGION is: a misspelt one is an AwsRegionError with the suggestion at the first request, sent nowhere', async () => {
    process.env.AWS_CONFIG_FILE = file('[default]\nregion = us-east-l\n');
    await using factory = createClientFactory();
    const client = factory.getClient(s3, noRegion());
    const error = await rejection(client.send(new ListBucketsCommand({})));
    expect(error).toBeInstanceOf(AwsRegionError);
    expect(error).toMatchObject({ code: 'INVALID_REGION', region: 'us-east-l', suggestion: 'us-east-1' });
    expect(local.requests.count('s3')).toBe(0);
    // The same value in AWS_REGION is refused at getClient, with the same error.
    process.env.AWS_REGION = 'us-east-l';
    expect(() => factory.getClient(s3, noRegion())).toThrow(expect.objectContaining({ code: 'INVALID_REGION', suggestion: 'us-east-1' }));
  });

  it('is not asked when the call, the factory or AWS_REGION names one', async () => {
    process.env.AWS_CONFIG_FILE = file('[default]\nregion = eu-west-3\n');
    await using factory = createClientFactory({ defaultRegion: local.region });
    const client = factory.getClient(s3, noRegion());
    expect(await client.config.region()).toBe(local.region);
    await expect(client.send(new ListBucketsCommand({}))).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    process.env.AWS_REGION = local.region;
    await using other = createClientFactory();
    expect(await other.getClient(s3, noRegion()).config.region()).toBe(local.region);
    expect(await other.getClient(s3, { ...noRegion(), region: local.region }).config.region()).toBe(local.region);
  });
});
