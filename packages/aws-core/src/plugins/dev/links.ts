/**
 * What the message catalog (`messages.ts`) uses of the kernel and of the
 * other development aids, handed to it by `linkCatalog` rather than
 * imported. The catalog then imports types only, so its own built file,
 * which the Node build loads at the first message (`#devCatalog`, see
 * `index.node.ts`), holds no module of the rest of the core, and every build
 * renders with the one copy of these helpers the core itself uses.
 *
 * @module
 */
import { CREDENTIAL_FIELDS } from '../../kernel/keySpec.js';
import { MAX_TIMER_MS } from '../../kernel/limits.js';
import { SERVICE_PACKAGES } from '../../kernel/servicePackages.js';
import { clip, closest, escapeControl, looksLikeCredential, notShown } from '../../kernel/text.js';
import { TIER_FIELDS } from '../../kernel/tiers.js';
import { nearestServiceId, packagedServiceIds } from './serviceIds.js';

/** The helpers and data the catalog renders with. */
export interface CatalogLinks {
  /** A timer's longest wait (the upper bound of every `…Ms` option). */
  readonly maxTimerMs: number;
  /** A user-given string shortened for a message. */
  readonly clip: typeof clip;
  /** The candidate nearest to a misspelt input, within a number of edits. */
  readonly closest: typeof closest;
  /** Whether a user-given string looks like a credential (an access key id, a secret key, a token): never shown. */
  readonly looksLikeCredential: typeof looksLikeCredential;
  /** What is said in place of such a string. */
  readonly notShown: typeof notShown;
  /** A user-given text with its control characters escaped. */
  readonly escapeControl: typeof escapeControl;
  /** The service id a misspelt one was probably meant as. */
  readonly nearestServiceId: typeof nearestServiceId;
  /** The service ids the `@dbp/aws-*` packages serve. */
  readonly packagedServiceIds: typeof packagedServiceIds;
  /** Service id → the `@dbp/aws-*` package that serves it. */
  readonly servicePackages: Readonly<Record<string, string>>;
  /** The fields of explicit credentials, in order, and whether each is required. */
  readonly credentialFields: readonly { readonly name: string; readonly required: boolean }[];
  /** The fields of a tier. */
  readonly tierFields: readonly string[];
}

/** The links every build hands the catalog. */
export const CATALOG_LINKS: CatalogLinks = {
  maxTimerMs: MAX_TIMER_MS,
  clip,
  closest,
  looksLikeCredential,
  notShown,
  escapeControl,
  nearestServiceId,
  packagedServiceIds,
  servicePackages: SERVICE_PACKAGES,
  // A reference, not a computed list: this object must stay free of calls, so a production web build drops it with the catalog.
  credentialFields: CREDENTIAL_FIELDS,
  tierFields: TIER_FIELDS,
};
