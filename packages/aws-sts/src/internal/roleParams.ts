/**
 * What an assumed-role source is made of, declared once: the options of
 * `assumeRole` and `assumeRoleWithWebIdentity`, how a call is read (by
 * property access of the declared names, into one reusable read), how two
 * reads compare (by value), how a read is validated into a frozen snapshot,
 * and the key the factory gets for it.
 *
 * The key holds no secret. The source credentials and the web identity token
 * reach the factory's key through `keyedCredentials`' `dependsOn`, by value,
 * where the factory interns them as it does any credential material.
 *
 * @module
 */
import { type AwsCredentialProvider, type AwsCredentials, AwsRegionError, createClientFactory, type SessionOptions } from '@dbp/aws-core';
import type { AssumeRoleOptions, AssumeRoleWithWebIdentityOptions, StsConfig } from '../assumeRole.js';
import { describeNonPlain, describeType, invalidOption, quoted, type SourceFunction, shownKey } from './roleErrors.js';

/** A call's options, as read: one slot per option of either function (one shape, so comparing stays monomorphic). */
export interface RoleRead {
  kind: SourceFunction;
  roleArn: unknown;
  externalId: unknown;
  roleSessionName: unknown;
  durationSeconds: unknown;
  tags: unknown;
  policy: unknown;
  source: unknown;
  region: unknown;
  refreshWindowMs: unknown;
  webIdentityToken: unknown;
  webIdentityTokenFile: unknown;
  stsConfig: unknown;
  /** The first enumerable key that is no option of `kind`, or why the options are no object. */
  problem: string | undefined;
}

/** A validated read: what a built source was made from (frozen, holding copies of tags and a static source). */
export interface RoleSnapshot extends Readonly<RoleRead> {
  readonly roleArn: string;
  readonly externalId: string | undefined;
  readonly roleSessionName: string | undefined;
  readonly durationSeconds: number | undefined;
  readonly tags: Readonly<Record<string, string>> | undefined;
  readonly policy: string | undefined;
  readonly source: AwsCredentials | AwsCredentialProvider | undefined;
  readonly region: string | undefined;
  readonly refreshWindowMs: number | undefined;
  readonly webIdentityToken: string | undefined;
  readonly webIdentityTokenFile: string | undefined;
  /**
   * A shallow, frozen copy of `stsConfig` (each top-level value read once),
   * which `keyedCredentials` snapshots deeply and keys as `getClient` keys
   * `config`.
   */
  readonly stsConfig: StsConfig | undefined;
  /** How many keys the `stsConfig` copy has. */
  readonly stsConfigSize: number;
  /**
   * Whether every `stsConfig` value is a primitive or a function, compared by
   * `===` as the core keys them: then a read with equal values is this
   * snapshot. Otherwise (nested data, class instances) equal options build a
   * new source each call, with the same key from the core.
   */
  readonly stsConfigFlat: boolean;
  /** How many keys the static source snapshot has (0 for none). */
  readonly sourceSize: number;
  /** When a static source's `expiration` passes (epoch ms): from then on no read equals this snapshot, so the call is checked again and refused. */
  readonly sourceExpiresAt: number | undefined;
  /** How many tags (0 for none). */
  readonly tagCount: number;
}

/** One entry per key of a public options type: the compiler keeps the two in step. */
type Every<T> = { readonly [K in keyof T]-?: true };

const ROLE_KEYS: Every<AssumeRoleOptions> = {
  roleArn: true,
  externalId: true,
  roleSessionName: true,
  durationSeconds: true,
  tags: true,
  policy: true,
  source: true,
  region: true,
  refreshWindowMs: true,
  stsConfig: true,
};

const WEB_IDENTITY_KEYS: Every<AssumeRoleWithWebIdentityOptions> = {
  roleArn: true,
  webIdentityToken: true,
  webIdentityTokenFile: true,
  roleSessionName: true,
  durationSeconds: true,
  policy: true,
  region: true,
  refreshWindowMs: true,
  stsConfig: true,
};

/** The options of `assumeRole`: exactly the keys of `AssumeRoleOptions`. */
export const ROLE_OPTIONS: readonly string[] = Object.keys(ROLE_KEYS);

/** The options of `assumeRoleWithWebIdentity`: exactly the keys of `AssumeRoleWithWebIdentityOptions`. */
export const WEB_IDENTITY_OPTIONS: readonly string[] = Object.keys(WEB_IDENTITY_KEYS);

/** The options of a function. */
export function optionsOf(kind: SourceFunction): readonly string[] {
  return kind === 'assumeRole' ? ROLE_OPTIONS : WEB_IDENTITY_OPTIONS;
}

