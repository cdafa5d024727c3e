/**
 * Credential providers as the factory hands them to SDK clients: validated
 * explicit credentials, and any provider memoised so that every client of a
 * session shares one resolution.
 *
 * @module
 */
import { AwsClientError, describeType, fail } from './errors.js';
import { CREDENTIAL_FIELDS, type CredentialField, type CredentialKind, type CredentialsRead, readCredentials, WrongType } from './keySpec.js';
import { clip, errorName, isPromiseLike, NAME_CHARS } from './text.js';
import type { AwsCredentialProvider, AwsCredentials } from './types.js';

/** How credentials resolve, before the factory memoises them. */
export interface CredentialSource {
  readonly kind: CredentialKind;
  /** The provider to memoise (or, for explicit credentials, the static one). */
  readonly provider: AwsCredentialProvider | ((context: object) => unknown);
  /** The profile whose files an error should name. */
  readonly profile: string | undefined;
  /** A keyed provider's own refresh window. */
  readonly refreshWindowMs: number | undefined;
  /**
   * Keyed by a function's identity: a provider, or a keyed provider that
   * depends on one. Built per call, each is a new client (the per-call
   * provider warning watches these).
   */
  readonly byIdentity: boolean;
}

/** Refresh temporary credentials this long before they expire (the SDK's own window). */
export const DEFAULT_REFRESH_WINDOW_MS: number = 5 * 60_000;

/**
 * The smallest clock offset expiry decisions correct for: the SDK learns its
 * offset from `Date` headers of whole seconds, so below this it is rounding.
 */
const CLOCK_OFFSET_MIN_MS = 60_000;

/**
 * Where `credentialsIssuedBy()` leaves the issuer's clock offset on
 * credentials (non-enumerable, so no copy, key or log line carries it): a
 * registered symbol, so that this package's ES module and CommonJS builds,
 * both loaded in one program, read each other's.
 */
const ISSUER_CLOCK = Symbol.for('@dbp/aws-core/issuer-clock@1');

/**
 * Marks credentials as issued by `issuer`, the SDK client whose answer
 * carried them (an STS client, or your own token service's): the factory
 * then judges their `expiration` on that service's clock, the host's
 * corrected by the skew `issuer` measured (its `systemClockOffset`), from
 * their first use. Without it their expiry is judged on the host's clock
 * until a client calling with them has measured the skew itself: on a host
 * whose clock is fast by more than their lifetime's margin they look expired
 * and are fetched again. For a keyed provider (`keyedCredentials()`) that
 * calls its issuer through a factory client; @dbp/aws-sts's `assumeRole()`
 * does it. The SDK measures a skew only on requests it signs: an issuer
 * called unsigned (`AssumeRoleWithWebIdentity`, Cognito, SSO) has measured
 * none, and its mark changes nothing. Returns a copy (the mark is a hidden
 * property, absent from keys, logs and the SDK's view); anything but an SDK
 * client as `issuer` leaves the credentials unmarked.
 *
 * @example
 * const tenantCredentials = (tenant: string) =>
 *   keyedCredentials(`session:${tenant}`, async ({ factory }) => {
 *     const sts = factory!.getClient(STSClient, { region: 'eu-west-1' });
 *     const { Credentials: issued } = await sts.send(new GetSessionTokenCommand({}));
 *     const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = issued!;
 *     return credentialsIssuedBy({ accessKeyId: AccessKeyId!, secretAccessKey: SecretAccessKey!, sessionToken: SessionToken, expiration: Expiration }, sts);
 *   });
 */
