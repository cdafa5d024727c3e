import { fail } from './errors.js';
import { isTimerMs } from './limits.js';
import type { DefaultTierName, RetryMode, TierConfig } from './types.js';

/**
 * The built-in tiers. `maxAttempts` counts attempts, the first included (as
 * the SDK does; botocore's `max_attempts` counts retries: its 5 / 3 / 3 are
 * 6 / 4 / 4 here).
 *
 * | tier | maxAttempts | connect | read |
 * |---|---|---|---|
 * | standard | 6 | 10 s | 30 s |
 * | ai | 4 | 10 s | 120 s |
 * | data | 4 | 10 s | 60 s |
 */
export const DEFAULT_TIERS: Readonly<Record<DefaultTierName, TierConfig>> = Object.freeze({
  standard: Object.freeze({ maxAttempts: 6, retryMode: 'standard', connectTimeoutMs: 10_000, readTimeoutMs: 30_000 }),
  ai: Object.freeze({ maxAttempts: 4, retryMode: 'standard', connectTimeoutMs: 10_000, readTimeoutMs: 120_000 }),
  data: Object.freeze({ maxAttempts: 4, retryMode: 'standard', connectTimeoutMs: 10_000, readTimeoutMs: 60_000 }),
} satisfies Record<DefaultTierName, TierConfig>);

const RETRY_MODES: ReadonlySet<string> = new Set(['standard', 'adaptive']);

/** The fields of a tier, exactly the keys of `TierConfig` (the compiler keeps them in step). */
export const TIER_FIELDS: readonly (keyof TierConfig)[] = Object.keys({
  maxAttempts: true,
  retryMode: true,
  connectTimeoutMs: true,
  readTimeoutMs: true,
} satisfies { readonly [K in keyof TierConfig]-?: true }) as (keyof TierConfig)[];

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** Checks one tier and returns a frozen copy; throws a helpful error otherwise. */
export function validateTier(name: string, tier: unknown): TierConfig {
  const invalid = (field: keyof TierConfig | 'tier'): never => {
    throw fail('INVALID_FACTORY_OPTIONS.tier', { name, field });
  };
  if (typeof tier !== 'object' || tier === null || Array.isArray(tier)) return invalid('tier');
  const t = tier as Record<string, unknown>;
  if (!isPositiveInteger(t.maxAttempts)) return invalid('maxAttempts');
  if (typeof t.retryMode !== 'string' || !RETRY_MODES.has(t.retryMode)) return invalid('retryMode');
  if (!isPositiveInteger(t.connectTimeoutMs) || !isTimerMs(t.connectTimeoutMs)) return invalid('connectTimeoutMs');
  if (!isPositiveInteger(t.readTimeoutMs) || !isTimerMs(t.readTimeoutMs)) return invalid('readTimeoutMs');
  // A misspelt field beside the four (`readTimeout: 5_000` after `...DEFAULT_TIERS.standard`) would be ignored.
  for (const key of Object.keys(t)) if (!(TIER_FIELDS as readonly string[]).includes(key)) throw fail('INVALID_FACTORY_OPTIONS.tierField', { name, key });
  return Object.freeze({
    maxAttempts: t.maxAttempts as number,
    retryMode: t.retryMode as RetryMode,
    connectTimeoutMs: t.connectTimeoutMs as number,
    readTimeoutMs: t.readTimeoutMs as number,
  });
}
