import type { BuildOptions } from 'esbuild';

/** esbuild options for one Lambda handler, as AWS documents them (see esbuild.config.mjs). */
export declare function lambdaBuildOptions(options: { entryPoints: string[]; outfile: string; minify?: boolean }): BuildOptions;

/** The two handlers the Lambda figures compare: this example (`example`) and the same function with bare SDK clients (`bare`), as absolute paths. */
export declare const HANDLERS: { readonly example: string; readonly bare: string };