export function credentialsIssuedBy(credentials: AwsCredentials, issuer: { readonly config?: unknown }): AwsCredentials {
  let offset: unknown;
  try {
    offset = (issuer?.config as { readonly systemClockOffset?: unknown } | undefined)?.systemClockOffset;
  } catch {
    // An issuer whose config cannot be read (a throwing getter, a revoked Proxy) is no SDK client.
  }
  if (typeof credentials !== 'object' || credentials === null || typeof offset !== 'number' || !Number.isFinite(offset)) return credentials;
  // Own fields as they are; the declared ones also from getters (a class instance's).
  const given = credentials as unknown as Record<string, unknown>;
  const copy: Record<string, unknown> = { ...given };
  for (const { name } of CREDENTIAL_FIELDS) if (!(name in copy) && name in given) copy[name] = given[name];
  return Object.defineProperty(copy, ISSUER_CLOCK, { value: offset }) as unknown as AwsCredentials;
}

/** The issuer's clock offset `credentialsIssuedBy()` left on what a provider resolved, if any. */
function issuerClockOffset(value: object): number | undefined {
  const offset = (value as { readonly [ISSUER_CLOCK]?: unknown })[ISSUER_CLOCK];
  return typeof offset === 'number' ? offset : undefined;
}

/** After a failed background refresh, or a forced one that failed or gave back the rejected credentials, wait this long before asking the source again. */
const REFRESH_RETRY_GAP_MS = 1_000;

/**
 * Refuses white space in a string credential field, given or resolved by a
 * provider: keys, secrets, tokens, scopes and account ids never hold any,
 * and a stray newline (a token read from a file) would reach a header and
 * fail the request with an untyped error.
 */
function refuseWhiteSpace(spec: (typeof CREDENTIAL_FIELDS)[number], value: unknown): void {
  if (spec.type === 'string' && typeof value === 'string' && /\s/.test(value)) throw fail('INVALID_CREDENTIALS.whitespace', { field: spec.name });
}

/**
 * Checks a `readCredentials` read and returns the credentials the SDK gets,
 * frozen, holding only the declared fields. Messages name fields and types,
 * never values.
 */
export function validateCredentials(read: Readonly<CredentialsRead>, unknownField: string | undefined): AwsCredentials {
  if (unknownField !== undefined) throw fail('INVALID_CREDENTIALS.unknownField', { field: clip(unknownField, NAME_CHARS) });
  const copy: Partial<Record<CredentialField, unknown>> = {};
  for (const spec of CREDENTIAL_FIELDS) {
    const value = read[spec.name];
    if (value === undefined && !spec.required) continue;
    const ok = spec.type === 'date' ? typeof value === 'number' && Number.isFinite(value) : typeof value === 'string' && value.length > 0;
    if (!ok) {
      // A date field is read as epoch ms: a number here was a Date that is not a valid one.
      const shown = value instanceof WrongType ? value.value : spec.type === 'date' && typeof value === 'number' ? new Date(Number.NaN) : value;
      throw fail('INVALID_CREDENTIALS.field', { field: spec.name, required: spec.required, type: spec.type, got: describeType(shown) });
    }
    refuseWhiteSpace(spec, value);
    copy[spec.name] = spec.type === 'date' ? new Date(value as number) : value;
  }
  return Object.freeze(copy) as unknown as AwsCredentials;
}

/** What the memoised provider reads of the config of the client calling it. */
interface CallerConfig {
  readonly region?: unknown;
  readonly profile?: unknown;
  readonly logger?: unknown;
  readonly systemClockOffset?: unknown;
}

/**
 * Reads and checks explicit credentials: `getClient`'s, `keyedCredentials`'
 * `dependsOn` and so `assumeRole`'s `source` (one validator). A promise (a
 * provider called instead of passed) has none of the fields: it is named as
 * what it is, not as a missing `accessKeyId`.
 */
export function checkedCredentials(credentials: object, read: CredentialsRead): AwsCredentials {
  if (isPromiseLike(credentials)) {
    // Refused here, so its rejection (a provider that failed) is the caller's no more: handled, not left to end the process.
    // Through Promise.resolve: a hand-made thenable's `then` may throw when given no fulfilment handler.
    Promise.resolve(credentials).catch(() => {});
    throw fail('INVALID_CREDENTIALS.type', { got: 'a Promise' });
  }
  return validateCredentials(read, readCredentials(credentials, read));
}

