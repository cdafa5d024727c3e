import { AwsClientError } from './errors.js';

/**
 * How the SDK retries: `standard` (exponential back-off with jitter, retry
 * quota) or `adaptive` (standard plus client-side rate limiting).
 */
export type RetryMode = 'standard' | 'adaptive';

/**
 * A workload tier: plain data that becomes the client's retry and timeout
 * configuration.
 *
 * @example
 * ```ts
 * const batch: TierConfig = { maxAttempts: 8, retryMode: 'adaptive', connectTimeoutMs: 5_000, readTimeoutMs: 300_000 }
 * createClientFactory({ tiers: { batch } })
 * ```
 */
export interface TierConfig {
  /** Total attempts, the first request included (SDK v3 `maxAttempts`). */
  readonly maxAttempts: number;
  /** SDK retry strategy. */
  readonly retryMode: RetryMode;
  /** Longest wait for a TCP/TLS connection, in milliseconds. */
  readonly connectTimeoutMs: number;
  /**
   * Longest wait for the next bytes of a response, in milliseconds (botocore's
   * read timeout): an idle limit, not a cap on the whole transfer.
   */
  readonly readTimeoutMs: number;
}

/** The built-in tier names. Factories may add more. */
export type DefaultTierName = 'standard' | 'ai' | 'data';

/** A tier name: a built-in one or one added with `createClientFactory({ tiers })`. */
export type TierName = DefaultTierName | (string & {});

/**
 * The built-in tiers. botocore's `max_attempts` counts retries, SDK v3 counts
 * attempts, so the seed's 5 / 3 / 3 retries are 6 / 4 / 4 attempts here.
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

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** Checks one tier and returns a frozen copy; throws a helpful error otherwise. */
export function validateTier(name: string, tier: unknown): TierConfig {
  const fail = (what: string): never => {
    throw new AwsClientError(
      `Tier '${name}' is invalid: ${what}. A tier is { maxAttempts, retryMode, connectTimeoutMs, readTimeoutMs }, for example DEFAULT_TIERS.standard.`,
      {
        code: 'INVALID_FACTORY_OPTIONS',
      },
    );
  };
  if (typeof tier !== 'object' || tier === null || Array.isArray(tier)) return fail('it must be an object');
  const t = tier as Record<string, unknown>;
  if (!isPositiveInteger(t.maxAttempts)) return fail('maxAttempts must be a positive integer (total attempts, first included)');
  if (typeof t.retryMode !== 'string' || !RETRY_MODES.has(t.retryMode)) return fail("retryMode must be 'standard' or 'adaptive'");
  if (!isPositiveInteger(t.connectTimeoutMs)) return fail('connectTimeoutMs must be a positive integer of milliseconds');
  if (!isPositiveInteger(t.readTimeoutMs)) return fail('readTimeoutMs must be a positive integer of milliseconds');
  return Object.freeze({
    maxAttempts: t.maxAttempts as number,
    retryMode: t.retryMode as RetryMode,
    connectTimeoutMs: t.connectTimeoutMs as number,
    readTimeoutMs: t.readTimeoutMs as number,
  });
}
