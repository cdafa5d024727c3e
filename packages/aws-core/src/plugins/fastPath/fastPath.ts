/**
 * The fast path of `getClient`: exact repeated inputs → cached entry, without
 * validating, hashing or copying again. Used by the Node build only; in
 * browsers a hit takes the full path, which is fast enough there and keeps
 * the bundle small ("the fast path only where it pays").
 *
 * A call is read with the same readers as the full path (`kernel/keySpec.ts`), then
 * looked up in nested Maps keyed by the inputs' own values: service
 * definition, tier, region, profile, access key id (or provider, or key of a
 * keyed provider), canonical config. Secrets are never keys; they are
 * compared with the entry's validated snapshot, and equality with a validated
 * snapshot is validity, so anything the full path would refuse misses here.
 * Only the full path creates entries and indexes them, under the key of the
 * snapshot they were built from.
 *
 * @module
 */

import type { CacheEntry } from '../../kernel/clientCache.js';
import { canonicalConfig, isPlainRecord } from '../../kernel/configSnapshot.js';
import { keyedSourceOf } from '../../kernel/keyedSources.js';
import { type CallRead, CHAIN, emptyCredentialsRead, type KeyParts, makeKeyParts, readCredentials, sameCredentials } from '../../kernel/keySpec.js';
import { definitionKey } from '../../kernel/serviceDefinition.js';
import type { FastPathIndex } from '../../kernel/setup.js';
import type { ServiceDefinition } from '../../kernel/types.js';

/** The exact inputs of a call, as the index sees them: the kernel's key parts. */
export type FastKey = KeyParts;

/** A fresh key. */
export function emptyFastKey(): FastKey {
  return makeKeyParts(
    { definition: CHAIN, tier: undefined, region: undefined, profile: undefined, credential: undefined, config: '', kind: 'chain' },
    emptyCredentialsRead(),
  );
}

/**
 * Whether two keys are the same call. Explicit credentials compare every
 * field of CREDENTIAL_FIELDS, spelled out (fastPath.test.ts proves each one
 * counts): a loop here cost more than the rest of a hit. Explicit
 * credentials always have a secret; every other kind of credential input
 * has none (`readFastCredentials` clears it), so the secret tells the kinds
 * apart and the other fields are compared only when there is one.
 */
function sameKey(a: FastKey, b: FastKey): boolean {
  return (
    a.credential === b.credential &&
    a.secretAccessKey === b.secretAccessKey &&
    a.region === b.region &&
    a.definition === b.definition &&
    a.config === b.config &&
    a.tier === b.tier &&
    a.profile === b.profile &&
    (a.secretAccessKey === undefined ||
      (a.sessionToken === b.sessionToken && a.expiration === b.expiration && a.credentialScope === b.credentialScope && a.accountId === b.accountId))
  );
}

/**
 * Fills the credential part of `key` from a call's `credentials`. Returns
 * false for what only the full path can judge (an unknown field, a wrong type).
 */
export function readFastCredentials(credentials: unknown, key: FastKey): boolean {
  if (credentials === undefined || typeof credentials === 'function') {
    const keyed = credentials && keyedSourceOf(credentials)?.identity;
    key.kind = credentials === undefined ? 'chain' : keyed === undefined ? 'provider' : 'keyed';
    key.credential = credentials === undefined ? CHAIN : (keyed ?? credentials);
    key.secretAccessKey = undefined;
    return true;
  }
  if (typeof credentials !== 'object' || credentials === null) return false;
  if (readCredentials(credentials, key) !== undefined) return false;
  key.kind = 'static';
  key.credential = key.accessKeyId;
  return true;
}

/** Whether a call, as read, is exactly the one `key` was made for (see `sameKey`, which this mirrors). */
function isLastCall(key: FastKey, service: unknown, read: CallRead, tier: unknown, region: unknown): boolean {
  if (key.definition !== service || key.tier !== tier || key.region !== region || key.profile !== read.profile) return false;
  const config = read.config;
  if (config === undefined ? key.config !== '' : fastConfig(config) !== key.config) return false;
  const credentials = read.credentials;
  if (credentials === undefined) return key.credential === CHAIN;
  if (typeof credentials === 'function') {
    const keyed = keyedSourceOf(credentials)?.identity;
    return keyed === undefined ? key.kind === 'provider' && key.credential === credentials : key.kind === 'keyed' && key.credential === keyed;
  }
  return key.kind === 'static' && typeof credentials === 'object' && credentials !== null && sameCredentials(credentials, key);
}

