/**
 * Single-file bundles for Node, made the ways AWS Lambda functions are
 * bundled: esbuild (AWS's documented bundler for Node functions: SAM's
 * `BuildMethod: esbuild`, CDK's `NodejsFunction`) and webpack
 * (serverless-webpack, Next.js server builds). Everything is bundled; only
 * Node's built-in modules stay imports, since a Lambda zip has no
 * node_modules.
 */
import { builtinModules } from 'node:module';
import { build } from 'esbuild';
import webpack from 'webpack';

/** How a bundle is made. */
export type NodeBundler = 'esbuild-esm' | 'esbuild-esm-banner' | 'esbuild-cjs' | 'webpack-esm' | 'webpack-cjs';

/**
 * Each bundler configuration:
 * - `esbuild-esm`: ESM as CDK's NodejsFunction documents it for `OutputFormat.ESM` (`mainFields: ['module', 'main']`);
 * - `esbuild-esm-banner`: ESM with esbuild's own Node default (`main` before `module`) and the `createRequire` banner that configuration
 *   needs (SAM and tsup users add it): the SDK's CommonJS builds `require()` Node built-ins, which esbuild's ESM output cannot do by
 *   itself ("Dynamic require of "node:https" is not supported", evanw/esbuild#1921, the bare SDK alike). The banner gives built-ins a
 *   `require`; a package loaded through it would still find no node_modules;
 * - `esbuild-cjs`: CommonJS, esbuild's and CDK's default;
 * - `webpack-esm` / `webpack-cjs`: webpack 5, `target: 'node'`, one file per entry (`import()` kept in the same chunk, as a zip of one file needs).
 */
export const NODE_BUNDLERS: readonly NodeBundler[] = ['esbuild-esm', 'esbuild-esm-banner', 'esbuild-cjs', 'webpack-esm', 'webpack-cjs'];

/** The file extension Node needs to load a bundle as what it is, whatever package.json (none) is around it. */
export function bundleExtension(bundler: NodeBundler): '.mjs' | '.cjs' {
  return bundler.endsWith('cjs') ? '.cjs' : '.mjs';
}

/** The banner AWS SAM and tsup users add to ESM bundles of CommonJS code. */
const ESM_REQUIRE_BANNER = "import { createRequire as __dbpCreateRequire } from 'node:module'; const require = __dbpCreateRequire(import.meta.url);";

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Whether `specifier` names a Node built-in module (`fs`, `node:fs`, `fs/promises`). */
export function isBuiltin(specifier: string): boolean {
  return BUILTINS.has(specifier) || specifier.startsWith('node:');
}

/** One bundled file. */
export interface NodeBundleResult {
  /** The bundled JavaScript. */
  readonly code: string;
  /** Imports and requires left in it (all must be Node built-ins). */
  readonly externals: string[];
  /** What the bundler warned about. */
  readonly warnings: string[];
}

/** Bundles entry files with esbuild, one output each. `entries` maps a name to an absolute file. */
async function esbuildBundles(bundler: NodeBundler, entries: Record<string, string>, minify: boolean): Promise<Record<string, NodeBundleResult>> {
  const out: Record<string, NodeBundleResult> = {};
  await Promise.all(
    Object.entries(entries).map(async ([name, file]) => {
      const result = await build({
        entryPoints: [file],
        bundle: true,
        platform: 'node',
        format: bundler === 'esbuild-cjs' ? 'cjs' : 'esm',
        ...(bundler === 'esbuild-esm' ? { mainFields: ['module', 'main'] } : {}),
        ...(bundler === 'esbuild-esm-banner' ? { banner: { js: ESM_REQUIRE_BANNER } } : {}),
        target: 'node20',
        minify,
        write: false,
        metafile: true,
        outfile: `${name}${bundleExtension(bundler)}`,
        logLevel: 'silent',
      });
      const outputs = Object.values(result.metafile.outputs);
      out[name] = {
        code: result.outputFiles[0]!.text,
        externals: [...new Set(outputs.flatMap((output) => output.imports.filter((entry) => entry.external).map((entry) => entry.path)))],
        warnings: result.warnings.map((warning) => `${warning.location?.file ?? ''}: ${warning.text}`),
      };
    }),
  );
  return out;
}

