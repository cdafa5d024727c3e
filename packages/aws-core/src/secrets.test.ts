import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type FakeClient, fakeService, recordingLogger } from './__fixtures__/fakeService.js';
import { AwsClientError, createClientFactory, defineService } from './index.node.js';

const alpha = fakeService('alpha');
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