/**
 * Refuses explicit credentials whose `expiration` (epoch ms; `undefined`:
 * none) has passed at `now`, on the host's clock (no server measured yet).
 */
export function refuseExpired(expiresAt: number | undefined, now: number = Date.now()): void {
  if (expiresAt !== undefined && expiresAt <= now) throw fail('CREDENTIALS_EXPIRED', { at: new Date(expiresAt).toISOString() });
}

/**
 * Serves explicit credentials, refusing them once `expiration` has passed.
 * Each call returns a fresh, unfrozen copy: the SDK records how credentials
 * were sourced by writing `$source` onto the object it receives.
 */
export function staticProvider(credentials: AwsCredentials): AwsCredentialProvider {
  const expiresAt = credentials.expiration?.getTime();
  return async () => {
    refuseExpired(expiresAt);
    return { ...credentials };
  };
}

/** What a memoised provider reports (for events and log lines; never credentials). */
export interface ResolutionReport {
  /** `true` when valid credentials existed before (a refresh ahead of or after expiry). */
  readonly refresh: boolean;
  /** Whether it succeeded. */
  readonly ok: boolean;
  /** When the new credentials expire (epoch ms), if they do. */
  readonly expiresAt?: number | undefined;
  /** Why it failed: the error's name and code, never its message (which may quote a provider's output). */
  readonly reason?: string | undefined;
  /** Whether the failure was swallowed because the current credentials are still valid. */
  readonly background?: boolean | undefined;
  /**
   * Set when the refresh was forced because a service rejected the cached
   * credentials (`invalidate`): the service's error code (`'ExpiredToken'`).
   */
  readonly rejected?: string | undefined;
}

/** What a credential source is called with: `{ forceRefresh: true }` when the cached credentials were rejected. */
export interface SourceOptions {
  /** Ask a source that caches (the SDK's default chain, `fromTemporaryCredentials`) for new credentials. */
  readonly forceRefresh?: boolean | undefined;
  /**
   * The config of the SDK client whose request asked for credentials, as the
   * SDK hands it to any credential provider: the SDK's own providers read
   * its `region` (a profile's `role_arn`, `fromTemporaryCredentials` call
   * STS in the caller's region, not us-east-1). Its `region`, `profile` and
   * `logger` only.
   */
  readonly callerClientConfig?: object | undefined;
}

/**
 * A memoised provider: what the SDK calls before signing (marked `memoized`,
 * so the SDK calls it for every request instead of caching above it), and
 * `invalidate`, which drops credentials a service rejected.
 */
export interface MemoizedProvider extends AwsCredentialProvider {
  /** Tells the SDK not to memoise it again: it is the only cache. */
  readonly memoized: true;
  /**
   * Drops the cached credentials if they are still `rejected` (compared by
   * key, secret and token) and resolves fresh ones, asking the source to
   * refresh; a refresh already running (another client's, another caller's)
   * is shared. Credentials already replaced are returned as they are, and so
   * are credentials a forced refresh gave back less than a second ago.
   *
   * @param rejected - the credentials the service rejected.
   * @param code - the service's error code, for the report.
   */
  invalidate(rejected: AwsCredentials | undefined, code: string): Promise<AwsCredentials>;
}

/** Whether two credentials are the same key, secret and session token. */
export function sameCredentials(a: AwsCredentials | undefined, b: AwsCredentials | undefined): boolean {
  return a !== undefined && b !== undefined && a.accessKeyId === b.accessKeyId && a.secretAccessKey === b.secretAccessKey && a.sessionToken === b.sessionToken;
}

/** How to memoise one provider. */
export interface MemoOptions {
  /** Refresh this long before `expiration`, in the background while the old credentials still serve. */
  readonly refreshWindowMs: number;
  /** Turns a provider failure into the error callers see. */
  readonly wrapError: (error: unknown) => unknown;
  /** Told of every resolution. */
  readonly onResolution?: ((report: ResolutionReport) => void) | undefined;
  /** The error that stops the source from being called any more (its factory was disposed), if it is stopped. */
  readonly refused?: (() => Error | undefined) | undefined;
}

