import { isServiceDefinition, lookupService } from '../serviceDefinition.js';
import { canonicalConfig, isPlainRecord } from './fingerprint.js';

/** Marks "no explicit credentials" at the credential level of the index. */
const CHAIN: unique symbol = Symbol('default-chain') as never;

/**
 * The exact inputs of one `getClient` call, split into the parts that select
 * a path in the index (no secret among them) and the parts compared with the
 * entry found there (the secret and what travels with it).
 */
export interface FastKey {
  id: string;
  tier: string | undefined;
  region: string | undefined;
  profile: string | undefined;
  /** accessKeyId, a provider function (by identity) or CHAIN. */
  credential: unknown;
  config: string;
  secret: string | undefined;
  token: string | undefined;
  expirationMs: number | undefined;
  scope: string | undefined;
  account: string | undefined;
}

/** What the index needs to compare on an entry. */
export interface FastComparable {
  readonly secret: string | undefined;
  readonly token: string | undefined;
  readonly expirationMs: number | undefined;
  readonly scope: string | undefined;
  readonly account: string | undefined;
}

/** A reusable FastKey (one per factory), so a hit allocates nothing. */
export function emptyFastKey(): FastKey {
  return {
    id: '',
    tier: undefined,
    region: undefined,
    profile: undefined,
    credential: undefined,
    config: '',
    secret: undefined,
    token: undefined,
    expirationMs: undefined,
    scope: undefined,
    account: undefined,
  };
}

/** Config keys that are session aliases: their presence sends a call down the full path. */
function hasSessionAlias(config: Record<string, unknown>): boolean {
  return 'region' in config || 'credentials' in config || 'profile' in config;
}

/**
 * Reads a call's inputs into `out` without hashing, copying or validating
 * beyond types. Returns false for anything unusual (an unknown key, a wrong
 * type, a config alias): such calls take the full path, which validates and
 * explains. Only the full path creates entries, so a hit on this index always
 * repeats inputs that were validated before.
 */
export function readFastKey(service: unknown, options: unknown, fallbackRegion: () => string | undefined, out: FastKey): boolean {
  if (typeof service === 'string') {
    if (lookupService(service) === undefined) return false;
    out.id = service;
  } else if (isServiceDefinition(service)) out.id = service.id;
  else return false;
  let region: unknown;
  let profile: unknown;
  let credentials: unknown;
  let config: unknown;
  let tier: unknown;
  if (options !== undefined) {
    if (typeof options !== 'object' || options === null) return false;
    const o = options as Record<string, unknown>;
    for (const key in o) {
      switch (key) {
        case 'region':
          region = o.region;
          break;
        case 'profile':
          profile = o.profile;
          break;
        case 'credentials':
          credentials = o.credentials;
          break;
        case 'config':
          config = o.config;
          break;
        case 'tier':
          tier = o.tier;
          break;
        default:
          return false;
      }
    }
  }
  if (region === undefined) region = fallbackRegion();
  if (region !== undefined && typeof region !== 'string') return false;
  if (profile !== undefined && typeof profile !== 'string') return false;
  if (tier !== undefined && typeof tier !== 'string') return false;
  out.region = region;
  out.profile = profile;
  out.tier = tier;
  out.secret = undefined;
  out.token = undefined;
  out.expirationMs = undefined;
  out.scope = undefined;
  out.account = undefined;
  if (credentials === undefined) out.credential = CHAIN;
  else if (typeof credentials === 'function') out.credential = credentials;
  else if (typeof credentials === 'object' && credentials !== null) {
    const c = credentials as Record<string, unknown>;
    let accessKeyId: unknown;
    let secret: unknown;
    let token: unknown;
    let expiration: unknown;
    let scope: unknown;
    let account: unknown;
    for (const key in c) {
      switch (key) {
        case 'accessKeyId':
          accessKeyId = c.accessKeyId;
          break;
        case 'secretAccessKey':
          secret = c.secretAccessKey;
          break;
        case 'sessionToken':
          token = c.sessionToken;
          break;
        case 'expiration':
          expiration = c.expiration;
          break;
        case 'credentialScope':
          scope = c.credentialScope;
          break;
        case 'accountId':
          account = c.accountId;
          break;
        case '$source':
          break;
        default:
          return false;
      }
    }
    if (typeof accessKeyId !== 'string' || typeof secret !== 'string') return false;
    if (token !== undefined && typeof token !== 'string') return false;
    if (scope !== undefined && typeof scope !== 'string') return false;
    if (account !== undefined && typeof account !== 'string') return false;
    if (expiration !== undefined) {
      if (!(expiration instanceof Date)) return false;
      out.expirationMs = expiration.getTime();
    }
    out.credential = accessKeyId;
    out.secret = secret;
    out.token = token as string | undefined;
    out.scope = scope as string | undefined;
    out.account = account as string | undefined;
  } else return false;
  if (config === undefined) out.config = '';
  else {
    if (!isPlainRecord(config) || hasSessionAlias(config)) return false;
    out.config = canonicalFlat(config);
  }
  return true;
}

/**
 * Records an index path on an entry once. A path can flip between entries
 * (one access key id used with two secrets, alternately): recording it on
 * every flip would grow the entry's list without bound.
 */
