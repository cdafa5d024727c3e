/**
 * `assumeRole` and `assumeRoleWithWebIdentity`: credential sources that are
 * values. Equal options give the same source (the same function while it is
 * remembered, always the same key), so
 * `getClient(s3, { credentials: assumeRole({ … }) })` per request is a cache
 * hit, and the factory resolves each key once, for every service, region and
 * concurrent caller, refreshing it ahead of expiry. The STS client comes from
 * the factory resolving the role.
 *
 * @module
 */

import {
  AssumeRoleCommand,
  type AssumeRoleResponse,
  AssumeRoleWithWebIdentityCommand,
  type AssumeRoleWithWebIdentityResponse,
  type STSClient,
  type STSClientConfig,
} from '@aws-sdk/client-sts';
import {
  AwsClientError,
  AwsCredentialError,
  type AwsCredentialProvider,
  type AwsCredentials,
  type CredentialContext,
  credentialsIssuedBy,
  getClientFactory,
  type KeyedCredentialProvider,
  keyedCredentials,
  type ResolvedAwsCredentialProvider,
} from '@dbp/aws-core';
import { tokenFileReader } from '#tokenFile';
import { RecentSources } from './internal/recentSources.js';
import { assumeRoleFailed, describeType, invalidOption, quoted, unreadableOptions } from './internal/roleErrors.js';
import { emptyRead, keyOf, type RoleRead, type RoleSnapshot, readRole, readWebIdentity, snapshotOf } from './internal/roleParams.js';
import { sts } from './sts.js';

/**
 * SDK configuration of the STS client a role source calls: any
 * `STSClientConfig` option (`endpoint`, `maxAttempts`, `requestHandler`, …)
 * but `region`, `credentials` and `profile`, which are the source's own
 * options (`region`, `source`). Keyed by value exactly as `getClient` keys
 * `config`: plain data by value, functions and class instances by identity.
 */
export type StsConfig = Omit<STSClientConfig, 'region' | 'credentials' | 'profile'>;

/** How `stsConfig` is documented on both option types. */
interface StsConfigOption {
  /**
   * SDK configuration for the STS client this source calls, such as a local
   * or VPC endpoint: `{ endpoint: 'http://127.0.0.1:4566' }`. Part of the
   * key by value exactly as `getClient`'s `config` (equal values from fresh
   * objects are one source and one STS call; functions and class instances
   * by identity), and snapshotted at this call: mutating the object
   * afterwards changes nothing. It goes to `getClient(sts, { config })` on
   * the factory resolving the source, so the STS client is still cached and
   * tiered, and it wins over `AWS_ENDPOINT_URL_STS`. `region`, `credentials`
   * and `profile` are refused here: pass the `region` and `source` options.
   * @default none: the SDK's own resolution (`AWS_ENDPOINT_URL_STS`, then AWS's endpoint for the region)
   * @example
   * ```ts
   * assumeRole({ roleArn, source: local.credentials, stsConfig: local.clientOptions('sts').config })
   * ```
   */
  readonly stsConfig?: StsConfig | undefined;
}

