import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SERVICES as MANIFEST, writeServiceEntry } from '@dbp/aws-services';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Bundle, bundle, PACKAGE_DIR, type TargetName } from '../src/bundle.js';

// Strings that only this service's client code holds, beyond the class name and SDK package the manifest gives.
// (Not the bare service ids such as 'bedrock' or 'athena': the core's
// SERVICE_TIERS table names them in every bundle, as it should.)
const EXTRA_MARKERS: Readonly<Record<string, readonly string[]>> = {
  dynamodb: ['DynamoDB_20120810'],
  'bedrock-runtime': ['Bedrock Runtime'],
  athena: ['AmazonAthena'],
};
// Every service package of internal/services/services.json, by id.
const SERVICES: Readonly<Record<string, { pkg: string; markers: readonly [string, string, ...string[]] }>> = Object.fromEntries(
  MANIFEST.map((service) => [service.id, { pkg: service.package, markers: [service.client, service.sdk, ...(EXTRA_MARKERS[service.id] ?? [])] }]),
);
const byId = (id: string) => SERVICES[id]!;

const PACKAGES = ['@dbp/aws-core', ...Object.values(SERVICES).map((service) => service.pkg)];
const WEB_TARGETS = ['browser', 'worker', 'workerd', 'edge-light'] as const satisfies readonly TargetName[];
const EDGE_TARGETS: readonly TargetName[] = ['worker', 'workerd', 'edge-light'];

const CORE_WEB = 'packages/aws-core/dist/index.web.js';
const CORE_NODE = 'packages/aws-core/dist/index.node.js';
// The Node credential chain and what only it pulls in (shared ini files, IMDS).
const NODE_CHAIN_INPUT =
  /@aws-sdk\/credential-provider-(?:node|ini|process|sso|web-identity)\/|@smithy\/shared-ini-file-loader\/|@smithy\/credential-provider-imds\//;
const NODE_CHAIN_CODE = /\b(?:fromNodeProviderChain|fromIni|fromInstanceMetadata|fromContainerMetadata|loadSharedConfigFiles)\b/;
const NODE_BUILTINS =
  'assert|async_hooks|buffer|child_process|crypto|dns|events|fs|fs/promises|http|http2|https|net|os|path|process|stream|tls|url|util|worker_threads|zlib';
// A `node:` specifier anywhere, or a bare builtin in an import/require.
const NODE_SPECIFIER = new RegExp(`["'\`]node:[\\w/.-]+["'\`]|(?:\\bfrom\\s*|\\bimport\\s*\\(\\s*|\\brequire\\s*\\(\\s*)["'](?:${NODE_BUILTINS})["']`);

const rel = (path: string): string => path.replace(/^(\.\.\/)+/, '');
const entryOf = (pkg: string): string => `export * from '${pkg}';`;

// Each package's main entry (everything it exports) per target, bundled once.
const bundles = new Map<string, Bundle>();
const mainEntry = (pkg: string, target: TargetName): Bundle => {
  const built = bundles.get(`${pkg} ${target}`);
  if (!built) throw new Error(`${pkg} was not bundled for ${target}`);
  return built;
};

// For Node only which files the packages pick matters, so the SDK stays external there (and fast).
const SDK_EXTERNAL = ['@aws-sdk/*', '@aws-crypto/*', '@smithy/*'];

beforeAll(async () => {
  // In parallel: esbuild spreads the work over the cores itself.
  const targets: TargetName[] = [...WEB_TARGETS, 'node'];
  // A service package's entry module sits in its own folder, where it resolves the package and its SDK client.
  const entries = new Map(
    MANIFEST.map((service) => [
      service.package,
      { file: writeServiceEntry(service, 'export-conditions.mjs', `${entryOf(service.package)}\n`, 'internal/runtime-tests') },
    ]),
  );
  await Promise.all(
    PACKAGES.flatMap((pkg) =>
      targets.map(async (target) => {
        const extra = target === 'node' ? { external: SDK_EXTERNAL } : {};
        bundles.set(`${pkg} ${target}`, await bundle(target, { ...(entries.get(pkg) ?? { contents: entryOf(pkg) }), extra }));
      }),
    ),
  );
}, 120_000);

