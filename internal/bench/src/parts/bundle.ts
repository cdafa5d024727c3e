import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';
import { WEB_OVERHEAD_TARGET_BYTES } from '../../../../scripts/lib/weight.mjs';
import { type Figure, type PartResult, verdict } from '../lib/report.js';
import { SERVICES } from '../lib/services.js';
import { fmtBytes } from '../lib/stats.js';

const OPTIONS = "{ region: 'us-east-1', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } }";

interface Bundle {
  raw: number;
  gzip: number;
  metafile: Metafile;
}

/** Bundles `contents` as a module inside `resolveDir` (a service package's folder: it resolves the package itself and its SDK client). */
/** The two builds a web app ships: production (`process.env.NODE_ENV` = production: no message texts) and development. */
type Mode = 'production' | 'development';

/**
 * The core's entry installs its platform and plug-ins when it loads. Built,
 * it is one file and always evaluated; from sources (the per-file table
 * below) a bundler that honours `"sideEffects": false` would skip the entry
 * whose own exports nobody imports, and measure a core without plug-ins.
 */
const coreEntryRuns: Plugin = {
  name: 'core-entry-runs',
  setup(builder) {
    builder.onResolve({ filter: /^@dbp\/aws-core$/ }, async (args) => {
      if (args.pluginData === 'core-entry-runs') return undefined;
      const resolved = await builder.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'core-entry-runs',
      });
      return { path: resolved.path, sideEffects: true };
    });
  },
};