function toExpiration(value: unknown): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined;
  if (date === undefined || !Number.isFinite(date.getTime())) throw fail('CREDENTIAL_PROVIDER_FAILED.expiration', { got: describeType(value) });
  return date;
}

/**
 * Checks what a provider resolved to (the required fields non-empty strings,
 * no white space in a string field, as for explicit credentials);
 * `expiration` may be a Date, an ISO 8601 string or epoch milliseconds. Each
 * field is read once, by name, so a class instance's getters count as they
 * do for explicit credentials (a spread would drop them).
 */
function toCredentials(value: unknown): AwsCredentials {
  if (typeof value !== 'object' || value === null) throw fail('CREDENTIAL_PROVIDER_FAILED.notCredentials');
  const record = value as Record<string, unknown>;
  // Our own copy, not frozen: the SDK writes `$source` onto credentials it is given; its own other fields kept.
  const copy: Record<string, unknown> = { ...record };
  for (const spec of CREDENTIAL_FIELDS) {
    const field = record[spec.name];
    if (spec.required && (typeof field !== 'string' || field === '')) throw fail('CREDENTIAL_PROVIDER_FAILED.notCredentials');
    refuseWhiteSpace(spec, field);
    const value = spec.type === 'date' ? toExpiration(field) : field;
    // An optional field left out is absent, not `undefined` (ResolvedAwsCredentials, the SDK's AwsCredentialIdentity).
    if (value === undefined) delete copy[spec.name];
    else copy[spec.name] = value;
  }
  return copy as unknown as AwsCredentials;
}

function reasonOf(error: unknown): string {
  return error instanceof AwsClientError ? error.code : errorName(error);
}

/**
 * Wraps a provider so that concurrent calls share one resolution; resolved
 * credentials are reused until `refreshWindowMs` (at most half their
 * lifetime) before they expire, then
 * refreshed in the background while the current ones keep serving (no
 * request waits while valid credentials remain); a failed background
 * refresh is retried on a later call (at most once a second), not surfaced;
 * once expired, callers wait for a fresh resolution. Expiry is judged on
 * AWS's clock: the host's, corrected by the skew the credentials' issuer
 * measured (`credentialsIssuedBy()`), then by the calling SDK client's
 * `systemClockOffset` once it measures one. A provider that throws
 * synchronously is treated like one that rejects, and no failure is
 * remembered. Failures reach callers through `wrapError`.
 */