/** Options of {@link assumeRole}. Every value is part of the source's key. */
export interface AssumeRoleOptions extends StsConfigOption {
  /** The role to assume: `arn:aws:iam::<account>:role/<name>`. */
  readonly roleArn: string;
  /**
   * The external id the role's trust policy requires (`sts:ExternalId`), as
   * for a role a customer's account lets you assume.
   */
  readonly externalId?: string | undefined;
  /**
   * The session name, shown in CloudTrail and in the assumed-role ARN
   * (`[\w+=,.@-]`, 2 to 64 characters).
   * @default `dbp-aws-<epoch milliseconds>`, new at every STS call
   */
  readonly roleSessionName?: string | undefined;
  /**
   * How long the credentials last, 900 to 43,200 seconds, within the role's
   * maximum session duration (at most 3,600 when `source` is itself an
   * assumed role).
   * @default 3600 (STS's default)
   */
  readonly durationSeconds?: number | undefined;
  /** Session tags, a plain object such as `{ tenant: 'acme' }` (at most 50; a Map, an array or a class instance is refused). */
  readonly tags?: Readonly<Record<string, string>> | undefined;
  /** A session policy (IAM policy JSON) that narrows the role's permissions. */
  readonly policy?: string | undefined;
  /**
   * The credentials that call `AssumeRole`: explicit credentials, a
   * credential provider, or another `assumeRole(…)` (role chaining). Part of
   * the key by value (explicit credentials) or identity (a provider; a keyed
   * one by its key), never shown. Explicit credentials are checked at the
   * call, exactly as `getClient` checks them.
   * @default the default credential chain, as `getClient` without `credentials` uses it (Node: environment, profile, SSO, container, instance; browsers and workers have none)
   */
  readonly source?: AwsCredentials | AwsCredentialProvider | undefined;
  /**
   * The region of the STS endpoint. (The role is resolved once for every
   * region its clients use, so it does not follow the client's region.)
   * @default the factory's default region (`defaultRegion`, then `AWS_REGION` / `AWS_DEFAULT_REGION`), else `'us-east-1'`, as the SDK's own role assumers
   */
  readonly region?: string | undefined;
  /**
   * Refresh the credentials this long before they expire, in the background
   * while the current ones keep serving requests.
   * @default 300_000 (5 minutes)
   */
  readonly refreshWindowMs?: number | undefined;
}

/** What every {@link assumeRoleWithWebIdentity} call takes besides its token. */
export interface WebIdentityRoleOptions extends StsConfigOption {
  /** The role to assume: `arn:aws:iam::<account>:role/<name>`. */
  readonly roleArn: string;
  /**
   * The session name (`[\w+=,.@-]`, 2 to 64 characters).
   * @default `dbp-aws-<epoch milliseconds>`, new at every STS call
   */
  readonly roleSessionName?: string | undefined;
  /**
   * How long the credentials last, 900 to 43,200 seconds, within the role's maximum.
   * @default 3600 (STS's default)
   */
  readonly durationSeconds?: number | undefined;
  /** A session policy (IAM policy JSON) that narrows the role's permissions. */
  readonly policy?: string | undefined;
  /**
   * The region of the STS endpoint. (The role is resolved once for every
   * region its clients use, so it does not follow the client's region.)
   * @default the factory's default region (`defaultRegion`, then `AWS_REGION` / `AWS_DEFAULT_REGION`), else `'us-east-1'`, as the SDK's own role assumers
   */
  readonly region?: string | undefined;
  /**
   * Refresh the credentials this long before they expire, in the background.
   * @default 300_000 (5 minutes)
   */
  readonly refreshWindowMs?: number | undefined;
}

/**
 * Options of {@link assumeRoleWithWebIdentity}: exactly one of
 * `webIdentityToken` and `webIdentityTokenFile`.
 */
export type AssumeRoleWithWebIdentityOptions = WebIdentityRoleOptions &
  (
    | {
        /** The OIDC token itself (a JWT). Part of the key by value, never shown. */
        readonly webIdentityToken: string;
        /** Not with `webIdentityToken`: pass one or the other. */
        readonly webIdentityTokenFile?: undefined;
      }
    | {
        /**
         * A file holding the token, read again at every resolution and
         * refresh (EKS/IRSA rotates it: `AWS_WEB_IDENTITY_TOKEN_FILE`). Node
         * only: elsewhere pass `webIdentityToken`.
         */
        readonly webIdentityTokenFile: string;
        /** Not with `webIdentityTokenFile`: pass one or the other. */
        readonly webIdentityToken?: undefined;
      }
  );

/** The source's key for a call that needs no signature: its STS client must never resolve credentials. */
const UNSIGNED_KEY = '@dbp/aws-sts:unsigned';