describe('export conditions', () => {
  describe.each(WEB_TARGETS)("the '%s' condition", (target) => {
    it.each(PACKAGES)('resolves %s to the web build with no node: import and no Node credential chain', (pkg) => {
      const built = mainEntry(pkg, target);
      const inputs = built.inputs.map(rel);
      expect(inputs).toContain(CORE_WEB);
      expect(inputs).not.toContain(CORE_NODE);
      expect(inputs.filter((input) => NODE_CHAIN_INPUT.test(input))).toEqual([]);
      expect(built.externalImports).toEqual([]);
      expect(built.code).not.toMatch(NODE_SPECIFIER);
      expect(built.code).not.toMatch(NODE_CHAIN_CODE);
    });
  });

  it.each(PACKAGES)('resolves %s to the Node build (and its credential chain) for Node', (pkg) => {
    const built = mainEntry(pkg, 'node');
    const inputs = built.inputs.map(rel);
    expect(inputs).toContain(CORE_NODE);
    expect(inputs).not.toContain(CORE_WEB);
    expect(built.externalImports).toContain('@aws-sdk/credential-provider-node');
  });

  it('the checks above can fail: the Node build has node: imports and the chain', () => {
    const built = mainEntry('@dbp/aws-core', 'node');
    expect(built.code).toMatch(NODE_SPECIFIER);
    expect(built.code).toMatch(NODE_CHAIN_CODE);
  });

  it("resolves @dbp/aws-core to the Node build under Node's own resolver (require and import)", async () => {
    // A clean child Node: vitest runs this file with `--conditions @dbp/source`. import.meta.resolve
    // with a parent URL is behind a flag on Node 20.
    const script = [
      "import { createRequire } from 'node:module';",
      "import { pathToFileURL } from 'node:url';",
      `const from = ${JSON.stringify(join(PACKAGE_DIR, 'package.json'))};`,
      "console.log(createRequire(from).resolve('@dbp/aws-core'));",
      "console.log(new URL(import.meta.resolve('@dbp/aws-core', pathToFileURL(from).href)).pathname);",
    ].join('\n');
    const env = { ...process.env, NODE_OPTIONS: '' };
    const { stdout } = await promisify(execFile)(process.execPath, ['--experimental-import-meta-resolve', '--input-type=module', '-e', script], {
      cwd: PACKAGE_DIR,
      env,
    });
    const [required, imported] = stdout.trim().split('\n');
    expect(required).toMatch(/\/packages\/aws-core\/dist\/index\.node\.cjs$/);
    // Node 20.19+ and 22.12+ set `module-sync`: Node's own ES module build, which loads no module of the core but itself.
    expect(imported).toMatch(/\/packages\/aws-core\/dist\/index\.node\.sync\.js$/);
  });

  it.each(WEB_TARGETS)("matches '%s' itself, ahead of 'node', not only the default fallback", async (target) => {
    // Both conditions on, SDK left external: the map's web key must win over its `node` key.
    const built = await bundle('node', {
      contents: entryOf('@dbp/aws-s3'),
      extra: { platform: 'neutral', conditions: [target, 'node'], external: SDK_EXTERNAL },
    });
    const inputs = built.inputs.map(rel);
    expect(inputs).toContain(CORE_WEB);
    expect(inputs).not.toContain(CORE_NODE);
    expect(inputs).toContain(target === 'browser' ? 'packages/aws-s3/dist/index.js' : 'packages/aws-s3/dist/index.edge.js');
  });

  it.each(EDGE_TARGETS)("gives '%s' the S3 edge entry, which brings its own DOMParser", (target) => {
    const built = mainEntry('@dbp/aws-s3', target);
    expect(built.inputs.map(rel)).toContain('packages/aws-s3/dist/index.edge.js');
    expect(built.code).toContain('MinimalDOMParser');
  });

  it.each(['browser', ...EDGE_TARGETS] as TargetName[])(
    "keeps `import '@dbp/aws-s3/register'` in a '%s' bundle, with the matching definition",
    async (target) => {
      const built = await bundle(target, { contents: "import '@dbp/aws-s3/register';" });
      const edge = target !== 'browser';
      expect(built.inputs.map(rel)).toContain(edge ? 'packages/aws-s3/dist/register.edge.js' : 'packages/aws-s3/dist/register.js');
      // A side-effect import survives tree-shaking ("sideEffects" lists it) and registers the definition.
      expect(built.code).toMatch(/registerService\(s3\)/);
      expect(built.code.includes('MinimalDOMParser')).toBe(edge);
    },
  );

  it('keeps the browser S3 bundle on the plain entry, without the DOMParser shim', () => {
    const built = mainEntry('@dbp/aws-s3', 'browser');
    const inputs = built.inputs.map(rel);
    expect(inputs).toContain('packages/aws-s3/dist/index.js');
    expect(inputs).not.toContain('packages/aws-s3/dist/index.edge.js');
    expect(built.code).not.toContain('MinimalDOMParser');
  });
});

describe('one service per bundle', () => {
  const others = (own: string): string[] => Object.keys(SERVICES).filter((key) => key !== own);
  const clientPackage = (key: string): string => byId(key).markers[1];

  it("bundles `import { getS3Client } from '@dbp/aws-s3'` for the browser with no code of the other service packages' clients", async () => {
    const built = await bundle('browser', { contents: "import { getS3Client } from '@dbp/aws-s3';\nglobalThis.client = getS3Client;" });
    for (const key of others('s3')) {
      expect(built.inputs.filter((input) => input.includes(`${clientPackage(key)}/`))).toEqual([]);
      for (const marker of byId(key).markers) expect(built.code, `${marker} (${key})`).not.toContain(marker);
    }
    for (const marker of byId('s3').markers) expect(built.code).toContain(marker);
  });

  it.each(Object.keys(SERVICES))("finds the %s markers in its own browser bundle, and no other service's", (key) => {
    // The positive control: each marker is really in its client's code, so its absence above means something.
    const built = mainEntry(byId(key).pkg, 'browser');
    for (const marker of byId(key).markers) expect(built.code, marker).toContain(marker);
    for (const other of others(key)) {
      expect(built.inputs.filter((input) => input.includes(`${clientPackage(other)}/`))).toEqual([]);
      expect(built.code).not.toContain(byId(other).markers[0]);
    }
  });
});
