/**
 * `keyedCredentials`: a stable key for any credential provider, so one
 * built per request is still a cache hit.
 *
 * @module
 */
import type { CredentialContext } from './clientFactory.js';
import { canonicalConfig, isPlainRecord, notPlainConfig, snapshotConfig } from './configSnapshot.js';
import { credentialMaterial } from './credentialIds.js';
import { checkedCredentials, DEFAULT_REFRESH_WINDOW_MS, memoizeProvider, refuseExpired } from './credentials.js';
import { describeType, fail } from './errors.js';
import { type KeyedSource, keyedIdentity, keyedSourceOf, registerKeyedSource } from './keyedSources.js';
import { emptyCredentialsRead } from './keySpec.js';
import type { AwsCredentialProvider, AwsCredentials, ResolvedAwsCredentialProvider } from './types.js';
import { guardRead, readOptions } from './validateOptions.js';

/** A credential provider that may use the factory resolving it. */
export type KeyedCredentialProvider = (context: CredentialContext) => Promise<AwsCredentials> | AwsCredentials;

/** Options of {@link keyedCredentials}. */
export interface KeyedCredentialsOptions {
  /**
   * Refresh temporary credentials this long before they expire, in the
   * background while the current ones keep serving requests. Credentials
   * that live shorter than twice this window are refreshed once half their
   * lifetime has passed instead, not on every call.
   * @default 300_000 (5 minutes)
   */
  readonly refreshWindowMs?: number | undefined;
  /**
   * The credentials the provider itself uses (an assumed role's source:
   * explicit credentials, a provider, another keyed provider), or a secret
   * string it uses that is not credentials (a web identity token, an API
   * key). They become part of the key by value, as the factory fingerprints
   * them, so two providers with one `key` but different sources never share
   * a client or a session, and no secret has to go into `key`. Absent: the
   * provider uses the factory's own default credentials. Explicit
   * credentials are checked here as `getClient` checks them (same validator,
   * same errors): malformed ones throw `INVALID_CREDENTIALS`, expired ones
   * `CREDENTIALS_EXPIRED`, at this call rather than at the first request.
   */
  readonly dependsOn?: AwsCredentials | AwsCredentialProvider | string | undefined;
  /**
   * SDK client configuration for the client the provider itself calls (an
   * STS `endpoint`, …). Part of the key by value exactly as `getClient` keys
   * its `config` (plain data by value, functions and class instances by
   * identity), so two providers with one `key` but different client config
   * never share a session. Snapshotted at this call (mutating the object
   * afterwards changes nothing) and handed to the provider as
   * `context.clientConfig`.
   * @throws AwsClientError (`INVALID_CONFIG`) for what `getClient` refuses in `config`: not a plain object, a symbol, a cycle.
   */
  readonly clientConfig?: Readonly<Record<string, unknown>> | undefined;
}

/** The options of `keyedCredentials`: exactly the keys of `KeyedCredentialsOptions` (the compiler keeps the two in step). */
const KEYED_OPTIONS: { readonly [K in keyof KeyedCredentialsOptions]-?: true } = { refreshWindowMs: true, dependsOn: true, clientConfig: true };
const KEYED_OPTION_NAMES = Object.keys(KEYED_OPTIONS) as (keyof KeyedCredentialsOptions)[];

/**
 * `dependsOn` as it is keyed: explicit credentials checked by `getClient`'s
 * own validator (a typed error naming fields, never values) and returned as
 * the checked copy, so the key is made from the very values checked; any
 * other dependency as it is.
 */
function checkedDependency(dependsOn: unknown): unknown {
  if (typeof dependsOn === 'function' || typeof dependsOn === 'string') return dependsOn;
  if (typeof dependsOn !== 'object' || dependsOn === null || Array.isArray(dependsOn)) throw fail('INVALID_CREDENTIALS.type', { got: describeType(dependsOn) });
  const read = emptyCredentialsRead();
  const checked = checkedCredentials(dependsOn, read);
  refuseExpired(checked.expiration?.getTime());
  return checked;
}

const NO_SKIP: ReadonlySet<string> = new Set();

/** `clientConfig` as `getClient` reads a `config`: a frozen snapshot and its canonical form, from the same values. */
function snapshotClientConfig(config: unknown): { readonly snapshot: Readonly<Record<string, unknown>>; readonly key: string } | undefined {
  if (config === undefined) return undefined;
  if (!isPlainRecord(config)) throw notPlainConfig(config);
  const snapshot = Object.freeze(snapshotConfig(config, NO_SKIP));
  return { snapshot, key: canonicalConfig(snapshot, NO_SKIP) };
}