let unsignedCredentials: AwsCredentialProvider | undefined;
let packageDependency: AwsCredentialProvider | undefined;

/**
 * What every source this package keys depends on, besides its own values: a
 * keyed provider that is never called. A key string is data (a tenant id,
 * say), and `keyedCredentials(key, …)` with the very string of a role's key
 * must not get that role's client, nor give the role its own provider: the
 * string alone cannot spell this dependency. Every copy of the package makes
 * an equal one (same key), so their sources stay one.
 */
function ownDependency(): AwsCredentialProvider {
  packageDependency ??= keyedCredentials('@dbp/aws-sts:package', () => {
    throw new AwsCredentialError('@dbp/aws-sts: an internal key was called as credentials; please report this to @dbp/aws-sts.', {
      code: 'MISSING_CREDENTIALS',
    });
  });
  return packageDependency;
}

/**
 * The credentials of the STS client that sends `AssumeRoleWithWebIdentity`.
 * The SDK sends that operation unsigned (its auth scheme is
 * `smithy.api#noAuth`, so the client never asks for credentials); this
 * provider exists so the factory builds that client without looking for
 * credentials (off Node there is no chain), and fails loudly if ever called.
 */
function unsigned(): AwsCredentialProvider {
  unsignedCredentials ??= keyedCredentials(
    UNSIGNED_KEY,
    () => {
      throw new AwsCredentialError(
        "assumeRoleWithWebIdentity(): the SDK asked for credentials to sign AssumeRoleWithWebIdentity, which is sent unsigned. Check the STS client's authSchemePreference; please report this to @dbp/aws-sts.",
        { code: 'MISSING_CREDENTIALS' },
      );
    },
    { dependsOn: ownDependency() },
  );
  return unsignedCredentials;
}

/**
 * Where STS is called when neither the options nor the factory name a region:
 * the SDK's own role assumers default to it too (`ASSUME_ROLE_DEFAULT_REGION`
 * in `@aws-sdk/nested-clients`), and its credentials work in every region.
 */
const STS_DEFAULT_REGION = 'us-east-1';

/**
 * The STS client for a source, from the factory resolving it (the
 * process-wide one when called directly), with the source's `stsConfig` as
 * the core snapshotted it (`context.clientConfig`).
 */
function stsClient(context: CredentialContext, region: string | undefined, credentials: AwsCredentials | AwsCredentialProvider | undefined) {
  const factory = context.factory ?? getClientFactory();
  return factory.getClient(sts, {
    region: region ?? context.region ?? STS_DEFAULT_REGION,
    credentials,
    config: context.clientConfig as StsConfig | undefined,
  });
}

function defaultSessionName(): string {
  return `dbp-aws-${Date.now()}`;
}

/** The secrets a source knows, cut out of any SDK message quoted in an error. */
function secretsOf(source: RoleSnapshot['source']): string[] {
  if (source === undefined || typeof source === 'function') return [];
  return [source.secretAccessKey, source.sessionToken].filter((value): value is string => typeof value === 'string');
}

/** The credentials in an STS answer, with `expiration` and, from the assumed-role ARN, the account id. */
function credentialsFrom(output: AssumeRoleResponse | AssumeRoleWithWebIdentityResponse, roleArn: string): AwsCredentials {
  const issued = output.Credentials;
  if (issued?.AccessKeyId === undefined || issued.SecretAccessKey === undefined) {
    throw new AwsCredentialError(
      `Could not assume role ${roleArn}: STS answered without credentials. Check the STS endpoint (stsConfig.endpoint, AWS_ENDPOINT_URL_STS).`,
      {
        code: 'ASSUME_ROLE_FAILED',
      },
    );
  }
  // arn:aws:sts::<account>:assumed-role/<role>/<session>
  const accountId = output.AssumedRoleUser?.Arn?.split(':')[4];
  return {
    accessKeyId: issued.AccessKeyId,
    secretAccessKey: issued.SecretAccessKey,
    sessionToken: issued.SessionToken,
    expiration: issued.Expiration,
    ...(accountId ? { accountId } : {}),
  };
}

