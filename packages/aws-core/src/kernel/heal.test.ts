// The memoised provider's `invalidate` and the rejection codes, without a
// wire (the requests themselves are tested against the testkit in
// internal/e2e/src/heal.test.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { credentialsIssuedBy, memoizeProvider, type ResolutionReport } from './credentials.js';
import { AwsClientError } from './errors.js';
import { rejectionOf, withoutSecrets } from './heal.js';
import type { AwsCredentials } from './types.js';

function source() {
  const calls: unknown[] = [];
  let n = 0;
  const reports: ResolutionReport[] = [];
  const provider = memoizeProvider(
    async (options) => {
      calls.push(options);
      n++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { accessKeyId: `ASIA${n}`, secretAccessKey: `secret-${n}`, sessionToken: `token-${n}`, expiration: new Date(Date.now() + 3_600_000) };
    },
    {
      refreshWindowMs: 60_000,
      wrapError: (error) => new AwsClientError(String(error), { code: 'CREDENTIAL_PROVIDER_FAILED' }),
      onResolution: (r) => reports.push(r),
    },
  );
  return { provider, calls, reports };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('invalidate', () => {
  it('is marked memoized, so the SDK calls it for every request instead of caching above it', () => {
    expect(source().provider.memoized).toBe(true);
  });

  it('refreshes once for any number of concurrent callers that saw the same rejection, asking the source to force it', async () => {
    const { provider, calls, reports } = source();
    const rejected = await provider();
    const fresh = await Promise.all(Array.from({ length: 20 }, () => provider.invalidate(rejected, 'ExpiredToken')));
    expect(calls).toEqual([undefined, { forceRefresh: true }]);
    expect(new Set(fresh.map((c) => c.accessKeyId))).toEqual(new Set(['ASIA2']));
    expect(await provider()).toBe(fresh[0]);
    expect(reports.at(-1)).toMatchObject({ refresh: true, ok: true, rejected: 'ExpiredToken' });
  });

  it('a rejection that arrives during a background refresh (a plain call) asks with forceRefresh once that call gives back the rejected set', async () => {
    const calls: unknown[] = [];
    const cached = { accessKeyId: 'ASIACACHED', secretAccessKey: 'cached-secret', sessionToken: 'cached-token', expiration: new Date(Date.now() + 20_000) };
    let release: (() => void) | undefined;
    const provider = memoizeProvider(
      async (options) => {
        calls.push(options);
        // A source that caches: only forceRefresh gives new credentials. The second (background) call is slow.
        if (calls.length === 2) await new Promise<void>((resolve) => (release = resolve));
        if ((options as { forceRefresh?: boolean } | undefined)?.forceRefresh) {
          return { accessKeyId: 'ASIAFORCED', secretAccessKey: 'forced-secret', sessionToken: 'forced-token', expiration: new Date(Date.now() + 3_600_000) };
        }
        return cached;
      },
      { refreshWindowMs: 60_000, wrapError: (error) => new AwsClientError(String(error), { code: 'CREDENTIAL_PROVIDER_FAILED' }) },
    );
    const rejected = await provider();
    // 11 s on, within the refresh window (half the 20 s lifetime): this call starts a background refresh and is served the current set.
    const now = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => now + 11_000);
    expect(await provider()).toBe(rejected);
    expect(calls).toEqual([undefined, undefined]);
    const healed = Promise.all([provider.invalidate(rejected, 'ExpiredToken'), provider.invalidate(rejected, 'ExpiredToken')]);
    release?.();
    const [first, second] = await healed;
    expect([first.accessKeyId, second.accessKeyId]).toEqual(['ASIAFORCED', 'ASIAFORCED']);
    expect(calls).toEqual([undefined, undefined, { forceRefresh: true }]);
  });

  it("follows each client's measured clock offset: a new client's 0 keeps another's skew, a client's offset back near 0 (the host's clock corrected) ends it", async () => {
    const real = Date.now();
    let hostAhead = 20 * 60_000;
    vi.spyOn(Date, 'now').mockImplementation(() => real + hostAhead);
    let n = 0;
    const provider = memoizeProvider(
      async () => {
        n++;
        // 15-minute credentials, on AWS's clock.
        return { accessKeyId: `ASIA${n}`, secretAccessKey: 's', sessionToken: 't', expiration: new Date(real + 15 * 60_000) };
      },
      { refreshWindowMs: 0, wrapError: (error) => new AwsClientError(String(error), { code: 'CREDENTIAL_PROVIDER_FAILED' }) },
    );
    // As the SDK calls it: with the calling client's config.
    const call = provider as unknown as (options: { callerClientConfig: object }) => Promise<AwsCredentials>;
    const a = { systemClockOffset: -hostAhead };
    const b = { systemClockOffset: 0 };
    expect((await call({ callerClientConfig: a })).accessKeyId).toBe('ASIA1');
    // B has met no service yet: its 0 must not make A's fresh credentials look expired (host 20 min fast).
    expect((await call({ callerClientConfig: b })).accessKeyId).toBe('ASIA1');
    expect(n).toBe(1);
    // The host's clock is corrected; A's next response moves its offset near 0. 16 minutes later (AWS time)
    // the credentials have expired: they must be seen so, not 20 minutes later.
    hostAhead = 16 * 60_000; // the host now right, 16 minutes on
    a.systemClockOffset = -400;
    expect((await call({ callerClientConfig: a })).accessKeyId).toBe('ASIA2');
    expect(n).toBe(2);
  });

  it("judges credentials marked by credentialsIssuedBy() on their issuer's clock from their first use, and no other source's on it", async () => {
    const real = Date.now();
    const hostAhead = 20 * 60_000;
    vi.spyOn(Date, 'now').mockImplementation(() => real + hostAhead);
    // 15-minute credentials written on AWS's clock, by an issuer that measured the host 20 minutes fast.
    const issuer = { config: { systemClockOffset: -hostAhead } };
    const counts = { marked: 0, plain: 0 };
    const issue = (kind: keyof typeof counts) => async () => {
      counts[kind]++;
      const issued = { accessKeyId: `ASIA${kind}`, secretAccessKey: 's', sessionToken: 't', expiration: new Date(real + 15 * 60_000) };
      return kind === 'marked' ? credentialsIssuedBy(issued, issuer) : issued;
    };
    const options = { refreshWindowMs: 0, wrapError: (error: unknown) => new AwsClientError(String(error), { code: 'CREDENTIAL_PROVIDER_FAILED' }) };
    const marked = memoizeProvider(issue('marked'), options);
    const plain = memoizeProvider(issue('plain'), options);
    // The calling client has measured nothing yet (0), as a new client's first requests.
    const call = (provider: typeof marked) => (provider as unknown as (o: object) => Promise<AwsCredentials>)({ callerClientConfig: { systemClockOffset: 0 } });
    for (let i = 0; i < 3; i++) await call(marked);
    expect(counts.marked).toBe(1);
    // Unmarked, they look expired on the host's clock: asked again each time (the issuer's skew decides only its own).
    for (let i = 0; i < 3; i++) await call(plain);
    expect(counts.plain).toBe(3);
  });

  // Review 15 (Y): an issuer called unsigned never measures a skew (its offset stays 0); its mark
  // reset the skew the calling clients had measured, and the credentials looked expired again.
  it("an issuer's offset near 0 (it measured nothing) leaves the skew the calling clients measured", async () => {
    const real = Date.now();
    const hostAhead = 20 * 60_000;
    let elapsed = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => real + hostAhead + elapsed);
    let n = 0;
    const provider = memoizeProvider(
      async () => {
        n++;
        // Short-lived: the first set has expired on AWS's clock 2 s on (below).
        const expiration = new Date(real + (n === 1 ? 1_000 : 15 * 60_000));
        return credentialsIssuedBy({ accessKeyId: `ASIA${n}`, secretAccessKey: 's', sessionToken: 't', expiration }, { config: { systemClockOffset: 0 } });
      },
      { refreshWindowMs: 0, wrapError: (error) => new AwsClientError(String(error), { code: 'CREDENTIAL_PROVIDER_FAILED' }) },
    );
    const call = provider as unknown as (options: { callerClientConfig: object }) => Promise<AwsCredentials>;
    const measured = { systemClockOffset: -hostAhead };
    expect((await call({ callerClientConfig: measured })).accessKeyId).toBe('ASIA1');
    elapsed = 2_000;
    // Expired on AWS's clock: a second set, whose (unmeasured) mark must not make AWS's clock the host's again.
    expect((await call({ callerClientConfig: measured })).accessKeyId).toBe('ASIA2');
    for (let i = 0; i < 3; i++) expect((await call({ callerClientConfig: measured })).accessKeyId).toBe('ASIA2');
    expect(n).toBe(2);
  });

  // Review 15 (Z): after that fix, a skew an issuer gave was kept for good once its clock was corrected
  // (its next offset near 0 was ignored), and every call fetched again.
  it("an issuer's offset back near 0 ends the skew that issuer gave (its clock was corrected)", async () => {
    const real = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => real);
    let n = 0;
    const provider = memoizeProvider(
      async () => {
        n++;
        // First on a clock the issuer measured 10 minutes ahead of the host; then on a clock it finds right.
        const first = n === 1;
        const expiration = new Date(real + (first ? 9 : 5) * 60_000);
        return credentialsIssuedBy(
          { accessKeyId: `ASIA${n}`, secretAccessKey: 's', sessionToken: 't', expiration },
          { config: { systemClockOffset: first ? 600_000 : 0 } },
        );
      },
      { refreshWindowMs: 0, wrapError: (error) => new AwsClientError(String(error), { code: 'CREDENTIAL_PROVIDER_FAILED' }) },
    );
    const call = provider as unknown as (options: { callerClientConfig: object }) => Promise<AwsCredentials>;
    const caller = { systemClockOffset: 0 };
    for (let i = 0; i < 5; i++) await call({ callerClientConfig: caller });
    // The first set looked expired on the issuer's clock; the second, on the corrected one, serves the rest.
    expect(n).toBe(2);
  });

  it('credentialsIssuedBy() marks a copy, invisibly: the mark is no key, JSON or spread of the credentials; an issuer that is no SDK client leaves them as they are', () => {
    const issued = Object.freeze({ accessKeyId: 'ASIAISSUED', secretAccessKey: 'issued-secret', sessionToken: 'issued-token' });
    const marked = credentialsIssuedBy(issued, { config: { systemClockOffset: -1_200_000 } });
    expect(marked).not.toBe(issued);
    expect(marked).toEqual(issued);
    expect(Reflect.ownKeys(marked)).toHaveLength(4);
    expect(Object.keys(marked)).toEqual(Object.keys(issued));
    expect(JSON.stringify(marked)).toBe(JSON.stringify(issued));
    expect(Object.getOwnPropertySymbols({ ...marked })).toEqual([]);
    // A class instance whose fields are getters: the copy has them.
    class Issued {
      get accessKeyId() {
        return 'ASIAGETTER';
      }
      get secretAccessKey() {
        return 'getter-secret';
      }
      get expiration() {
        return new Date(0);
      }
    }
    expect({ ...credentialsIssuedBy(new Issued(), { config: { systemClockOffset: 0 } }) }).toEqual({
      accessKeyId: 'ASIAGETTER',
      secretAccessKey: 'getter-secret',
      expiration: new Date(0),
    });
    for (const notAClient of [
      undefined,
      null,
      {},
      { config: undefined },
      { config: { systemClockOffset: '0' } },
      { config: { systemClockOffset: Number.NaN } },
      // An issuer whose config cannot be read.
      Object.defineProperty({}, 'config', {
        get() {
          throw new Error('no config');
        },
      }),
    ]) {
      expect(credentialsIssuedBy(issued, notAClient as never)).toBe(issued);
    }
  });

  it('leaves credentials that were already replaced: a late caller with the old ones gets the new ones, no second refresh', async () => {
    const { provider, calls } = source();
    const rejected = await provider();
    await provider.invalidate(rejected, 'ExpiredToken');
    const late = await provider.invalidate({ ...rejected } as AwsCredentials, 'ExpiredTokenException');
    expect(late.accessKeyId).toBe('ASIA2');
    expect(calls).toHaveLength(2);
  });

  it('asks a source that gave back the rejected credentials once, not once per rejection still arriving; again a second later', async () => {
    const calls: unknown[] = [];
    const stale = { accessKeyId: 'ASIASTALE', secretAccessKey: 'stale-secret', sessionToken: 'stale-token' };
    const provider = memoizeProvider(
      async (options) => {
        calls.push(options);
        return { ...stale };
      },
      { refreshWindowMs: 60_000, wrapError: (error) => new AwsClientError(String(error), { code: 'CREDENTIAL_PROVIDER_FAILED' }) },
    );
    const now = vi.spyOn(Date, 'now');
    now.mockReturnValue(1_000_000);
    const rejected = await provider();
    expect(await provider.invalidate(rejected, 'ExpiredToken')).toEqual(stale);
    expect(calls).toEqual([undefined, { forceRefresh: true }]);
    // Twelve requests sent before the refresh answered, each rejected now, one after another.
    for (let i = 0; i < 12; i++) expect(await provider.invalidate({ ...stale }, 'ExpiredToken')).toEqual(stale);
    expect(calls).toHaveLength(2);
    // A second later the source may have new ones: asked again, once.
    now.mockReturnValue(1_001_000);
    await Promise.all([provider.invalidate({ ...stale }, 'ExpiredToken'), provider.invalidate({ ...stale }, 'ExpiredToken')]);
    expect(calls).toEqual([undefined, { forceRefresh: true }, { forceRefresh: true }]);
  });

  it('asks again at once for other credentials rejected within that second (the gap holds only for the set given back)', async () => {
    const calls: unknown[] = [];
    const set = (n: number, expiresAt: number) => ({
      accessKeyId: `ASIA${n}`,
      secretAccessKey: `secret-${n}`,
      sessionToken: `token-${n}`,
      expiration: new Date(expiresAt),
    });
    const now = vi.spyOn(Date, 'now');
    now.mockReturnValue(1_000_000);
    // The source: an expired set, the same set again when forced, then a fresh one, then another.
    const answers = [set(1, 999_000), set(1, 999_000), set(2, 5_000_000), set(3, 5_000_000)];
    const provider = memoizeProvider(
      async (options) => {
        calls.push(options);
        return answers[calls.length - 1];
      },
      { refreshWindowMs: 0, wrapError: (error) => new AwsClientError(String(error), { code: 'CREDENTIAL_PROVIDER_FAILED' }) },
    );
    const first = await provider();
    expect((await provider.invalidate(first, 'ExpiredToken')).accessKeyId).toBe('ASIA1');
    now.mockReturnValue(1_000_100);
    // The given-back set has expired: the next request resolves a fresh one, which the service rejects too.
    const second = await provider();
    expect(second.accessKeyId).toBe('ASIA2');
    expect((await provider.invalidate(second, 'ExpiredToken')).accessKeyId).toBe('ASIA3');
    expect(calls).toEqual([undefined, { forceRefresh: true }, undefined, { forceRefresh: true }]);
  });

  it('shares a forced refresh that failed with the rejections still arriving for the same credentials; asks again a second later', async () => {
    const calls: unknown[] = [];
    const reports: ResolutionReport[] = [];
    const issued = { accessKeyId: 'ASIAISSUED', secretAccessKey: 'issued-secret', sessionToken: 'issued-token' };
    // The source gives credentials once, then fails (a vault or STS outage).
    const provider = memoizeProvider(
      async (options) => {
        calls.push(options);
        if (calls.length > 1) throw new Error('source down');
        return { ...issued };
      },
      {
        refreshWindowMs: 60_000,
        wrapError: (error) => new AwsClientError(String(error), { code: 'CREDENTIAL_PROVIDER_FAILED' }),
        onResolution: (r) => reports.push(r),
      },
    );
    const now = vi.spyOn(Date, 'now');
    now.mockReturnValue(1_000_000);
    const rejected = await provider();
    const first = await provider.invalidate(rejected, 'ExpiredToken').catch((error: unknown) => error);
    expect(first).toMatchObject({ code: 'CREDENTIAL_PROVIDER_FAILED' });
    // Twelve requests sent with the same credentials, rejected one after another once the refresh failed: its failure, no call each.
    for (let i = 0; i < 12; i++) await expect(provider.invalidate({ ...issued }, 'ExpiredToken')).rejects.toBe(first);
    expect(calls).toEqual([undefined, { forceRefresh: true }]);
    expect(reports.filter((report) => report.rejected !== undefined)).toHaveLength(1);
    // A request made afresh asks the source (no failure is kept for plain calls) …
    await expect(provider()).rejects.toMatchObject({ code: 'CREDENTIAL_PROVIDER_FAILED' });
    expect(calls).toHaveLength(3);
    // … and a second later a rejection asks again, once.
    now.mockReturnValue(1_001_000);
    await Promise.all([provider.invalidate({ ...issued }, 'ExpiredToken').catch(() => {}), provider.invalidate({ ...issued }, 'ExpiredToken').catch(() => {})]);
    expect(calls).toEqual([undefined, { forceRefresh: true }, undefined, { forceRefresh: true }]);
  });

  it('compares by key, secret and token, not by object identity', async () => {
    const { provider, calls } = source();
    const current = await provider();
    await provider.invalidate({ ...current } as AwsCredentials, 'ExpiredToken');
    expect(calls).toHaveLength(2);
  });
});

