// The weight targets of the core (issue 14; DESIGN.md "Web build") and the
// two Lambda handlers the Lambda figures compare. One place for `pnpm bench`
// (internal/bench parts 3 and 7), which reports against the targets, and the
// CI size budgets (scripts/size.mjs), which hold today's figures and print
// the targets beside them.
/** Browser bundle: at most this much gzip over the bare SDK client, per service, in a production build. */
export const WEB_OVERHEAD_TARGET_BYTES = 4 * 1024;

/** Lambda bundle: at most this much minified over the same handler with bare SDK clients. */
export const LAMBDA_OVERHEAD_TARGET_BYTES = 30 * 1024;

/**
 * The two handlers the Lambda figures compare, relative to the repository's
 * root: the example function (examples/lambda) and the same function with
 * bare SDK clients made at module scope, as AWS recommends. Relative, not
 * resolved here: the bench bundles this file into internal/bench/dist, where
 * its own URL is not this file's.
 */
export const LAMBDA_HANDLERS = {
  example: 'examples/lambda/src/handler.ts',
  bare: 'internal/bench/src/lambda/bareHandler.ts',
};
