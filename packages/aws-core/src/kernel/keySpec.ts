/**
 * What a cache key is made of, declared once.
 *
 * Every path reads a call through the readers below, and only through them:
 * the fast path (`plugins/fastPath`), the full path (`resolveCall.ts`), credential
 * ids (`credentialIds.ts`), the cache entry and validation
 * (`validateOptions.ts`). Options are read by property access of the names
 * declared here, so a class instance with getters, a frozen object, a
 * non-enumerable property or a Proxy is read the same way everywhere; the
 * unknown-key scan (for typos) is separate and never decides a value.
 *
 * The readers spell the names out (named property loads are what keep a cache
 * hit at a few tens of nanoseconds); `keySpec.test.ts` proves with a recording
 * Proxy that each reader reads exactly the names declared here, in order.
 *
 * @module
 */
import { notOptionsKind } from './text.js';
import type { AwsCredentials, GetClientOptions, SessionOptions } from './types.js';

/** One entry per key of a public options type: the compiler keeps the two in step. */
type Every<T> = { readonly [K in keyof T]-?: true };

/** The options of `getClient`: exactly the keys of `GetClientOptions`. */
const GET_CLIENT_OPTIONS: Every<GetClientOptions> = { region: true, profile: true, credentials: true, config: true, tier: true };

/** The options of `getSession`: exactly the keys of `SessionOptions`, what a session is made of. */
const SESSION_OPTIONS: Every<SessionOptions> = { region: true, profile: true, credentials: true };

/** An option of `getClient`. */
export type OptionName = keyof GetClientOptions;

/** A session option. */
export type SessionName = keyof SessionOptions;

/** The options of `getClient`, in the order they are read. */
export const OPTION_NAMES: readonly OptionName[] = Object.keys(GET_CLIENT_OPTIONS) as OptionName[];

/** The options of `getSession`. */
export const SESSION_NAMES: readonly SessionName[] = Object.keys(SESSION_OPTIONS) as SessionName[];

/** How one field of explicit credentials is checked. */
export interface CredentialRule {
  readonly type: 'string' | 'date';
  readonly required: boolean;
}

/**
 * The fields of explicit credentials (exactly the keys of `AwsCredentials`),
 * in reading order, with how each one is checked. `''` is refused for every
 * string field, so `''` can never mean "absent" to one path and a value to
 * another.
 */
const CREDENTIAL_RULES: { readonly [K in keyof AwsCredentials]-?: CredentialRule } = {
  accessKeyId: { type: 'string', required: true },
  secretAccessKey: { type: 'string', required: true },
  sessionToken: { type: 'string', required: false },
  expiration: { type: 'date', required: false },
  credentialScope: { type: 'string', required: false },
  accountId: { type: 'string', required: false },
};

/** A field of explicit credentials. */
export type CredentialField = keyof AwsCredentials;

/** The credential fields in reading order (slot `i` of a credentials read is field `i`). */
export const CREDENTIAL_FIELDS: readonly (CredentialRule & { readonly name: CredentialField })[] = (Object.keys(CREDENTIAL_RULES) as CredentialField[]).map(
  (name) => ({ name, ...CREDENTIAL_RULES[name] }),
);

/**
 * Fields the SDK writes onto credential objects it has used (`$source`
 * records how they were sourced). Accepted and ignored, so credentials an SDK
 * client has seen can be passed again.
 */
export const IGNORED_CREDENTIAL_FIELDS: ReadonlySet<string> = new Set(['$source']);

/** Explicit credentials as read: one property per field, values as given (see `readCredentials`). */
export type CredentialsRead = { [K in CredentialField]: unknown };

/** A fresh, empty credentials read. */
export function emptyCredentialsRead(): CredentialsRead {
  return {
    accessKeyId: undefined,
    secretAccessKey: undefined,
    sessionToken: undefined,
    expiration: undefined,
    credentialScope: undefined,
    accountId: undefined,
  };
}

