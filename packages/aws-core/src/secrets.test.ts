import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type FakeClient, fakeService, recordingLogger } from './__fixtures__/fakeService.js';
import { AwsClientError, createClientFactory, defineService, keyedCredentials } from './index.node.js';

const alpha = fakeService('alpha');
const region = 'us-east-1';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYzzSECRETzz';
const TOKEN = 'FwoGZXIvYXdzEzzTOKENzzEXAMPLE';
const creds = { accessKeyId: 'AKIDPUBLIC', secretAccessKey: SECRET, sessionToken: TOKEN };

/** What `attempt` throws (an Error is expected; a call that returns fails the test). */
function thrownBy(attempt: () => unknown): Error {
  try {
    attempt();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to throw');
}

function leaks(text: string): boolean {
  return text.includes(SECRET) || text.includes(TOKEN) || text.includes('SECRETzz') || text.includes('TOKENzz');
}

describe('secrets', () => {
  it('never appear in stats, inspect or JSON output', () => {
    const logger = recordingLogger();
    const factory = createClientFactory({ logger });
    factory.getClient(alpha, { region: 'us-east-1', credentials: creds });
    factory.getClient(alpha, { region: 'us-east-1', credentials: creds });
    factory.getSession({ region: 'us-east-1', credentials: creds });
    expect(leaks(JSON.stringify(factory.stats()))).toBe(false);
    expect(leaks(inspect(factory, { depth: 10, showHidden: true }))).toBe(false);
    expect(leaks(JSON.stringify(factory))).toBe(false);
    expect(leaks(String(factory))).toBe(false);
    factory.clearCache();
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(leaks(logger.lines.join('\n'))).toBe(false);
  });

  it('never appear in a session as printed', () => {
    const factory = createClientFactory();
    const session = factory.getSession({ region: 'us-east-1', credentials: creds });
    expect(leaks(JSON.stringify(session))).toBe(false);
    expect(leaks(inspect(session, { depth: 10 }))).toBe(false);
  });

  it('never appear in error messages about credentials or options', () => {
    const factory = createClientFactory();
    const attempts: Array<() => unknown> = [
      () => factory.getClient(alpha, { region: 'us-east-1', credentials: { accessKeyId: SECRET } as never }),
      () => factory.getClient(alpha, { region: 'us-east-1', credentials: { ...creds, accessKeyId: '' } }),
      () => factory.getClient(alpha, { region: 'us-east-1', credentials: { ...creds, extra: SECRET } as never }),
      () => factory.getClient(alpha, { region: 'us-east-1', credentials: { ...creds, expiration: new Date(0) } }),
      () => factory.getClient(alpha, { region: 'us-east-l', credentials: creds }),
      () => factory.getClient(alpha, { region: 'us-east-1', credentials: creds, tier: 'nope' }),
      () => factory.getClient(alpha, { region: 'us-east-1', credentials: creds, secretAccessKey: SECRET } as never),
      () => factory.getClient('unknown-service' as never, { region: 'us-east-1', credentials: creds }),
    ];
    for (const attempt of attempts) {
      const thrown = thrownBy(attempt);
      expect(thrown).toBeInstanceOf(AwsClientError);
      expect(leaks(thrown.message)).toBe(false);
      expect(leaks(inspect(thrown))).toBe(false);
    }
  });

  it('never appear in a message when one is used as a name: an option, a credential field, a config key, a tier', () => {
    const factory = createClientFactory();
    const named = { [SECRET]: 1 };
    const attempts: Array<() => unknown> = [
      () => factory.getClient(alpha, { region: 'us-east-1', credentials: creds, ...named } as never),
      () => factory.getClient(alpha, { region: 'us-east-1', credentials: { ...creds, ...named } } as never),
      () => factory.getClient(alpha, { region: 'us-east-1', credentials: creds, config: { [SECRET]: Symbol('x') } }),
      () => factory.getClient(alpha, { region: 'us-east-1', credentials: creds, tier: SECRET }),
      () => factory.getSession({ region: 'us-east-1', credentials: creds, ...named } as never),
      () => createClientFactory({ ...named } as never),
      () => createClientFactory({ serviceTiers: { alpha: SECRET } }),
    ];
    for (const attempt of attempts) {
      const thrown = thrownBy(attempt);
      expect(thrown).toBeInstanceOf(AwsClientError);
      expect(leaks(thrown.message), thrown.message).toBe(false);
      expect(thrown.message).toContain('looks like a credential, not shown');
    }
  });

  it("never appear in an AwsRegionError's fields when one is passed as a region, however it arrives, and a huge region is clipped there", () => {
    const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
    const factory = createClientFactory();
    const cases: (() => unknown)[] = [
      () => factory.getClient(alpha, { region: SECRET, credentials: creds }),
      () => factory.getClient(alpha, { region: KEY_ID, credentials: creds }),
      () => factory.getClient(alpha, { region: `x${TOKEN}x`.padEnd(60, 'Q9q'), credentials: creds }),
      () => createClientFactory({ defaultRegion: SECRET }),
      () => factory.clearCache({ region: SECRET }),
    ];
    for (const attempt of cases) {
      const error = thrownBy(attempt) as AwsClientError & { region?: string };
      expect(error.code).toBe('INVALID_REGION');
      for (const shown of [JSON.stringify(error), inspect(error), String(error.region), error.message]) {
        expect(leaks(shown) || shown.includes(KEY_ID), shown).toBe(false);
      }
      expect(error.region).toMatch(/^\(a string of \d+ characters that looks like a credential, not shown\)$/);
    }
    const huge = thrownBy(() => factory.getClient(alpha, { region: 'x'.repeat(1_000_000), credentials: creds })) as AwsClientError & { region?: string };
    expect(huge.region).toBe(`${'x'.repeat(64)}…`);
    // Control characters would forge a log line where the field is printed: escaped, as in the message.
    expect(thrownBy(() => factory.getClient(alpha, { region: 'us-east-1\n[ERROR] forged\u001b[2J', credentials: creds }))).toMatchObject({
      region: 'us-east-1\\n[ERROR] forged\\u001b[2J',
    });
    // A typo is still given back as typed, for the caller to show.
    expect(thrownBy(() => factory.getClient(alpha, { region: 'us-east-l', credentials: creds }))).toMatchObject({
      region: 'us-east-l',
      suggestion: 'us-east-1',
    });
  });

  it("never appear in INVALID_CONFIG when a client constructor's own message quotes one, which is otherwise quoted", () => {
    const throwing = (message: string) =>
      defineService({
        id: 'throwing',
        create: (): FakeClient => {
          throw new Error(message);
        },
      });
    const factory = createClientFactory();
    const error = thrownBy(() =>
      factory.getClient(throwing(`bad token ${TOKEN}${SECRET} for AKIAIOSFODNN7EXAMPLE\n[ERROR] forged`), { region: 'us-east-1', credentials: creds }),
    );
    expect(error).toMatchObject({ code: 'INVALID_CONFIG' });
    expect(leaks(error.message) || error.message.includes('AKIAIOSFODNN7EXAMPLE'), error.message).toBe(false);
    expect(error.message).toContain('bad token [not shown] for [not shown]\\n[ERROR] forged');
    const jwt = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const quoted = thrownBy(() => factory.getClient(throwing(`token ${jwt} refused`), { region: 'us-east-1', credentials: creds })).message;
    expect(quoted).toContain('token [not shown] refused');
    expect(quoted).not.toContain('eyJhbGci');
    expect(thrownBy(() => factory.getClient(throwing('Invalid endpoint: localhost:4566'), { region: 'us-east-1', credentials: creds })).message).toBe(
      'Creating the throwing client failed: Invalid endpoint: localhost:4566. Check the config passed to getClient().',
    );
  });

  it('keep a message short when a config path is huge', () => {
    const key = 'k'.repeat(1_000_000);
    const thrown = thrownBy(() => createClientFactory().getClient(alpha, { region: 'us-east-1', credentials: creds, config: { [key]: Symbol('x') } }));
    expect((thrown as AwsClientError).code).toBe('INVALID_CONFIG');
    expect(thrown.message.length).toBeLessThan(400);
  });

  it('are fingerprinted under a per-factory key', () => {
    const a = createClientFactory();
    const b = createClientFactory();
    a.getClient(alpha, { region: 'us-east-1', credentials: creds });
    b.getClient(alpha, { region: 'us-east-1', credentials: creds });
    const idA = a.stats().entries[0]?.credentialId;
    const idB = b.stats().entries[0]?.credentialId;
    expect(idA).toMatch(/^[0-9a-f]{12}$/);
    expect(idA).not.toBe(idB);
  });
});

describe('a provider failure message', () => {
  it('names the error, keeps the provider text on cause only, and never in the message', async () => {
    const secretText = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYPROVIDERSECRET';
    const factory = createClientFactory();
    const session = factory.getSession({ region, credentials: keyedCredentials('k', async () => Promise.reject(new TypeError(secretText))) });
    const error = (await session.credentials().catch((e: unknown) => e)) as AwsClientError;
    expect(error).toBeInstanceOf(AwsClientError);
    expect(error.message).toContain('TypeError');
    expect(error.message).not.toContain(secretText);
    expect((error.cause as Error).message).toBe(secretText);
  });
});

describe('a provider failure, inspected', () => {
  // The provider's text stays on `cause` ('a provider failure message', above), and
  // util.inspect / console.error show the cause by its name only: a provider
  // that quotes what it read (credential_process output, an HTTP body) must
  // not put it in every log line of `console.error(error)`.
  it('shows no secret the provider quoted, through util.inspect of the error', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYINSPECTSECRET';
    const factory = createClientFactory();
    const session = factory.getSession({
      region,
      credentials: keyedCredentials('k', async () => Promise.reject(new Error(`credential_process returned invalid JSON: {"SecretAccessKey":"${secret}"`))),
    });
    const error = (await session.credentials().catch((e: unknown) => e)) as AwsClientError;
    expect(error).toBeInstanceOf(AwsClientError);
    expect(error.message).not.toContain(secret);
    expect(inspect(error)).not.toContain(secret);
  });
});

