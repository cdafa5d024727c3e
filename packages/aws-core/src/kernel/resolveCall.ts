/**
 * The full path of `getClient` and `getSession`: a call, as read once by
 * `keySpec.ts`, validated and turned into everything a cache entry is made of
 * — the definition, the tier, the region, the profile, the credentials
 * (fingerprinted, with the provider to memoise), the config snapshot and its
 * canonical form, the full cache key and its parts (`KeyParts`, which the
 * fast path indexes).
 *
 * @module
 */
import { canonicalConfig, identityOf, isPlainRecord, notPlainConfig, snapshotConfig } from './configSnapshot.js';
import { type CredentialIds, chainMaterial, keyedMaterial, providerMaterial, staticMaterial } from './credentialIds.js';
import { type CredentialSource, checkedCredentials, staticProvider } from './credentials.js';
import { describeType, fail } from './errors.js';
import { keyedSourceOf } from './keyedSources.js';
import {
  type CallRead,
  CHAIN,
  type CredentialsRead,
  emptyCredentialsRead,
  type KeyParts,
  makeKeyParts,
  OPTION_NAMES,
  type OptionName,
  SESSION_NAMES,
} from './keySpec.js';
import type { RegionSource } from './regions.js';
import { definitionKey, isServiceDefinition, lookupService, registeredServiceIds } from './serviceDefinition.js';
import type { ServiceTierOverrides } from './serviceTiers.js';
import { type ClientClasses, installation, type Platform } from './setup.js';
import type { AwsCredentialProvider, SdkClientClass, ServiceDefinition, TierConfig } from './types.js';
import { type CallWhere, refuseProblem } from './validateOptions.js';

/** Credentials, resolved. */
export interface ResolvedCredentials {
  readonly id: string;
  readonly source: CredentialSource;
  /** Explicit credentials' expiry (epoch ms). */
  readonly expiresAt: number | undefined;
  /** The credential part of the key parts (see `KeyParts.credential`). */
  readonly indexPart: unknown;
  readonly secrets: Readonly<CredentialsRead>;
}

/** A session's inputs, resolved. */
export interface ResolvedSession {
  readonly region: string | undefined;
  readonly profile: string | undefined;
  readonly credentials: ResolvedCredentials;
}

/** A `getClient` call, resolved. */
export interface ResolvedCall extends ResolvedSession {
  readonly definition: ServiceDefinition;
  readonly tierName: string;
  readonly tier: TierConfig;
  readonly snapshot: Record<string, unknown> | undefined;
  readonly key: string;
  readonly keyParts: KeyParts;
}

/** What the full path needs from its factory. */
export interface CallContext {
  readonly tiers: ReadonlyMap<string, TierConfig>;
  /** The tier a service gets when the call names none (the factory's `serviceTiers`, else the definition's). */
  readonly serviceTiers: ServiceTierOverrides;
  /** Validates a region (`undefined`: the factory's fallback); `source` is where it came from, if not from the call. */
  region(region: unknown, source?: RegionSource): string | undefined;
  /** The region a call that names none gets (the factory's `defaultRegion`, then the environment's). */
  fallbackRegion(): string | undefined;
  readonly credentialIds: CredentialIds;
  /** The platform (default credentials, and whether a region is required). */
  readonly platform: Platform;
  /** SDK client classes as services, when the plug-in is installed. */
  readonly classes: ClientClasses | undefined;
}

const SESSION_KEYS: ReadonlySet<string> = new Set(SESSION_NAMES);
/** The credentials read of anything but explicit credentials (compared only for those). */
const NO_SECRETS: Readonly<CredentialsRead> = Object.freeze(emptyCredentialsRead());

/** The definition behind `getClient`'s (or `warm`'s) first argument: a definition, a registered id or an SDK client class. */
export function resolveService(service: unknown, classes: ClientClasses | undefined, where: CallWhere): ServiceDefinition {
  if (isServiceDefinition(service)) return service;
  if (typeof service === 'string') {
    const found = lookupService(service);
    if (found) return found;
    throw fail('UNKNOWN_SERVICE.id', { id: service, known: registeredServiceIds() });
  }
  if (typeof service === 'function' && classes !== undefined) return classes.definition(service as SdkClientClass);
  throw fail('UNKNOWN_SERVICE.type', { where, got: describeType(service) });
}

