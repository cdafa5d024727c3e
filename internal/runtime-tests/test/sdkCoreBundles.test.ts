/**
 * `@dbp/aws-core`'s `#sdkCore` (package.json `imports`: the SDK's region data)
 * and `#devCatalog` (the message catalog, which Node loads at the first
 * message) where an application is bundled or traced and then run without
 * node_modules, the way a Lambda zip or a Vercel function runs. Node's ES
 * module build takes a Node-only file (under `module-sync`), which
 * `createRequire`s the SDK at run time: a bundle must never hold it (esbuild
 * and webpack take the `module` file, esbuild with custom conditions and Bun's
 * bundler the CommonJS one), and a file tracer (@vercel/nft)
 * must ship it. Without the region data nothing throws: every region just
 * looks unlisted (no suggestion for a typo, `strict` refusing `eu-west-1`),
 * so this checks both, which the service handlers of bundlers.test.ts do not.
 */
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { resolveRuntime } from '../../../scripts/lib/runtimes.mjs';
import { PACKAGE_DIR, TMP_DIR } from '../src/bundle.js';
import { nodeModulesAbove, runInEmptyDir } from '../src/emptyDir.js';
import { bundleExtension, bundleForNode, NODE_BUNDLERS } from '../src/nodeBundle.js';
import { runProgram } from '../src/program.js';

const ROOT = join(PACKAGE_DIR, '..', '..');

/**
 * What the region checks answer when the region data is there, and the
 * start of a message's full text when the message catalog (`#devCatalog`,
 * which Node's builds load at the first message) is there too.
 */
const WITH_REGION_DATA = {
  malformed: 'INVALID_REGION us-east-1',
  strict: 'eu-west-1',
  message: "Unknown service 'dynamodbb'. Did you mean 'dynamodb'? @dbp/aws-dynamodb serves it",
};

const ENTRY_SOURCE = `
const MESSAGE_LENGTH = ${WITH_REGION_DATA.message.length};
import { createClientFactory, defineService } from '@dbp/aws-core';
const probe = defineService({ id: 'probe', tier: 'standard', create: (config) => ({ config, destroy() {}, middlewareStack: { add() {} } }) });
const outcome = (options, region) => {
  const factory = createClientFactory(options);
  try {
    return factory.getClient(probe, { region, credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } }).config.region;
  } catch (error) {
    return error.code + ' ' + error.suggestion;
  } finally {
    factory.dispose();
  }
};
const message = (() => { try { createClientFactory().getClient('dynamodbb', { region: 'us-east-1' }); } catch (error) { return error.message.slice(0, MESSAGE_LENGTH); } })();
const report = { malformed: outcome({}, 'us-east-l'), strict: outcome({ regionValidation: 'strict' }, 'eu-west-1'), message };
// Given a shared credentials file: the access key id the default chain and a named profile resolve (the credential providers are there).
const keyOf = (options) => createClientFactory().getClient(probe, { region: 'us-east-1', ...options }).config.credentials().then((c) => c.accessKeyId, (error) => error.code);
(process.env.AWS_SHARED_CREDENTIALS_FILE ? Promise.all([keyOf({}), keyOf({ profile: 'other' })]) : Promise.resolve(undefined)).then((keys) =>
  console.log(JSON.stringify(keys ? { ...report, chain: keys[0], profile: keys[1] } : report)),
);
`;

/** The entry, as an ES module or (`.cjs`) as CommonJS, in this package (it resolves @dbp/aws-core as an application would). */
function entryFile(extension: '.mjs' | '.cjs' = '.mjs'): string {
  const dir = join(TMP_DIR, 'sdkCoreBundles');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `entry${extension}`);
  writeFileSync(
    file,
    extension === '.mjs'
      ? ENTRY_SOURCE
      : ENTRY_SOURCE.replace(
          "import { createClientFactory, defineService } from '@dbp/aws-core';",
          "const { createClientFactory, defineService } = require('@dbp/aws-core');",
        ),
  );
  return file;
}

/**
 * Prints the files @vercel/nft traces from an entry (argv[2]), relative to the repository (argv[3]), with its default
 * options, or with `exportsOnly` (argv[4] = 'exportsOnly': follow packages' `exports` only, as Nitro traces).
 */
const TRACE_SOURCE = `
import { nodeFileTrace } from '@vercel/nft';
const { fileList } = await nodeFileTrace([process.argv[2]], { base: process.argv[3], exportsOnly: process.argv[4] === 'exportsOnly' });
console.log(JSON.stringify([...fileList]));
`;

/** Copies \`files\` (relative to \`from\`; symbolic links as links, as a deployment does) into a new empty folder; its path. */
function copyTraced(files: string[], from: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dbp-traced-'));
  const above = nodeModulesAbove(dir);
  if (above.length) throw new Error(`the empty folder ${dir} can resolve packages from ${above.join(', ')}`);
  for (const file of files) {
    const target = join(dir, file);
    mkdirSync(dirname(target), { recursive: true });
    if (lstatSync(join(from, file)).isSymbolicLink()) symlinkSync(readlinkSync(join(from, file)), target);
    else copyFileSync(join(from, file), target);
  }
  return dir;
}