describe('a credentials getter that throws with a secret in its message', () => {
  // Review 2 made util.inspect of provider failures show the cause by name
  // only (errors.ts `withholdCauseText`). A getter that fails while the
  // options are read becomes INVALID_OPTIONS.unreadable with the getter's
  // error as `cause` (validateOptions.ts `unreadable`), was shown in full by
  // util.inspect / console.error: a getter reading a secret store quotes
  // what it read or the token it used.
  const secret = 'hvs.CAESIGETTERQUOTEDTHISTOKEN';
  class VaultCredentials {
    readonly accessKeyId = 'AKIDVAULT';
    get secretAccessKey(): string {
      throw new Error(`vault read with token ${secret} failed: permission denied`);
    }
  }

  it.each([
    [
      'getClient',
      (factory: ReturnType<typeof createClientFactory>) => factory.getClient(fakeService('vault'), { region, credentials: new VaultCredentials() }),
    ],
    ['getSession', (factory: ReturnType<typeof createClientFactory>) => factory.getSession({ region, credentials: new VaultCredentials() })],
  ])('%s: util.inspect of the error shows no secret', async (_name, call) => {
    await using factory = createClientFactory();
    let caught: unknown;
    try {
      call(factory);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AwsClientError);
    expect((caught as AwsClientError).message).not.toContain(secret);
    expect(inspect(caught)).not.toContain(secret);
  });
});

