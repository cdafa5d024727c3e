// Where the API reference is published, for the code that links into it
// (production error messages: "<short message> (INVALID_REGION, <url>)").
// Not exported from the package: scripts/docs.mjs reads it to build the site
// for this address and checks that every error code's anchor exists there.
import type { AwsClientErrorCode } from './types.js';

/** The API reference (TypeDoc, `pnpm docs:api`): GitHub Pages of github.com/dbp/aws. */
export const DOCS_URL = 'https://dbp.github.io/aws/';

/** The reference's Errors page, relative to {@link DOCS_URL}: one section per {@link AwsClientErrorCode}. */
export const ERRORS_PAGE = 'documents/Errors.html';

/**
 * The link for one error code: its section on the Errors page (TypeDoc makes
 * the anchor from the heading `## INVALID_REGION`, lowercased).
 *
 * @example
 * ```ts
 * errorDocsUrl('INVALID_REGION') // 'https://dbp.github.io/aws/documents/Errors.html#invalid_region'
 * ```
 */
export function errorDocsUrl(code: AwsClientErrorCode | 'LOG'): string {
  return `${DOCS_URL}${ERRORS_PAGE}#${code.toLowerCase()}`;
}
