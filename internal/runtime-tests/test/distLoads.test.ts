/**
 * No built file of any package loads code in a way a bundler cannot follow
 * (see src/distLoads.ts for what counts). The bundler tests prove the
 * service packages end to end; this scan covers every file of every
 * package, including code paths no request reaches.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DistLoad, distFiles, NODE_FIRST_KEYS, NODE_ONLY_CONDITION, nodeOnlyFiles, scanSource } from '../src/distLoads.js';
import { ROOT_DIR } from '../src/servicePackages.js';

/**
 * The one package allowed to find files by its own location: the testkit
 * starts s3rver and dynalite as child Node processes from their installed
 * files (`createRequire(import.meta.url).resolve(…)` in `resolveModule`, and
 * tsup's `import.meta.url` stand-in in its CommonJS build). It is a Node test
 * tool that spawns programs; it is never bundled into an application.
 */
const ALLOWED: readonly { package: string; within: readonly string[] }[] = [
  { package: 'aws-testkit', within: ['resolveModule', 'getImportMetaUrl', 'importMetaUrl'] },
];

const packagesDir = join(ROOT_DIR, 'packages');
const packageNames = readdirSync(packagesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

function findings(name: string): DistLoad[] {
  const allowed = ALLOWED.find((entry) => entry.package === name)?.within ?? [];
  // Files only Node itself loads (reached only through `module-sync`, after `module` and `deno`) are no bundler's concern.
  const nodeOnly = new Set(nodeOnlyFiles(join(packagesDir, name)));
  return distFiles(join(packagesDir, name))
    .filter(({ file }) => !nodeOnly.has(file))
    .flatMap(({ file, module }) => scanSource(relative(ROOT_DIR, file), readFileSync(file, 'utf8'), module))
    .filter((finding) => !allowed.includes(finding.within));
}

describe('loads in every package’s dist that bundlers cannot follow', () => {
  it.each(packageNames)('packages/%s has none', (name) => {
    const files = distFiles(join(packagesDir, name));
    // The build ran (turbo builds before tests): an empty dist would pass for nothing.
    expect(files.length).toBeGreaterThan(0);
    expect(files.some((file) => file.module === 'esm') && files.some((file) => file.module === 'cjs')).toBe(true);
    expect(findings(name)).toEqual([]);
  });

  it('the testkit’s allowance is still needed: its dist resolves s3rver and dynalite by path in resolveModule', () => {
    const testkit = distFiles(join(packagesDir, 'aws-testkit')).flatMap(({ file, module }) => scanSource(file, readFileSync(file, 'utf8'), module));
    expect(testkit.filter((finding) => finding.within === 'resolveModule').map((finding) => finding.kind)).toEqual(
      expect.arrayContaining(['createRequire', 'import.meta.url']),
    );
  });
});

describe(nodeOnlyFiles.name, () => {
  it(`the core's one Node-only file is Node's own ES module build (src/sdkCore.node.js built in for #sdkCore and #devCatalog), and it does use createRequire (the exception is still needed)`, () => {
    const core = join(packagesDir, 'aws-core');
    const files = nodeOnlyFiles(core);
    expect(files.map((file) => relative(core, file))).toEqual(['dist/index.node.sync.js']);
    // One `createRequire(import.meta.url)` per load (the form file tracers follow): nothing else a bundler cannot follow.
    const kinds = scanSource(files[0]!, readFileSync(files[0]!, 'utf8'), 'esm').map((finding) => finding.kind);
    expect(new Set(kinds)).toEqual(new Set(['createRequire', 'import.meta.url']));
  });

  it(`takes a target only when every way to it goes through ${NODE_ONLY_CONDITION}, after ${NODE_FIRST_KEYS.join(' and ')}`, () => {
    const manifest = {
      exports: {
        '.': { module: './b.js', deno: './c.js', 'module-sync': { import: './a.js' }, default: './c.js' },
        './x': { module: './b.js', deno: './b.js', 'module-sync': './c.js' },
        // Webpack would take these: no `module` before them, or no `deno` (Deno's bundler).
        './early': { 'module-sync': './f.js', module: './b.js', deno: './b.js' },
        './nodeno': { module: './b.js', 'module-sync': './g.js' },
      },
      imports: { '#y': [{ module: './b.js', deno: './b.js', 'module-sync': './d.js' }, './e.js'] },
    };
    expect(nodeOnlyFiles('/pkg', manifest)).toEqual(['/pkg/a.js', '/pkg/d.js']);
    expect(nodeOnlyFiles('/pkg', {})).toEqual([]);
  });
});

describe(scanSource.name, () => {
  it('finds each kind of load a bundler cannot follow, in ES modules', () => {
    const source = [
      "import { createRequire } from 'node:module';",
      'const load = createRequire(import.meta.url);',
      "export const a = () => require('@aws-sdk/util-endpoints');",
      'export const b = (name) => import(name);',
      "export const c = () => new URL('./data.json', import.meta.url);",
      "export const d = () => import.meta.resolve('x');",
    ].join('\n');
    expect(scanSource('fixture.js', source, 'esm').map((finding) => `${finding.line} ${finding.kind}`)).toEqual([
      '2 createRequire',
      '2 import.meta.url',
      '3 require in ESM',
      '4 computed import()',
      '5 import.meta.url',
      '6 import.meta.resolve',
    ]);
  });

  it('finds them in CommonJS, and lets static requires and literal imports be', () => {
    const source = [
      "var import_node_module = require('module');",
      "var sdk = require('@aws-sdk/client-s3');",
      'var load = (0, import_node_module.createRequire)(importMetaUrl);',
      'var c = (name) => require(name);',
      "var d = () => require.resolve('dynalite');",
      'var e = () => __dirname;',
      "var f = () => import('@aws-sdk/credential-provider-node');",
    ].join('\n');
    expect(scanSource('fixture.cjs', source, 'cjs').map((finding) => `${finding.line} ${finding.kind}`)).toEqual([
      '3 createRequire',
      '3 import.meta.url',
      '4 computed require',
      '5 require.resolve',
      '6 __dirname',
    ]);
  });

  it('ignores loads inside strings (programs started as child processes)', () => {
    const source = "const PROGRAM = `const net = require('node:net'); require(modulePath);`;\nexport { PROGRAM };";
    expect(scanSource('fixture.js', source, 'esm')).toEqual([]);
  });
});