async function bundle(contents: string, resolveDir: string, conditions: string[] = [], mode: Mode = 'production'): Promise<Bundle> {
  const result = await build({
    conditions,
    plugins: [coreEntryRuns],
    stdin: { contents, resolveDir, loader: 'js', sourcefile: 'entry.js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    // esbuild defines production itself when it minifies for the browser: say which build explicitly.
    define: { 'process.env.NODE_ENV': JSON.stringify(mode) },
  });
  const code = result.outputFiles[0]!.contents;
  return { raw: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength, metafile: result.metafile };
}

/** Package of an input path (`node_modules/.pnpm/…/node_modules/@aws-sdk/x/…` → `@aws-sdk/x`; workspace paths by folder). */
function packageOf(input: string): string {
  const nm = input.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = input.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const ws = /packages\/(aws-[a-z0-9-]+)\//.exec(input);
  return ws ? `@dbp/${ws[1]}` : input;
}

function bytesByPackage(metafile: Metafile): Map<string, number> {
  const out = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = packageOf(input);
      out.set(pkg, (out.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  return out;
}

export async function benchBundles(): Promise<PartResult> {
  const figures: Figure[] = [];
  const rows: string[][] = [];
  const extras: string[][] = [];
  const notes: string[] = [];
  for (const service of SERVICES) {
    const ours = await bundle(`import { ${service.getter} } from '${service.package}';\nglobalThis.client = ${service.getter}(${OPTIONS});\n`, service.dir);
    const bare = await bundle(`import { ${service.client} } from '${service.sdk}';\nglobalThis.client = new ${service.client}(${OPTIONS});\n`, service.dir);
    const overhead = ours.gzip - bare.gzip;
    const development = await bundle(
      `import { ${service.getter} } from '${service.package}';\nglobalThis.client = ${service.getter}(${OPTIONS});\n`,
      service.dir,
      [],
      'development',
    );
    const bareDevelopment = await bundle(
      `import { ${service.client} } from '${service.sdk}';\nglobalThis.client = new ${service.client}(${OPTIONS});\n`,
      service.dir,
      [],
      'development',
    );
    figures.push({
      metric: `${service.package} browser bundle overhead (gzip), production build`,
      value: `${fmtBytes(overhead)} (${fmtBytes(ours.gzip)} vs ${fmtBytes(bare.gzip)}); development build ${fmtBytes(development.gzip - bareDevelopment.gzip)}`,
      target: `≤ ${WEB_OVERHEAD_TARGET_BYTES / 1024} KiB`,
      verdict: verdict(overhead <= WEB_OVERHEAD_TARGET_BYTES),
      budget: Math.max(overhead, 0) / WEB_OVERHEAD_TARGET_BYTES,
      chart: `gzip overhead, ${service.package}`,
    });
    rows.push([
      service.package,
      fmtBytes(bare.raw),
      fmtBytes(ours.raw),
      fmtBytes(ours.raw - bare.raw),
      fmtBytes(bare.gzip),
      fmtBytes(ours.gzip),
      fmtBytes(overhead),
    ]);
    const a = bytesByPackage(ours.metafile);
    const b = bytesByPackage(bare.metafile);
    const diff = [...a]
      .map(([pkg, bytes]) => [pkg, bytes - (b.get(pkg) ?? 0)] as const)
      .filter(([, d]) => d !== 0)
      .sort((x, y) => y[1] - x[1]);
    extras.push([service.package, diff.map(([pkg, d]) => `${pkg} ${d > 0 ? '+' : ''}${fmtBytes(d)}`).join(', ')]);
    const nodeOnly = Object.keys(ours.metafile.inputs).filter((input) => /credential-provider-(node|ini)|aws-core\/dist\/index\.node|^node:/.test(input));
    if (nodeOnly.length) notes.push(`${service.package}: the browser bundle contains Node-only inputs: ${nodeOnly.join(', ')}.`);
  }
  // Where the overhead comes from: the S3 bundle again, built from the
  // workspace sources (the @dbp/source condition) so each source file shows.
  const s3 = SERVICES.find((service) => service.id === 's3')!;
  const fromSource = await bundle(`import { ${s3.getter} } from '${s3.package}';\nglobalThis.client = ${s3.getter}(${OPTIONS});\n`, s3.dir, ['@dbp/source']);
  const bare = await bundle(`import { ${s3.client} } from '${s3.sdk}';\nglobalThis.client = new ${s3.client}(${OPTIONS});\n`, s3.dir);
  const bareInputs = new Set(Object.keys(bare.metafile.inputs));
  const sourceBytes: [string, number][] = [];
  for (const output of Object.values(fromSource.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (bareInputs.has(input) || bytesInOutput === 0 || input.startsWith('<stdin>')) continue;
      sourceBytes.push([input.replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+/, ''), bytesInOutput]);
    }
  }
  const sourceRows = sourceBytes.sort((x, y) => y[1] - x[1]).map(([file, bytes]) => [file, fmtBytes(bytes)]);
  if (!notes.length) notes.push('No browser bundle contains a Node-only input (credential-provider-node/ini, the Node build of the core, node: modules).');
  return {
    id: 3,
    title: 'Browser bundle overhead per service',
    method: [
      `esbuild (platform browser, format esm, minify, \`process.env.NODE_ENV\` = production) of \`import { getXClient } from '@dbp/aws-x'; globalThis.client = getXClient(${OPTIONS})\``,
      `against \`import { XClient } from '@aws-sdk/client-x'; globalThis.client = new XClient(…same…)\`, both resolved from the service package's folder; gzip level 9 of the output.`,
    ].join(' '),
    figures,
    tables: [
      { title: 'bundle sizes', header: ['package', 'SDK minified', '@dbp minified', 'difference', 'SDK gzip', '@dbp gzip', 'gzip overhead'], rows },
      { title: 'minified bytes by package, @dbp bundle minus SDK bundle', header: ['package', 'difference'], rows: extras },
      {
        title: `files in the ${s3.package} bundle that the bare SDK bundle lacks (built from the workspace sources, minified bytes; total gzip ${fmtBytes(fromSource.gzip - bare.gzip)} over the SDK)`,
        header: ['file', 'minified'],
        rows: sourceRows,
      },
    ],
    notes,
  };
}
