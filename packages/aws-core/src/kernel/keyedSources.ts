/**
 * The providers `keyedCredentials` has keyed, and what it recorded for each:
 * the kernel's look-up (the full path, the fast path and credential ids ask
 * it), apart from the public function so nothing that keys a call depends on
 * the factory's type.
 *
 * @module
 */

/** What the factory knows of a keyed provider. */
export interface KeyedSource {
  /** The caller's key. */
  readonly key: string;
  /** The key with what the provider depends on, by value: what the factory fingerprints. Never shown. */
  readonly identity: string;
  /** The caller's provider; a keyed one is called with the factory's credential context. */
  readonly provider: (context: object) => unknown;
  readonly refreshWindowMs: number | undefined;
  /**
   * Whether the identity holds a plain provider function's identity
   * (`dependsOn: fromIni()`): built per call, it is a new key each time.
   */
  readonly byIdentity: boolean;
}

// Shared by every copy of the package in the process (ESM and CJS builds), so
// a provider keyed by one copy is recognised by another copy's factory. A
// WeakMap, so a key (which may hold secret material, such as an assumed
// role's static source) is never reachable from the function itself.
const REGISTRY_KEY = Symbol.for('@dbp/aws-core/keyed-credentials@1');

function registry(): WeakMap<object, KeyedSource> {
  const holder = globalThis as { [REGISTRY_KEY]?: WeakMap<object, KeyedSource> };
  let map = holder[REGISTRY_KEY];
  if (map === undefined) {
    map = new WeakMap();
    Object.defineProperty(holder, REGISTRY_KEY, { value: map, enumerable: false, configurable: true });
  }
  return map;
}

/** What `keyedCredentials` recorded for a function, if anything. */
export function keyedSourceOf(provider: object): KeyedSource | undefined {
  return registry().get(provider);
}

/** Records what `keyedCredentials` made a function of. */
export function registerKeyedSource(provider: object, source: KeyedSource): void {
  registry().set(provider, source);
}

/**
 * A keyed provider's identity: its key, length-prefixed, then what it
 * depends on (`rest`). Unambiguous: no key can spell another's dependency.
 */
export function keyedIdentity(key: string, rest: string): string {
  return `${key.length}:${key}|${rest}`;
}

/** The caller's key and the rest (what it depends on) of an identity made by {@link keyedIdentity}. */
export function splitIdentity(identity: string): [key: string, rest: string] {
  const colon = identity.indexOf(':');
  const end = colon + 1 + Number(identity.slice(0, colon));
  return [identity.slice(colon + 1, end), identity.slice(end + 1)];
}