export function addPath(paths: unknown[][], path: unknown[]): void {
  if (!paths.some((known) => known.length === path.length && known.every((part, i) => part === path[i]))) paths.push(path);
}

/** The last flat config seen, as its own key/value pairs, and its canonical form. */
let lastFlatKeys: string[] = [];
let lastFlatValues: unknown[] = [];
let lastFlatCanonical = '';

/**
 * `canonicalConfig`, remembered for the last config whose values are all
 * primitives, functions or class instances (which the canonical form names by
 * identity anyway): the next config with the same keys and `===` values has
 * the same canonical form. Compared by value every call, never by the config
 * object's identity, so mutating a config between calls is seen. Configs with
 * nested plain objects or arrays are serialised every time.
 */
function canonicalFlat(config: Record<string, unknown>): string {
  const keys = Object.keys(config);
  let same = keys.length === lastFlatKeys.length;
  let flat = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = config[key];
    if (value !== null && typeof value === 'object' && (Array.isArray(value) || isPlainRecord(value) || value instanceof Date || value instanceof URL))
      flat = false;
    if (same && (lastFlatKeys[i] !== key || lastFlatValues[i] !== value)) same = false;
  }
  if (same && flat) return lastFlatCanonical;
  const canonical = canonicalConfig(config, NO_KEYS);
  if (flat) {
    lastFlatKeys = keys;
    lastFlatValues = keys.map((key) => config[key]);
    lastFlatCanonical = canonical;
  }
  return canonical;
}

const NO_KEYS: ReadonlySet<string> = new Set();

type Level = Map<unknown, unknown>;

/**
 * Exact inputs → cache entry, as nested Maps keyed by the inputs' own values
 * (service id, tier, region, profile, access key id or provider, canonical
 * config). No key string is built on a hit: strings that repeat keep their
 * hash, so a hit is a handful of Map look-ups. Secrets are never keys; they
 * are compared with the entry's.
 */
export class FastIndex<TEntry extends FastComparable> {
  readonly #root: Level = new Map();
  readonly #last: FastKey = emptyFastKey();
  #lastEntry: TEntry | undefined;

  /** The entry for these exact inputs, if one is indexed and its secret parts match. */
  get(key: FastKey): TEntry | undefined {
    // Most code asks for the same client many times in a row: compare with
    // the last answer (by value, never by options identity) before walking.
    const last = this.#last;
    if (
      this.#lastEntry !== undefined &&
      last.id === key.id &&
      last.tier === key.tier &&
      last.region === key.region &&
      last.profile === key.profile &&
      last.credential === key.credential &&
      last.config === key.config &&
      last.secret === key.secret &&
      last.token === key.token &&
      last.expirationMs === key.expirationMs &&
      last.scope === key.scope &&
      last.account === key.account
    ) {
      return this.#lastEntry;
    }
    const entry = (
      (
        (((this.#root.get(key.id) as Level | undefined)?.get(key.tier) as Level | undefined)?.get(key.region) as Level | undefined)?.get(key.profile) as
          | Level
          | undefined
      )?.get(key.credential) as Level | undefined
    )?.get(key.config) as TEntry | undefined;
    if (
      entry === undefined ||
      entry.secret !== key.secret ||
      entry.token !== key.token ||
      entry.expirationMs !== key.expirationMs ||
      entry.scope !== key.scope ||
      entry.account !== key.account
    ) {
      return undefined;
    }
    this.#remember(key, entry);
    return entry;
  }

  #remember(key: FastKey, entry: TEntry): void {
    Object.assign(this.#last, key);
    this.#lastEntry = entry;
  }

  /** Indexes an entry under these inputs; returns the path to pass to `delete`. */
  set(key: FastKey, entry: TEntry): unknown[] {
    const path = [key.id, key.tier, key.region, key.profile, key.credential, key.config];
    let level = this.#root;
    for (let i = 0; i < path.length - 1; i++) {
      let next = level.get(path[i]) as Level | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(path[i], next);
      }
      level = next;
    }
    level.set(path[path.length - 1], entry);
    this.#remember(key, entry);
    return path;
  }

  /** Removes the entry at `path` if it is still the one indexed there, pruning empty levels. */
  delete(path: readonly unknown[], entry: TEntry): void {
    if (this.#lastEntry === entry) this.#lastEntry = undefined;
    const levels: Level[] = [this.#root];
    for (let i = 0; i < path.length - 1; i++) {
      const next = levels[i]?.get(path[i]) as Level | undefined;
      if (next === undefined) return;
      levels.push(next);
    }
    const leaf = levels[levels.length - 1] as Level;
    if (leaf.get(path[path.length - 1]) !== entry) return;
    leaf.delete(path[path.length - 1]);
    for (let i = levels.length - 1; i > 0 && (levels[i] as Level).size === 0; i--) (levels[i - 1] as Level).delete(path[i - 1]);
  }

  /** How many entries are indexed (for tests of pruning). */
  get size(): number {
    const count = (level: Level, depth: number): number => {
      if (depth === 5) return level.size;
      let total = 0;
      for (const child of level.values()) total += count(child as Level, depth + 1);
      return total;
    };
    return count(this.#root, 0);
  }
}