describe('rejectionOf', () => {
  const temporary = { accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't' } as AwsCredentials;
  const longTerm = { accessKeyId: 'AKIA1', secretAccessKey: 's' } as AwsCredentials;

  it.each(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired'])('%s is a rejection of any credentials', (name) => {
    expect(rejectionOf(Object.assign(new Error('x'), { name }), longTerm)).toBe(name);
    expect(rejectionOf(Object.assign(new Error('x'), { name }), temporary)).toBe(name);
  });

  it.each(['InvalidClientTokenId', 'UnrecognizedClientException', 'InvalidAccessKeyId', 'RequestExpired'])(
    '%s is one for temporary credentials only (for a long-term key it is a wrong key)',
    (name) => {
      expect(rejectionOf(Object.assign(new Error('x'), { name }), temporary)).toBe(name);
      expect(rejectionOf(Object.assign(new Error('x'), { name }), longTerm)).toBeUndefined();
    },
  );

  it('reads Code / code as some protocols leave them, and ignores everything else', () => {
    expect(rejectionOf({ Code: 'ExpiredToken' }, temporary)).toBe('ExpiredToken');
    expect(rejectionOf({ name: 'Error', code: 'ExpiredTokenException' }, temporary)).toBe('ExpiredTokenException');
    for (const other of [new Error('AccessDenied'), { name: 'ThrottlingException' }, { name: 'InvalidToken' }, null, 'ExpiredToken', undefined]) {
      expect(rejectionOf(other, temporary)).toBeUndefined();
    }
  });
});

