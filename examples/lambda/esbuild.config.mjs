// How AWS documents bundling a Node.js Lambda function with esbuild, as an ES
// module with the SDK bundled in (SAM's `BuildMethod: esbuild`, CDK's
// `NodejsFunction` with `format: OutputFormat.ESM`): everything in one file,
// platform node, `.mjs`, targeting the Lambda runtime's Node, dependencies'
// ES module builds first (`mainFields: ['module', 'main']`, as CDK's docs
// give for ESM), minified, with a source map. No `createRequire` banner: with
// the ES module builds first, nothing in the bundle needs a real `require`.
//
// One place for these options: `build.mjs` builds the example with them, and
// `pnpm bench` and `scripts/size.mjs` build the bare-SDK twin of the handler
// (HANDLERS) with them too.
import { fileURLToPath } from 'node:url';

/**
 * The two handlers the Lambda figures compare (bench part 7, the size
 * budget): this example, and the same function with bare SDK clients.
 */
export const HANDLERS = {
  example: fileURLToPath(new URL('./src/handler.ts', import.meta.url)),
  bare: fileURLToPath(new URL('../../internal/bench/src/lambda/bareHandler.ts', import.meta.url)),
};

/**
 * esbuild options for one Lambda handler.
 * @param {{ entryPoints: string[], outfile: string, minify?: boolean }} options
 * @returns {import('esbuild').BuildOptions}
 */
export function lambdaBuildOptions({ entryPoints, outfile, minify = true }) {
  return {
    entryPoints,
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    // nodejs22.x is the older of Lambda's two current Node runtimes (nodejs22.x, nodejs24.x).
    target: 'node22',
    mainFields: ['module', 'main'],
    minify,
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  };
}
