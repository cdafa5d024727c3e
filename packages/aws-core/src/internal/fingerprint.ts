import { AwsClientError } from '../errors.js';

/**
 * Keys never honoured in configuration objects: they could reach an object's
 * prototype when the config is copied for the SDK.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

let nextIdentity = 1;
const identities = new WeakMap<object, number>();

/** A process-wide small number naming an object or function by identity. */
export function identityOf(value: object): number {
  let id = identities.get(value);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(value, id);
  }
  return id;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function fail(message: string): never {
  throw new AwsClientError(message, { code: 'INVALID_CONFIG' });
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
      fail(`config${path} is a symbol; configuration values must be data, functions or objects.`);
      return;
    case 'function':
      out.push(`f${identityOf(value)}`);
      return;
  }
  if (value === null) {
    out.push('N');
    return;
  }
  const object = value as object;
  if (stack.includes(object)) fail(`config${path} refers back to itself (a cycle). Pass configuration without cycles.`);
  if (stack.length >= MAX_DEPTH) fail(`config is nested deeper than ${MAX_DEPTH} levels at config${path}.`);
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
  const keys = Object.keys(record).sort();
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
  const keys = Object.keys(config).sort();
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
 * A copy of a plain configuration object without prototype-polluting keys,
 * one level deep for plain-object values (what the SDK reads).
 */
export function safeCopy(config: Record<string, unknown>, skip: ReadonlySet<string>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(config)) {
    if (skip.has(key) || FORBIDDEN_KEYS.has(key)) continue;
    const value = config[key];
    if (value === undefined) continue;
    copy[key] =
      value !== null && typeof value === 'object' && !Array.isArray(value) && isPlainObject(value) ? safeCopy(value as Record<string, unknown>, EMPTY) : value;
  }
  return copy;
}

const EMPTY: ReadonlySet<string> = new Set();

/** Whether a value is a plain object (`{}` or `Object.create(null)`). */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && isPlainObject(value);
}
