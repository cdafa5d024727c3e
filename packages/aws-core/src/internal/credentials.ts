import { AwsClientError, AwsCredentialError, describeType } from '../errors.js';
import type { AwsCredentialProvider, AwsCredentials } from '../types.js';
import { identityOf } from './fingerprint.js';
import { clip } from './text.js';

/** Refresh temporary credentials this long before they expire (the SDK's own window). */
export const REFRESH_WINDOW_MS: number = 5 * 60_000;

// `$source` is how the SDK records where credentials came from: it writes it
// onto any credentials object it is given, so an object an SDK client has
// used carries it. Accepted and ignored.
const CREDENTIAL_KEYS: ReadonlySet<string> = new Set([
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'expiration',
  'credentialScope',
  'accountId',
  '$source',
]);

function invalid(what: string): never {
  throw new AwsCredentialError(
    `Invalid credentials: ${what}. Pass { accessKeyId, secretAccessKey, sessionToken?, expiration? } with non-empty strings, or a credential provider function.`,
    { code: 'INVALID_CREDENTIALS' },
  );
}

/**
 * Validates explicit credentials and returns a frozen copy holding only the
 * fields the SDK reads. Messages name fields and types, never values.
 */
export function validateCredentials(value: unknown): AwsCredentials {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(`expected an object or a function, got ${describeType(value)}`);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!CREDENTIAL_KEYS.has(key)) {
      invalid(`unknown field '${clip(key)}'`);
    }
  }
  const { accessKeyId, secretAccessKey, sessionToken, expiration, credentialScope, accountId } = record;
  if (typeof accessKeyId !== 'string' || accessKeyId.length === 0) invalid(`accessKeyId must be a non-empty string, got ${describeType(accessKeyId)}`);
  if (/\s/.test(accessKeyId)) invalid('accessKeyId contains white space');
  if (typeof secretAccessKey !== 'string' || secretAccessKey.length === 0)
    invalid(`secretAccessKey must be a non-empty string, got ${describeType(secretAccessKey)}`);
  if (/\s/.test(secretAccessKey)) invalid('secretAccessKey contains white space');
  if (sessionToken !== undefined && (typeof sessionToken !== 'string' || sessionToken.length === 0)) {
    invalid(`sessionToken, when given, must be a non-empty string, got ${describeType(sessionToken)}`);
  }
  if (expiration !== undefined && !(expiration instanceof Date && Number.isFinite(expiration.getTime()))) {
    invalid(`expiration, when given, must be a valid Date, got ${describeType(expiration)}`);
  }
  if (credentialScope !== undefined && typeof credentialScope !== 'string') invalid(`credentialScope must be a string, got ${describeType(credentialScope)}`);
  if (accountId !== undefined && typeof accountId !== 'string') invalid(`accountId must be a string, got ${describeType(accountId)}`);
  const copy: { -readonly [K in keyof AwsCredentials]: AwsCredentials[K] } = { accessKeyId, secretAccessKey };
  if (sessionToken !== undefined) copy.sessionToken = sessionToken as string;
  if (expiration !== undefined) copy.expiration = new Date((expiration as Date).getTime());
  if (credentialScope !== undefined) copy.credentialScope = credentialScope as string;
  if (accountId !== undefined) copy.accountId = accountId as string;
  return Object.freeze(copy);
}

/** The text a static-credential fingerprint is computed over (never stored or shown). */
export function credentialMaterial(credentials: AwsCredentials): string {
  return [
    'static',
    credentials.accessKeyId,
    credentials.secretAccessKey,
    credentials.sessionToken ?? '',
    credentials.expiration ? String(credentials.expiration.getTime()) : '',
    credentials.credentialScope ?? '',
    credentials.accountId ?? '',
  ].join('\u0000');
}

/** Identity fingerprint of a provider function (never its output). */
export function providerMaterial(provider: AwsCredentialProvider): string {
  return `provider#${identityOf(provider)}`;
}

/**
 * Serves static credentials, refusing them once `expiration` has passed.
 * Each call returns a fresh, unfrozen copy: the SDK records how credentials
 * were sourced by writing `$source` onto the object it receives, which throws
 * on a frozen one.
 */
export function staticProvider(credentials: AwsCredentials): AwsCredentialProvider {
  return async () => {
    if (credentials.expiration && credentials.expiration.getTime() <= Date.now()) {
      throw expiredError(credentials.expiration);
    }
    return { ...credentials };
  };
}

/** The error for static credentials past their `expiration`. */
export function expiredError(expiration: Date): AwsCredentialError {
  return new AwsCredentialError(
    `The explicit credentials expired at ${expiration.toISOString()}. Pass fresh credentials, or a credential provider function that refreshes them.`,
    { code: 'CREDENTIALS_EXPIRED' },
  );
}

function describeFailure(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return 'the provider rejected with a non-Error value';
}

function isCredentials(value: unknown): value is AwsCredentials {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.accessKeyId === 'string' && typeof record.secretAccessKey === 'string';
}

/**
 * Wraps a provider so that concurrent calls share one resolution, resolved
 * credentials are reused until shortly before they expire, failures become
 * `AwsCredentialError` (the original as `cause`), and a failed resolution is
 * retried on the next call instead of being remembered.
 */
export function memoizeProvider(
  source: AwsCredentialProvider,
  describe: { profile?: string | undefined; profileSources: () => string },
  onResolve?: () => void,
): AwsCredentialProvider {
  let value: AwsCredentials | undefined;
  let pending: Promise<AwsCredentials> | undefined;
  const resolve = (): Promise<AwsCredentials> => {
    pending ??= (async () => {
      try {
        onResolve?.();
        const resolved = await source();
        if (!isCredentials(resolved)) {
          throw new AwsCredentialError(
            'The credential provider resolved to something that is not credentials ({ accessKeyId, secretAccessKey, … }). Fix the provider function.',
            {
              code: 'CREDENTIAL_PROVIDER_FAILED',
            },
          );
        }
        value = resolved;
        return resolved;
      } catch (error) {
        throw wrapProviderError(error, describe);
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };
  return async () => {
    const current = value;
    if (current) {
      const expiresAt = current.expiration?.getTime();
      if (expiresAt === undefined || expiresAt - Date.now() > REFRESH_WINDOW_MS) return current;
      if (expiresAt > Date.now()) {
        // Still valid: refresh, but fall back to what we have if refresh fails.
        return resolve().catch(() => current);
      }
    }
    return resolve();
  };
}

function wrapProviderError(error: unknown, describe: { profile?: string | undefined; profileSources: () => string }): AwsClientError {
  if (error instanceof AwsClientError) return error;
  const message = error instanceof Error ? error.message : '';
  if (describe.profile !== undefined && /profile|could not resolve credentials/i.test(message)) {
    return new AwsCredentialError(
      `Could not load credentials for profile '${describe.profile}' from ${describe.profileSources()}. Check the profile name, or set AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE to the files that define it.`,
      { code: 'PROFILE_NOT_FOUND', cause: error },
    );
  }
  return new AwsCredentialError(
    `Could not resolve AWS credentials (${describeFailure(error)}). Pass credentials explicitly, choose a profile, or configure the default chain (environment variables, shared files, SSO, container or instance role).`,
    { code: 'CREDENTIAL_PROVIDER_FAILED', cause: error },
  );
}
