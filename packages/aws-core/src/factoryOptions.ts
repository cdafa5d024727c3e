import { describeType, fail } from './errors.js';
import type { AbandonedBodyAction } from './internal/abandonedBodies.js';
import { isPlainRecord } from './internal/configSnapshot.js';
import type { FactoryEvent } from './internal/events.js';
import { isTimerMs } from './internal/limits.js';
import type { RegionValidation } from './internal/regions.js';
import { guardRead, readOptions } from './internal/validateOptions.js';
import { DEFAULT_TIERS, type TierConfig, type TierName, validateTier } from './tiers.js';
import type { Logger } from './types.js';

/**
 * Options of {@link createClientFactory}.
 *
 * @example
 * ```ts
 * const factory = createClientFactory({ maxClients: 64, ttlMs: 15 * 60_000, regionValidation: 'strict', defaultRegion: 'eu-west-1' })
 * ```
 */
export interface ClientFactoryOptions {
  /** Add tiers, or override built-in ones by name (`{ ai: { ...DEFAULT_TIERS.ai, readTimeoutMs: 300_000 } }`). */
  tiers?: Readonly<Record<string, TierConfig>> | undefined;
  /**
   * Which tier a service id gets, over `SERVICE_TIERS` and the service
   * definitions' own (`{ sqs: 'data', bedrock: 'batch' }`; a family name
   * such as `'bedrock'` covers `'bedrock-runtime'`, `'bedrock-agent'`, …). A
   * call's `tier` option still wins.
   */
  serviceTiers?: Readonly<Record<string, TierName>> | undefined;
  /**
   * Most clients kept; the least recently used beyond it are removed
   * (drained, then destroyed). Sessions and credential providers are bounded
   * by the same number.
   * @default 256
   */
  maxClients?: number | undefined;
  /**
   * Remove clients not handed out for this many milliseconds, on an unref'd
   * timer (no further calls needed; never keeps the process alive). Off by
   * default. At most 2_147_483_647 (about 24.8 days, a timer's longest wait).
   */
  ttlMs?: number | undefined;
  /**
   * Receives the factory's own diagnostics (`{ debug, info, warn, error }`,
   * SDK-compatible). Never receives a secret. A method that throws loses its
   * line and nothing else.
   * @default warnings and errors to the console
   */
  logger?: Partial<Logger> | undefined;
  /**
   * `'strict'`: refuse regions the SDK does not list; `'warn'`: allow a
   * well-formed unlisted region (a new one) with a warning; `'off'`: no checks.
   * Malformed regions (`us-east-l`) are refused unless `'off'`.
   * @default 'warn'
   */
  regionValidation?: RegionValidation | undefined;
  /** Region used when a call gives none (before the environment's). */
  defaultRegion?: string | undefined;
  /**
   * Receives every event the factory publishes (client created, evicted,
   * destroyed; credentials resolved, refreshed; bodies abandoned), on every
   * runtime. On Node the same events go to `diagnostics_channel` channels
   * `dbp:aws:*` too. Never receives a secret; a throwing listener is logged,
   * not propagated.
   */
  onEvent?: ((event: FactoryEvent) => void) | undefined;
  /**
   * A streaming response body (a `GetObject` `Body`) neither read nor
   * destroyed for this many milliseconds is reported through the logger, once
   * per client, naming the service and operation (Node). `0` turns it off;
   * at most 2_147_483_647.
   * @default 60_000
   */
  abandonedBodyMs?: number | undefined;
  /**
   * What to do with an abandoned body: `'warn'` reports it; `'destroy'`
   * also destroys it, freeing its socket, and its reader and every later
   * read fail with `AwsClientError` code `BODY_ABANDONED`.
   * @default 'warn'
   */
  onAbandonedBody?: AbandonedBodyAction | undefined;
  /**
   * How long `dispose()` waits for in-flight responses before it destroys
   * every client (and the bodies still open) and fails the requests still
   * running with `FACTORY_DISPOSED` (no retry is sent after it), in
   * milliseconds; at most 2_147_483_647.
   * @default 5_000
   */
  disposeGraceMs?: number | undefined;
}

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

