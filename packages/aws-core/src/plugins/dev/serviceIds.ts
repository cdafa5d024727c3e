/**
 * Which known service id a string was probably meant as: the rule behind the
 * "unknown service" message's "did you mean" and the refusal of a misspelt
 * `serviceTiers` key (a development aid, as DESIGN.md's option suggestions
 * and deep validation are: a production web build accepts the key, as it
 * did). A rule, not a plain edit distance: most AWS service ids of three
 * letters are one letter apart (`sqs`, `sts`, `sns`, `ses`, `ssm`; `ecs`,
 * `eks`, `ecr`), so a three-letter id is never taken for another.
 *
 * @module
 */
import { fail } from '../../kernel/errors.js';
import { idMeantBy, isServiceId, registeredServiceIds } from '../../kernel/serviceDefinition.js';
import { SERVICE_PACKAGES } from '../../kernel/servicePackages.js';
import { familyOf, SERVICE_TIERS } from '../../kernel/serviceTiers.js';
import { editDistance } from '../../kernel/text.js';

/**
 * The service ids the `@dbp/aws-*` packages serve (from the service
 * manifest). A function, not a constant: a top-level call would stay in a
 * production bundle that drops the development aids.
 */
export function packagedServiceIds(): string[] {
  return Object.keys(SERVICE_PACKAGES);
}

/** An id in lower-case letters and digits only: `DynamoDB`, `dynamo_db` and `dynamodb` read alike. */
const squash = (id: string): string => id.toLowerCase().replace(/[^a-z\d]/g, '');

/**
 * The id of `ids` that `id` was probably meant as, if any: the same id but
 * for case and punctuation (`DynamoDB`), else one it is the start of, from 3
 * characters on (`dynamo` → `dynamodb`, `bedrock` → `bedrock-runtime`), else
 * one a single edit away (two from 8 characters on), except for an id of 3
 * or 4 characters (`s4` → `s3`, `athenna` → `athena`; never `sqs` → `sts`).
 */
export function nearestServiceId(id: string, ids: readonly string[]): string | undefined {
  const given = squash(id);
  const size = given.length;
  let best: string | undefined;
  // Rank: 0 the same, 1 its start, else 1 + the edit distance; kept within 2 (3 from 8 characters on).
  let bestRank = size > 7 ? 4 : 3;
  for (const candidate of size > 64 ? [] : ids) {
    const known = squash(candidate);
    const rank = known === given ? 0 : size > 2 && known.startsWith(given) ? 1 : size > 2 && size < 5 ? 9 : 1 + editDistance(given, known);
    if (rank < bestRank) [best, bestRank] = [candidate, rank];
  }
  return best;
}

/**
 * Refuses a `serviceTiers` key that is a typo (`INVALID_FACTORY_OPTIONS`,
 * naming the id): one that is none of the ids the factory knows (registered,
 * served by a package, listed in `SERVICE_TIERS`) nor the family of one
 * (`bedrock`, `redshift`), yet close to one of them; or one no service id can
 * be, as ids are lower case (`SQS` or `SQSClient`, meant as `sqs`, the id
 * `getClient(SQSClient)` gets). A well-spelt key far from all of them (`sqs`,
 * a service reached by its client class) is no typo.
 */
export function checkServiceTierKey(key: string, where: string): void {
  const ids = [...registeredServiceIds(), ...packagedServiceIds(), ...Object.keys(SERVICE_TIERS)];
  if (ids.some((id) => id === key || familyOf(id) === key)) return;
  const near = nearestServiceId(key, ids) ?? (isServiceId(key) ? undefined : idMeantBy(key));
  if (near !== undefined) throw fail('INVALID_FACTORY_OPTIONS.serviceId', { where, key, near });
}