/**
 * Whether `key` is an option of `assumeRole`: `ROLE_OPTIONS` as a switch (a
 * switch over internalized strings is a few pointer compares beside the
 * `for…in` it sits in; roleParams.test.ts proves it answers exactly the list).
 */
export function isRoleOption(key: string): boolean {
  switch (key) {
    case 'roleArn':
    case 'externalId':
    case 'roleSessionName':
    case 'durationSeconds':
    case 'tags':
    case 'policy':
    case 'source':
    case 'region':
    case 'refreshWindowMs':
    case 'stsConfig':
      return true;
    default:
      return false;
  }
}

/** Whether `key` is an option of `assumeRoleWithWebIdentity` (`WEB_IDENTITY_OPTIONS`, as `isRoleOption`). */
export function isWebIdentityOption(key: string): boolean {
  switch (key) {
    case 'roleArn':
    case 'webIdentityToken':
    case 'webIdentityTokenFile':
    case 'roleSessionName':
    case 'durationSeconds':
    case 'policy':
    case 'region':
    case 'refreshWindowMs':
    case 'stsConfig':
      return true;
    default:
      return false;
  }
}

/** A fresh, empty read. */
export function emptyRead(kind: SourceFunction): RoleRead {
  return {
    kind,
    roleArn: undefined,
    externalId: undefined,
    roleSessionName: undefined,
    durationSeconds: undefined,
    tags: undefined,
    policy: undefined,
    source: undefined,
    region: undefined,
    refreshWindowMs: undefined,
    webIdentityToken: undefined,
    webIdentityTokenFile: undefined,
    stsConfig: undefined,
    problem: undefined,
  };
}

const NOT_AN_OBJECT = '\u0000not-an-object';

/** Reads `assumeRole` options into `out` (reused: a repeated call allocates nothing). */
export function readRole(options: unknown, out: RoleRead): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    out.problem = NOT_AN_OBJECT;
    return;
  }
  const o = options as Record<string, unknown>;
  out.roleArn = o.roleArn;
  out.externalId = o.externalId;
  out.roleSessionName = o.roleSessionName;
  out.durationSeconds = o.durationSeconds;
  out.tags = o.tags;
  out.policy = o.policy;
  out.source = o.source;
  out.region = o.region;
  out.refreshWindowMs = o.refreshWindowMs;
  out.stsConfig = o.stsConfig;
  out.problem = unknownOwnKey(o, isRoleOption);
}

/** Reads `assumeRoleWithWebIdentity` options into `out`. */
export function readWebIdentity(options: unknown, out: RoleRead): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    out.problem = NOT_AN_OBJECT;
    return;
  }
  const o = options as Record<string, unknown>;
  out.roleArn = o.roleArn;
  out.webIdentityToken = o.webIdentityToken;
  out.webIdentityTokenFile = o.webIdentityTokenFile;
  out.roleSessionName = o.roleSessionName;
  out.durationSeconds = o.durationSeconds;
  out.policy = o.policy;
  out.region = o.region;
  out.refreshWindowMs = o.refreshWindowMs;
  out.stsConfig = o.stsConfig;
  out.problem = unknownOwnKey(o, isWebIdentityOption);
}

/** The first own key of `o` that is not a known option, if any (own keys only: a key inherited from a polluted Object.prototype is no typo of the caller's). */
function unknownOwnKey(o: Record<string, unknown>, known: (key: string) => boolean): string | undefined {
  for (const key in o) if (!known(key) && Object.hasOwn(o, key)) return key;
  return undefined;
}

/**
 * Whether a plain object equals a snapshot copy of one (`size` own keys), by
 * own enumerable keys and values (a Date by its time). Used for a static
 * source and for tags, which callers often build afresh per call.
 */
function sameRecord(snapshot: object, size: number, value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const a = snapshot as Record<string, unknown>;
  const b = value as Record<string, unknown>;
  let count = 0;
  for (const key in b) {
    if (!Object.hasOwn(b, key)) continue;
    const mine = a[key];
    const theirs = b[key];
    if (mine !== theirs) {
      if (!(mine instanceof Date && theirs instanceof Date && mine.getTime() === theirs.getTime())) return false;
    } else if (mine === undefined && !Object.hasOwn(a, key)) {
      // `{ sessionToken: undefined }` is not the snapshot of `{}` (nor the other way round: the counts differ).
      return false;
    }
    count++;
  }
  return count === size;
}

