import type { BuildOptions } from 'esbuild';

/** esbuild options for one Lambda handler, as AWS documents them (see esbuild.config.mjs). */
export declare function lambdaBuildOptions(options: { entryPoints: string[]; outfile: string; minify?: boolean }): BuildOptions;
