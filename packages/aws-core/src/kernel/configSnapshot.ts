/**
 * SDK configuration, read once: a canonical form to key it by, and a
 * snapshot to give the client, both taken from the same values.
 *
 * Plain data (objects, arrays, Dates, URLs) is keyed by value and copied;
 * an object's own string keys are read whether enumerable or not (a property
 * made with `Object.defineProperty`, whose default is not enumerable, is the
 * caller's value as much as any other: dropping it would send the client's
 * requests to AWS instead of the caller's endpoint), as the options are;
 * functions and class instances (a custom `requestHandler`, a `logger`, an
 * `Agent`) are keyed by identity and passed as they are: their state is
 * theirs. Mutating the caller's objects after the call changes no cached client.
 *
 * @module
 */
import { type AwsClientError, describeType, fail } from './errors.js';

/**
 * Keys never honoured in configuration objects: they could reach an object's
 * prototype when the config is copied for the SDK.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

// One numbering for the whole process, shared through globalThis: two
// package copies (ESM and CJS) may serve one factory, and two numberings
// would let two objects share a number.
const IDENTITIES_KEY = Symbol.for('@dbp/aws-core/identities@1');

interface Identities {
  next: number;
  readonly ids: WeakMap<object, number>;
}

function identities(): Identities {
  const holder = globalThis as { [IDENTITIES_KEY]?: Identities };
  let found = holder[IDENTITIES_KEY];
  if (found === undefined) {
    found = { next: 1, ids: new WeakMap() };
    Object.defineProperty(holder, IDENTITIES_KEY, { value: found, enumerable: false, configurable: true });
  }
  return found;
}

/** A process-wide small number naming an object or function by identity. */
export function identityOf(value: object): number {
  const registry = identities();
  let id = registry.ids.get(value);
  if (id === undefined) {
    id = registry.next++;
    registry.ids.set(value, id);
  }
  return id;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const MAX_DEPTH = 32;

function canonical(value: unknown, path: string, stack: object[], out: string[]): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      out.push(Number.isFinite(value) ? String(value) : `#${String(value)}`);
      return;
    case 'boolean':
      out.push(value ? 'T' : 'F');
      return;
    case 'bigint':
      out.push(`${value}n`);
      return;
    case 'undefined':
      out.push('U');
      return;
    case 'symbol':
      throw fail('INVALID_CONFIG.symbol', { path });
    case 'function':
      out.push(`f${identityOf(value)}`);
      return;
  }
  if (value === null) {
    out.push('N');
    return;
  }
  const object = value as object;
  if (stack.includes(object)) throw fail('INVALID_CONFIG.cycle', { path });
  if (stack.length >= MAX_DEPTH) throw fail('INVALID_CONFIG.depth', { path, max: MAX_DEPTH });
  if (Array.isArray(object)) {
    stack.push(object);
    out.push('[');
    for (let i = 0; i < object.length; i++) {
      if (i > 0) out.push(',');
      canonical(object[i], `${path}[${i}]`, stack, out);
    }
    out.push(']');
    stack.pop();
    return;
  }
  if (object instanceof Date) {
    out.push(`D${object.getTime()}`);
    return;
  }
  if (typeof URL !== 'undefined' && object instanceof URL) {
    out.push(`L${JSON.stringify(object.href)}`);
    return;
  }
  if (!isPlainObject(object)) {
    // Class instances (a custom requestHandler, a logger, an Agent) are
    // compared by identity: their state is theirs, not ours to read.
    out.push(`o${identityOf(object)}`);
    return;
  }
  stack.push(object);
  out.push('{');
  const record = object as Record<string, unknown>;
  const keys = Object.getOwnPropertyNames(record).sort();
  let first = true;
  for (const key of keys) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    const entry = record[key];
    if (entry === undefined) continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(key), ':');
    canonical(entry, `${path}.${key}`, stack, out);
  }
  out.push('}');
  stack.pop();
}

/**
 * Canonical serialisation of an SDK configuration: sorted keys, `undefined`
 * entries dropped, functions and class instances by identity, prototype-
 * polluting keys ignored. Equal configurations give equal strings whatever
 * their object identity. Throws `AwsClientError` on cycles.
 */
export function canonicalConfig(config: Record<string, unknown>, skip: ReadonlySet<string>): string {
  const out: string[] = [];
  const keys = Object.getOwnPropertyNames(config).sort();
  const stack: object[] = [config];
  for (const key of keys) {
    if (skip.has(key) || FORBIDDEN_KEYS.has(key)) continue;
    const value = config[key];
    if (value === undefined) continue;
    out.push(JSON.stringify(key), ':');
    canonical(value, `.${key}`, stack, out);
    out.push(';');
  }
  return out.join('');
}

/**
 * A deep copy of the plain data in a configuration (objects, arrays, Dates,
 * URLs), without prototype-polluting keys or `undefined` entries; functions
 * and class instances are kept by reference. Each value is read once, so the
 * snapshot is exactly what its canonical form (`canonicalConfig(snapshot)`)
 * describes. Throws `AwsClientError` (`INVALID_CONFIG`) on symbols, cycles and
 * nesting deeper than 32 levels.
 */
export function snapshotConfig(config: Record<string, unknown>, skip: ReadonlySet<string>): Record<string, unknown> {
  return snapshotRecord(config, skip, '', [config]);
}

function snapshotRecord(record: Record<string, unknown>, skip: ReadonlySet<string>, path: string, stack: object[]): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(record)) {
    if (skip.has(key) || FORBIDDEN_KEYS.has(key)) continue;
    const value = snapshotValue(record[key], `${path}.${key}`, stack);
    if (value !== undefined) copy[key] = value;
  }
  return copy;
}

function snapshotValue(value: unknown, path: string, stack: object[]): unknown {
  if (typeof value === 'symbol') throw fail('INVALID_CONFIG.symbol', { path });
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return new Date(value.getTime());
  if (typeof URL !== 'undefined' && value instanceof URL) return new URL(value.href);
  const isArray = Array.isArray(value);
  if (!isArray && !isPlainObject(value)) return value;
  if (stack.includes(value)) throw fail('INVALID_CONFIG.cycle', { path });
  if (stack.length >= MAX_DEPTH) throw fail('INVALID_CONFIG.depth', { path, max: MAX_DEPTH });
  stack.push(value);
  const copy = isArray
    ? Array.from(value as unknown[], (item, i) => snapshotValue(item, `${path}[${i}]`, stack))
    : snapshotRecord(value as Record<string, unknown>, EMPTY, path, stack);
  stack.pop();
  return copy;
}

const EMPTY: ReadonlySet<string> = new Set();

/**
 * `INVALID_CONFIG` for a `config` that is not a plain object, saying when it
 * is an object of another prototype (a class instance, `Object.create(...)`).
 */
export function notPlainConfig(config: unknown): AwsClientError {
  const instance = typeof config === 'object' && config !== null && !Array.isArray(config);
  return fail('INVALID_CONFIG.notObject', { got: describeType(config), instance });
}

/** Whether a value is a plain object (`{}` or `Object.create(null)`). */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && isPlainObject(value);
}
