/**
 * `@dbp/aws-core`'s `#sdkCore` (package.json `imports`: the SDK's region data)
 * in a bundle run from an empty folder, the way a Lambda zip runs. Each
 * bundler picks its own file of the map: esbuild and webpack the `module`
 * one, esbuild with custom conditions the CommonJS one, and Bun's bundler,
 * which sets `node-addons` as Node does, must not get the Node-only file
 * (it `createRequire`s the SDK at run time, and a bundle has no node_modules
 * to find it in). Without the region data nothing throws: every region just
 * looks unlisted (no suggestion for a typo, `strict` refusing `eu-west-1`),
 * so this checks both, which the service handlers of bundlers.test.ts do not.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { resolveRuntime } from '../../../scripts/lib/runtimes.mjs';
import { PACKAGE_DIR, TMP_DIR } from '../src/bundle.js';
import { runInEmptyDir } from '../src/emptyDir.js';
import { bundleExtension, bundleForNode, NODE_BUNDLERS } from '../src/nodeBundle.js';
import { runProgram } from '../src/program.js';

/** What the region checks answer when the region data is there. */
const WITH_REGION_DATA = { malformed: 'INVALID_REGION us-east-1', strict: 'eu-west-1' };

const ENTRY_SOURCE = `
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
console.log(JSON.stringify({ malformed: outcome({}, 'us-east-l'), strict: outcome({ regionValidation: 'strict' }, 'eu-west-1') }));
`;

function entryFile(): string {
  const dir = join(TMP_DIR, 'sdkCoreBundles');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'entry.mjs');
  writeFileSync(file, ENTRY_SOURCE);
  return file;
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

  // Bun's bundler sets `node-addons` (as Node and the Bun runtime do) but not `module-sync`.
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
});