/**
 * Whether `key` is a `getClient` option: `OPTION_NAMES` as a switch. A switch
 * over internalized strings compiles to pointer compares and costs nothing
 * beside the `for…in` it sits in; a Set or table look-up hashes and doubled
 * the cost of a cache hit. `keySpec.test.ts` proves it answers exactly
 * `OPTION_NAMES`.
 */
export function isOptionName(key: string): boolean {
  switch (key) {
    case 'region':
    case 'profile':
    case 'credentials':
    case 'config':
    case 'tier':
      return true;
    default:
      return false;
  }
}

/**
 * Whether `key` may appear in explicit credentials: the `CREDENTIAL_FIELDS`
 * and `IGNORED_CREDENTIAL_FIELDS`, as a switch (see `isOptionName`; the same
 * test proves it).
 */
export function isCredentialName(key: string): boolean {
  switch (key) {
    case 'accessKeyId':
    case 'secretAccessKey':
    case 'sessionToken':
    case 'expiration':
    case 'credentialScope':
    case 'accountId':
    case '$source':
      return true;
    default:
      return false;
  }
}

/** A call's options, as read once. Reused across calls (see `getClient`). */
export interface CallRead {
  region: unknown;
  profile: unknown;
  credentials: unknown;
  config: unknown;
  tier: unknown;
  /** Why the options cannot be used as given (an unknown key, not an object), for the full path to explain. */
  problem: OptionsProblem | undefined;
}

/** What is wrong with an options object as a whole. */
export type OptionsProblem = { readonly kind: 'unknown-key'; readonly key: string } | { readonly kind: 'not-an-object'; readonly value: unknown };

/** A fresh, empty read. */
export function emptyRead(): CallRead {
  return { region: undefined, profile: undefined, credentials: undefined, config: undefined, tier: undefined, problem: undefined };
}

/** Copies a read, so user code the full path runs (a logger, a constructor) cannot change it by re-entering. */
export function copyRead(read: CallRead): CallRead {
  return { ...read };
}

/**
 * Reads `getClient` options into `out`: each declared name by property access,
 * then the first enumerable key that is not one of them. `undefined` options
 * read as all-absent; only own keys count as unknown (an inherited
 * enumerable key is left alone). Throws whatever the object throws (a revoked Proxy, a
 * getter that fails): callers turn that into a typed error.
 */
export function readCall(options: unknown, out: CallRead): void {
  // Kept small (it runs on every cache hit): the unusual shapes are read apart.
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    readUnusual(options, out);
    return;
  }
  const o = options as Record<OptionName, unknown>;
  out.region = o.region;
  out.profile = o.profile;
  out.credentials = o.credentials;
  out.config = o.config;
  out.tier = o.tier;
  out.problem = undefined;
  // Nothing read: a promise, a Map, a Date… would take every default silently. Checked only then,
  // and not for a plain object (`{}` on every call), so a hit pays nothing.
  if (
    out.region === undefined &&
    out.credentials === undefined &&
    out.config === undefined &&
    out.profile === undefined &&
    out.tier === undefined &&
    Object.getPrototypeOf(o) !== Object.prototype &&
    notOptionsKind(o) !== undefined
  ) {
    out.problem = { kind: 'not-an-object', value: options };
    return;
  }
  for (const key in o) {
    // Own keys only: an enumerable key inherited from a polluted
    // `Object.prototype` is no typo of the caller's (and costs a hit nothing:
    // it is checked only for a name that is not an option).
    if (!isOptionName(key) && Object.hasOwn(o, key)) {
      out.problem = { kind: 'unknown-key', key };
      return;
    }
  }
}

/** `readCall` for `undefined` (no options) and anything that is not an options object. */
function readUnusual(options: unknown, out: CallRead): void {
  out.region = out.profile = out.credentials = out.config = out.tier = undefined;
  // Allocated only for what getClient refuses anyway; the value names its type in the message.
  out.problem = options === undefined ? undefined : { kind: 'not-an-object', value: options };
}

/** A credential field value of the wrong type, kept for the full path to describe. */
export class WrongType {
  constructor(readonly value: unknown) {}
}

