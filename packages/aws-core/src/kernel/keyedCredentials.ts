/**
 * `keyedCredentials`: a stable key for any credential provider, so one
 * built per request is still a cache hit.
 *
 * @module
 */
import type { CredentialContext } from './clientFactory.js';
import { credentialMaterial } from './credentialIds.js';
import { fail } from './errors.js';
import { type KeyedSource, keyedSourceOf, registerKeyedSource } from './keyedSources.js';
import type { AwsCredentialProvider, AwsCredentials } from './types.js';
import { guardRead } from './validateOptions.js';

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
   * provider uses the factory's own default credentials.
   */
  readonly dependsOn?: AwsCredentials | AwsCredentialProvider | string | undefined;
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
): AwsCredentialProvider {
  if (typeof key !== 'string' || key.length === 0 || typeof provider !== 'function') throw fail('INVALID_CREDENTIALS.keyed');
  // Read once, by name; what a getter throws becomes a typed error.
  const { refreshWindowMs, dependsOn, material } = guardRead('keyedCredentials()', () => {
    const refreshWindowMs = options?.refreshWindowMs;
    const dependsOn = options?.dependsOn;
    return { refreshWindowMs, dependsOn, material: dependsOn === undefined || dependsOn === '' ? '-' : credentialMaterial(dependsOn) };
  });
  if (refreshWindowMs !== undefined && !(typeof refreshWindowMs === 'number' && refreshWindowMs >= 0 && Number.isFinite(refreshWindowMs))) {
    throw fail('INVALID_CREDENTIALS.keyed');
  }
  if (dependsOn === '') throw fail('INVALID_CREDENTIALS.keyed');
  // Unambiguous: the key is length-prefixed, so no key can spell another's dependency.
  const identity = `${key.length}:${key}|${material}`;
  const byIdentity = typeof dependsOn === 'function' && (keyedSourceOf(dependsOn)?.byIdentity ?? true);
  const source: KeyedSource = { key, identity, provider: provider as (context: object) => unknown, refreshWindowMs, byIdentity };
  // Callable as it is by an SDK client too (outside any factory).
  const keyed: AwsCredentialProvider = async () => (await source.provider({})) as AwsCredentials;
  registerKeyedSource(keyed, source);
  return keyed;
}