/** Fills the config part of `key` from a call's config (not `undefined`); false for what only the full path can judge. */
export function readFastConfig(config: unknown, key: FastKey): boolean {
  const canonical = fastConfig(config);
  if (canonical === undefined) return false;
  key.config = canonical;
  return true;
}

/** The last flat config seen, as its own key/value pairs, and its canonical form. */
let lastFlatKeys: string[] = [];
let lastFlatValues: unknown[] = [];
let lastFlatCanonical = '';
/** This call's keys and values as read, reused from call to call (filled in place: no allocation). */
const readKeys: string[] = [];
const readValues: unknown[] = [];

/**
 * The canonical form of a call's config (`canonicalConfig`), or `undefined`
 * for what only the full path can judge: not a plain object, a session alias
 * (`region`, `credentials`, `profile` in config), a cycle, a symbol.
 *
 * Each value is read exactly once (a getter may answer differently on every
 * read); the canonical form and the memo are built from those reads.
 * Remembered for the last config whose values are all primitives, functions
 * or class instances (which the canonical form names by identity anyway): the
 * next config with the same own keys and `===` values has the same canonical
 * form. A config with a key for…in does not list the same way (own and not
 * enumerable, or inherited) goes to the full path. Compared by value every
 * call, never by the config object's identity, so mutating a config between
 * calls is seen. Configs with nested plain
 * objects, arrays, Dates or URLs are serialised every time. One pass over the
 * keys; when it matches, the one allocation is the list of own keys (which
 * finds one for…in does not list): this runs on every hit with a config.
 */
function fastConfig(config: unknown): string | undefined {
  if (!isPlainRecord(config)) return undefined;
  let count = 0;
  let same = true;
  let flat = true;
  // for…in also lists inherited enumerable keys (a polluted Object.prototype):
  // such a config goes to the full path (below).
  for (const key in config) {
    if (key === 'region' || key === 'credentials' || key === 'profile') return undefined;
    const value = config[key];
    if (flat && value !== null && typeof value === 'object' && (Array.isArray(value) || isPlainRecord(value) || value instanceof Date || value instanceof URL))
      flat = false;
    if (same && (lastFlatKeys[count] !== key || lastFlatValues[count] !== value)) same = false;
    readKeys[count] = key;
    readValues[count] = value;
    count++;
  }
  // What for…in lists must be exactly the own keys: an own key that is not
  // enumerable (for…in skips it) is the caller's value too, and an inherited
  // one is not; the full path reads own keys only, enumerable or not
  // (`configSnapshot.ts`).
  // (Both checks, before the memo below: an inherited key and a hidden own
  // one would make the counts equal.)
  let exact = Object.getOwnPropertyNames(config).length === count;
  for (let i = 0; exact && i < count; i++) exact = Object.hasOwn(config, readKeys[i] as string);
  if (!exact) {
    readValues.fill(undefined, 0, count);
    return undefined;
  }
  if (same && flat && count === lastFlatKeys.length) return lastFlatCanonical;
  const keys: string[] = [];
  const values: unknown[] = [];
  const snapshot: Record<string, unknown> = Object.create(null);
  for (let i = 0; i < count; i++) {
    const key = readKeys[i] as string;
    keys.push(key);
    values.push(readValues[i]);
    snapshot[key] = readValues[i];
  }
  readValues.fill(undefined, 0, count);
  let canonical: string;
  try {
    canonical = canonicalConfig(snapshot, NO_KEYS);
  } catch {
    return undefined;
  }
  if (flat) {
    lastFlatKeys = keys;
    lastFlatValues = values;
    lastFlatCanonical = canonical;
  }
  return canonical;
}

const NO_KEYS: ReadonlySet<string> = new Set();

type Level = Map<unknown, unknown>;

