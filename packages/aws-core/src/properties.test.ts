import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeClient, fakeService, recordingLogger } from './__fixtures__/fakeService.js';
import { AwsClientError, createClientFactory, type GetClientOptions } from './index.node.js';

// Property-based tests over getClient's inputs: hostile shapes never escape
// as anything but AwsClientError, never pollute a prototype and never leak a
// secret; equal inputs share a client and any one change makes another.

const alpha = fakeService('alpha');
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'sa-east-1'];
const secretArb = fc
  .string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/'), minLength: 20, maxLength: 40 })
  .map((s) => `zzSECRET${s}`);
const tokenArb = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), minLength: 16, maxLength: 64 }).map((s) => `zzTOKEN${s}`);
const keyIdArb = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'), minLength: 16, maxLength: 16 }).map((s) => `AKIA${s}`);

const nastyKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'endpoint',
  'maxAttempts',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'region',
  'credentials',
);
const nastyValue = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.string({ maxLength: 20_000 }),
  fc.constant(Symbol('s')),
  fc.constant(() => undefined),
  fc.constant(new Date(Number.NaN)),
  fc.bigInt(),
);
const nastyObject = fc
  .tuple(fc.dictionary(nastyKey, nastyValue, { maxKeys: 5 }), fc.boolean(), fc.boolean(), fc.boolean())
  .map(([record, freeze, cyclic, fromJson]) => {
    let value: Record<string, unknown> = record;
    if (fromJson) {
      // JSON.parse makes a real own "__proto__" key, as request bodies do.
      try {
        value = JSON.parse(`{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "inner": ${JSON.stringify(record) ?? '{}'}}`);
      } catch {
        value = record;
      }
    }
    if (cyclic) value.self = value;
    return freeze ? Object.freeze(value) : value;
  });