describe("withoutSecrets: the request's own secrets cut out of a service error", () => {
  const identity: AwsCredentials = {
    accessKeyId: 'ASIAEXAMPLEEXAMPLE12',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY',
    sessionToken: 'FwoGZXIvYXdzEXAMPLETOKENEXAMPLETOKEN',
  };
  const shown = (error: unknown): string => `${JSON.stringify(error)} ${String((error as Error).message)}`;

  it("in top-level fields, the message and nested plain objects (a query protocol's Error.Message, a Detail)", () => {
    const error = Object.assign(new Error(`token ${identity.sessionToken} expired`), {
      'Token-0': identity.sessionToken,
      Error: { Message: `bad ${identity.sessionToken}`, Detail: { Inner: `secret ${identity.secretAccessKey}` } },
      RequestId: 'R1',
    });
    withoutSecrets(error, identity);
    expect(shown(error)).not.toContain(identity.sessionToken);
    expect(shown(error)).not.toContain(identity.secretAccessKey);
    expect(error).toMatchObject({
      RequestId: 'R1',
      'Token-0': `(a string of ${identity.sessionToken!.length} characters that looks like a credential, not shown)`,
    });
    expect(error.message).toMatch(/^token \(a string of \d+ characters .*\) expired$/);
  });

  it("lets go of the raw response's body (Node's response, whose request holds the signed token), as the SDK fixes $response on its error; status and headers stay", () => {
    const fixed = (body: unknown) => {
      const error = new Error('NoSuchKey');
      Object.defineProperty(error, '$response', {
        value: { statusCode: 404, headers: { 'x-amz-request-id': 'R1' }, body },
        enumerable: false,
        writable: false,
        configurable: false,
      });
      return error as Error & { $response: { statusCode: number; headers: object; body: unknown } };
    };
    const error = fixed({ req: { _header: `x-amz-security-token: ${identity.sessionToken}` } });
    withoutSecrets(error, identity);
    expect(error.$response).toEqual({ statusCode: 404, headers: { 'x-amz-request-id': 'R1' }, body: undefined });
    // Long-term credentials sign no token: the response is left as it came.
    const longTerm = fixed({ req: {} });
    withoutSecrets(longTerm, { accessKeyId: 'AKIDLONG', secretAccessKey: 'long-term-secret-key' });
    expect(longTerm.$response.body).toEqual({ req: {} });
    // A frozen response is left, without a throw.
    const frozen = new Error('x');
    Object.defineProperty(frozen, '$response', { value: Object.freeze({ statusCode: 500, body: {} }) });
    expect(() => withoutSecrets(frozen, identity)).not.toThrow();
  });

  it('never throws from inside, and leaves what it cannot read or write: a throwing getter, a Proxy, a frozen field', () => {
    const getter = Object.defineProperty(new Error('x'), 'Boom', {
      enumerable: true,
      get: () => {
        throw new Error('getter boom');
      },
    });
    const proxy = new Proxy(new Error('x'), {
      ownKeys: () => {
        throw new Error('ownKeys boom');
      },
    });
    const frozen = Object.freeze(Object.assign(new Error('x'), { 'Token-0': identity.sessionToken }));
    for (const error of [getter, proxy, frozen]) expect(() => withoutSecrets(error, identity)).not.toThrow();
    expect(frozen['Token-0']).toBe(identity.sessionToken);
  });

  it('never changes an object the error points at (it may be the very credentials every client signs with): the error gets a cleaned copy', () => {
    const signedWith = { ...identity };
    const nested = { Inner: `x ${identity.sessionToken}` };
    const error = Object.assign(new Error('refused'), {
      signedWith,
      nested,
      list: [identity.sessionToken, 'ok'],
      deep: { a: { b: { c: identity.sessionToken } } },
    });
    withoutSecrets(error, identity);
    expect(signedWith).toEqual(identity);
    expect(nested.Inner).toBe(`x ${identity.sessionToken}`);
    expect(error.signedWith).not.toBe(signedWith);
    expect(shown(error)).not.toContain(identity.sessionToken);
    expect(shown(error)).not.toContain(identity.secretAccessKey);
    expect(error.list[1]).toBe('ok');
  });

  it('a field that throws is skipped, the fields after it still cleaned', () => {
    const error = Object.defineProperty(new Error(`m ${identity.sessionToken}`), 'A', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    Object.assign(error, { 'Token-0': identity.sessionToken });
    withoutSecrets(error, identity);
    expect((error as unknown as Record<string, unknown>)['Token-0']).not.toBe(identity.sessionToken);
    expect(error.message).not.toContain(identity.sessionToken);
  });

  it('leaves an error that quotes no secret as it was', () => {
    const error = Object.assign(new Error('Access Denied'), { Code: 'AccessDenied', nested: { a: 1 } });
    withoutSecrets(error, identity);
    expect(error).toMatchObject({ message: 'Access Denied', Code: 'AccessDenied', nested: { a: 1 } });
  });
});