export function memoizeProvider(source: (options?: SourceOptions) => unknown, options: MemoOptions): MemoizedProvider {
  let current: AwsCredentials | undefined;
  let expiresAt: number | undefined;
  // How long before `expiresAt` a background refresh starts: the configured
  // window, but never more than half the credentials' lifetime, so that
  // short-lived credentials are not refreshed on every call.
  let refreshWindow = options.refreshWindowMs;
  let pending: Promise<AwsCredentials> | undefined;
  /** Whether `pending` asks the source with `forceRefresh` (a rejection's refresh), not a plain call (first use, background refresh). */
  let pendingForced = false;
  let lastFailureAt = Number.NEGATIVE_INFINITY;
  /**
   * The last forced refresh that did not replace the credentials it was
   * asked to (it gave them back, or it failed), which they were, and when it
   * settled: the rejections still arriving for them (requests sent before it
   * settled) share its outcome for a second instead of asking the source
   * again each, one call per request.
   */
  let unhealed: Promise<AwsCredentials> | undefined;
  let unhealedFor: AwsCredentials | undefined;
  let unhealedAt = Number.NEGATIVE_INFINITY;
  // How far the host's clock is from AWS's, as the SDK learnt it from the
  // services' `Date` headers (`systemClockOffset` of the client calling):
  // expiry is decided on AWS's clock, so a host clock that is fast does not
  // see fresh credentials as expired, and one that is slow is healed by the
  // rejection it meets (`invalidate`).
  let clockOffset = 0;
  // Whether `clockOffset` is the issuer's (`credentialsIssuedBy()`), which its next offset near 0 ends.
  let offsetFromIssuer = false;
  const awsNow = (): number => Date.now() + clockOffset;
  // What the source gets of the client that called last, as the SDK hands a
  // provider its caller's config: the parts the SDK's own providers read for
  // the STS client they make (`region`, `profile`, `logger`), not the whole
  // config, which would keep a destroyed client's handler and pool alive and
  // in use. Last caller: one provider serves every region of its credentials.
  let caller: object | undefined;
  // Each client's clock offset as last seen: a client's first 0 is "not
  // measured yet"; a change is a measurement, a small one meaning the clock is right.
  const offsets = new WeakMap<object, number>();
  const sourceOptions = (rejected: string | undefined): SourceOptions | undefined => {
    if (rejected === undefined) return caller === undefined ? undefined : { callerClientConfig: caller };
    return caller === undefined ? { forceRefresh: true } : { forceRefresh: true, callerClientConfig: caller };
  };
  const attempt = async (refresh: boolean, rejected: string | undefined): Promise<AwsCredentials> => {
    try {
      const called = sourceOptions(rejected);
      const raw = await (called === undefined ? source() : source(called));
      const resolved = toCredentials(raw);
      // Their expiration was written on their issuer's clock: judged on it when the issuer measured a
      // skew. An offset near 0 ends only a skew the issuer itself gave (its clock was corrected): an
      // issuer called unsigned (AssumeRoleWithWebIdentity, Cognito, SSO) never measures one, and must
      // not undo what the calling clients measured.
      const issuerOffset = issuerClockOffset(raw as object);
      if (issuerOffset !== undefined && Math.abs(issuerOffset) >= CLOCK_OFFSET_MIN_MS) {
        clockOffset = issuerOffset;
        offsetFromIssuer = true;
      } else if (issuerOffset !== undefined && offsetFromIssuer) {
        clockOffset = 0;
        offsetFromIssuer = false;
      }
      const resolvedAt = awsNow();
      current = resolved;
      expiresAt = resolved.expiration?.getTime();
      refreshWindow = expiresAt === undefined ? options.refreshWindowMs : Math.min(options.refreshWindowMs, Math.max(0, (expiresAt - resolvedAt) / 2));
      options.onResolution?.({ refresh, ok: true, expiresAt, rejected });
      return resolved;
    } catch (error) {
      lastFailureAt = Date.now();
      const background = expiresAt !== undefined && expiresAt > awsNow();
      options.onResolution?.({ refresh, ok: false, reason: reasonOf(error), background, rejected });
      throw options.wrapError(error);
    }
  };
  const resolve = (rejected?: string): Promise<AwsCredentials> => {
    // Once its factory is disposed nothing more is sent: the source (which may call STS) is not called.
    const refused = options.refused?.();
    if (refused !== undefined) return Promise.reject(refused);
    // Cleared when the attempt settles, never before it is stored: a provider
    // that throws synchronously settles the attempt during this very call, and
    // a `finally` inside it would run before the assignment and leave the
    // failed attempt stored for good.
    if (pending === undefined) {
      pendingForced = rejected !== undefined;
      pending = attempt(current !== undefined || rejected !== undefined, rejected).finally(() => {
        pending = undefined;
      });
    }
    return pending;
  };
  const invalidate = (rejected: AwsCredentials | undefined, code: string): Promise<AwsCredentials> => {
    // One refresh for every client and caller that saw the same rejection.
    if (pending !== undefined) {
      if (pendingForced) return pending;
      // A plain call running (a background refresh): a source that caches gives back what it has,
      // the rejected set; then this rejection asks it with forceRefresh, as it would have alone.
      return pending.then((fresh) => (sameCredentials(fresh, rejected) ? invalidate(rejected, code) : fresh));
    }
    if (current !== undefined && !sameCredentials(current, rejected)) return Promise.resolve(current);
    if (unhealed !== undefined && sameCredentials(unhealedFor, rejected) && Date.now() - unhealedAt < REFRESH_RETRY_GAP_MS) return unhealed;
    current = undefined;
    expiresAt = undefined;
    const refreshed = resolve(code);
    const keep = (): void => {
      unhealed = refreshed;
      unhealedFor = rejected;
      unhealedAt = Date.now();
    };
    refreshed.then((fresh) => {
      if (sameCredentials(fresh, rejected)) keep();
    }, keep);
    return refreshed;
  };
  // The SDK calls it with `{ callerClientConfig }`: the calling client's config, whose `systemClockOffset` it keeps.
  const provider = async (called?: { readonly callerClientConfig?: unknown }) => {
    const config = called?.callerClientConfig as CallerConfig | undefined;
    if (typeof config === 'object' && config !== null) {
      caller = { region: config.region, profile: config.profile, logger: config.logger };
      const offset = config.systemClockOffset;
      // The SDK changes a client's offset only when it measures a skew (from a
      // response's whole-second `Date` header): a new client's 0 must not undo
      // the skew another client of these credentials measured, but a client
      // whose offset moves back near 0 (the host's clock was corrected) must.
      // Up to CLOCK_OFFSET_MIN_MS of an offset is that rounding, not a clock off.
      if (typeof offset === 'number' && Number.isFinite(offset)) {
        const seen = offsets.get(config);
        if (seen === undefined ? offset !== 0 : seen !== offset) {
          clockOffset = Math.abs(offset) >= CLOCK_OFFSET_MIN_MS ? offset : 0;
          offsetFromIssuer = false;
        }
        offsets.set(config, offset);
      }
    }
    const now = awsNow();
    if (current !== undefined && (expiresAt === undefined || expiresAt > now)) {
      if (expiresAt !== undefined && expiresAt - now <= refreshWindow && pending === undefined && Date.now() - lastFailureAt >= REFRESH_RETRY_GAP_MS) {
        // Still valid: refresh without making this request wait.
        resolve().catch(() => {});
      }
      return current;
    }
    return resolve();
  };
  return Object.assign(provider, { memoized: true as const, invalidate });
}

