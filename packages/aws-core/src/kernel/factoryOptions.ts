import { isPlainRecord } from './configSnapshot.js';
import { type AwsClientError, describeType, fail } from './errors.js';
import { isTimerMs } from './limits.js';
import { installation } from './setup.js';
import { DEFAULT_TIERS, validateTier } from './tiers.js';
import type { AbandonedBodyAction, ClientFactoryOptions, FactoryEvent, Logger, RegionValidation, TierConfig, TierName } from './types.js';
import { type FactoryOptionsWhere, guardRead, readOptions } from './validateOptions.js';

/** A factory's options, checked. */
export interface FactorySettings {
  readonly tiers: ReadonlyMap<string, TierConfig>;
  readonly serviceTiers: Readonly<Record<string, TierName>> | undefined;
  readonly maxClients: number;
  readonly ttlMs: number | undefined;
  readonly logger: Logger;
  readonly regionValidation: RegionValidation;
  readonly defaultRegion: unknown;
  readonly onEvent: ((event: FactoryEvent) => void) | undefined;
  readonly abandonedBodyMs: number;
  readonly onAbandonedBody: AbandonedBodyAction;
  readonly disposeGraceMs: number;
  /** The `logger` option as given (`logger` holds its methods, bound anew at each read): what `settingsDiffer` compares. */
  readonly loggerGiven: unknown;
}

/** Every option of `createClientFactory`, exactly the keys of `ClientFactoryOptions` (the compiler keeps them in step). */
const FACTORY_OPTIONS: { readonly [K in keyof ClientFactoryOptions]-?: true } = {
  tiers: true,
  serviceTiers: true,
  maxClients: true,
  ttlMs: true,
  logger: true,
  regionValidation: true,
  defaultRegion: true,
  onEvent: true,
  abandonedBodyMs: true,
  onAbandonedBody: true,
  disposeGraceMs: true,
};

/** The names of `createClientFactory` options (validation and reading derive from them). */
export const FACTORY_OPTION_NAMES: readonly (keyof ClientFactoryOptions)[] = Object.keys(FACTORY_OPTIONS) as (keyof ClientFactoryOptions)[];

const noop = (): void => {};

/**
 * Whether a level of the factory's logger drops every line: the default
 * logger's `debug` and `info`, and any level a given logger lacks. A line for
 * such a level is not worth building (a `created` line costs a cold start
 * ~1 ms of first-time formatting).
 */
export function dropsLines(method: Logger[keyof Logger]): boolean {
  return method === noop;
}

function toLogger(logger: unknown, where: string): Logger {
  if (logger === undefined) {
    return { debug: noop, info: noop, warn: (...args) => console.warn(...args), error: (...args) => console.error(...args) };
  }
  if (typeof logger !== 'object' || logger === null) throw fail('INVALID_FACTORY_OPTIONS.value', { where, name: 'logger', got: describeType(logger) });
  // Looked up at each line, not bound once: pino swaps a level's method for a no-op when its
  // level changes, and the SDK reads `logger.debug` at each line too.
  const pick = (name: keyof Logger): ((...args: unknown[]) => void) => {
    if (typeof (logger as Partial<Logger>)[name] !== 'function') return noop;
    return (...args) => {
      const method = (logger as Partial<Logger>)[name];
      if (typeof method === 'function') method.apply(logger, args);
    };
  };
  return { debug: pick('debug'), info: pick('info'), warn: pick('warn'), error: pick('error') };
}

/**
 * A refused option value as a message shows it: a number, or a short word
 * (`'warning'` for `'warn'`: letters and dashes only, so never a key or a
 * secret), else only its type.
 */
function shownValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && /^[A-Za-z-]{1,16}$/.test(value) ? `'${value}'` : describeType(value);
}

function checkOption<T>(where: string, name: keyof ClientFactoryOptions, value: unknown, fallback: T, ok: (value: unknown) => boolean): T {
  if (value === undefined) return fallback;
  if (!ok(value)) throw fail('INVALID_FACTORY_OPTIONS.value', { where, name, got: shownValue(value) });
  return value as T;
}