/** The provider of an `assumeRole` snapshot: one `AssumeRole` call per resolution. */
function roleProvider(snapshot: RoleSnapshot): KeyedCredentialProvider {
  const secrets = secretsOf(snapshot.source);
  const tags = snapshot.tags === undefined ? undefined : Object.entries(snapshot.tags).map(([Key, Value]) => ({ Key, Value }));
  return async (context) => {
    let output: AssumeRoleResponse;
    // Its clock (the skew it measured) is the one the credentials' expiration was written on.
    let client: STSClient | undefined;
    try {
      client = stsClient(context, snapshot.region, snapshot.source);
      output = await client.send(
        new AssumeRoleCommand({
          RoleArn: snapshot.roleArn,
          RoleSessionName: snapshot.roleSessionName ?? defaultSessionName(),
          ExternalId: snapshot.externalId,
          DurationSeconds: snapshot.durationSeconds,
          Tags: tags,
          Policy: snapshot.policy,
        }),
      );
    } catch (error) {
      throw assumeRoleFailed('assumeRole', snapshot.roleArn, error, secrets);
    }
    return credentialsIssuedBy(credentialsFrom(output, snapshot.roleArn), client);
  };
}

/** The provider of an `assumeRoleWithWebIdentity` snapshot: reads the token (file) at every resolution. */
function webIdentityProvider(snapshot: RoleSnapshot): KeyedCredentialProvider {
  const file = snapshot.webIdentityTokenFile;
  // Web build: throws the typed error that says to pass webIdentityToken.
  const readToken = file === undefined ? undefined : tokenFileReader(file);
  return async (context) => {
    let token = snapshot.webIdentityToken as string;
    if (readToken !== undefined) {
      try {
        token = await readToken();
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        throw new AwsCredentialError(
          `Could not assume role ${snapshot.roleArn}: the web identity token file ${quoted(file as string, 200)} could not be read (${typeof code === 'string' ? code : describeType(error)}). Check webIdentityTokenFile (on EKS, AWS_WEB_IDENTITY_TOKEN_FILE).`,
          { code: 'ASSUME_ROLE_FAILED', cause: error },
        );
      }
      if (token.length === 0) {
        throw new AwsCredentialError(`Could not assume role ${snapshot.roleArn}: the web identity token file ${quoted(file as string, 200)} is empty.`, {
          code: 'ASSUME_ROLE_FAILED',
        });
      }
    }
    let output: AssumeRoleWithWebIdentityResponse;
    try {
      output = await stsClient(context, snapshot.region, unsigned()).send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: snapshot.roleArn,
          RoleSessionName: snapshot.roleSessionName ?? defaultSessionName(),
          WebIdentityToken: token,
          DurationSeconds: snapshot.durationSeconds,
          Policy: snapshot.policy,
        }),
      );
    } catch (error) {
      throw assumeRoleFailed('assumeRoleWithWebIdentity', snapshot.roleArn, error, [token]);
    }
    // No issuer's clock: an unsigned call measures no skew.
    return credentialsFrom(output, snapshot.roleArn);
  };
}

/**
 * Builds the keyed source of a snapshot. The source credentials and the
 * token are credential material: they reach the key by value through
 * `dependsOn` (checked and interned by the factory like any secret), never
 * the key string; `stsConfig` through `clientConfig`, snapshotted and keyed
 * by the core as `getClient` keys `config`.
 */
