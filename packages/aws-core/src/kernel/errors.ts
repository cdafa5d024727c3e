/**
 * Errors from one place. Every error this package throws is an
 * {@link AwsClientError} (or a subclass) with a stable `code`, a message that
 * says what to do next, and the underlying error as `cause` where there is one.
 * The full texts come with the Node build (Node, Bun, Deno, Lambda) and a web
 * bundle built for development; a production web bundle
 * (`process.env.NODE_ENV` = `'production'`) gives each message's short form:
 * its code and a link to its explanation. Every field (`code`, `region`,
 * `suggestion`) is set the same way in every build.
 *
 * Messages never contain a secret: values of credential fields are never
 * echoed, only their names and types.
 *
 * @module
 */
import { type MessageFormat, type MessageId, type MessageValues, shortMessage } from './messages.js';
import { errorName, notOptionsKind } from './text.js';
import type { AwsClientErrorCode } from './types.js';

export type { AwsClientErrorCode } from './types.js';

const BRAND: unique symbol = Symbol.for('@dbp/aws-core/error-brand') as never;

/** Options accepted by every error constructor of this package. */
export interface AwsClientErrorOptions {
  /** The stable code of this error. */
  code: AwsClientErrorCode;
  /** The error that caused this one (an SDK error, for example). */
  cause?: unknown;
  /**
   * The cause is the caller's or a provider's own error, whose message may
   * quote a secret (what a credential provider or a getter read): inspecting
   * this error (`util.inspect`, `console.error`) shows the cause by its name
   * only. `error.cause` itself is untouched.
   */
  withholdCauseText?: boolean | undefined;
}

function brandsOf(ctor: unknown): string[] {
  const brands: string[] = [];
  let current: unknown = ctor;
  while (typeof current === 'function') {
    const brand: unknown = Object.hasOwn(current, 'brand') ? (current as { brand?: unknown }).brand : undefined;
    if (typeof brand === 'string') brands.push(brand);
    current = Object.getPrototypeOf(current);
  }
  return brands;
}

function hasBrand(value: unknown, brand: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const brands = (value as { [BRAND]?: unknown })[BRAND];
  return Array.isArray(brands) && brands.includes(brand);
}

/**
 * Base class of every error thrown by `@dbp/aws-*`.
 *
 * `instanceof` works across duplicate copies of the package (an ESM and a CJS
 * build in one process, or two installs): errors carry a global brand.
 *
 * @example
 * ```ts
 * try { getClient('s3', { region: 'us-east-l' }) }
 * catch (error) {
 *   if (error instanceof AwsRegionError) console.log(error.suggestion) // 'us-east-1'
 * }
 * ```
 */
export class AwsClientError extends Error {
  /** Brand checked by `instanceof` across package copies. */
  protected static readonly brand: string = 'AwsClientError';

  /** A stable code for programmatic handling. */
  readonly code: AwsClientErrorCode;

  /**
   * Creates the error. The factory builds its own from one message catalog;
   * packages of the family (such as `@dbp/aws-sts`) may build theirs.
   *
   * @param message - what went wrong and what to do next (never a secret).
   * @param options - the stable `code` and, where there is one, the `cause`.
   */
  constructor(message: string, options: AwsClientErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    Object.defineProperty(this, BRAND, { value: brandsOf(new.target), enumerable: false });
    Object.defineProperty(this, 'name', { value: brandsOf(new.target)[0] ?? 'AwsClientError', enumerable: false, configurable: true, writable: true });
    if (options.withholdCauseText === true) withholdCauseText(this);
  }

  /**
   * `instanceof` by brand, so an error from another copy of the package (an
   * ESM and a CJS build in one process, two installs) is recognised too.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, (this as unknown as { brand: string }).brand);
  }
}

/**
 * Credentials are malformed, expired, missing, or could not be resolved
 * (missing profile, failing provider). The SDK's error, if any, is `cause`.
 */
export class AwsCredentialError extends AwsClientError {
  protected static override readonly brand: string = 'AwsCredentialError';

  /**
   * Which credentials a service rejected (`CREDENTIALS_REJECTED`): their
   * short, non-reversible id, the one `stats().entries[].credentialId`,
   * events and log lines show (never a secret), so a multi-tenant app can
   * tell whose they were in every build; `undefined` for other codes.
   */
  readonly credentialId: string | undefined;