const credentialsArb = fc.oneof(
  fc.record(
    { accessKeyId: keyIdArb, secretAccessKey: secretArb, sessionToken: fc.option(tokenArb, { nil: undefined }) },
    { requiredKeys: ['accessKeyId', 'secretAccessKey'] },
  ),
  fc.record(
    {
      accessKeyId: fc.anything(),
      secretAccessKey: fc.oneof(secretArb, fc.anything()),
      sessionToken: fc.anything(),
      expiration: fc.oneof(fc.date(), fc.anything()),
    },
    { requiredKeys: [] },
  ),
  nastyObject,
  fc.anything({ maxDepth: 1 }),
  fc.constant(async () => ({ accessKeyId: 'AKIDPROVIDER', secretAccessKey: 'zzSECRETprovider' })),
);
const optionsArb = fc.oneof(
  fc.record(
    {
      region: fc.oneof(fc.constantFrom(...REGIONS), fc.string({ maxLength: 30 }), fc.anything({ maxDepth: 0 }), fc.string({ maxLength: 5_000 })),
      profile: fc.oneof(fc.string({ maxLength: 20 }), fc.anything({ maxDepth: 0 })),
      credentials: credentialsArb,
      config: fc.oneof(nastyObject, fc.anything({ maxDepth: 2 })),
      tier: fc.oneof(fc.constantFrom('standard', 'ai', 'data', 'nope'), fc.anything({ maxDepth: 0 })),
      extra: fc.anything({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  ),
  nastyObject,
  fc.anything({ maxDepth: 2 }),
);

function secretsIn(value: unknown, found: Set<string> = new Set(), seen: Set<unknown> = new Set()): Set<string> {
  if (typeof value === 'string' && (value.startsWith('zzSECRET') || value.startsWith('zzTOKEN'))) found.add(value);
  if (typeof value === 'object' && value !== null && !seen.has(value)) {
    seen.add(value);
    for (const key of Object.keys(value)) secretsIn((value as Record<string, unknown>)[key], found, seen);
  }
  return found;
}

afterEach(() => {
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('getClient properties', () => {
  it('throws nothing but AwsClientError, pollutes no prototype and leaks no secret, whatever the input', () => {
    const logger = recordingLogger();
    const factory = createClientFactory({ logger, maxClients: 64 });
    fc.assert(
      fc.property(optionsArb, (options) => {
        const secrets = secretsIn(options);
        let output = '';
        try {
          factory.getClient(alpha, options as GetClientOptions);
        } catch (error) {
          expect(error).toBeInstanceOf(AwsClientError);
          output += `${(error as Error).message}\n${inspect(error)}`;
        }
        output += JSON.stringify(factory.stats()) + inspect(factory) + JSON.stringify(factory) + logger.lines.join('\n');
        for (const secret of secrets) expect(output.includes(secret), 'a secret reached an output').toBe(false);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 1_500 },
    );
  });

  it('throws nothing but AwsClientError from getSession and clearCache either', () => {
    const factory = createClientFactory();
    fc.assert(
      fc.property(optionsArb, (options) => {
        for (const call of [() => factory.getSession(options as never), () => factory.clearCache(options as never)]) {
          try {
            call();
          } catch (error) {
            expect(error).toBeInstanceOf(AwsClientError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  const validArb = fc.record({
    region: fc.constantFrom(...REGIONS),
    credentials: fc.record({ accessKeyId: keyIdArb, secretAccessKey: secretArb, sessionToken: fc.option(tokenArb, { nil: undefined }) }),
    config: fc.record({ endpoint: fc.webUrl(), maxAttempts: fc.integer({ min: 1, max: 10 }), forcePathStyle: fc.boolean() }, { requiredKeys: [] }),
    tier: fc.constantFrom('standard', 'ai', 'data'),
  });

  it('gives equal inputs the same client, whatever their object identity', () => {
    const factory = createClientFactory({ maxClients: 10_000 });
    fc.assert(
      fc.property(validArb, (options) => {
        const first = factory.getClient(alpha, options);
        expect(factory.getClient(alpha, structuredClone(options))).toBe(first);
        expect(factory.getClient(alpha, JSON.parse(JSON.stringify(options)))).toBe(first);
      }),
      { numRuns: 500 },
    );
  });

  it('gives any single field change another client', () => {
    const factory = createClientFactory({ maxClients: 10_000 });
    const change = fc.constantFrom('region', 'accessKeyId', 'secretAccessKey', 'sessionToken', 'endpoint', 'maxAttempts', 'tier', 'forcePathStyle');
    fc.assert(
      fc.property(validArb, change, (options, field) => {
        const first = factory.getClient(alpha, options);
        const next = structuredClone(options) as typeof options & { config: Record<string, unknown> };
        const creds = next.credentials as Record<string, unknown>;
        switch (field) {
          case 'region':
            next.region = REGIONS[(REGIONS.indexOf(options.region) + 1) % REGIONS.length] as string;
            break;
          case 'accessKeyId':
          case 'secretAccessKey':
          case 'sessionToken':
            creds[field] = `${String(creds[field] ?? 'zzTOKEN')}x`;
            break;
          case 'endpoint':
            next.config.endpoint = `${String(next.config.endpoint ?? 'http://a')}/x`;
            break;
          case 'maxAttempts':
            next.config.maxAttempts = (Number(next.config.maxAttempts ?? 0) % 10) + 11;
            break;
          case 'forcePathStyle':
            next.config.forcePathStyle = !next.config.forcePathStyle;
            break;
          case 'tier':
            next.tier = options.tier === 'ai' ? 'data' : 'ai';
            break;
        }
        expect(factory.getClient(alpha, next)).not.toBe(first);
      }),
      { numRuns: 500 },
    );
  });
});

describe('every input shape gets exactly the client it asks for', () => {
  type Shape = 'plain' | 'frozen' | 'class' | 'hidden' | 'proxy' | 'mutated';
  interface Ask {
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined };
    endpoint: string | undefined;
    userAgent: string | undefined;
  }
  const KEYS = [
    { accessKeyId: 'AKIDSHAPE0000000000A', secretAccessKey: 'zzSECRETshape-a' },
    { accessKeyId: 'AKIDSHAPE0000000000A', secretAccessKey: 'zzSECRETshape-b' },
    { accessKeyId: 'AKIDSHAPE0000000000B', secretAccessKey: 'zzSECRETshape-a', sessionToken: 'zzTOKENshape' },
  ];
  const askArb = fc.record({
    region: fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2'),
    credentials: fc.constantFrom(...KEYS),
    endpoint: fc.constantFrom(undefined, 'http://127.0.0.1:4566', 'http://127.0.0.1:4567'),
    userAgent: fc.constantFrom(undefined, 'app/1', 'app/2'),
  });
  const shapeArb = fc.constantFrom<Shape>('plain', 'frozen', 'class', 'hidden', 'proxy', 'mutated');

  /** The options for an ask, in one of the shapes users pass. */
  function build(ask: Ask, shape: Shape): { options: object; afterCall: () => void } {
    const config = {
      ...(ask.endpoint === undefined ? {} : { endpoint: ask.endpoint }),
      ...(ask.userAgent === undefined ? {} : { customUserAgent: ask.userAgent }),
    };
    const credentials = { ...ask.credentials };
    const plain: Record<string, unknown> = { region: ask.region, credentials, config };
    switch (shape) {
      case 'frozen':
        return { options: Object.freeze({ region: ask.region, credentials: Object.freeze(credentials), config: Object.freeze(config) }), afterCall: () => {} };
      case 'class': {
        class Options {
          get region(): string {
            return ask.region;
          }
          get credentials(): object {
            return credentials;
          }
          get config(): object {
            return config;
          }
        }
        return { options: new Options(), afterCall: () => {} };
      }
      case 'hidden':
        return {
          options: Object.defineProperties({}, { region: { value: ask.region }, credentials: { value: credentials }, config: { value: config } }),
          afterCall: () => {},
        };
      case 'proxy':
        return { options: new Proxy(plain, {}), afterCall: () => {} };
      case 'mutated':
        // Changed after the call: the client made for it must not change with it.
        return {
          options: plain,
          afterCall: () => {
            plain.region = 'sa-east-1';
            credentials.secretAccessKey = 'zzSECRETmutated';
            (config as Record<string, unknown>).endpoint = 'http://127.0.0.1:9';
          },
        };
      default:
        return { options: plain, afterCall: () => {} };
    }
  }

  it('resolves region, credentials, endpoint and user agent to exactly what each call asked, whatever was asked before', async () => {
    const factory = createClientFactory({ maxClients: 16 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(askArb, shapeArb), { minLength: 1, maxLength: 12 }), async (calls) => {
        const made: Array<[Ask, unknown]> = [];
        for (const [ask, shape] of calls) {
          const { options, afterCall } = build(ask, shape);
          const client = factory.getClient(alpha, options as GetClientOptions);
          afterCall();
          made.push([ask, client]);
        }
        for (const [ask, client] of made) {
          const config = (client as FakeClient).config;
          expect(config.region).toBe(ask.region);
          expect(config.endpoint).toBe(ask.endpoint);
          expect(config.customUserAgent).toBe(ask.userAgent);
          const resolved = await (config.credentials as () => Promise<Record<string, unknown>>)();
          expect(resolved).toMatchObject(ask.credentials);
          if (ask.credentials.sessionToken === undefined) expect(resolved.sessionToken).toBeUndefined();
        }
      }),
      { numRuns: 300 },
    );
  });
});