/**
 * Reads explicit credentials into `out`, field by field, by property access.
 * `expiration` is normalised as every path needs it: a Date becomes epoch
 * milliseconds (an invalid Date `NaN`), anything else but `undefined` a
 * `WrongType`, which equals nothing. Returns the first own key that is neither a
 * declared nor an ignored field.
 *
 * A read is compared field by field with the validated snapshot of a cached
 * client (the fast path): equality with a validated snapshot is validity, so
 * the fast path needs no validation of its own.
 */
export function readCredentials(credentials: object, out: CredentialsRead): string | undefined {
  const c = credentials as Record<CredentialField, unknown>;
  out.accessKeyId = c.accessKeyId;
  out.secretAccessKey = c.secretAccessKey;
  out.sessionToken = c.sessionToken;
  const expiration = c.expiration;
  out.expiration = expiration === undefined ? undefined : expiration instanceof Date ? expiration.getTime() : new WrongType(expiration);
  out.credentialScope = c.credentialScope;
  out.accountId = c.accountId;
  for (const key in c) if (!isCredentialName(key) && Object.hasOwn(c, key)) return key;
  return undefined;
}

/**
 * Whether explicit credentials equal a credentials read, field by field, by
 * property access of the declared fields (the same reading as
 * `readCredentials`, compared in place instead of copied: the commonest
 * cache hit asks for the last client again, and skipping the copy is a third
 * of its cost). False for an unknown field.
 */
export function sameCredentials(credentials: object, read: Readonly<CredentialsRead>): boolean {
  const c = credentials as Record<CredentialField, unknown>;
  if (c.accessKeyId !== read.accessKeyId || c.secretAccessKey !== read.secretAccessKey || c.sessionToken !== read.sessionToken) return false;
  const expiration = c.expiration;
  if (expiration === undefined ? read.expiration !== undefined : !(expiration instanceof Date) || expiration.getTime() !== read.expiration) return false;
  if (c.credentialScope !== read.credentialScope || c.accountId !== read.accountId) return false;
  for (const key in c) if (!isCredentialName(key) && Object.hasOwn(c, key)) return false;
  return true;
}

/** What kind of credential input a call gave. */
export type CredentialKind = 'static' | 'provider' | 'keyed' | 'chain';

/**
 * The credential part of a key for "no explicit credentials" (the default
 * chain). `Symbol.for`, so every copy of the core (ESM and CJS builds in one
 * process) agrees on it.
 */
export const CHAIN: unique symbol = Symbol.for('@dbp/aws-core/default-chain@1') as never;

/**
 * What a cache entry's key is made of, as values: the definition's key, the
 * tier, the region, the profile, the credential part (access key id,
 * provider function, keyed provider's identity, or `CHAIN`), the config's
 * canonical form and the kind of credentials, then the explicit credentials'
 * fields (compared, never keyed by). The full path computes it from the
 * snapshot a client is built with; the fast path (`plugins/fastPath`)
 * indexes entries by it. Itself a credentials read, so `readCredentials` can
 * write straight into one.
 */
export interface KeyParts extends CredentialsRead {
  /** `definitionKey`: the definition's id and origin (`'s3 @dbp/aws-s3'`), or the definition itself when it has no origin. */
  definition: unknown;
  tier: unknown;
  region: unknown;
  profile: unknown;
  credential: unknown;
  config: string;
  kind: CredentialKind;
}

/**
 * Key parts, built in one place with every field in one order, so every one
 * has one shape (V8 hidden class) and the fast path's comparisons stay
 * monomorphic.
 */
export function makeKeyParts(parts: Omit<KeyParts, keyof CredentialsRead>, secrets: Readonly<CredentialsRead>): KeyParts {
  return {
    definition: parts.definition,
    tier: parts.tier,
    region: parts.region,
    profile: parts.profile,
    credential: parts.credential,
    config: parts.config,
    kind: parts.kind,
    accessKeyId: secrets.accessKeyId,
    secretAccessKey: secrets.secretAccessKey,
    sessionToken: secrets.sessionToken,
    expiration: secrets.expiration,
    credentialScope: secrets.credentialScope,
    accountId: secrets.accountId,
  };
}
