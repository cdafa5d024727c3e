/**
 * Where built sources are remembered, so `assumeRole({ … })` called per
 * request with equal options returns the same function: no key is built,
 * nothing is allocated, and the factory's cache hit that follows compares one
 * string by identity. Bounded: at most {@link MAX_ROLES} role ARNs, each with
 * at most {@link PER_ROLE} variants (external ids, session names, sources…),
 * oldest forgotten first. A forgotten source costs only speed: building it
 * again gives an equal key, so the factory still shares its client and its
 * credentials.
 *
 * @module
 */
import { type RoleRead, type RoleSnapshot, sameRead } from './roleParams.js';

/** Role ARNs remembered. */
export const MAX_ROLES = 256;
/** Variants remembered per role ARN. */
export const PER_ROLE = 4;

interface Remembered<TValue> {
  readonly snapshot: RoleSnapshot;
  readonly value: TValue;
}

/** Snapshots of recent reads → what was built from them. */
export class RecentSources<TValue> {
  readonly #byRole = new Map<string, Remembered<TValue>[]>();
  /** The last one found or built: most code asks for the same source many times in a row. */
  #last: Remembered<TValue> | undefined;

  /** What was built from a snapshot equal to `read`, if it is remembered. */
  find(read: RoleRead): TValue | undefined {
    // Fast path: the same source as last time, compared by value.
    const last = this.#last;
    if (last !== undefined && sameRead(last.snapshot, read)) return last.value;
    if (typeof read.roleArn !== 'string') return undefined;
    const variants = this.#byRole.get(read.roleArn);
    if (variants === undefined) return undefined;
    for (let i = 0; i < variants.length; i++) {
      const candidate = variants[i] as Remembered<TValue>;
      if (sameRead(candidate.snapshot, read)) {
        this.#last = candidate;
        return candidate.value;
      }
    }
    return undefined;
  }

  /** Remembers what was built from `snapshot`; returns `value`. */
  remember(snapshot: RoleSnapshot, value: TValue): TValue {
    const entry = { snapshot, value };
    let variants = this.#byRole.get(snapshot.roleArn);
    if (variants === undefined) {
      if (this.#byRole.size >= MAX_ROLES) this.#byRole.delete(this.#byRole.keys().next().value as string);
      variants = [];
      this.#byRole.set(snapshot.roleArn, variants);
    }
    variants.push(entry);
    if (variants.length > PER_ROLE) variants.shift();
    this.#last = entry;
    return value;
  }

  /** How many sources are remembered (for tests of the bound). */
  get size(): number {
    let total = 0;
    for (const variants of this.#byRole.values()) total += variants.length;
    return total;
  }
}