/**
 * Gives any credential provider a stable key, so a provider built per request
 * (`fromIni({ profile })`, `fromTemporaryCredentials(…)`) is still a cache
 * hit: the factory keys it by `key` (fingerprinted like any credential
 * material, never shown), not by the function's identity. Every provider with
 * the same key shares one client per service and one credential session, so
 * it is resolved once, whichever of them the factory happens to call.
 *
 * The key must identify the credentials completely (role, account, external
 * id, tenant, …): two providers with one key are taken to be the same.
 *
 * Called outside a factory (by the caller, or by a plain SDK client it is
 * given to), the returned provider memoises what it resolves: concurrent
 * calls share one resolution, reused until `refreshWindowMs` before expiry.
 * Each returned provider memoises for itself, so build it once.
 *
 * @throws AwsCredentialError (`INVALID_CREDENTIALS`) for a missing key or
 *   provider and malformed `dependsOn` credentials; AwsClientError
 *   (`INVALID_OPTIONS`) for options that are not an object or have an
 *   unknown key.
 * @example
 * ```ts
 * // in a request handler: one client and one credential session per tenant, not per request
 * const client = getS3Client({
 *   region: 'eu-west-1',
 *   credentials: keyedCredentials(`tenant:${tenantId}`, fromTemporaryCredentials({ params: { RoleArn: roleFor(tenantId) } })),
 * })
 * ```
 */
export function keyedCredentials(
  key: string,
  provider: KeyedCredentialProvider | AwsCredentialProvider,
  options?: KeyedCredentialsOptions,
): ResolvedAwsCredentialProvider {
  if (typeof key !== 'string' || key.length === 0 || typeof provider !== 'function') throw fail('INVALID_CREDENTIALS.keyed');
  // Read once, by name, as every options object is: an unknown key (a typo of
  // dependsOn would key two sources as one) is refused; what a getter throws
  // becomes a typed error.
  const read = readOptions('keyedCredentials()', options, KEYED_OPTION_NAMES);
  const { refreshWindowMs, dependsOn } = read;
  const { material, clientConfig } = guardRead('keyedCredentials()', () => ({
    material: dependsOn === undefined || dependsOn === '' ? '-' : credentialMaterial(checkedDependency(dependsOn)),
    clientConfig: snapshotClientConfig(read.clientConfig),
  }));
  if (refreshWindowMs !== undefined && !(typeof refreshWindowMs === 'number' && refreshWindowMs >= 0 && Number.isFinite(refreshWindowMs))) {
    throw fail('INVALID_CREDENTIALS.keyed');
  }
  if (dependsOn === '') throw fail('INVALID_CREDENTIALS.keyed');
  // Unambiguous: the key and the config are length-prefixed and every material
  // ends where its own fields say, so no key can spell another's dependency.
  const config = clientConfig === undefined ? '' : `|${clientConfig.key.length}:${clientConfig.key}`;
  const identity = keyedIdentity(key, `${material}${config}`);
  const byIdentity = typeof dependsOn === 'function' && (keyedSourceOf(dependsOn)?.byIdentity ?? true);
  const snapshot = clientConfig?.snapshot;
  const call = provider as (context: object) => unknown;
  const run = snapshot === undefined ? call : (context: object) => call({ ...context, clientConfig: snapshot });
  const source: KeyedSource = { key, identity, provider: run, refreshWindowMs, byIdentity };
  // Callable as it is by an SDK client too (outside any factory), or by the
  // caller: memoised then as a session memoises it (one resolution shared by
  // concurrent calls, reused until shortly before expiry), so calling an
  // assumeRole() source twice is one AssumeRole, not two. A factory never
  // calls this function: it resolves `source` through its own session, so
  // the memo is made at the first direct call (keyed providers built per
  // request for a factory allocate none).
  let direct: ((options?: object) => Promise<AwsCredentials>) | undefined;
  const keyed = ((options?: object) => {
    direct ??= memoizeProvider((sourceOptions) => source.provider(sourceOptions ?? {}), {
      refreshWindowMs: refreshWindowMs ?? DEFAULT_REFRESH_WINDOW_MS,
      wrapError: (error) => error,
    });
    return direct(options);
  }) as ResolvedAwsCredentialProvider;
  registerKeyedSource(keyed, source);
  return keyed;
}
