/**
 * Where a credential is fingerprinted.
 *
 * Every credential input is first turned into unambiguous material (each
 * field length-prefixed; an absent field is `-`, which no value encodes to,
 * so `''` can never read as "absent"), then interned: each distinct material
 * gets a random id, unique within the factory. The id (`credentialId` in
 * `stats()`, log lines, events and cache keys) says nothing about the
 * secret, cannot be brute-forced back to it, and needs no hash function in
 * the bundle. The material itself never leaves this module's map.
 *
 * @module
 */
import { identityOf } from './configSnapshot.js';
import { keyedSourceOf } from './keyedSources.js';
import { CREDENTIAL_FIELDS, type CredentialsRead, emptyCredentialsRead, readCredentials } from './keySpec.js';

function field(value: unknown): string {
  if (value === undefined) return '-';
  const text = String(value);
  return `${text.length}:${text}`;
}

/** Material of explicit credentials, from a validated `readCredentials` read (expiration in epoch ms). */
export function staticMaterial(read: Readonly<CredentialsRead>): string {
  let material = 'static';
  for (const { name } of CREDENTIAL_FIELDS) material += `|${field(read[name])}`;
  return material;
}

/** Material of a provider function, by identity (never its output). */
export function providerMaterial(identity: number): string {
  return `provider|${identity}`;
}

/** Material of a keyed provider: its key, whatever the function's identity. */
export function keyedMaterial(key: string): string {
  return `keyed|${field(key)}`;
}

/** Material of the runtime's default chain, for a profile or none. */
export function chainMaterial(profile: string | undefined): string {
  return `chain|${field(profile)}`;
}

/**
 * Material of any credential input, as the factory keys it: explicit
 * credentials by value, a keyed provider by its identity, any other provider
 * by its own identity, none as the default chain, a string (a secret such as
 * a web identity token) by value. (For `keyedCredentials`' `dependsOn`;
 * `getClient` validates explicit credentials first.)
 */
export function credentialMaterial(credentials: unknown): string {
  if (credentials === undefined) return chainMaterial(undefined);
  if (typeof credentials === 'function') {
    const keyed = keyedSourceOf(credentials);
    return keyed === undefined ? providerMaterial(identityOf(credentials)) : keyedMaterial(keyed.identity);
  }
  // A secret a keyed provider depends on (`dependsOn: token`), by value.
  if (typeof credentials === 'string') return `secret|${field(credentials)}`;
  if (typeof credentials !== 'object' || credentials === null) return `other|${field(typeof credentials)}`;
  const read = emptyCredentialsRead();
  readCredentials(credentials, read);
  return staticMaterial(read);
}

function randomId(randomBytes: (size: number) => Uint8Array): string {
  let id = '';
  for (const byte of randomBytes(6)) id += byte.toString(16).padStart(2, '0');
  return id;
}

/**
 * Material → random id, one per factory. Bounded: past `bound` entries, ids
 * nothing in the factory refers to any more (`live()`: the ids of cached
 * clients, sessions and credential providers) are forgotten.
 */
export class CredentialIds {
  readonly #ids = new Map<string, string>();
  readonly #used = new Set<string>();
  readonly #bound: () => number;
  readonly #live: () => ReadonlySet<string>;
  readonly #randomBytes: (size: number) => Uint8Array;

  /** `randomBytes` is the platform's (cryptographically random where the runtime allows it; uniqueness is kept here). */
  constructor(bound: () => number, live: () => ReadonlySet<string>, randomBytes: (size: number) => Uint8Array) {
    this.#bound = bound;
    this.#live = live;
    this.#randomBytes = randomBytes;
  }

  /** The id of this material, the same for as long as anything refers to it. */
  idFor(material: string): string {
    const known = this.#ids.get(material);
    if (known !== undefined) return known;
    if (this.#ids.size >= this.#bound()) this.#prune();
    let id = randomId(this.#randomBytes);
    while (this.#used.has(id)) id = randomId(this.#randomBytes);
    this.#ids.set(material, id);
    this.#used.add(id);
    return id;
  }

  /** How many materials are interned (for tests of the bound). */
  get size(): number {
    return this.#ids.size;
  }

  #prune(): void {
    const live = this.#live();
    for (const [material, id] of this.#ids) {
      if (live.has(id)) continue;
      this.#ids.delete(material);
      this.#used.delete(id);
    }
  }
}