/** Bundles entry files with webpack in one compilation, one output file each. */
function webpackBundles(bundler: NodeBundler, entries: Record<string, string>, context: string): Promise<Record<string, NodeBundleResult>> {
  const esm = bundler === 'webpack-esm';
  const compiler = webpack({
    mode: 'production',
    context,
    target: 'node20',
    entry: entries,
    devtool: false,
    output: {
      // In memory only: nothing is written (the output file system is replaced below).
      path: '/webpack-out',
      filename: `[name]${bundleExtension(bundler)}`,
      ...(esm ? { module: true, chunkFormat: 'module', library: { type: 'module' } } : { library: { type: 'commonjs2' } }),
    },
    ...(esm ? { experiments: { outputModule: true } } : {}),
    // Minifying (terser) is slow and changes nothing about what gets loaded.
    optimization: { minimize: false, splitChunks: false },
    module: { parser: { javascript: { dynamicImportMode: 'eager' } } },
    // Node's built-ins stay imports (target node does that); every package is bundled.
    externalsPresets: { node: true },
    stats: 'errors-warnings',
    infrastructureLogging: { level: 'error' },
  });
  const files = new Map<string, string>();
  compiler.outputFileSystem = {
    mkdir: (_path: string, ...rest: unknown[]) => (rest.at(-1) as (error?: Error | null) => void)(null),
    writeFile: (path: string, data: string | Buffer, ...rest: unknown[]) => {
      files.set(path, data.toString());
      (rest.at(-1) as (error?: Error | null) => void)(null);
    },
    stat: (_path: string, callback: (error: Error) => void) => callback(Object.assign(new Error('ENOENT'), { code: 'ENOENT' })),
  } as never;
  return new Promise((resolve, reject) => {
    compiler.run((error, stats) => {
      compiler.close(() => {});
      if (error) return reject(error);
      if (!stats) return reject(new Error('webpack produced no stats'));
      const info = stats.toJson({ all: false, errors: true, warnings: true, assets: true, modules: true, nestedModules: true });
      if (stats.hasErrors()) return reject(new Error(`webpack: ${(info.errors ?? []).map((entry) => entry.message).join('\n')}`));
      const warnings = (info.warnings ?? []).map((entry) => `${entry.moduleName ?? ''}: ${entry.message.split('\n')[0]}`);
      const externals = (info.modules ?? [])
        .filter((module) => module.name?.startsWith('external '))
        .map((module) => JSON.parse(module.name!.slice('external '.length).replace(/^"node-commonjs" /, '')) as string);
      const out: Record<string, NodeBundleResult> = {};
      for (const name of Object.keys(entries)) {
        const code = files.get(`/webpack-out/${name}${bundleExtension(bundler)}`);
        if (code === undefined) return reject(new Error(`webpack wrote no ${name}${bundleExtension(bundler)} (files: ${[...files.keys()].join(', ')})`));
        out[name] = { code, externals, warnings };
      }
      if (files.size !== Object.keys(entries).length)
        return reject(new Error(`webpack split the bundles into more files than entries: ${[...files.keys()].join(', ')}`));
      resolve(out);
    });
  });
}

/**
 * Bundles each entry (name → absolute file, resolved from `context`) into one
 * self-contained file with `bundler`.
 */
export function bundleForNode(
  bundler: NodeBundler,
  entries: Record<string, string>,
  options: { context: string; minify?: boolean },
): Promise<Record<string, NodeBundleResult>> {
  return bundler.startsWith('webpack') ? webpackBundles(bundler, entries, options.context) : esbuildBundles(bundler, entries, options.minify ?? false);
}