function pathOf(key: FastKey): unknown[] {
  return [key.definition, key.tier, key.region, key.profile, key.credential, key.config];
}

/** Exact inputs → cache entry, as nested Maps; secrets compared at the leaf. */
export class FastIndex {
  readonly #root: Level = new Map();
  /** The last entry found: most code asks for the same client many times in a row. */
  #last: CacheEntry | undefined;

  /** The last entry found (see `FastPath.find`). */
  get last(): CacheEntry | undefined {
    return this.#last;
  }

  /** The entry for these exact inputs, if one is indexed and its secrets match. */
  get(key: FastKey): CacheEntry | undefined {
    // Compare with the last answer's own key (by value, never by the options'
    // identity) before walking.
    const last = this.#last;
    return last !== undefined && sameKey(last.keyParts, key) ? last : this.#walk(key);
  }

  #walk(key: FastKey): CacheEntry | undefined {
    const leaf = (
      (((this.#root.get(key.definition) as Level | undefined)?.get(key.tier) as Level | undefined)?.get(key.region) as Level | undefined)?.get(key.profile) as
        | Level
        | undefined
    )?.get(key.credential) as Level | undefined;
    const found = leaf?.get(key.config) as [FastKey, CacheEntry] | undefined;
    if (found === undefined || !sameKey(found[0], key)) return undefined;
    this.#last = found[1];
    return found[1];
  }

  /** Indexes an entry under its own key (computed from its snapshot); returns the path to pass to `delete`. */
  set(key: FastKey, entry: CacheEntry): unknown[] {
    const path = pathOf(key);
    let level = this.#root;
    for (let i = 0; i < path.length - 1; i++) {
      let next = level.get(path[i]) as Level | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(path[i], next);
      }
      level = next;
    }
    level.set(path[path.length - 1], [key, entry]);
    return path;
  }

  /** Removes the entry at `path` if it is still the one indexed there, pruning empty levels. */
  delete(path: readonly unknown[], entry: CacheEntry): void {
    if (this.#last === entry) this.#last = undefined;
    const levels: Level[] = [this.#root];
    for (let i = 0; i < path.length - 1; i++) {
      const next = levels[i]?.get(path[i]) as Level | undefined;
      if (next === undefined) return;
      levels.push(next);
    }
    const leaf = levels[levels.length - 1] as Level;
    if ((leaf.get(path[path.length - 1]) as [FastKey, CacheEntry] | undefined)?.[1] !== entry) return;
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

/**
 * The fast path of one factory: its index and the one key it reuses, so a
 * hit allocates nothing. `ClientStore.clientFor` drives it.
 */
export class FastPath implements FastPathIndex {
  /** Exact inputs to entry. */
  readonly index: FastIndex = new FastIndex();
  /** The key every hit fills, so a hit allocates nothing. */
  readonly #key: FastKey = emptyFastKey();

  /**
   * The entry indexed for a call's exact inputs, if any (servability is the
   * caller's). The caller resolves what the factory decides: the definition,
   * and the tier and region of a call that leaves them out.
   */
  find(definition: ServiceDefinition, read: CallRead, tier: unknown, region: unknown): CacheEntry | undefined {
    const service = definitionKey(definition);
    // The commonest hit asks for the last client again: compare the call with
    // that client's own key in place, writing nothing.
    const last = this.index.last;
    if (last !== undefined && isLastCall(last.keyParts, service, read, tier, region)) return last;
    const key = this.#key;
    key.definition = service;
    key.tier = tier;
    key.region = region;
    key.profile = read.profile;
    key.config = '';
    if (!readFastCredentials(read.credentials, key) || (read.config !== undefined && !readFastConfig(read.config, key))) return undefined;
    return this.index.get(key);
  }

  /** Indexes an entry under its own key (again, if another entry took its slot). */
  add(entry: CacheEntry): void {
    entry.fastSlot = this.index.set(entry.keyParts, entry);
  }

  /** Forgets an entry. */
  forget(entry: CacheEntry): void {
    if (entry.fastSlot !== undefined) this.index.delete(entry.fastSlot as readonly unknown[], entry);
  }
}
