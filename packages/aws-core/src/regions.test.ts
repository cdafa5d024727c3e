import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeClient, fakeService, recordingLogger } from './__fixtures__/fakeService.js';
import { AwsClientError, AwsRegionError, createClientFactory } from './index.node.js';
import { knownRegions, suggestRegion } from './kernel/knownRegions.js';
import { type Environment, environmentRegion, environmentSource } from './kernel/regions.js';
import { nodePlatform } from './platform/node.js';

const sdkPartition = nodePlatform.partition;

const alpha = fakeService('alpha');
const creds = { accessKeyId: 'AKID', secretAccessKey: 'region-test-secret' };
const savedRegion = process.env.AWS_REGION;
const savedDefault = process.env.AWS_DEFAULT_REGION;

afterEach(() => {
  if (savedRegion === undefined) delete process.env.AWS_REGION;
  else process.env.AWS_REGION = savedRegion;
  if (savedDefault === undefined) delete process.env.AWS_DEFAULT_REGION;
  else process.env.AWS_DEFAULT_REGION = savedDefault;
});

function regionError(region: unknown, validation?: 'strict' | 'warn' | 'off'): AwsRegionError {
  const factory = createClientFactory({ regionValidation: validation });
  try {
    factory.getClient(alpha, { region: region as string, credentials: creds });
  } catch (error) {
    expect(error).toBeInstanceOf(AwsRegionError);
    expect(error).toBeInstanceOf(AwsClientError);
    return error as AwsRegionError;
  }
  throw new Error(`expected ${JSON.stringify(region)} to be refused`);
}

/**
 * Runs `body` with AWS_CONFIG_FILE pointing into a temporary folder:
 * `configFile(name, contents)` writes a file there and points the variable
 * at it. Restores the variable and removes the folder after.
 */