/** Whether a value is a plain object, as `copyTags` and `copyStsConfig` require: a class instance (or a Map) equal by its own fields is still refused, whatever was remembered. */
function isPlain(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Whether a read asks for what a snapshot was built from. Equal values are
 * equal whatever the objects: a call per request with equal options matches.
 * A snapshot is valid, so a read equal to one needs no validation.
 */
export function sameRead(snapshot: RoleSnapshot, read: RoleRead): boolean {
  return (
    (snapshot.sourceExpiresAt === undefined || snapshot.sourceExpiresAt > Date.now()) &&
    snapshot.roleArn === read.roleArn &&
    snapshot.kind === read.kind &&
    snapshot.externalId === read.externalId &&
    snapshot.roleSessionName === read.roleSessionName &&
    snapshot.durationSeconds === read.durationSeconds &&
    snapshot.policy === read.policy &&
    snapshot.region === read.region &&
    snapshot.refreshWindowMs === read.refreshWindowMs &&
    snapshot.webIdentityToken === read.webIdentityToken &&
    snapshot.webIdentityTokenFile === read.webIdentityTokenFile &&
    (snapshot.source === read.source || (typeof snapshot.source === 'object' && sameRecord(snapshot.source, snapshot.sourceSize, read.source))) &&
    (snapshot.tags === read.tags || (snapshot.tags !== undefined && isPlain(read.tags) && sameRecord(snapshot.tags, snapshot.tagCount, read.tags))) &&
    (read.stsConfig === undefined
      ? snapshot.stsConfig === undefined
      : snapshot.stsConfig !== undefined &&
        snapshot.stsConfigFlat &&
        isPlain(read.stsConfig) &&
        sameRecord(snapshot.stsConfig, snapshot.stsConfigSize, read.stsConfig))
  );
}

// IAM's rules (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const MIN_DURATION_SECONDS = 900;
const MAX_DURATION_SECONDS = 43_200;
const MAX_TAGS = 50;

function optionalString(where: SourceFunction, name: string, value: unknown, rule?: RegExp, ruleText?: string, show = false): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw invalidOption(where, `${name} must be a non-empty string; got ${describeType(value)}.`);
  if (rule !== undefined && !rule.test(value)) throw invalidOption(where, `${name} must be ${ruleText}${show ? `; got ${quoted(value)}` : ''}.`);
  return value;
}

/** Regions already checked (a process uses a few): each is checked once. */
const checkedRegions = new Set<string>();

/**
 * Refuses a region that is a typo of a known one (`'us-east-l'`: the core's
 * own check, made through a factory that is never used, names the region
 * meant), at the call rather than at the first request. Any other region the
 * core would refuse is left to the factory the source runs on, whose
 * `regionValidation` may accept it (`'off'`, for an STS-compatible endpoint
 * with a region name of its own).
 */
function checkRegion(where: SourceFunction, region: string | undefined): string | undefined {
  if (region === undefined || checkedRegions.has(region)) return region;
  try {
    createClientFactory({ defaultRegion: region, logger: {} });
  } catch (error) {
    if (!(error instanceof AwsRegionError)) throw error;
    if (error.suggestion !== undefined) {
      throw new AwsRegionError(`${where}(): region ${quoted(region)} is not an AWS region; did you mean '${error.suggestion}'?`, {
        code: error.code,
        region: error.region,
        suggestion: error.suggestion,
      });
    }
  }
  if (checkedRegions.size < 64) checkedRegions.add(region);
  return region;
}

function copyTags(where: SourceFunction, tags: unknown): Readonly<Record<string, string>> | undefined {
  if (tags === undefined) return undefined;
  const shape = "tags must be a plain object of session tags such as { tenant: 'acme' } (keys 1 to 128 characters, string values up to 256, at most 50)";
  // Only a plain object: a Map, an array or a class instance has no own keys to copy (or not the ones meant), and would assume the role with no tags.
  if (!isPlain(tags)) {
    const fix = tags instanceof Map ? ' Pass Object.fromEntries(map).' : '';
    throw invalidOption(where, `${shape}; got ${describeNonPlain(tags)}.${fix}`);
  }
  // No prototype: a `__proto__` key (options parsed from JSON) is a key like any other, never the copy's prototype.
  const copy: Record<string, string> = Object.create(null);
  let count = 0;
  for (const key in tags) {
    // Own keys only: a key inherited from a polluted Object.prototype must never become a session tag.
    if (!Object.hasOwn(tags, key)) continue;
    const value = (tags as Record<string, unknown>)[key];
    if (key.length === 0 || key.length > 128 || typeof value !== 'string' || value.length > 256 || ++count > MAX_TAGS) {
      throw invalidOption(where, `${shape}; tag ${quoted(key, 40)} is ${describeType(value)}.`);
    }
    copy[key] = value;
  }
  return Object.freeze(copy);
}

