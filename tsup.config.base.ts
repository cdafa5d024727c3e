import { existsSync, readFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
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
 *
 * A service package's `src/registry.ts` (its `ServiceRegistry` augmentation,
 * declared once) is a declaration-only entry: `dist/registry.d.ts` and
 * `.d.cts`, which the `register` declarations import, so the `register`
 * entry types `getClient('<id>')` on its own, and only it (the main entry
 * does not register the id, so it does not type it either). As an entry it is
 * its own file, never folded into whichever chunk the bundler picks.
 */
export function defineBuild(entry: Record<string, string>, extra: Partial<Options> = {}): Options {
  const { name } = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string };
  const dtsOptions = typeof extra.dts === 'object' ? extra.dts : {};
  const dtsEntry = { ...((dtsOptions.entry as Record<string, string> | undefined) ?? entry) };
  if (existsSync('src/registry.ts')) dtsEntry.registry = 'src/registry.ts';
  const onSuccess = extra.onSuccess;
  if (typeof onSuccess === 'string') throw new Error('defineBuild: give onSuccess as a function (it runs before the LICENSE copy)');
  return {
    entry,
    format: ['esm', 'cjs'],
    clean: true,
    sourcemap: false,
    treeshake: false,
    splitting: false,
    target: 'es2022',
    outDir: 'dist',
    outExtension: ({ format }) => ({ js: format === 'cjs' ? '.cjs' : '.js' }),
    ...extra,
    // The package's own step, then the repository's LICENSE into the package's folder (npm packs
    // it from there only; the copy is ignored by git, and scripts/check-packages.mjs checks every
    // tarball has it).
    onSuccess: async () => {
      await onSuccess?.();
      await copyFile('../../LICENSE', 'LICENSE');
    },
    dts: extra.dts === false ? false : { ...dtsOptions, entry: dtsEntry },
    external: [name, ...(extra.external ?? [])],
  };
}