async function withConfigFiles(body: (configFile: (name: string, contents: string) => void) => Promise<void>): Promise<void> {
  const saved = process.env.AWS_CONFIG_FILE;
  const dir = mkdtempSync(join(tmpdir(), 'dbp-region-'));
  try {
    await body((name, contents) => {
      process.env.AWS_CONFIG_FILE = join(dir, name);
      writeFileSync(process.env.AWS_CONFIG_FILE, contents);
    });
  } finally {
    if (saved === undefined) delete process.env.AWS_CONFIG_FILE;
    else process.env.AWS_CONFIG_FILE = saved;
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('region validation', () => {
  it.each([
    ['us-east-l', 'us-east-1'],
    ['US-EAST-1', 'us-east-1'],
    ['us_east_1', 'us-east-1'],
    ['useast1', 'us-east-1'],
    [' us-east-1', 'us-east-1'],
    ['eu-wset-1', 'eu-west-1'],
    ['ap-southeast-l', 'ap-southeast-1'],
  ])('refuses %j and suggests %s', (input, suggestion) => {
    const error = regionError(input);
    expect(error.code).toBe('INVALID_REGION');
    expect(error.region).toBe(input);
    expect(error.suggestion).toBe(suggestion);
    expect(error.message).toContain(`did you mean '${suggestion}'?`);
  });

  it('refuses an empty region without a suggestion', () => {
    const error = regionError('');
    expect(error.suggestion).toBeUndefined();
    expect(error.message).toMatch(/such as us-east-1/);
  });

  it('refuses a region of millions of characters as a region, not as unreadable options (the secret check scans it in bounded runs)', () => {
    const long = regionError('a'.repeat(10_000_000));
    expect(long.code).toBe('INVALID_REGION');
    expect(long.message).toContain(`Region '${'a'.repeat(64)}…'`);
    // A secret key inside such a string is still found: the message describes it.
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const hiding = regionError(`${'a'.repeat(5_000_000)} ${secret} ${'b'.repeat(5_000_000)}`);
    expect(hiding.code).toBe('INVALID_REGION');
    expect(hiding.message).toContain('looks like a credential, not shown');
    expect(hiding.message).not.toContain(secret);
    // … and a JWT-shaped run of millions.
    expect(regionError(`ey${'a'.repeat(10_000_000)}.${'b'.repeat(100)}`).code).toBe('INVALID_REGION');
  });

  it('refuses a region of the wrong type', () => {
    expect(regionError(42).message).toMatch(/must be a string/);
    expect(regionError(null).message).toMatch(/must be a string/);
    // error.region is the value's type, as documented: a value that is not a string is never shown.
    expect(regionError(42)).toMatchObject({ code: 'INVALID_REGION', region: 'a number', suggestion: undefined });
    expect(regionError({ toString: () => 'us-east-1' })).toMatchObject({ region: 'an object' });
  });

  it('accepts listed regions in every partition', () => {
    const factory = createClientFactory({ regionValidation: 'strict' });
    for (const region of ['us-east-1', 'eu-central-2', 'ap-southeast-7', 'us-gov-west-1', 'cn-north-1', 'mx-central-1']) {
      expect(() => factory.getClient(alpha, { region, credentials: creds })).not.toThrow();
    }
  });

  it('allows a well-formed unlisted region with a warning under warn, refuses it under strict', () => {
    const logger = recordingLogger();
    const factory = createClientFactory({ logger });
    factory.getClient(alpha, { region: 'eu-north-9', credentials: creds });
    expect(logger.lines.some((line) => line.includes("Region 'eu-north-9' is not in the AWS SDK's region list"))).toBe(true);
    expect(regionError('eu-north-9', 'strict').code).toBe('UNKNOWN_REGION');
  });

  it('accepts, even under strict and without a warning, the forms the SDK itself accepts: FIPS pseudo-regions and local', () => {
    const logger = recordingLogger();
    const factory = createClientFactory({ regionValidation: 'strict', logger });
    for (const region of ['us-east-1-fips', 'fips-us-east-1', 'us-gov-west-1-fips', 'local']) {
      const client = factory.getClient(alpha, { region, credentials: creds }) as FakeClient;
      expect(client.config.region).toBe(region);
    }
    expect(logger.lines.filter((line) => line.includes('not in the AWS SDK'))).toEqual([]);
    // A FIPS form of a malformed region is still refused.
    expect(regionError('us-east-l-fips', 'strict').code).toBe('INVALID_REGION');
  });

  it("clips the error's region field as the message shows it for an unlisted well-formed region too (strict)", () => {
    const long = `xx-${'a'.repeat(5000)}-north-9`;
    const error = regionError(long, 'strict');
    expect(error.code).toBe('UNKNOWN_REGION');
    expect(error.region).toBe(`${long.slice(0, 64)}…`);
    expect(error.message).toContain(`Region '${long.slice(0, 64)}…'`);
  });

  it('checks nothing under off', () => {
    const factory = createClientFactory({ regionValidation: 'off' });
    const client = factory.getClient(alpha, { region: 'local', credentials: creds }) as FakeClient;
    expect(client.config.region).toBe('local');
  });

  it('enumerates the regions the SDK lists', () => {
    const regions = knownRegions(sdkPartition);
    expect(regions).toContain('us-east-1');
    expect(regions).toContain('eu-west-3');
    expect(regions.length).toBeGreaterThan(25);
  });

  it('suggests nothing for something far from any region', () => {
    expect(suggestRegion('mars-olympus-mons', sdkPartition)).toBeUndefined();
  });
});

describe('the region of an environment (every platform: each gives the kernel its environment)', () => {
  it.each([
    [{ AWS_REGION: 'eu-south-1', AWS_DEFAULT_REGION: 'eu-west-1' }, 'eu-south-1', 'AWS_REGION'],
    [{ AWS_REGION: '', AWS_DEFAULT_REGION: 'eu-west-1' }, 'eu-west-1', 'AWS_DEFAULT_REGION'],
    [{ AWS_DEFAULT_REGION: 'eu-west-1' }, 'eu-west-1', 'AWS_DEFAULT_REGION'],
    [{ AWS_REGION: '', AWS_DEFAULT_REGION: '' }, undefined, 'AWS_REGION'],
    [{}, undefined, 'AWS_REGION'],
    [undefined, undefined, 'AWS_REGION'],
  ] as const)('%o: region %s, named by %s', (env, region, variable) => {
    expect(environmentRegion(env as Environment | undefined)).toBe(region);
    expect(environmentSource(() => env as Environment | undefined)).toEqual({ from: 'environment', variable });
  });

  it('names the variable as the environment is when a refused region is reported, not when the factory was made', () => {
    const env: Record<string, string | undefined> = { AWS_REGION: 'eu-south-1' };
    const source = environmentSource(() => env);
    env.AWS_REGION = undefined;
    env.AWS_DEFAULT_REGION = 'eu-wset-1';
    expect(source).toMatchObject({ variable: 'AWS_DEFAULT_REGION' });
  });
});

describe('region resolution', () => {
  it('uses the option, then defaultRegion, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    process.env.AWS_REGION = 'eu-west-2';
    process.env.AWS_DEFAULT_REGION = 'eu-west-3';
    const withDefault = createClientFactory({ defaultRegion: 'ap-south-1' });
    expect((withDefault.getClient(alpha, { region: 'us-west-2', credentials: creds }) as FakeClient).config.region).toBe('us-west-2');
    expect((withDefault.getClient(alpha, { credentials: creds }) as FakeClient).config.region).toBe('ap-south-1');
    const plain = createClientFactory();
    expect((plain.getClient(alpha, { credentials: creds }) as FakeClient).config.region).toBe('eu-west-2');
    delete process.env.AWS_REGION;
    expect((plain.getClient(alpha, { credentials: creds }) as FakeClient).config.region).toBe('eu-west-3');
  });

  it("asks the SDK's own lookup on Node when none is given anywhere, and finding none is an AwsRegionError", async () => {
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    await withConfigFiles(async (configFile) => {
      configFile('with-region', '[default]\nregion = eu-north-1\n');
      const factory = createClientFactory();
      const client = factory.getClient(alpha, { credentials: creds }) as FakeClient;
      expect(await (client.config.region as () => Promise<string>)()).toBe('eu-north-1');
      expect(factory.stats().entries[0]?.region).toBeUndefined();
      configFile('empty', '');
      const none = createClientFactory().getClient(alpha, { credentials: creds, profile: 'p' }) as FakeClient;
      const error = await (none.config.region as () => Promise<string>)().catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(AwsRegionError);
      expect(error).toMatchObject({ code: 'MISSING_REGION', region: '', message: expect.stringContaining("the shared config file for profile 'p'") });
    });
  });

  it('validates environment regions too', () => {
    process.env.AWS_REGION = 'us-east-l';
    expect(() => createClientFactory().getClient(alpha, { credentials: creds })).toThrow(/did you mean 'us-east-1'/);
  });
});

describe('a refused region from the environment, the factory or a config file says where it came from', () => {
  const message = (make: () => unknown): AwsRegionError => {
    try {
      make();
    } catch (error) {
      expect(error).toBeInstanceOf(AwsRegionError);
      return error as AwsRegionError;
    }
    throw new Error('the region was accepted');
  };

  it('AWS_REGION: names the variable and what to change, with the same fields as a region passed in', () => {
    process.env.AWS_REGION = 'us-east-l';
    const error = message(() => createClientFactory().getClient(alpha, { credentials: creds }));
    expect(error.message).toBe(
      "Region 'us-east-l' from the AWS_REGION environment variable is not a valid AWS region — did you mean 'us-east-1'? Fix AWS_REGION, or pass region.",
    );
    expect(error).toMatchObject({ code: 'INVALID_REGION', region: 'us-east-l', suggestion: 'us-east-1' });
    // The same value passed in says nothing of the environment.
    expect(message(() => createClientFactory().getClient(alpha, { region: 'us-east-l', credentials: creds })).message).toBe(
      "Region 'us-east-l' is not a valid AWS region — did you mean 'us-east-1'?",
    );
  });

  it('echoes no control character of a region from the environment', () => {
    process.env.AWS_REGION = 'us-east-1\r\n[WARN] forged';
    const error = message(() => createClientFactory().getClient(alpha, { credentials: creds }));
    expect(error.message).not.toMatch(/\p{Cc}/u);
    expect(error.message).toContain("Region 'us-east-1\\r\\n[WARN] forged' from the AWS_REGION environment variable");
    expect(error.region).toBe('us-east-1\\r\\n[WARN] forged'); // escaped in the field too: a logger printing it must not get a forged line
  });

  it('AWS_DEFAULT_REGION: names that variable when AWS_REGION is unset or empty', () => {
    process.env.AWS_REGION = '';
    process.env.AWS_DEFAULT_REGION = 'eu-wset-1';
    const error = message(() => createClientFactory().getClient(alpha, { credentials: creds }));
    expect(error.message).toBe(
      "Region 'eu-wset-1' from the AWS_DEFAULT_REGION environment variable is not a valid AWS region — did you mean 'eu-west-1'? Fix AWS_DEFAULT_REGION, or pass region.",
    );
    expect(error).toMatchObject({ code: 'INVALID_REGION', region: 'eu-wset-1', suggestion: 'eu-west-1' });
  });

  it('a region of no known shape in the environment, and one unlisted under strict validation', () => {
    process.env.AWS_REGION = 'Mars';
    expect(message(() => createClientFactory().getClient(alpha, { credentials: creds })).message).toBe(
      "Region 'Mars' from the AWS_REGION environment variable is not a valid AWS region. Use a region code such as us-east-1 (lower case, dashes, a number at the end). Fix AWS_REGION, or pass region.",
    );
    process.env.AWS_REGION = 'xx-north-9';
    const unknown = message(() => createClientFactory({ regionValidation: 'strict' }).getClient(alpha, { credentials: creds }));
    expect(unknown).toMatchObject({ code: 'UNKNOWN_REGION', region: 'xx-north-9', suggestion: undefined });
    expect(unknown.message).toBe(
      "Region 'xx-north-9' from the AWS_REGION environment variable is not in the AWS SDK's region list. If it is a new region, update the SDK or use regionValidation: 'warn'; otherwise check the spelling. Fix AWS_REGION, or pass region.",
    );
  });

  it("the factory's defaultRegion: names the option, whatever AWS_REGION holds", () => {
    process.env.AWS_REGION = 'us-east-l';
    const error = message(() => createClientFactory({ defaultRegion: 'eu-west-l' }));
    expect(error.message).toBe(
      "Region 'eu-west-l' from the factory's defaultRegion is not a valid AWS region — did you mean 'eu-west-1'? Fix defaultRegion (createClientFactory() or configureClientFactory()).",
    );
    expect(error).toMatchObject({ code: 'INVALID_REGION', region: 'eu-west-l', suggestion: 'eu-west-1' });
    expect(message(() => createClientFactory({ defaultRegion: 42 as never })).message).toBe(
      "defaultRegion must be a string such as 'us-east-1', got a number.",
    );
  });

  it("a profile's region in the shared config file: names the file's setting and the profile", async () => {
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    await withConfigFiles(async (configFile) => {
      configFile('config', '[profile work]\nregion = us-east-l\n[default]\nregion = eu-wset-1\n');
      const factory = createClientFactory();
      const lookup = (profile?: string) =>
        ((factory.getClient(alpha, { credentials: creds, profile }) as FakeClient).config.region as () => Promise<string>)().catch((thrown: unknown) => thrown);
      const work = (await lookup('work')) as AwsRegionError;
      expect(work).toBeInstanceOf(AwsRegionError);
      expect(work).toMatchObject({ code: 'INVALID_REGION', region: 'us-east-l', suggestion: 'us-east-1' });
      expect(work.message).toBe(
        "Region 'us-east-l' from profile 'work' in the shared config file is not a valid AWS region — did you mean 'us-east-1'? Fix the profile's region (region = us-east-1), set AWS_REGION, or pass region.",
      );
      expect(((await lookup()) as AwsRegionError).message).toBe(
        "Region 'eu-wset-1' from the profile AWS_PROFILE names (else 'default') in the shared config file is not a valid AWS region — did you mean 'eu-west-1'? Fix the profile's region (region = eu-west-1), set AWS_REGION, or pass region.",
      );
    });
  });
});