function copySource(where: SourceFunction, source: unknown): AwsCredentials | AwsCredentialProvider | undefined {
  if (source === undefined || typeof source === 'function') return source as AwsCredentialProvider | undefined;
  if (typeof source !== 'object' || source === null || Array.isArray(source)) {
    throw invalidOption(
      where,
      `source must be credentials ({ accessKeyId, secretAccessKey, sessionToken? }), a credential provider, or another assumeRole(); got ${describeType(source)}.`,
    );
  }
  // A promise (a provider called instead of passed) goes to the core's validator as it is, which names it.
  if (typeof (source as { then?: unknown }).then === 'function') return source as AwsCredentials;
  // A snapshot: mutating the caller's object later changes no built source.
  // The credential fields are read by name (a class instance's getters live
  // on its prototype, out of for…in's sight); any other own enumerable key is
  // kept too, so the core's validator (keyedCredentials' dependsOn, the one
  // getClient uses) refuses it at this call with its typed error.
  const record = source as Record<string, unknown>;
  const copy: Record<string, unknown> = Object.create(null);
  const take = (key: string): void => {
    const value = record[key];
    if (value !== undefined) copy[key] = value instanceof Date ? new Date(value.getTime()) : value;
  };
  for (const key of CREDENTIAL_FIELDS) take(key);
  for (const key in record) if (!(key in copy) && Object.hasOwn(record, key)) take(key);
  return Object.freeze(copy) as unknown as AwsCredentials;
}

/**
 * What `getClient` would take from a `config` as its own options (`region`,
 * `credentials`, `profile`: the keys of `SessionOptions`, which the compiler
 * keeps in step), and the option of the role source to use instead. A role's
 * STS region and credentials are options of their own, keyed with it.
 */
const SESSION_KEYS_IN_CONFIG: { readonly [K in keyof SessionOptions]-?: (where: SourceFunction) => string } = {
  region: () => 'pass the region option (the STS region is part of the source)',
  credentials: (where) =>
    where === 'assumeRole' ? 'pass source (the credentials that call AssumeRole)' : 'AssumeRoleWithWebIdentity is sent unsigned and takes no credentials',
  profile: (where) =>
    where === 'assumeRole'
      ? "pass source: the profile's credential provider (the credentials that call AssumeRole; @aws-sdk/credential-providers builds one from a profile name)"
      : 'AssumeRoleWithWebIdentity is sent unsigned and takes no credentials',
};

/**
 * A shallow, frozen copy of `stsConfig`, each own enumerable value read once
 * (`undefined` ones left out, as `getClient`'s snapshot leaves them out); the
 * core snapshots it deeply and keys it (`keyedCredentials`' `clientConfig`).
 */
function copyStsConfig(where: SourceFunction, config: unknown): { copy: StsConfig | undefined; size: number; flat: boolean } {
  if (config === undefined) return { copy: undefined, size: 0, flat: true };
  if (!isPlain(config)) {
    throw invalidOption(
      where,
      `stsConfig must be a plain object of STS client configuration such as { endpoint: 'http://127.0.0.1:4566' }; got ${describeNonPlain(config)}.`,
    );
  }
  const record = config as Record<string, unknown>;
  // No prototype: a `__proto__` key (stsConfig parsed from JSON) stays a key, which the core's snapshot leaves out as getClient's does.
  const copy: Record<string, unknown> = Object.create(null);
  let size = 0;
  let flat = true;
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (value === undefined) continue;
    if (Object.hasOwn(SESSION_KEYS_IN_CONFIG, key)) {
      throw invalidOption(where, `stsConfig.${key} is not taken: ${SESSION_KEYS_IN_CONFIG[key as keyof SessionOptions](where)}.`);
    }
    if (typeof value === 'object' && value !== null) flat = false;
    copy[key] = value;
    size++;
  }
  return { copy: Object.freeze(copy) as StsConfig, size, flat };
}

/** The fields of `AwsCredentials` (the compiler checks the list names every one). */
const CREDENTIAL_FIELDS = ['accessKeyId', 'secretAccessKey', 'sessionToken', 'expiration', 'credentialScope', 'accountId'] as const satisfies ReadonlyArray<
  keyof AwsCredentials
>;
const everyField: Exclude<keyof AwsCredentials, (typeof CREDENTIAL_FIELDS)[number]> extends never ? true : false = true;
void everyField;