/**
 * The error callers see when a provider fails: errors of ours pass through
 * (the platform's, such as a profile the Node platform cannot load);
 * anything else says what to check (the default chain, or the caller's
 * provider), with the original as `cause`.
 */
export function wrapProviderError(error: unknown, kind?: CredentialKind): AwsClientError {
  // Ours as they are (the Node platform's profile errors among them).
  if (error instanceof AwsClientError) return error;
  // The provider's own message stays on `cause`: it may quote what the provider read.
  return fail('CREDENTIAL_PROVIDER_FAILED.rejected', { reason: errorName(error), kind }, { cause: error, withholdCauseText: true });
}

/**
 * The provider a session hands its clients for resolved credentials:
 * explicit ones as they are; any other source memoised (a keyed source is
 * called with `context`, so it can use the factory resolving it), and not
 * called any more once `refused` gives an error.
 */
export function sessionProvider(
  source: CredentialSource,
  context: object,
  onResolution: (report: ResolutionReport) => void,
  refused?: () => Error | undefined,
): AwsCredentialProvider | MemoizedProvider {
  if (source.kind === 'static') return source.provider as AwsCredentialProvider;
  const provider = source.provider as (context?: object) => unknown;
  // Called without arguments; with `{ forceRefresh: true }` only
  // when a service rejected what it gave (the SDK's caching providers honour it).
  // A keyed provider gets it beside its context (an SDK provider given as one reads it as its own option).
  const call =
    source.kind === 'keyed'
      ? (options?: SourceOptions) => provider(options === undefined ? context : { ...context, ...options })
      : (options?: SourceOptions) => (options === undefined ? provider() : provider(options));
  return memoizeProvider(call, {
    refreshWindowMs: source.refreshWindowMs ?? DEFAULT_REFRESH_WINDOW_MS,
    wrapError: (error) => wrapProviderError(error, source.kind),
    onResolution,
    refused,
  });
}
