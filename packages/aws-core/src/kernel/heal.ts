/**
 * Credentials that heal themselves: a request a service refuses because its
 * temporary credentials are no longer valid (expired early, revoked, expired
 * by a clock that was off) drops the session's cached credentials once, and
 * is sent again, once, with fresh ones. The refresh is the memoised
 * provider's (`invalidate`): one for every client and concurrent caller of
 * the credentials, however many saw the rejection.
 *
 * What does not heal gets `CREDENTIALS_REJECTED` (an AwsCredentialError,
 * the service's error as `cause`): explicit credentials (nothing to refresh),
 * a request whose body is a one-shot stream (it cannot be sent again), a
 * refresh that gives back the rejected credentials, and a retry rejected
 * again.
 *
 * The middleware sits at the `initialize` step, outside the SDK's retry loop
 * (`finalizeRequest`): the retry is one more pass through serialisation,
 * identity resolution and signing, not an SDK retry, and uses none of the
 * retry quota. A second one, just inside the retry loop, keeps the SDK from
 * retrying a rejection with the same credentials: its signer marks any error
 * "clock skew corrected" (so transient) when the offset it derives from the
 * response's whole-second `Date` header differs from the one it signed with,
 * which with a host clock 4 min or more off is nearly every response; a
 * refused token is not fixed by a corrected clock (`RequestExpired`, a
 * signing time out of range, is, and keeps the SDK's retry).
 *
 * @module
 */
import { type MemoizedProvider, sameCredentials } from './credentials.js';
import { fail } from './errors.js';
import type { CredentialKind } from './keySpec.js';
import { notShown } from './text.js';
import type { AwsCredentialProvider, AwsCredentials, SdkClientLike } from './types.js';

/**
 * The service error codes that mean "these credentials are no longer
 * valid", however the service spells it. `temporary`: only for credentials
 * with a session token (for a long-term key the same code means a wrong
 * key, which no refresh fixes).
 */
const REJECTIONS: ReadonlyMap<string, { readonly temporary: boolean }> = new Map([
  ['ExpiredToken', { temporary: false }],
  ['ExpiredTokenException', { temporary: false }],
  ['TokenRefreshRequired', { temporary: false }],
  ['RequestExpired', { temporary: true }],
  ['InvalidClientTokenId', { temporary: true }],
  ['UnrecognizedClientException', { temporary: true }],
  ['InvalidAccessKeyId', { temporary: true }],
]);

/** The step and name of the middleware (one per client). */
const MIDDLEWARE = { step: 'initialize', priority: 'low', name: 'dbpAwsCredentialHeal' } as const;

/** The SDK's retry middleware, in every client; added after it, ours runs between it and the signer. */
const RETRY = 'retryMiddleware';
/** Just inside the retry loop, between the retry and the signing middleware (later "after" entries run first). */
const INNER_MIDDLEWARE = { relation: 'after', toMiddleware: RETRY, name: 'dbpAwsCredentialRejectionNoRetry' } as const;

/** Counted in `stats()`. */
export interface HealCounters {
  /** Refreshes forced by a rejection (one per rejected credentials, however many requests saw it; at most one a second for a set the source keeps giving back). */
  credentialRefreshes: number;
  /** Requests that ended in `CREDENTIALS_REJECTED`. */
  credentialRejections: number;
}

/** What the middleware of one client needs. */
export interface HealContext {
  readonly credentialId: string;
  readonly kind: CredentialKind;
  /** The session's provider: memoised (with `invalidate`) for every kind but explicit credentials. */
  readonly provider: AwsCredentialProvider | MemoizedProvider;
  readonly counters: HealCounters;
}

/** The SDK's error code: `name`, or `Code` / `code` as some protocols leave it. */
function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, Code, code } = error as { name?: unknown; Code?: unknown; code?: unknown };
  for (const value of [name, Code, code]) if (typeof value === 'string' && REJECTIONS.has(value)) return value;
  return undefined;
}

/** The credentials a request was signed with (the SDK keeps them in its context). */
function identityOf(context: unknown): AwsCredentials | undefined {
  const smithy = (context as { __smithy_context?: { selectedHttpAuthScheme?: { identity?: unknown } } } | undefined)?.__smithy_context;
  const identity = smithy?.selectedHttpAuthScheme?.identity;
  return typeof identity === 'object' && identity !== null && typeof (identity as AwsCredentials).accessKeyId === 'string'
    ? (identity as AwsCredentials)
    : undefined;
}

/** The rejection code when `error` says these credentials are no longer valid, else `undefined`. */
export function rejectionOf(error: unknown, identity: AwsCredentials | undefined): string | undefined {
  const code = codeOf(error);
  if (code === undefined) return undefined;
  const temporary = typeof identity?.sessionToken === 'string' && identity.sessionToken.length > 0;
  return (REJECTIONS.get(code) as { temporary: boolean }).temporary && !temporary ? undefined : code;
}

/**
 * Cuts the request's own secrets out of a service's error: S3 quotes an
 * expired session token back (`Token-0`), the SDK copies the fields of an
 * error's body onto its error (nested ones too: `Error.Message` of a query
 * protocol, `Detail`, lists), and the error is thrown, logged, or kept as our
 * error's `cause`. Each occurrence becomes a note of its length. The error's
 * own enumerable fields and `message` are rewritten; a nested object or
 * list that holds a secret is replaced by a cleaned copy, never changed in
 * place (it may be anyone's: the very credentials a middleware put on the
 * error). What cannot be read or written (a throwing getter, a frozen
 * field) is left as it is, and the error is thrown as it came.
 */
