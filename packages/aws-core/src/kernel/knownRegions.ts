/**
 * What the SDK's partition data says about regions: whether it lists one, and
 * the closest listed region to a malformed one (for `AwsRegionError`'s
 * suggestion, a documented field, so every build has it).
 *
 * @module
 */
import { editDistance } from './text.js';

/**
 * The SDK's `partition` (`@aws-sdk/core/client`, which every SDK v3 client's
 * endpoint rules call). Each platform loads it the way that costs least where
 * it runs and that bundlers follow (`platform/node.ts`, `platform/web.ts`),
 * and the factory passes it in.
 */
export type Partition = (region: string) => unknown;

/** Shaped like an AWS region: `us-east-1`, `us-gov-west-1`, `eusc-de-east-1`. */
export const WELL_FORMED: RegExp = /^[a-z]{2,4}(?:-[a-z]+){1,3}-\d{1,2}$/;

// The SDK's partition data names the regions it lists (with a description),
// but does not export the list. Enumerate plausible names once, lazily, and
// keep those the data knows: only error paths pay for it.
const PREFIXES = ['us', 'eu', 'ap', 'ca', 'sa', 'me', 'af', 'il', 'mx', 'cn', 'us-gov', 'us-iso', 'us-isob', 'us-isof', 'eu-isoe', 'eusc-de', 'ap-iso'];
/** The direction words of region names. */
export const DIRECTIONS: readonly string[] = ['east', 'west', 'north', 'south', 'central', 'northeast', 'northwest', 'southeast', 'southwest'];

let knownRegionsCache: string[] | undefined;

/** Whether the SDK's partition data lists `region` (it describes only the regions it lists). */
export function isListed(region: string, partition: Partition): boolean {
  try {
    return (partition(region) as { description?: string }).description !== undefined;
  } catch {
    return false;
  }
}

/** The regions the SDK's partition data lists (enumerated once, on demand). */
export function knownRegions(partition: Partition): readonly string[] {
  if (!knownRegionsCache) {
    const found: string[] = [];
    for (const prefix of PREFIXES) {
      for (const direction of DIRECTIONS) {
        for (let n = 1; n <= 9; n++) {
          const candidate = `${prefix}-${direction}-${n}`;
          if (isListed(candidate, partition)) found.push(candidate);
        }
      }
    }
    knownRegionsCache = found;
  }
  return knownRegionsCache;
}

/** The closest listed region to a malformed one, when one is close enough. */
export function suggestRegion(input: string, partition: Partition): string | undefined {
  if (input.length === 0 || input.length > 64) return undefined;
  const cleaned = input
    .trim()
    .toLowerCase()
    .replace(/[\s_.]+/g, '-');
  // Common slips: a letter l / i / o typed for the digit at the end.
  const digitFixed = cleaned.replace(/-([lio])$/, (_, c: string) => (c === 'o' ? '-0' : '-1'));
  for (const candidate of [cleaned, digitFixed]) if (isListed(candidate, partition) && WELL_FORMED.test(candidate)) return candidate;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const region of knownRegions(partition)) {
    const distance = Math.min(editDistance(cleaned, region), editDistance(digitFixed, region));
    if (distance < bestDistance) {
      best = region;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}