function build(snapshot: RoleSnapshot): ResolvedAwsCredentialProvider {
  const web = snapshot.kind === 'assumeRoleWithWebIdentity';
  // Role chaining: STS caps a session assumed with an assumed role's credentials at one hour.
  if (typeof snapshot.source === 'function' && assumedRoles.has(snapshot.source) && (snapshot.durationSeconds ?? 0) > MAX_CHAINED_SECONDS) {
    throw invalidOption(
      snapshot.kind,
      `durationSeconds must be at most ${MAX_CHAINED_SECONDS} when the source is another assumeRole() (role chaining: STS allows at most one hour); got ${snapshot.durationSeconds}.`,
    );
  }
  try {
    const provider = keyedCredentials(keyOf(snapshot), web ? webIdentityProvider(snapshot) : roleProvider(snapshot), {
      refreshWindowMs: snapshot.refreshWindowMs,
      // The source or the token by value; with neither (the default chain, a token file), this package's own dependency.
      dependsOn: (web ? snapshot.webIdentityToken : snapshot.source) ?? ownDependency(),
      clientConfig: snapshot.stsConfig as Readonly<Record<string, unknown>> | undefined,
    });
    assumedRoles.add(provider);
    return provider;
  } catch (error) {
    // A getter inside stsConfig that threw while the core read it: this call's own unreadable-options error.
    const cause = (error as { cause?: unknown }).cause;
    if (error instanceof AwsClientError && error.code === 'INVALID_CREDENTIALS' && cause !== undefined && !(cause instanceof AwsClientError)) {
      throw unreadableOptions(snapshot.kind, cause);
    }
    throw error;
  }
}

const recent = /* @__PURE__ */ new RecentSources<ResolvedAwsCredentialProvider>();
/**
 * Every source this package built, in any copy of it loaded in the process (its ES module and
 * CommonJS builds): one given as another's `source` is role chaining.
 */
const assumedRoles: WeakSet<object> = /* @__PURE__ */ sharedSet(Symbol.for('@dbp/aws-sts/assumed-roles@1'));

/** A set kept on `globalThis` under `key`, made by the first copy of the package that asks. */
function sharedSet(key: symbol): WeakSet<object> {
  const holder = globalThis as unknown as Record<symbol, WeakSet<object> | undefined>;
  let set = holder[key];
  if (!(set instanceof WeakSet)) {
    set = new WeakSet();
    Object.defineProperty(holder, key, { value: set });
  }
  return set;
}
/** STS's cap on a chained role session (seconds). */
const MAX_CHAINED_SECONDS = 3_600;
const roleRead = /* @__PURE__ */ emptyRead('assumeRole');
const webIdentityRead = /* @__PURE__ */ emptyRead('assumeRoleWithWebIdentity');
/** Whether a call is running: a getter on the options that calls back in gets a read of its own. */
let busy = false;

/**
 * Reads a call, returns the remembered source for equal options, else
 * validates and builds one. What the options throw while being read (a
 * getter reading a secret store) becomes a typed error that shows the
 * getter's error by name only.
 */
function sourceFor(options: unknown, read: RoleRead, reader: (options: unknown, out: RoleRead) => void): ResolvedAwsCredentialProvider {
  try {
    return readSource(options, read, reader);
  } catch (error) {
    throw error instanceof AwsClientError ? error : unreadableOptions(read.kind, error);
  }
}

function readSource(options: unknown, read: RoleRead, reader: (options: unknown, out: RoleRead) => void): ResolvedAwsCredentialProvider {
  reader(options, read);
  // Fast path: equal options as a remembered source, compared by value.
  if (read.problem === undefined) {
    const found = recent.find(read);
    if (found !== undefined) return found;
  }
  // New options: validate (typed errors), snapshot, key, remember. A
  // snapshot with nested stsConfig data is never matched by value here (the
  // core keys it), so remembering it would only push others out.
  const snapshot = snapshotOf(read);
  const built = build(snapshot);
  return snapshot.stsConfigFlat ? recent.remember(snapshot, built) : built;
}

