import { readFileSync } from 'node:fs';
import type { Options } from 'tsup';

/**
 * The one build shape every package shares: ESM + CJS with declaration files,
 * no bundling of dependencies, tree-shakeable output. A package's own
 * `tsup.config.ts` only lists its entries (and what stays external).
 *
 * The package's own name stays external too: a second entry (a `register`
 * side-effect entry) imports the first by the package's name, so both share
 * one module and one service definition object instead of each bundling a
 * copy (the factory keys clients by definition identity).
 */
export function defineBuild(entry: Record<string, string>, extra: Partial<Options> = {}): Options {
  const { name } = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string };
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
    external: [name, ...(extra.external ?? [])],
  };
}