/** Validates a read and returns its snapshot, or throws the typed error that says what to fix. */
export function snapshotOf(read: RoleRead): RoleSnapshot {
  const where = read.kind;
  const names = optionsOf(where);
  const options = names.join(', ');
  if (read.problem === NOT_AN_OBJECT) {
    throw invalidOption(where, `takes an options object such as { roleArn: 'arn:aws:iam::123456789012:role/app' }. Its options: ${options}.`);
  }
  if (read.problem !== undefined) {
    // The commonest typo is the case of an acronym (`roleARN`, `externalID`): named when it is one.
    const meant = names.find((name) => name.toLowerCase() === (read.problem as string).toLowerCase());
    throw invalidOption(where, `has no option ${shownKey(read.problem)}.${meant === undefined ? '' : ` Did you mean '${meant}'?`} Its options: ${options}.`);
  }
  if (typeof read.roleArn !== 'string' || !ROLE_ARN.test(read.roleArn)) {
    const got = typeof read.roleArn === 'string' ? quoted(read.roleArn, 100) : describeType(read.roleArn);
    throw invalidOption(where, `roleArn must be an IAM role ARN such as 'arn:aws:iam::123456789012:role/app'; got ${got}.`);
  }
  const duration = read.durationSeconds;
  if (
    duration !== undefined &&
    !(typeof duration === 'number' && Number.isInteger(duration) && duration >= MIN_DURATION_SECONDS && duration <= MAX_DURATION_SECONDS)
  ) {
    throw invalidOption(
      where,
      `durationSeconds must be a whole number of seconds from ${MIN_DURATION_SECONDS} to ${MAX_DURATION_SECONDS} (and within the role's maximum session duration); got ${describeType(duration)}.`,
    );
  }
  const refresh = read.refreshWindowMs;
  if (refresh !== undefined && !(typeof refresh === 'number' && Number.isFinite(refresh) && refresh >= 0)) {
    throw invalidOption(where, `refreshWindowMs must be a number of milliseconds, 0 or more; got ${describeType(refresh)}.`);
  }
  const web = where === 'assumeRoleWithWebIdentity';
  if (web && (read.webIdentityToken === undefined) === (read.webIdentityTokenFile === undefined)) {
    throw invalidOption(
      where,
      'pass exactly one of webIdentityToken (the token itself) and webIdentityTokenFile (a file holding it, read again at every refresh; Node only).',
    );
  }
  const tags = copyTags(where, read.tags);
  const source = copySource(where, read.source);
  const stsConfig = copyStsConfig(where, read.stsConfig);
  return Object.freeze({
    kind: where,
    roleArn: read.roleArn,
    externalId: optionalString(where, 'externalId', read.externalId, EXTERNAL_ID, 'a string of 2 to 1224 characters from [\\w+=,.@:/-]'),
    roleSessionName: optionalString(where, 'roleSessionName', read.roleSessionName, SESSION_NAME, 'a string of 2 to 64 characters from [\\w+=,.@-]', true),
    durationSeconds: duration as number | undefined,
    tags,
    policy: optionalString(where, 'policy', read.policy),
    source,
    region: checkRegion(where, optionalString(where, 'region', read.region)),
    refreshWindowMs: refresh as number | undefined,
    webIdentityToken: optionalString(where, 'webIdentityToken', read.webIdentityToken, /^\S+$/, 'the token itself, with no whitespace'),
    webIdentityTokenFile: optionalString(where, 'webIdentityTokenFile', read.webIdentityTokenFile),
    stsConfig: stsConfig.copy,
    stsConfigSize: stsConfig.size,
    stsConfigFlat: stsConfig.flat,
    problem: undefined,
    sourceSize: typeof source === 'object' ? Object.keys(source).length : 0,
    sourceExpiresAt: typeof source === 'object' && source.expiration instanceof Date ? source.expiration.getTime() : undefined,
    tagCount: tags === undefined ? 0 : Object.keys(tags).length,
  });
}

/**
 * The key the factory gets (`keyedCredentials(key, …)`): every value of the
 * snapshot but the source and the token, which go by value through
 * `dependsOn`, and `stsConfig`, which goes through `clientConfig` (the core
 * keys it as `getClient` keys `config`). Tags are sorted (STS treats them as
 * a set).
 */
export function keyOf(snapshot: RoleSnapshot): string {
  const tags = snapshot.tags === undefined ? null : Object.entries(snapshot.tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `@dbp/aws-sts:${JSON.stringify([
    snapshot.kind,
    snapshot.roleArn,
    snapshot.externalId ?? null,
    snapshot.roleSessionName ?? null,
    snapshot.durationSeconds ?? null,
    tags,
    snapshot.policy ?? null,
    snapshot.region ?? null,
    snapshot.refreshWindowMs ?? null,
    snapshot.webIdentityTokenFile ?? null,
  ])}`;
}