/**
 * The refusal of a `tiers` or `serviceTiers` that is no plain object. Their
 * keys are names of the caller's choosing, so they are listed from the
 * object's own keys, which a class instance's getters are not: one is
 * refused as such (`instance`), not described as "an object".
 */
function notARecord(where: FactoryOptionsWhere, name: 'tiers' | 'serviceTiers', value: unknown): AwsClientError {
  const got = describeType(value);
  return fail('INVALID_FACTORY_OPTIONS.value', { where, name, got, instance: got === 'an object' });
}

/**
 * Reads and checks `createClientFactory` options. What the objects throw
 * while being read (a getter on a tier, a logger, a `serviceTiers` map)
 * becomes a typed error.
 */
export function readFactoryOptions(options: unknown, where: FactoryOptionsWhere = 'createClientFactory()'): FactorySettings {
  return guardRead(where, () => checkFactoryOptions(options, where));
}

function checkFactoryOptions(options: unknown, where: FactoryOptionsWhere): FactorySettings {
  const read = readOptions(where, options, FACTORY_OPTION_NAMES);
  const check = <T>(name: keyof ClientFactoryOptions, value: unknown, fallback: T, ok: (value: unknown) => boolean): T =>
    checkOption(where, name, value, fallback, ok);
  const tiers = new Map<string, TierConfig>(Object.entries(DEFAULT_TIERS));
  if (read.tiers !== undefined) {
    if (!isPlainRecord(read.tiers)) throw notARecord(where, 'tiers', read.tiers);
    for (const [name, tier] of Object.entries(read.tiers)) tiers.set(name, validateTier(name, tier));
  }
  const serviceTiers = read.serviceTiers;
  if (serviceTiers !== undefined) {
    if (!isPlainRecord(serviceTiers)) throw notARecord(where, 'serviceTiers', serviceTiers);
    for (const [id, tier] of Object.entries(serviceTiers)) {
      // A development aid: a key close to a known service id is a typo (production web builds accept it).
      installation().dev?.checkServiceTierKey(id, where);
      if (typeof tier !== 'string' || !tiers.has(tier))
        throw fail('UNKNOWN_TIER', { tier: typeof tier === 'string' ? tier : describeType(tier), known: [...tiers.keys()], service: id, where });
    }
  }
  return {
    tiers,
    serviceTiers: serviceTiers === undefined ? undefined : Object.freeze({ ...(serviceTiers as Record<string, TierName>) }),
    maxClients: check('maxClients', read.maxClients, 256, (v) => Number.isInteger(v) && (v as number) >= 1),
    ttlMs: check<number | undefined>('ttlMs', read.ttlMs, undefined, (v) => isTimerMs(v) && v > 0),
    logger: toLogger(read.logger, where),
    regionValidation: check('regionValidation', read.regionValidation, 'warn', (v) => v === 'strict' || v === 'warn' || v === 'off'),
    defaultRegion: read.defaultRegion,
    onEvent: check('onEvent', read.onEvent, undefined, (v) => typeof v === 'function'),
    abandonedBodyMs: check('abandonedBodyMs', read.abandonedBodyMs, 60_000, isTimerMs),
    onAbandonedBody: check('onAbandonedBody', read.onAbandonedBody, 'warn', (v) => v === 'warn' || v === 'destroy'),
    disposeGraceMs: check('disposeGraceMs', read.disposeGraceMs, 5_000, isTimerMs),
    loggerGiven: read.logger,
  };
}

/**
 * The first option two settings differ in (`undefined`: they say the same):
 * functions and the logger by identity, tiers and `serviceTiers` by value (as
 * JSON, in any order). `configureClientFactory()` called again with equal
 * options (a test runner's setup file, run once per test file in one
 * process) changes nothing, so it is accepted in use.
 */
export function settingsDiffer(a: FactorySettings, b: FactorySettings): keyof ClientFactoryOptions | undefined {
  return FACTORY_OPTION_NAMES.find((name) => (name === 'logger' ? a.loggerGiven !== b.loggerGiven : asData(a[name]) !== asData(b[name])));
}

/** An object option as JSON of its entries, by key (a map's too); anything else as it is. */
function asData(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return JSON.stringify([...(value instanceof Map ? value : Object.entries(value))].sort(([x], [y]) => (x < y ? -1 : 1)));
}