/** Runs a bundle with `command` (plain Node unless given) from an empty folder; its report. */
async function runBundle(code: string, extension: string, command = process.execPath, flags: string[] = []): Promise<unknown> {
  const file = `probe${extension}`;
  const run = await runInEmptyDir({ [file]: code }, command, (dir) => [...flags, join(dir, file)], {
    env: { AWS_EC2_METADATA_DISABLED: 'true' },
    timeoutMs: 60_000,
  });
  expect({ code: run.code, signal: run.signal, stderr: run.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
  return JSON.parse(run.stdout);
}

describe('#sdkCore in a bundle run from an empty folder: the region data is there', () => {
  it.each(NODE_BUNDLERS)('%s', async (bundler) => {
    const built = await bundleForNode(bundler, { probe: entryFile() }, { context: PACKAGE_DIR });
    expect(await runBundle(built.probe!.code, bundleExtension(bundler))).toEqual(WITH_REGION_DATA);
  });

  // Custom conditions replace esbuild's `module` one: the bundle takes the CommonJS file.
  it.each(['esm', 'cjs'] as const)("esbuild with conditions: ['node'] (%s)", async (format) => {
    const result = await build({
      entryPoints: [entryFile()],
      bundle: true,
      platform: 'node',
      format,
      conditions: ['node'],
      target: 'node20',
      write: false,
      outfile: `probe.${format === 'cjs' ? 'cjs' : 'mjs'}`,
      logLevel: 'silent',
      // esbuild's ESM output needs a `require` for the SDK's CommonJS builds (see nodeBundle.ts).
      ...(format === 'esm' ? { banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" } } : {}),
    });
    expect(await runBundle(result.outputFiles[0]!.text, format === 'cjs' ? '.cjs' : '.mjs')).toEqual(WITH_REGION_DATA);
  });

  // Bun's bundler sets Node's conditions (`node-addons` too) but not `module-sync`.
  it.each(['esm', 'cjs'] as const)('bun build --target=node --format=%s, run with Node and with Bun', async (format) => {
    const bun = await resolveRuntime('bun');
    const out = mkdtempSync(join(TMP_DIR, 'bun-build-'));
    try {
      const extension = format === 'cjs' ? '.cjs' : '.mjs';
      const outfile = join(out, `probe${extension}`);
      const built = await runProgram(bun.path, ['build', entryFile(), '--target=node', `--format=${format}`, `--outfile=${outfile}`], {
        cwd: PACKAGE_DIR,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: out },
        timeoutMs: 60_000,
      });
      expect({ code: built.code, stderr: built.stderr }).toEqual({ code: 0, stderr: '' });
      const code = readFileSync(outfile, 'utf8');
      expect(await runBundle(code, extension)).toEqual(WITH_REGION_DATA);
      // --no-install: Bun would otherwise fetch a missing package from the registry at run time.
      expect(await runBundle(code, extension, bun.path, ['--no-install'])).toEqual(WITH_REGION_DATA);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
  // Vercel, Netlify and Next.js (output: 'standalone') deploy the files @vercel/nft traces, not node_modules: every file Node
  // loads must be among them. nft follows the conditions Node sets, and picks module-sync targets when it runs on Node 22+.
  it.each([
    ['.mjs', 'default'],
    ['.cjs', 'default'],
    ['.mjs', 'exportsOnly'],
    ['.cjs', 'exportsOnly'],
  ] as const)('traced with @vercel/nft on Node 22 (entry%s, %s options), deployed without node_modules, run with Node', async (extension, options) => {
    const node22 = await resolveRuntime('node22');
    const script = join(TMP_DIR, 'sdkCoreBundles', 'trace.mjs');
    writeFileSync(script, TRACE_SOURCE);
    const entry = entryFile(extension);
    const traced = await runProgram(node22.path, [script, entry, ROOT, options], {
      cwd: PACKAGE_DIR,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      timeoutMs: 60_000,
    });
    expect({ code: traced.code, stderr: traced.stderr }).toEqual({ code: 0, stderr: '' });
    const dir = copyTraced(JSON.parse(traced.stdout) as string[], ROOT);
    try {
      const credentials = join(dir, 'credentials');
      writeFileSync(
        credentials,
        '[default]\naws_access_key_id = AKIADEFAULTCHAIN0001\naws_secret_access_key = s\n[other]\naws_access_key_id = AKIANAMEDPROFILE0001\naws_secret_access_key = s\n',
      );
      for (const node of [process.execPath, node22.path]) {
        const run = await runProgram(node, [join(dir, relative(ROOT, entry))], {
          cwd: dir,
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, AWS_EC2_METADATA_DISABLED: 'true', AWS_SHARED_CREDENTIALS_FILE: credentials },
          timeoutMs: 60_000,
        });
        expect({ node, code: run.code, stderr: run.stderr }).toEqual({ node, code: 0, stderr: '' });
        expect(JSON.parse(run.stdout)).toEqual({ ...WITH_REGION_DATA, chain: 'AKIADEFAULTCHAIN0001', profile: 'AKIANAMEDPROFILE0001' });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