export function withoutSecrets(error: unknown, identity: AwsCredentials | undefined): void {
  if (identity === undefined || typeof error !== 'object' || error === null) return;
  const secrets = [identity.sessionToken, identity.secretAccessKey].filter((secret): secret is string => typeof secret === 'string' && secret.length >= 8);
  if (secrets.length === 0) return;
  /** `value` without the secrets: itself when it holds none, else a cleaned copy (strings, plain objects and arrays, 4 levels down). */
  const cleaned = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return secrets.reduce((text, secret) => text.split(secret).join(notShown(secret)), value);
    if (depth > 4 || typeof value !== 'object' || value === null) return value;
    const prototype = Object.getPrototypeOf(value);
    if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) return value;
    let copy: Record<string, unknown> | undefined;
    for (const [key, field] of Object.entries(value)) {
      const clean = cleaned(field, depth + 1);
      if (clean === field) continue;
      copy ??= (Array.isArray(value) ? [...value] : { ...value }) as Record<string, unknown>;
      copy[key] = clean;
    }
    return copy ?? value;
  };
  let keys: string[];
  try {
    keys = [...Object.keys(error), 'message'];
  } catch {
    return; // A Proxy whose ownKeys trap throws: thrown as it came.
  }
  for (const key of keys) {
    try {
      const value = (error as Record<string, unknown>)[key];
      const clean = cleaned(value, 1);
      if (clean !== value) Reflect.set(error, key, clean);
    } catch {
      // A getter or Proxy trap that throws: that field is left, the others cleaned.
    }
  }
  // The SDK's raw response (`$response`, fixed and not enumerable): on Node
  // its body is the finished response, whose request holds the signed
  // headers, session token included, for any printer of hidden fields (a
  // test runner's error output). The request is over (this runs outside the
  // retry loop) and the body was read: it is let go; status and headers stay.
  if (identity.sessionToken === undefined) return;
  try {
    const response = (error as { $response?: { body?: unknown } }).$response;
    if (typeof response === 'object' && response !== null && response.body != null) response.body = undefined;
  } catch {
    // A frozen response, or a Proxy: thrown as it came.
  }
}

/** Whether a value is a body that can be read once only (a Node stream, a web `ReadableStream`, an async iterable). */
function isOneShot(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return false;
  const body = value as { pipe?: unknown; getReader?: unknown; [Symbol.asyncIterator]?: unknown };
  return typeof body.pipe === 'function' || typeof body.getReader === 'function' || typeof body[Symbol.asyncIterator] === 'function';
}

/** Whether a command's input holds a one-shot body (at its top level, where every SDK input puts its payload). */
function hasOneShotBody(input: unknown): boolean {
  if (typeof input !== 'object' || input === null) return false;
  for (const key of Object.keys(input)) if (isOneShot((input as Record<string, unknown>)[key])) return true;
  return false;
}

/** The parts of the SDK's middleware stack the inner middleware needs (every SDK client has them). */
interface RelativeStack {
  identify(): string[];
  addRelativeTo(middleware: never, options: never): void;
}

type Next = (args: { input?: unknown }) => Promise<unknown>;

/** Adds the healing middleware to a client the factory made. */
export function addHealing(client: SdkClientLike, heal: HealContext): void {
  const { credentialId, kind, provider, counters } = heal;
  const rejected = (variant: 'static' | 'stream' | 'unchanged' | 'again', code: string, cause: unknown): Error => {
    counters.credentialRejections++;
    return fail(`CREDENTIALS_REJECTED.${variant}`, { credentialId, kind, code }, { cause, credentialId });
  };
  const middleware = (next: Next, context: unknown) => async (args: { input?: unknown }) => {
    try {
      return await next(args);
    } catch (error) {
      const identity = identityOf(context);
      withoutSecrets(error, identity);
      // Unsigned (an operation without auth, such as AssumeRoleWithWebIdentity): not about these credentials.
      const code = identity === undefined ? undefined : rejectionOf(error, identity);
      if (code === undefined) throw error;
      const invalidate = (provider as Partial<MemoizedProvider>).invalidate;
      if (invalidate === undefined) throw rejected('static', code, error);
      if (hasOneShotBody(args.input)) {
        // Not sent again (its body is gone), but the next request gets fresh credentials.
        await invalidate(identity, code).catch(() => undefined);
        throw rejected('stream', code, error);
      }
      // Shared: the first caller's refresh serves every other one. A refresh
      // that fails rejects with the provider's own AwsCredentialError.
      const fresh = await invalidate(identity, code);
      if (sameCredentials(fresh, identity)) throw rejected('unchanged', code, error);
      try {
        return await next(args);
      } catch (retryError) {
        const retried = identityOf(context);
        withoutSecrets(retryError, retried);
        const again = rejectionOf(retryError, retried);
        if (again === undefined) throw retryError;
        throw rejected('again', again, retryError);
      }
    }
  };
  client.middlewareStack.add(middleware as never, MIDDLEWARE as never);
  // Anchored to the retry middleware only where there is one: a missing anchor fails every send.
  const stack = client.middlewareStack as Partial<RelativeStack>;
  if (typeof stack.addRelativeTo !== 'function' || typeof stack.identify !== 'function') return;
  if (!stack.identify().some((entry) => entry.startsWith(`${RETRY} `))) return;
  const noRetry = (next: Next, context: unknown) => async (args: { input?: unknown }) => {
    try {
      return await next(args);
    } catch (error) {
      const code = rejectionOf(error, identityOf(context));
      if (code !== undefined && code !== 'RequestExpired') {
        const metadata = (error as { $metadata?: { clockSkewCorrected?: boolean } }).$metadata;
        if (metadata?.clockSkewCorrected === true) delete metadata.clockSkewCorrected;
      }
      throw error;
    }
  };
  stack.addRelativeTo(noRetry as never, INNER_MIDDLEWARE as never);
}