  /**
   * Creates the error.
   *
   * @param message - what went wrong and what to do next (never a secret).
   * @param options - the stable `code`, the `cause` and, for a rejection, the `credentialId`.
   */
  constructor(message: string, options: AwsCredentialErrorOptions) {
    super(message, options);
    this.credentialId = options.credentialId;
  }
}

/** Options of {@link AwsCredentialError}. */
export interface AwsCredentialErrorOptions extends AwsClientErrorOptions {
  /** The id of the credentials concerned (as `stats()` shows it), when known. */
  credentialId?: string | undefined;
}

/** Options of {@link AwsRegionError}. */
export interface AwsRegionErrorOptions extends AwsClientErrorOptions {
  /** The region that was refused (as given). */
  region: string;
  /** The closest known region, when one is close enough to suggest. */
  suggestion?: string | undefined;
}

/**
 * A region is malformed, unknown (under `regionValidation: 'strict'`) or
 * missing. `suggestion` holds the closest known region when there is one.
 */
export class AwsRegionError extends AwsClientError {
  protected static override readonly brand: string = 'AwsRegionError';

  /**
   * The region that was refused, as given (clipped at 64 characters, control
   * characters escaped as in the message); for a string that looks like a
   * credential, a description of it, and for a value that is not a string
   * (`INVALID_REGION`), its type (`'a number'`): never a secret.
   */
  readonly region: string;
  /** The closest known region (`'us-east-1'` for `'us-east-l'`), if any. */
  readonly suggestion: string | undefined;

  /**
   * Creates the error.
   *
   * @param message - what went wrong and what to do next.
   * @param options - the `code`, the refused `region` and, when one is close, the `suggestion`.
   */
  constructor(message: string, options: AwsRegionErrorOptions) {
    super(message, options);
    this.region = options.region;
    this.suggestion = options.suggestion;
  }
}

let format: MessageFormat | undefined;

/** Installs the full message texts (the development aid); `undefined` goes back to the short forms. */
export function setMessageFormat(next: MessageFormat | undefined): void {
  format = next;
}

/**
 * The text of a message (a log line, or an error's), in the form this build
 * shows. Where the full texts cannot be loaded (Node loads them at the first
 * message: Jest refuses a `require` once a test file's environment is torn
 * down), the short form, never the loader's error instead of the typed one.
 */
export function say(id: MessageId, details: MessageValues = {}): string {
  if (format !== undefined) {
    try {
      return format(id, details);
    } catch {
      // Short form below.
    }
  }
  return shortMessage(id);
}

/** Node's (and Bun's, Deno's) hook for how `util.inspect` / `console.log` show a value. */
export const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/**
 * Makes `util.inspect(error)` (and so `console.error(error)`) show the cause
 * by its name only, for a cause that is a credential provider's own error:
 * its message may quote what the provider read (credential_process output, an
 * HTTP body, a token). `error.cause` itself is untouched.
 */
function withholdCauseText(error: AwsClientError): void {
  Object.defineProperty(error, INSPECT, {
    value(this: AwsClientError): string {
      const cause = `${errorName(this.cause)}: its message is not shown, as it may quote a secret (read error.cause)`;
      return `${this.stack ?? `${this.name}: ${this.message}`} {\n  code: '${this.code}',\n  [cause]: ${cause}\n}`;
    },
    enumerable: false,
    configurable: true,
  });
}

/** Extra fields of the errors `fail` builds. */
interface FailOptions {
  readonly cause?: unknown;
  /** The cause is a credential provider's own error: inspecting the error shows its name only. */
  readonly withholdCauseText?: boolean;
  readonly region?: string;
  readonly suggestion?: string | undefined;
  readonly credentialId?: string | undefined;
}

/**
 * The error for a message id (`'INVALID_REGION.malformed'`): its code is the
 * part before the dot, which also picks the class (region codes →
 * {@link AwsRegionError}, credential and profile codes →
 * {@link AwsCredentialError}, the rest {@link AwsClientError}).
 */
export function fail(id: MessageId, details: MessageValues = {}, options: FailOptions = {}): AwsClientError {
  const code = id.split('.')[0] as AwsClientErrorCode;
  const message = say(id, details);
  const errorOptions = { code, cause: options.cause, withholdCauseText: options.withholdCauseText };
  if (code.includes('REGION')) return new AwsRegionError(message, { ...errorOptions, region: options.region ?? '', suggestion: options.suggestion });
  return /CREDENTIAL|PROFILE|ROLE/.test(code)
    ? new AwsCredentialError(message, { ...errorOptions, credentialId: options.credentialId })
    : new AwsClientError(message, errorOptions);
}

/** Describes a value's type for messages without ever printing the value. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  // A Date, a Promise, a Map… by its built-in kind (`notOptionsKind` never throws).
  const kind = typeof value === 'object' ? notOptionsKind(value as object) : undefined;
  if (kind !== undefined) return `${/^[AEIO]/.test(kind) ? 'an' : 'a'} ${kind}`;
  const type = typeof value;
  if (type === 'string') return (value as string).length === 0 ? 'an empty string' : 'a string';
  if (type === 'object') return 'an object';
  return type === 'undefined' ? 'undefined' : `a ${type}`;
}
