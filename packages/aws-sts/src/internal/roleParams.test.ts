import { describe, expect, it } from 'vitest';
import { MAX_ROLES, PER_ROLE, RecentSources } from './recentSources.js';
import {
  emptyRead,
  isRoleOption,
  isWebIdentityOption,
  keyOf,
  ROLE_OPTIONS,
  type RoleRead,
  readRole,
  readWebIdentity,
  sameRead,
  snapshotOf,
  WEB_IDENTITY_OPTIONS,
} from './roleParams.js';

const ROLE = 'arn:aws:iam::111122223333:role/app';

function read(options: object, web = false): RoleRead {
  const out = emptyRead(web ? 'assumeRoleWithWebIdentity' : 'assumeRole');
  (web ? readWebIdentity : readRole)(options, out);
  return out;
}

describe('option names', () => {
  it('answers exactly the declared options of each function', () => {
    const all = [...new Set([...ROLE_OPTIONS, ...WEB_IDENTITY_OPTIONS, 'RoleArn', 'role', 'constructor', '__proto__', ''])];
    expect(all.filter(isRoleOption)).toEqual([...ROLE_OPTIONS]);
    expect(all.filter(isWebIdentityOption).sort()).toEqual([...WEB_IDENTITY_OPTIONS].sort());
  });

  it('reads each declared option and nothing else', () => {
    const options = Object.fromEntries(ROLE_OPTIONS.map((name, i) => [name, `v${i}`]));
    const out = read(options);
    expect(ROLE_OPTIONS.map((name) => out[name as keyof RoleRead])).toEqual(ROLE_OPTIONS.map((_, i) => `v${i}`));
    expect(out.problem).toBeUndefined();
    const webOptions = Object.fromEntries(WEB_IDENTITY_OPTIONS.map((name, i) => [name, `w${i}`]));
    const webOut = read(webOptions, true);
    expect(WEB_IDENTITY_OPTIONS.map((name) => webOut[name as keyof RoleRead])).toEqual(WEB_IDENTITY_OPTIONS.map((_, i) => `w${i}`));
  });
});

describe('sameRead', () => {
  const source = { accessKeyId: 'AKIDSOURCE', secretAccessKey: 'secret', expiration: new Date(1_800_000_000_000) };
  const snapshot = snapshotOf(read({ roleArn: ROLE, source, tags: { a: '1' } }));

  it('matches equal values in fresh objects, Dates by time', () => {
    expect(sameRead(snapshot, read({ roleArn: ROLE, source: { ...source, expiration: new Date(1_800_000_000_000) }, tags: { a: '1' } }))).toBe(true);
  });

  it.each([
    ['another secret', { roleArn: ROLE, source: { ...source, secretAccessKey: 'other' }, tags: { a: '1' } }],
    ['another expiration', { roleArn: ROLE, source: { ...source, expiration: new Date(1) }, tags: { a: '1' } }],
    ['a field more', { roleArn: ROLE, source: { ...source, sessionToken: 't' }, tags: { a: '1' } }],
    ['a field less', { roleArn: ROLE, source: { accessKeyId: 'AKIDSOURCE', secretAccessKey: 'secret' }, tags: { a: '1' } }],
    ['a field set to undefined', { roleArn: ROLE, source: { ...source, sessionToken: undefined }, tags: { a: '1' } }],
    ['a tag more', { roleArn: ROLE, source, tags: { a: '1', b: '2' } }],
    ['no tags', { roleArn: ROLE, source }],
    ['another kind', { roleArn: ROLE, source, tags: { a: '1' }, web: true }],
  ])('tells %s apart', (_, options) => {
    const { web, ...rest } = options as typeof options & { web?: boolean };
    const other = read(rest);
    if (web) other.kind = 'assumeRoleWithWebIdentity';
    expect(sameRead(snapshot, other)).toBe(false);
  });

  it('sees a source mutated after it was snapshotted', () => {
    const mutable = { accessKeyId: 'AKIDSOURCE', secretAccessKey: 'secret' };
    const taken = snapshotOf(read({ roleArn: ROLE, source: mutable }));
    mutable.secretAccessKey = 'changed';
    expect(sameRead(taken, read({ roleArn: ROLE, source: mutable }))).toBe(false);
  });
});

