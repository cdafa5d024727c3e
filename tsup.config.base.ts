import type { Options } from 'tsup';

/**
 * The one build shape every package shares: ESM + CJS with declaration files,
 * no bundling of dependencies, tree-shakeable output. A package's own
 * `tsup.config.ts` only lists its entries (and what stays external).
 */
export function defineBuild(entry: Record<string, string>, extra: Partial<Options> = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: false,
    treeshake: false,
    splitting: false,
    target: 'es2022',
    outDir: 'dist',
    outExtension: ({ format }) => ({ js: format === 'cjs' ? '.cjs' : '.js' }),
    ...extra,
  };
}
