import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs an ES module script in a plain Node process (no test-runner
 * resolution in between) from the package's folder; its last output line.
 */
function lastLine(script: string, { flags = [], env = process.env }: { flags?: string[]; env?: NodeJS.ProcessEnv } = {}): string {
  const out = execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], { cwd: packageDir, encoding: 'utf8', env });
  return out.trim().split('\n').at(-1) as string;
}

// Loads the built ESM and CJS copies of the package into one plain Node
// process (no test-runner resolution in between), as an app that mixes
// `import` and `require` does.
const script = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const esm = await import('@dbp/aws-core');
const cjs = require('@dbp/aws-core');
const results = {
  distinctCopies: esm.AwsClientFactory !== cjs.AwsClientFactory,
  sameInstance: esm.getClientFactory() === cjs.AwsClientFactory.getInstance(),
  crossInstanceof: esm.getClientFactory() instanceof cjs.AwsClientFactory,
};
const definition = cjs.defineService({ id: 'dual', tier: 'standard', create: (config) => ({ config, destroy() {}, middlewareStack: { add() {} } }) });
esm.registerService(definition);
const viaEsm = esm.getClientFactory().getClient('dual', { region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } });
const viaCjs = cjs.getClientFactory().getClient(definition, { region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } });
results.sharedCache = viaEsm === viaCjs;
try { cjs.getClientFactory().getClient('dual', { region: 'us-east-l' }); } catch (error) {
  results.errorAcrossCopies = error instanceof esm.AwsRegionError && error instanceof esm.AwsClientError && error.suggestion === 'us-east-1';
}
results.nodeRuntime = typeof esm.getClientFactory().getSession({ region: 'us-east-1', profile: 'x' }).credentials === 'function';
console.log(JSON.stringify(results));
`;

describe('two copies of the package in one process', () => {
  it('share one factory, one registry and one error brand (ESM + CJS builds)', () => {
    expect(existsSync(`${packageDir}/dist/index.node.cjs`), 'build the package first (turbo runs build before test)').toBe(true);
    expect(JSON.parse(lastLine(script, { env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' } }))).toEqual({
      distinctCopies: true,
      sameInstance: true,
      crossInstanceof: true,
      sharedCache: true,
      errorAcrossCopies: true,
      nodeRuntime: true,
    });
  });

  it('the web build loaded first into a Node process (jsdom tests, an isomorphic bundle) keeps a process-wide factory of its own: Node code still gets the Node platform', () => {
    const both = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const web = await import('./dist/index.web.js');
const webFactory = web.getClientFactory();
web.configureClientFactory({ defaultRegion: 'eu-west-1' });
const node = await import('@dbp/aws-core');
const cjs = require('@dbp/aws-core');
const nodeFactory = node.getClientFactory();
const definition = node.defineService({ id: 'both', tier: 'standard', create: (config) => ({ config, destroy() {}, middlewareStack: { add() {} } }) });
const results = {
  distinct: nodeFactory !== webFactory,
  sharedByNodeCopies: cjs.getClientFactory() === nodeFactory,
  webStillSame: web.getClientFactory() === webFactory,
  nodeChain: typeof nodeFactory.getSession({ region: 'us-east-1' }).credentials === 'function',
  webSettingsStayWeb: nodeFactory.getClient(definition, { credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } }).config.region,
  nodeRows: Object.hasOwn(nodeFactory.stats().entries[0], 'inFlight'),
};
console.log(JSON.stringify(results));
`;
    expect(JSON.parse(lastLine(both, { env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', AWS_REGION: 'us-west-2' } }))).toEqual({
      distinct: true,
      sharedByNodeCopies: true,
      webStillSame: true,
      nodeChain: true,
      webSettingsStayWeb: 'us-west-2',
      nodeRows: true,
    });
  });

  it('configureClientFactory from either copy configures the factory the other copy made, or refuses it typed once it is in use', () => {
    const configure = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const esm = await import('@dbp/aws-core');
const cjs = require('@dbp/aws-core');
const credentials = { accessKeyId: 'AKID', secretAccessKey: 's' };
const definition = cjs.defineService({ id: 'dual', tier: 'standard', create: (config) => ({ config, destroy() {}, middlewareStack: { add() {} } }) });
const outcome = (run) => { try { return run(); } catch (error) { return { name: error.name, code: error.code }; } };
const results = {};
// The CJS copy makes the process-wide factory; the ESM copy configures it before first use.
const held = cjs.getClientFactory();
results.configured = outcome(() => esm.configureClientFactory({ defaultRegion: 'eu-west-1' }) === held);
results.region = outcome(() => held.getClient(definition, { credentials }).config.region);
// Now in use: the other copy refuses, typed.
results.inUse = outcome(() => cjs.configureClientFactory({ defaultRegion: 'ap-south-1' }));
results.inUseViaEsm = outcome(() => esm.configureClientFactory({ defaultRegion: 'ap-south-1' }));
console.log(JSON.stringify(results));
`;
    const refused = { name: 'AwsClientError', code: 'FACTORY_ALREADY_IN_USE' };
    expect(JSON.parse(lastLine(configure, { env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' } }))).toEqual({
      configured: true,
      region: 'eu-west-1',
      inUse: refused,
      inUseViaEsm: refused,
    });
  });
});

// Which `#sdkCore` file each of Node's builds loads (package.json `imports`), seen from a
// plain Node process, and that the region check works with each: the ES module build
// requires the SDK's region data through src/sdkCore.node.js (no ES module import of a
// CommonJS file, which costs Node a scan for export names), and only at the first region
// check (the `module-sync` condition, which Node 20.19+ and 22.12+ set); the CommonJS build,
// and runtimes that take the `deno` key before it, take src/sdkCore.cjs. The SDK's region lookup
// (a region from the profile's config file) and its credential providers (the default chain, a
// named profile) come through the same file: required, never an ES module import of CommonJS.
const sdkCoreScript = (load: string): string => `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const core = ${load};
const loaded = () => [...new Set(Object.keys(require.cache).filter((file) => /sdkCore|core[\\\\/]dist-cjs[\\\\/]submodules[\\\\/]client/.test(file)).map((file) => file.replace(/.*[\\\\/]dist[\\\\/]/, 'dist/').replace(/.*dist-cjs.*/, '@aws-sdk/core/client')))];
const atImport = loaded();
const factory = core.createClientFactory();
const definition = core.defineService({ id: 'probe', tier: 'standard', create: (config) => ({ config, destroy() {}, middlewareStack: { add() {} } }) });
let refused;
try { factory.getClient(definition, { region: 'us-east-l', credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } }); } catch (error) { refused = error.code + ' ' + error.suggestion; }
const listed = factory.getClient(definition, { region: 'eu-west-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } }).config.region;
const afterCheck = loaded();
// No region anywhere but the profile's config file (AWS_CONFIG_FILE): the SDK's own lookup, through #sdkCore's regionConfig().
const fromProfile = await factory.getClient(definition, { credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } }).config.region();
// Credentials from the shared credentials file: the default chain, and a named profile (fromIni), through #sdkCore's loaders.
const keyOf = async (options) => (await factory.getClient(definition, { region: 'us-east-1', ...options }).config.credentials()).accessKeyId;
const fromChain = await keyOf({});
const fromNamedProfile = await keyOf({ profile: 'other' });
console.log(JSON.stringify({ atImport, afterCheck, refused, listed, fromProfile, fromChain, fromNamedProfile }));
`;

describe('#sdkCore: the SDK region data each Node build loads', () => {
  const probe = (load: string, flags: string[] = []): unknown => {
    const dir = mkdtempSync(join(tmpdir(), 'dbp-sdkcore-'));
    try {
      writeFileSync(join(dir, 'config'), '[default]\nregion = ap-southeast-2\n');
      writeFileSync(
        join(dir, 'credentials'),
        '[default]\naws_access_key_id = AKIADEFAULTCHAIN0001\naws_secret_access_key = s\n[other]\naws_access_key_id = AKIANAMEDPROFILE0001\naws_secret_access_key = s\n',
      );
      const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: join(dir, 'config') };
      for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'])
        delete env[name];
      env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
      return JSON.parse(lastLine(sdkCoreScript(load), { flags, env }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  /** What every build answers when its region data, region lookup and credential providers load. */
  const WORKING = {
    refused: 'INVALID_REGION us-east-1',
    listed: 'eu-west-1',
    fromProfile: 'ap-southeast-2',
    fromChain: 'AKIADEFAULTCHAIN0001',
    fromNamedProfile: 'AKIANAMEDPROFILE0001',
  };

  it('the ES module build: src/sdkCore.node.js, which requires @aws-sdk/core/client at the first region check, not at import', () => {
    expect(probe("await import('@dbp/aws-core')")).toEqual({
      atImport: [],
      afterCheck: ['@aws-sdk/core/client'],
      ...WORKING,
    });
  });

  it('the CommonJS build: src/sdkCore.cjs', () => {
    expect(probe("require('@dbp/aws-core')")).toMatchObject({
      atImport: expect.arrayContaining(['dist/sdkCore.cjs']),
      ...WORKING,
    });
  });

  it('a runtime that sets the deno condition (Deno, deno bundle; here Node told to set it): src/sdkCore.cjs', () => {
    expect(probe("await import('@dbp/aws-core')", ['--conditions=deno'])).toMatchObject({
      atImport: expect.arrayContaining(['dist/sdkCore.cjs']),
      ...WORKING,
    });
  });
});

// Which file of the message catalog each of Node's builds loads, and when (package.json
// `imports`, `#devCatalog`): Node itself requires dist/devCatalog.cjs at the first message, never
// at import (through src/sdkCore.node.js for the ES module build, src/sdkCore.cjs for the
// CommonJS one, files each build loads anyway); a runtime that sets `deno` imports the catalog
// with the build. Each shows the
// full text, with the suggestions the catalog's links give it.
const devCatalogScript = (load: string): string => `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const core = ${load};
const loaded = () => Object.keys(require.cache).filter((file) => /devCatalog/.test(file)).map((file) => file.replace(/.*[\\/]dist[\\/]/, 'dist/')).sort();
const atImport = loaded();
const factory = core.createClientFactory();
const message = (call) => { try { call(); } catch (error) { return error.message; } };
const service = message(() => factory.getClient('dynamodbb', { region: 'us-east-1' }));
const afterMessage = loaded();
const option = message(() => core.createClientFactory({ ttlMs: -1 }));
const region = message(() => factory.getClient(core.defineService({ id: 'probe', tier: 'standard', create: (config) => ({ config, destroy() {}, middlewareStack: { add() {} } }) }), { region: 'us-east-l' }));
console.log(JSON.stringify({ atImport, afterMessage, service, option, region }));
`;

describe('#devCatalog: the message catalog each Node build loads, at the first message', () => {
  const probe = (load: string, flags: string[] = []): unknown => JSON.parse(lastLine(devCatalogScript(load), { flags }));

  /** The full texts, with what the catalog's links supply: the package that serves an id, a timer's longest wait, a region suggestion. */
  const FULL = {
    service: expect.stringMatching(/^Unknown service 'dynamodbb'\. Did you mean 'dynamodb'\? @dbp\/aws-dynamodb serves it/),
    option: expect.stringContaining('ttlMs when given, must be a positive number of milliseconds, at most 2147483647'),
    region: expect.stringContaining("did you mean 'us-east-1'?"),
  };

  it('the ES module build: dist/devCatalog.cjs, required at the first message, not at import', () => {
    expect(probe("await import('@dbp/aws-core')")).toEqual({ atImport: [], afterMessage: ['dist/devCatalog.cjs'], ...FULL });
  });

  it('the CommonJS build: dist/devCatalog.cjs, required at the first message, not at require', () => {
    expect(probe("require('@dbp/aws-core')")).toEqual({ atImport: [], afterMessage: ['dist/devCatalog.cjs'], ...FULL });
  });

  it('a runtime that sets the deno condition (here Node told to set it): dist/devCatalog.js, an ES module imported with the build', () => {
    expect(probe("await import('@dbp/aws-core')", ['--conditions=deno'])).toEqual({ atImport: [], afterMessage: [], ...FULL });
  });
});

describe("the Node ES module build's imports", () => {
  // The file a plain Node process imports (a child process: vitest resolves with `@dbp/source`).
  const nodeBuild = (): string => lastLine("console.log(new URL(import.meta.resolve('@dbp/aws-core')).pathname)");

  it('are Node built-ins only: an ES module import of a CommonJS package (every SDK package, on Node) costs a scan for its export names, and one more ES module of its own ~1 ms', async () => {
    const { builtinModules } = await import('node:module');
    const file = nodeBuild();
    expect(file).toBe(join(packageDir, 'dist', 'index.node.sync.js'));
    const specifiers = [
      ...readFileSync(file, 'utf8').matchAll(/\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|^import\s*["']([^"']+)["']/gm),
    ].map((match) => match[1] ?? match[2] ?? match[3]);
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((specifier) => !builtinModules.includes(specifier?.replace(/^node:/, '') ?? ''))).toEqual([]);
  });

  it("is the bundlers' build with src/sdkCore.node.js built in for #sdkCore and #devCatalog, which the bundlers' build imports", () => {
    const own = Object.keys((JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { imports: Record<string, unknown> }).imports);
    expect(own).toEqual(['#sdkCore', '#devCatalog']);
    const bundlers = readFileSync(join(packageDir, 'dist', 'index.node.js'), 'utf8');
    for (const specifier of own) expect(bundlers).toContain(`from "${specifier}"`);
    const node = readFileSync(nodeBuild(), 'utf8');
    for (const name of ['partition', 'regionConfig', 'loadFromIni', 'loadDefaultProvider', 'linkCatalog'])
      expect(node).toMatch(new RegExp(`function ${name}\\(`));
    // A literal specifier for each load, which file tracers follow.
    for (const specifier of [
      '@aws-sdk/core/client',
      '@smithy/core/config',
      '@aws-sdk/credential-provider-ini',
      '@aws-sdk/credential-provider-node',
      './devCatalog.cjs',
    ])
      expect(node).toContain(`load("${specifier}")`);
  });
});