function toLogger(logger: unknown): Logger {
  if (logger === undefined) {
    return { debug: noop, info: noop, warn: (...args) => console.warn(...args), error: (...args) => console.error(...args) };
  }
  if (typeof logger !== 'object' || logger === null) throw fail('INVALID_FACTORY_OPTIONS.value', { name: 'logger', got: describeType(logger) });
  const pick = (name: keyof Logger): ((...args: unknown[]) => void) => {
    const method = (logger as Partial<Logger>)[name];
    return typeof method === 'function' ? method.bind(logger) : noop;
  };
  return { debug: pick('debug'), info: pick('info'), warn: pick('warn'), error: pick('error') };
}

function check<T>(name: keyof ClientFactoryOptions, value: unknown, fallback: T, ok: (value: unknown) => boolean): T {
  if (value === undefined) return fallback;
  if (!ok(value)) throw fail('INVALID_FACTORY_OPTIONS.value', { name, got: typeof value === 'number' ? String(value) : describeType(value) });
  return value as T;
}

/**
 * Reads and checks `createClientFactory` options. What the objects throw
 * while being read (a getter on a tier, a logger, a `serviceTiers` map)
 * becomes a typed error.
 */
export function readFactoryOptions(options: unknown): FactorySettings {
  return guardRead('createClientFactory()', () => checkFactoryOptions(options));
}

function checkFactoryOptions(options: unknown): FactorySettings {
  const read = readOptions('createClientFactory()', options, FACTORY_OPTION_NAMES);
  const tiers = new Map<string, TierConfig>(Object.entries(DEFAULT_TIERS));
  if (read.tiers !== undefined) {
    if (!isPlainRecord(read.tiers)) throw fail('INVALID_FACTORY_OPTIONS.value', { name: 'tiers', got: describeType(read.tiers) });
    for (const [name, tier] of Object.entries(read.tiers)) tiers.set(name, validateTier(name, tier));
  }
  const serviceTiers = read.serviceTiers;
  if (serviceTiers !== undefined) {
    if (!isPlainRecord(serviceTiers)) throw fail('INVALID_FACTORY_OPTIONS.value', { name: 'serviceTiers', got: describeType(serviceTiers) });
    for (const [id, tier] of Object.entries(serviceTiers)) {
      if (typeof tier !== 'string' || !tiers.has(tier))
        throw fail('UNKNOWN_TIER', { tier: typeof tier === 'string' ? tier : describeType(tier), known: [...tiers.keys()], service: id });
    }
  }
  return {
    tiers,
    serviceTiers: serviceTiers === undefined ? undefined : Object.freeze({ ...(serviceTiers as Record<string, TierName>) }),
    maxClients: check('maxClients', read.maxClients, 256, (v) => Number.isInteger(v) && (v as number) >= 1),
    ttlMs: check<number | undefined>('ttlMs', read.ttlMs, undefined, (v) => isTimerMs(v) && v > 0),
    logger: toLogger(read.logger),
    regionValidation: check('regionValidation', read.regionValidation, 'warn', (v) => v === 'strict' || v === 'warn' || v === 'off'),
    defaultRegion: read.defaultRegion,
    onEvent: check('onEvent', read.onEvent, undefined, (v) => typeof v === 'function'),
    abandonedBodyMs: check('abandonedBodyMs', read.abandonedBodyMs, 60_000, isTimerMs),
    onAbandonedBody: check('onAbandonedBody', read.onAbandonedBody, 'warn', (v) => v === 'warn' || v === 'destroy'),
    disposeGraceMs: check('disposeGraceMs', read.disposeGraceMs, 5_000, isTimerMs),
  };
}