/**
 * A credential source that assumes an IAM role: give it as `credentials` to
 * any `getClient`. A value: equal options give an equal source (the same
 * function while it is remembered, and always the same key), so calling it
 * per request is a cache hit. The factory calls `AssumeRole` once per key,
 * shared by every service, region and concurrent caller, and refreshes the
 * credentials `refreshWindowMs` before they expire while the current ones
 * keep serving. The STS client comes from the same factory (cached, tiered,
 * `stsConfig` as its `config`, else `AWS_ENDPOINT_URL_STS` honoured). STS failures reject requests with an
 * `AwsCredentialError` (`ASSUME_ROLE_FAILED`) that names the role and what to
 * check, with the SDK error as `cause`.
 *
 * @throws AwsCredentialError (`INVALID_CREDENTIALS`) for malformed options,
 * at once; explicit `source` credentials are checked as `getClient` checks
 * credentials (same errors: `INVALID_CREDENTIALS` for an empty, missing or
 * mistyped field, an unknown field or white space in a key,
 * `CREDENTIALS_EXPIRED` once their `expiration` has passed).
 * @throws AwsClientError (`INVALID_CONFIG`) for `stsConfig` that `getClient` refuses as `config` (a symbol, a cycle).
 * @example
 * ```ts
 * // per request, per tenant: one client and one STS call per tenant, not per request
 * const client = getS3Client({
 *   region: 'eu-west-1',
 *   credentials: assumeRole({ roleArn: tenant.roleArn, externalId: tenant.externalId }),
 * })
 * // role chaining: a role assumed with another assumed role's credentials
 * const audit = assumeRole({ roleArn: auditRoleArn, source: assumeRole({ roleArn: hubRoleArn }) })
 * // another STS endpoint (a VPC endpoint, the testkit's local STS): no environment variable
 * const viaLocal = assumeRole({ roleArn, source: local.credentials, stsConfig: local.clientOptions('sts').config })
 * ```
 */
export function assumeRole(options: AssumeRoleOptions): ResolvedAwsCredentialProvider {
  if (busy) return sourceFor(options, emptyRead('assumeRole'), readRole);
  busy = true;
  try {
    return sourceFor(options, roleRead, readRole);
  } finally {
    busy = false;
  }
}

/**
 * A credential source that assumes an IAM role with an OIDC token
 * (`AssumeRoleWithWebIdentity`: EKS service accounts, GitHub Actions, a
 * browser's identity provider). Keyed by value like {@link assumeRole}. The
 * call is sent unsigned: it needs no other credentials. A
 * `webIdentityTokenFile` is read again at every resolution and refresh, so a
 * rotated token is picked up; it is Node only (elsewhere a typed error says
 * to pass `webIdentityToken`). `stsConfig` as for {@link assumeRole}.
 *
 * @throws AwsCredentialError (`INVALID_CREDENTIALS`) for malformed options, or `webIdentityTokenFile` off Node.
 * @throws AwsClientError (`INVALID_CONFIG`) for `stsConfig` that `getClient` refuses as `config` (a symbol, a cycle).
 * @example
 * ```ts
 * const credentials = assumeRoleWithWebIdentity({
 *   roleArn: process.env.AWS_ROLE_ARN!,
 *   webIdentityTokenFile: process.env.AWS_WEB_IDENTITY_TOKEN_FILE!,
 * })
 * const client = getDynamoDBClient({ region: 'eu-west-1', credentials })
 * // through a VPC endpoint of STS
 * assumeRoleWithWebIdentity({ roleArn, webIdentityToken, stsConfig: { endpoint: 'https://vpce-0a1b2c3d.sts.eu-west-1.vpce.amazonaws.com' } })
 * ```
 */
export function assumeRoleWithWebIdentity(options: AssumeRoleWithWebIdentityOptions): ResolvedAwsCredentialProvider {
  if (busy) return sourceFor(options, emptyRead('assumeRoleWithWebIdentity'), readWebIdentity);
  busy = true;
  try {
    return sourceFor(options, webIdentityRead, readWebIdentity);
  } finally {
    busy = false;
  }
}
