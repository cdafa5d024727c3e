import { describeType, fail } from './errors.js';
import { DIRECTIONS, isListed, type Partition, suggestRegion, WELL_FORMED } from './knownRegions.js';
import { clip, escapeControl, looksLikeCredential, notShown } from './text.js';
import type { RegionValidation } from './types.js';

const DIRECTION_SET: ReadonlySet<string> = new Set(DIRECTIONS);

/**
 * Where a region the call did not pass came from, for the message of a
 * refused one: an environment variable (`AWS_REGION`), the factory's
 * `defaultRegion`, or a profile's `region` in the shared config file.
 */
export type RegionSource =
  | { readonly from: 'environment'; readonly variable: string }
  | { readonly from: 'defaultRegion' }
  | { readonly from: 'config'; readonly profile: string | undefined }
  | { readonly from: 'clientConfig' };

/** The environment variables a region is read from, in this order; an empty one counts as unset. */
const REGION_VARIABLES = ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const;

/** A runtime's environment variables: `process.env`, where the runtime has one. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** A variable of an environment; unset where reading it throws (Deno without `--allow-env`: NotCapable). */
function variable(env: Environment | undefined, name: string): string | undefined {
  try {
    return env?.[name];
  } catch {
    return undefined;
  }
}

/** The region an environment names: the first of `AWS_REGION`, `AWS_DEFAULT_REGION` that is set and not empty. */
export function environmentRegion(env: Environment | undefined): string | undefined {
  for (const name of REGION_VARIABLES) {
    const value = variable(env, name);
    if (value) return value;
  }
  return undefined;
}

/**
 * Where {@link environmentRegion} found its region, for the message of a
 * refused one: `variable` is read then, from the environment as it is then.
 */
export function environmentSource(env: () => Environment | undefined): RegionSource {
  return {
    from: 'environment',
    get variable() {
      const current = env();
      return REGION_VARIABLES.find((name) => variable(current, name)) ?? REGION_VARIABLES[0];
    },
  };
}

/**
 * The region a form the SDK itself accepts stands for: the FIPS
 * pseudo-regions (`fips-us-east-1`, `us-east-1-fips`) name their base region;
 * `local` (DynamoDB Local) and anything else stand for themselves.
 */
function baseRegion(region: string): string {
  if (region.startsWith('fips-')) return region.slice(5);
  if (region.endsWith('-fips')) return region.slice(0, -5);
  return region;
}

/**
 * Checks a region: listed (or a FIPS form of a listed one, or `local`) →
 * fine; well-formed but unlisted (a region newer than the SDK's data) →
 * `'new'`; anything else → throws `AwsRegionError`, whose message says where
 * the region came from (`source`) when the call did not pass it.
 */
export function checkRegion(region: unknown, mode: RegionValidation, partition: Partition, source?: RegionSource): 'ok' | 'new' {
  if (typeof region !== 'string') throw fail('INVALID_REGION.type', { got: describeType(region), ...source }, { region: describeType(region) });
  if (mode === 'off' || region === 'local') return 'ok';
  const base = baseRegion(region);
  if (isListed(base, partition)) return 'ok';
  // The field as the message shows it: a secret pasted as a region is described, a long string clipped, control characters escaped (error fields get logged).
  const shown = (): string => (looksLikeCredential(region) ? notShown(region) : escapeControl(clip(region, 64)));
  if (WELL_FORMED.test(base) && DIRECTION_SET.has(base.split('-').at(-2) as string)) {
    if (mode === 'strict') throw fail('UNKNOWN_REGION', { region, ...source }, { region: shown() });
    return 'new';
  }
  // `suggestion` is a documented field of AwsRegionError: every build computes it.
  const suggestion = suggestRegion(region, partition);
  throw fail('INVALID_REGION.malformed', { region, suggestion, ...source }, { region: shown(), suggestion });
}

/** How many validated regions a factory remembers (so a hit never re-validates). */
const MAX_REMEMBERED_REGIONS = 1024;

/** A factory's region checks, remembering the regions already accepted. */
export class RegionCheck {
  readonly #valid = new Set<string>();
  readonly #mode: RegionValidation;
  readonly #onNew: (region: string) => void;
  readonly #partition: Partition;

  /** `partition` is the SDK's region data, as the platform loads it. */
  constructor(mode: RegionValidation, onNew: (region: string) => void, partition: Partition) {
    this.#mode = mode;
    this.#onNew = onNew;
    this.#partition = partition;
  }

  /** Checks a region (see `checkRegion`; `source`: where it came from, if not from the call), warning once per new unlisted one; returns it. */
  check(region: unknown, source?: RegionSource): string {
    if (typeof region === 'string' && this.#valid.has(region)) return region;
    if (checkRegion(region, this.#mode, this.#partition, source) === 'new') this.#onNew(region as string);
    if (this.#valid.size >= MAX_REMEMBERED_REGIONS) this.#valid.clear();
    this.#valid.add(region as string);
    return region as string;
  }
}
