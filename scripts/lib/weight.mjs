// The weight targets of the core (issue 14; DESIGN.md "Web build") and the
// two Lambda handlers the Lambda figures compare. One place for `pnpm bench`
// (internal/bench parts 3 and 7), which reports against the targets, and the
// CI size budgets (scripts/size.mjs), which hold today's figures and print
// the targets beside them.
import { fileURLToPath } from 'node:url';

/** Browser bundle: at most this much gzip over the bare SDK client, per service, in a production build. */
export const WEB_OVERHEAD_TARGET_BYTES = 4 * 1024;

/** Lambda bundle: at most this much minified over the same handler with bare SDK clients. */
export const LAMBDA_OVERHEAD_TARGET_BYTES = 30 * 1024;

/**
 * The two handlers the Lambda figures compare, as absolute paths: the
 * example function (examples/lambda) and the same function with bare SDK
 * clients made at module scope, as AWS recommends.
 */
export const LAMBDA_HANDLERS = {
  example: fileURLToPath(new URL('../../examples/lambda/src/handler.ts', import.meta.url)),
  bare: fileURLToPath(new URL('../../internal/bench/src/lambda/bareHandler.ts', import.meta.url)),
};
