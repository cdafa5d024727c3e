// Every SDK v3 client already loads `@aws-sdk/core/client` (its endpoint
// rules call `partition`), so this import costs nothing once a client is
// loaded, and bundlers follow it (a Lambda bundle must not keep a bare
// `require` of a package that is not there).
import { partition } from '@aws-sdk/core/client';
import { AwsRegionError, describeType } from '../errors.js';
import { editDistance } from './text.js';

/** How strictly regions are checked. */
export type RegionValidation = 'strict' | 'warn' | 'off';

/** Shaped like an AWS region: `us-east-1`, `us-gov-west-1`, `eusc-de-east-1`. */
const WELL_FORMED = /^[a-z]{2,4}(?:-[a-z]+){1,3}-\d{1,2}$/;

// The SDK's partition data names the regions it lists (with a description),
// but does not export the list. Enumerate plausible names once, lazily, and
// keep those the data knows: only error paths pay for it.
const PREFIXES = ['us', 'eu', 'ap', 'ca', 'sa', 'me', 'af', 'il', 'mx', 'cn', 'us-gov', 'us-iso', 'us-isob', 'us-isof', 'eu-isoe', 'eusc-de', 'ap-iso'];
const DIRECTIONS = ['east', 'west', 'north', 'south', 'central', 'northeast', 'northwest', 'southeast', 'southwest'];

const DIRECTION_SET: ReadonlySet<string> = new Set(DIRECTIONS);

let knownRegionsCache: string[] | undefined;

/** Whether the SDK's partition data lists `region` (it describes only the regions it lists). */
function isListed(region: string): boolean {
  try {
    return (partition(region) as { description?: string }).description !== undefined;
  } catch {
    return false;
  }
}

/** The regions the SDK's partition data lists (enumerated once, on demand). */
export function knownRegions(): readonly string[] {
  if (!knownRegionsCache) {
    const found: string[] = [];
    for (const prefix of PREFIXES) {
      for (const direction of DIRECTIONS) {
        for (let n = 1; n <= 9; n++) {
          const candidate = `${prefix}-${direction}-${n}`;
          if (isListed(candidate)) found.push(candidate);
        }
      }
    }
    knownRegionsCache = found;
  }
  return knownRegionsCache;
}

/** The closest listed region to a malformed one, when one is close enough. */
export function suggestRegion(input: string): string | undefined {
  if (input.length === 0 || input.length > 64) return undefined;
  const cleaned = input
    .trim()
    .toLowerCase()
    .replace(/[\s_.]+/g, '-');
  // Common slips: a letter l / i / o typed for the digit at the end.
  const digitFixed = cleaned.replace(/-([lio])$/, (_, c: string) => (c === 'o' ? '-0' : '-1'));
  for (const candidate of [cleaned, digitFixed]) if (isListed(candidate) && WELL_FORMED.test(candidate)) return candidate;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const region of knownRegions()) {
    const distance = Math.min(editDistance(cleaned, region), editDistance(digitFixed, region));
    if (distance < bestDistance) {
      best = region;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/**
 * Checks a region: listed → fine; well-formed but unlisted (a region newer
 * than the SDK's data) → `'new'`; anything else → throws `AwsRegionError`.
 */
export function checkRegion(region: unknown, mode: RegionValidation): 'ok' | 'new' {
  if (typeof region !== 'string') {
    throw new AwsRegionError(`region must be a string such as 'us-east-1', got ${describeType(region)}.`, {
      code: 'INVALID_REGION',
      region: String(describeType(region)),
    });
  }
  if (mode === 'off') return 'ok';
  if (isListed(region)) return 'ok';
  if (WELL_FORMED.test(region) && DIRECTION_SET.has(region.split('-').at(-2) as string)) {
    if (mode === 'strict') {
      throw new AwsRegionError(
        `Region '${region}' is not in the AWS SDK's region list. If it is a new region, update the SDK or use regionValidation: 'warn'; otherwise check the spelling.`,
        { code: 'UNKNOWN_REGION', region },
      );
    }
    return 'new';
  }
  const suggestion = suggestRegion(region);
  const shown = region.length > 64 ? `${region.slice(0, 61)}...` : region;
  throw new AwsRegionError(
    `Region '${shown}' is not a valid AWS region${suggestion ? ` — did you mean '${suggestion}'?` : '. Use a region code such as us-east-1 (lower case, dashes, a number at the end).'}`,
    { code: 'INVALID_REGION', region, suggestion },
  );
}
