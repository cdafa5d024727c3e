// How AWS documents bundling a Node.js Lambda function with esbuild, as an ES
// module with the SDK bundled in (SAM's `BuildMethod: esbuild`, CDK's
// `NodejsFunction` with `format: OutputFormat.ESM`): everything in one file,
// platform node, `.mjs`, targeting the Lambda runtime's Node, dependencies'
// ES module builds first (`mainFields: ['module', 'main']`, as CDK's docs
// give for ESM), minified, with a source map. No `createRequire` banner: with
// the ES module builds first, nothing in the bundle needs a real `require`.
//
// One place for these options: `build.mjs` builds the example with them, and
// `pnpm bench` builds the bare-SDK twin of the handler with them too.

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