function resolveCredentials(credentials: unknown, profile: string | undefined, context: CallContext): ResolvedCredentials {
  if (typeof credentials === 'function') {
    const keyed = keyedSourceOf(credentials);
    if (keyed !== undefined) {
      return {
        id: context.credentialIds.idFor(keyedMaterial(keyed.identity)),
        source: { kind: 'keyed', provider: keyed.provider, profile, refreshWindowMs: keyed.refreshWindowMs, byIdentity: keyed.byIdentity },
        expiresAt: undefined,
        indexPart: keyed.identity,
        secrets: NO_SECRETS,
      };
    }
    return {
      id: context.credentialIds.idFor(providerMaterial(identityOf(credentials))),
      source: { kind: 'provider', provider: credentials as AwsCredentialProvider, profile, refreshWindowMs: undefined, byIdentity: true },
      expiresAt: undefined,
      indexPart: credentials,
      secrets: NO_SECRETS,
    };
  }
  if (credentials !== undefined) {
    if (typeof credentials !== 'object' || credentials === null || Array.isArray(credentials))
      throw fail('INVALID_CREDENTIALS.type', { got: describeType(credentials) });
    const secrets = emptyCredentialsRead();
    const valid = checkedCredentials(credentials, secrets);
    return {
      id: context.credentialIds.idFor(staticMaterial(secrets)),
      source: { kind: 'static', provider: staticProvider(valid), profile, refreshWindowMs: undefined, byIdentity: false },
      expiresAt: valid.expiration?.getTime(),
      indexPart: secrets.accessKeyId,
      secrets,
    };
  }
  const chain = context.platform.defaultCredentials(profile);
  if (chain === undefined) throw fail('MISSING_CREDENTIALS', { profile, server: onServer() });
  return {
    id: context.credentialIds.idFor(chainMaterial(profile)),
    source: { kind: 'chain', provider: chain, profile, refreshWindowMs: undefined, byIdentity: false },
    expiresAt: undefined,
    indexPart: CHAIN,
    secrets: NO_SECRETS,
  };
}

/** Where a region given as `config.region` comes from, for its errors. */
const CLIENT_CONFIG: RegionSource = { from: 'clientConfig' };

/**
 * Resolves region, profile and credentials. `config.region`,
 * `config.profile` and `config.credentials` are accepted as aliases of the
 * options; given both ways, they must be the same value (else
 * `INVALID_OPTIONS.conflict`: one would be dropped without a word). `null`
 * is kept, so it is refused as a wrong type.
 */
export function resolveSession(read: CallRead, config: Record<string, unknown> | undefined, context: CallContext): ResolvedSession {
  const pick = (name: 'region' | 'profile' | 'credentials'): unknown => {
    const aliased = config?.[name];
    if (read[name] === undefined) return aliased;
    if (aliased !== undefined && aliased !== read[name]) throw fail('INVALID_OPTIONS.conflict', { name });
    return read[name];
  };
  // Given as `config.region` only: errors name it so.
  const region = context.region(pick('region'), read.region === undefined && config?.region !== undefined ? CLIENT_CONFIG : undefined);
  if (region === undefined && context.platform.flavor === 'web') throw fail('MISSING_REGION.web', { server: onServer() });
  const profile = pick('profile');
  if (profile !== undefined && (typeof profile !== 'string' || profile.length === 0 || profile.trim() !== profile)) {
    throw fail('INVALID_CREDENTIALS.profile', { got: describeType(profile) });
  }
  return { region, profile, credentials: resolveCredentials(pick('credentials'), profile, context) };
}

/**
 * Whether a platform without a credential chain or config files (the web
 * build) runs on Node, Bun or Deno: a bundle made without the `node`
 * export condition, whose messages then say so. Not in a Cloudflare Worker
 * or Vercel's edge runtime, which may report a Node version
 * (`nodejs_compat`) and rightly run the web build.
 */
function onServer(): boolean {
  const runtime = globalThis as { process?: { versions?: { node?: unknown } }; navigator?: { userAgent?: unknown }; EdgeRuntime?: unknown };
  return typeof runtime.process?.versions?.node === 'string' && runtime.navigator?.userAgent !== 'Cloudflare-Workers' && runtime.EdgeRuntime === undefined;
}

/** Validates a `getClient` call and computes its keys. */
export function resolveCall(service: unknown, read: CallRead, context: CallContext, where: CallWhere): ResolvedCall {
  if (read.problem !== undefined) refuseProblem(where, read.problem, OPTION_NAMES as readonly OptionName[]);
  const definition = resolveService(service, context.classes, where);
  const tierName = read.tier === undefined ? context.serviceTiers.tierOf(definition) : read.tier;
  const tier = typeof tierName === 'string' ? context.tiers.get(tierName) : undefined;
  if (tier === undefined)
    throw fail('UNKNOWN_TIER', { tier: typeof tierName === 'string' ? tierName : describeType(tierName), known: [...context.tiers.keys()] });
  let config: Record<string, unknown> | undefined;
  if (read.config !== undefined) {
    if (!isPlainRecord(read.config)) throw notPlainConfig(read.config);
    config = read.config;
  }
  const session = resolveSession(read, config, context);
  const snapshot = config === undefined ? undefined : snapshotConfig(config, SESSION_KEYS);
  // Values the SDK would fail on at the first request (development aids: always on Node).
  if (snapshot !== undefined) installation().dev?.checkConfig(snapshot);
  const configKey = snapshot === undefined ? '' : canonicalConfig(snapshot, SESSION_KEYS);
  const { region, profile, credentials } = session;
  // A definition is its id and origin (shared by the package's ESM and CJS
  // copies) or, without an origin, its identity.
  const serviceKey = definitionKey(definition);
  const key = JSON.stringify([
    typeof serviceKey === 'string' ? serviceKey : identityOf(definition),
    tierName,
    region ?? null,
    profile ?? null,
    credentials.id,
    configKey,
  ]);
  const keyParts = makeKeyParts(
    {
      definition: serviceKey,
      tier: tierName,
      region,
      profile,
      credential: credentials.indexPart,
      config: configKey,
      kind: credentials.source.kind,
    },
    credentials.secrets,
  );
  return { definition, tierName: tierName as string, tier, region, profile, credentials, snapshot, key, keyParts };
}
