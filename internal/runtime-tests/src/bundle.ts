import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';

/** This package's folder: bundles resolve `@dbp/aws-*` from here, as a consumer's app would. */
export const PACKAGE_DIR: string = fileURLToPath(new URL('..', import.meta.url));

/**
 * Where tests write what they make (gitignored): a folder per Node major, as
 * `pnpm test` runs this suite on the host and on Node 24 at the same time.
 */
export const TMP_DIR: string = fileURLToPath(new URL(`../.tmp/node${process.versions.node.split('.')[0]}/`, import.meta.url));

/** The targets {@link bundle} knows. */
export type TargetName = 'node' | 'browser' | 'worker' | 'workerd' | 'edge-light' | 'cloudflare' | 'vercelEdge';

/** An esbuild platform and the export conditions added to its own. */
export interface BundleTarget {
  /** esbuild's platform: `browser` also turns on the `browser` condition and `browser` field maps. */
  readonly platform: 'node' | 'browser' | 'neutral';
  /** Extra export conditions. */
  readonly conditions: readonly string[];
}

/**
 * How the tools of each target bundle a dependency: platform and export
 * conditions. esbuild applies packages' `browser` field maps (the SDK's
 * `runtimeConfig.browser`, `xml-parser.browser`) only on the browser platform,
 * and adds the `browser` condition there itself, as webpack, Vite and wrangler do.
 */
export const TARGETS: Readonly<Record<TargetName, BundleTarget>> = {
  /** Node: `node`, `import`, `default`. */
  node: { platform: 'node', conditions: [] },
  /** A browser app (Vite, webpack web). */
  browser: { platform: 'browser', conditions: [] },
  /** The `worker` condition alone (webpack `webworker`, Workers tooling). */
  worker: { platform: 'browser', conditions: ['worker'] },
  /** The `workerd` condition alone. */
  workerd: { platform: 'browser', conditions: ['workerd'] },
  /** The `edge-light` condition alone. */
  'edge-light': { platform: 'browser', conditions: ['edge-light'] },
  /** What wrangler uses for Cloudflare Workers: `workerd`, `worker`, `browser`. */
  cloudflare: { platform: 'browser', conditions: ['workerd', 'worker', 'browser'] },
  /** What Next.js uses for the Vercel edge runtime: `edge-light`, `worker`, `browser`. */
  vercelEdge: { platform: 'browser', conditions: ['edge-light', 'worker', 'browser'] },
};

/** One bundle: its code and esbuild's metafile. */
export interface Bundle {
  /** The bundled JavaScript. */
  readonly code: string;
  /** Inputs and outputs, for asserting which files went in. */
  readonly metafile: Metafile;
  /** The input paths, `/`-separated, relative to this package. */
  readonly inputs: string[];
  /** Imports the bundle left external (a fully bundled web build has none). */
  readonly externalImports: string[];
}

/** Options for {@link bundle}. */
export interface BundleOptions {
  /** Code of the entry module (resolved from this package), or `file` to bundle a file. */
  readonly contents?: string;
  /** An entry file, absolute. */
  readonly file?: string;
  /** Output format. @default 'esm' */
  readonly format?: 'esm' | 'iife';
  /** Minify as a production build would. @default false */
  readonly minify?: boolean;
  /** Extra esbuild options. */
  readonly extra?: BuildOptions;
}

/**
 * Bundles an entry the way a consumer's build for `target` would, from the
 * packages' built `dist/` (the `@dbp/source` condition is not used).
 */
export async function bundle(target: TargetName, options: BundleOptions): Promise<Bundle> {
  const { platform, conditions } = TARGETS[target];
  const result = await build({
    ...(options.file !== undefined
      ? { entryPoints: [options.file] }
      : { stdin: { contents: options.contents ?? '', resolveDir: PACKAGE_DIR, sourcefile: 'entry.js', loader: 'js' } }),
    absWorkingDir: PACKAGE_DIR,
    bundle: true,
    write: false,
    metafile: true,
    platform,
    conditions: [...conditions],
    format: options.format ?? 'esm',
    target: 'es2022',
    minify: options.minify ?? false,
    legalComments: 'none',
    logLevel: 'silent',
    ...options.extra,
  });
  const output = result.outputFiles?.[0];
  const metafile = result.metafile;
  if (!output || !metafile) throw new Error('esbuild produced no output');
  const outputs = Object.values(metafile.outputs);
  return {
    code: output.text,
    metafile,
    inputs: Object.keys(metafile.inputs).map((path) => path.replaceAll('\\', '/')),
    externalImports: outputs.flatMap((entry) => entry.imports.filter((item) => item.external).map((item) => item.path)),
  };
}