describe('what a getter throws, across the other entry points that read user objects', () => {
  // getClient, getSession and clearCache turn a getter's error into
  // INVALID_OPTIONS.unreadable, with the error as `cause` withheld from
  // util.inspect (validateOptions.ts `unreadable`): a getter reading a secret
  // store may quote the token it used. These entry points let the getter's
  // own error out as it was, message and all; now each gives its own code's
  // `.unreadable` error, the cause withheld likewise.
  const secret = 'hvs.REVIEWFOURGETTERTOKEN';
  const credentials = { accessKeyId: 'AKIDREVIEWFOUR', secretAccessKey: 'review-four-secret' };
  const failing = <T extends object>(target: T, name: string): T =>
    Object.defineProperty(target, name, {
      enumerable: true,
      get() {
        throw new Error(`vault read with token ${secret} failed`);
      },
    });

  function caught(run: () => unknown): unknown {
    try {
      run();
    } catch (error) {
      return error;
    }
    return undefined;
  }

  it.each([
    ['createClientFactory({ tiers })', () => createClientFactory({ tiers: failing({}, 'custom') })],
    ['createClientFactory({ serviceTiers })', () => createClientFactory({ serviceTiers: failing({}, 's3') })],
    ['createClientFactory({ logger })', () => createClientFactory({ logger: failing({}, 'warn') as never })],
    ['defineService(definition)', () => defineService(failing({ id: 'vault' }, 'create') as never)],
    ['keyedCredentials(key, provider, options)', () => keyedCredentials('tenant', () => credentials, failing({}, 'refreshWindowMs'))],
    [
      'keyedCredentials(…, { dependsOn })',
      () => keyedCredentials('tenant', () => credentials, { dependsOn: failing({ accessKeyId: 'AKIDVAULT' }, 'secretAccessKey') as never }),
    ],
  ])('%s: a typed error, with no secret in util.inspect', (_name, run) => {
    const error = caught(run);
    expect(error).toBeInstanceOf(AwsClientError);
    expect(inspect(error)).not.toContain(secret);
  });

  it('createClientFactory() with an unreadable option answers INVALID_FACTORY_OPTIONS, as its other refusals do', () => {
    const error = caught(() => createClientFactory(failing({}, 'maxClients')));
    expect(error).toBeInstanceOf(AwsClientError);
    expect(inspect(error)).not.toContain(secret);
    expect((error as AwsClientError).code).toBe('INVALID_FACTORY_OPTIONS');
  });

  it.each([
    ['getClient options', (factory: ReturnType<typeof createClientFactory>) => factory.getClient(fakeService('vault'), failing({ region }, 'credentials'))],
    [
      'getClient nested config',
      (factory: ReturnType<typeof createClientFactory>) =>
        factory.getClient(fakeService('vault'), { region, credentials, config: { nested: failing({}, 'x') } }),
    ],
    ['getSession', (factory: ReturnType<typeof createClientFactory>) => factory.getSession(failing({ region }, 'credentials'))],
    ['clearCache', (factory: ReturnType<typeof createClientFactory>) => factory.clearCache(failing({}, 'service'))],
  ])('%s: a typed error whose message, stack, inspect and JSON hold no secret', async (_name, run) => {
    await using factory = createClientFactory();
    const error = caught(() => run(factory));
    expect(error).toBeInstanceOf(AwsClientError);
    for (const shown of [(error as Error).message, (error as Error).stack, inspect(error), inspect({ error }, { depth: 8 }), JSON.stringify(error)]) {
      expect(shown).not.toContain(secret);
    }
  });
});