describe('a polluted Object.prototype', () => {
  it('is no option, tag or source field of the caller: only own keys are read as theirs', () => {
    const polluted = Object.prototype as Record<string, unknown>;
    polluted.injected = 'x';
    try {
      const source = { accessKeyId: 'AKIDSOURCE', secretAccessKey: 'secret' };
      const role = read({ roleArn: ROLE, source, tags: { tenant: 'acme' }, stsConfig: { maxAttempts: 2 } });
      expect(role.problem).toBeUndefined();
      expect(read({ roleArn: ROLE, webIdentityToken: 'token' }, true).problem).toBeUndefined();
      const snapshot = snapshotOf(role);
      // No tag is sent to STS that the caller did not write.
      expect(Object.keys(snapshot.tags ?? {})).toEqual(['tenant']);
      expect(Object.keys(snapshot.source as object).sort()).toEqual(['accessKeyId', 'secretAccessKey']);
      // A call per request with equal values still matches.
      expect(sameRead(snapshot, read({ roleArn: ROLE, source: { ...source }, tags: { tenant: 'acme' }, stsConfig: { maxAttempts: 2 } }))).toBe(true);
      // An own unknown option is still refused.
      expect(read({ roleArn: ROLE, rolArn: ROLE }).problem).toBe('rolArn');
    } finally {
      delete polluted.injected;
    }
  });
});

describe('keyOf', () => {
  it('holds no secret: neither a static source nor a web identity token', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const token = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhcHAifQ.';
    const role = keyOf(
      snapshotOf(read({ roleArn: ROLE, externalId: 'ext', source: { accessKeyId: 'AKIDSOURCE', secretAccessKey: secret, sessionToken: 'tok' } })),
    );
    const web = keyOf(snapshotOf(read({ roleArn: ROLE, webIdentityToken: token }, true)));
    for (const key of [role, web]) {
      expect(key).not.toContain(secret);
      expect(key).not.toContain(token);
      expect(key).not.toContain('tok');
      expect(key).not.toContain('AKIDSOURCE');
    }
    expect(role).toContain(ROLE);
  });

  it('sorts tags, and tells absent from empty values apart', () => {
    const key = (options: object) => keyOf(snapshotOf(read({ roleArn: ROLE, ...options })));
    expect(key({ tags: { b: '2', a: '1' } })).toBe(key({ tags: { a: '1', b: '2' } }));
    expect(key({ tags: { a: '' } })).not.toBe(key({}));
    expect(key({ tags: {} })).not.toBe(key({}));
    expect(key({ externalId: 'null' })).not.toBe(key({}));
  });
});

describe('RecentSources', () => {
  it('stays bounded, per role and in all', () => {
    const recent = new RecentSources<number>();
    for (let i = 0; i < PER_ROLE + 3; i++) recent.remember(snapshotOf(read({ roleArn: ROLE, roleSessionName: `s-${i}` })), i);
    expect(recent.size).toBe(PER_ROLE);
    expect(recent.find(read({ roleArn: ROLE, roleSessionName: 's-0' }))).toBeUndefined();
    expect(recent.find(read({ roleArn: ROLE, roleSessionName: `s-${PER_ROLE + 2}` }))).toBe(PER_ROLE + 2);
    for (let i = 0; i < MAX_ROLES + 10; i++) recent.remember(snapshotOf(read({ roleArn: `arn:aws:iam::111122223333:role/r-${i}` })), i);
    expect(recent.size).toBeLessThanOrEqual(MAX_ROLES * PER_ROLE);
    expect(recent.find(read({ roleArn: 'arn:aws:iam::111122223333:role/r-0' }))).toBeUndefined();
    expect(recent.find(read({ roleArn: `arn:aws:iam::111122223333:role/r-${MAX_ROLES + 9}` }))).toBe(MAX_ROLES + 9);
  });
});
