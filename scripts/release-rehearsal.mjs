#!/usr/bin/env node
// Release rehearsal (`pnpm release:rehearsal`, and a step of scripts/test.mjs
// after the build): everything `pnpm version-packages` + `pnpm release` would
// do, up to but not including `npm publish`, then installs the result the way
// a user does. See CONTRIBUTING.md, "Release rehearsal".
//
// 1. Copy the repository (without node_modules, .git, caches) to a temporary
//    folder; the working tree is never touched.
// 2. `changeset version` there, with a throwaway patch changeset when none is
//    pending; every public @dbp/aws-* package must land on one new version
//    (the `fixed` group).
// 3. `pnpm -r pack` every publishable package (pnpm rewrites `workspace:`
//    ranges to the new version, as `changeset publish` does); no manifest may
//    keep a `workspace:` range.
// 4. A clean consumer, outside any workspace, installs only @dbp/aws-core and
//    @dbp/aws-s3 with npm from the tarballs (the SDK from the registry):
//    no other SDK client may arrive in node_modules; one copy of the core;
//    ESM import, CJS require (and ESM + CJS sharing one factory), and
//    `tsc --noEmit` (nodenext, strict, from ESM and CJS) over a consumer file
//    using getS3Client and getClientFactory().getClient('s3') after
//    `import '@dbp/aws-s3/register'`.
// 5. The consumer then adds every other publishable package from the
//    tarballs and imports and requires each of their entry points.
// 6. Register-only type consumers (scripts/lib/registerTypes.mjs): for each
//    service package a file importing only `@dbp/aws-<name>/register` and
//    `@dbp/aws-core`, where `getClient('<id>')` must be exactly the SDK
//    client type; ESM and CJS, node16, nodenext, bundler (and bundler with
//    the edge conditions), and node16 + bundler again on the oldest
//    TypeScript consumers may use (installed from the npm registry), one
//    process per TypeScript (scripts/lib/typecheckPrograms.mjs).
//
// `--keep` leaves the temporary folder for inspection.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICES } from '@dbp/aws-services';
import { pnpmCommand, readPackageJson, run } from './lib/process.mjs';
import { checkDistinctCoreTypes, edgeConditions, OLDEST_TYPESCRIPT, writeRegisterConsumers } from './lib/registerTypes.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const keep = process.argv.includes('--keep');
const STEP_TIMEOUT_MS = 240_000;
// The SDK clients that installing @dbp/aws-core + @dbp/aws-s3 must not bring: every other service's.
const OTHER_SDK_CLIENTS = SERVICES.filter((service) => service.package !== '@dbp/aws-s3').map((service) => service.sdk);
const SKIP_ON_COPY = new Set(['node_modules', '.git', '.turbo', '.tmp', 'coverage', 'test-results']);
const started = Date.now();

const base = mkdtempSync(join(tmpdir(), 'dbp-release-rehearsal-'));
const repo = join(base, 'repo');
const tarballs = join(base, 'tarballs');

function log(message) {
  console.log(`  [${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
}

function fail(message, output = '') {
  console.error(`✖ release rehearsal: ${message}${output ? `\n${output.trimEnd()}` : ''}`);
  if (!keep) rmSync(base, { recursive: true, force: true });
  else console.error(`  kept ${base}`);
  process.exit(1);
}

/** Run a command; fail the rehearsal with its output when it fails. */
async function must(title, command, args, options) {
  const result = await run(command, args, { timeoutMs: STEP_TIMEOUT_MS, ...options });
  if (result.code !== 0) fail(`${title} failed (${result.signal ?? `exit ${result.code}`})`, result.output);
  return result;
}

/** npm for the consumers, without the npm_* settings a pnpm script passes down. */
function npmEnv() {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
  return { ...env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' };
}

function publicPackages(dir) {
  return readdirSync(join(dir, 'packages'))
    .map((name) => join(dir, 'packages', name))
    .filter((path) => existsSync(join(path, 'package.json')))
    .map((path) => ({ dir: path, manifest: readPackageJson(path) }))
    .filter(({ manifest }) => manifest.private !== true);
}

/** Every `node_modules/@aws-sdk/client-*` folder under `dir`, at any depth. */
function installedSdkClients(dir, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const path = join(dir, entry.name);
    if (entry.name === '@aws-sdk' && basename(dir) === 'node_modules') {
      for (const client of readdirSync(path).filter((name) => name.startsWith('client-'))) found.push(join(path, client));
    } else {
      installedSdkClients(path, found);
    }
  }
  return found;
}

/** Every installed copy of `name` (`@scope/pkg`) under `dir`. */
function installedCopies(dir, name, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const path = join(dir, entry.name);
    if (path.endsWith(join('node_modules', name))) found.push(path);
    else installedCopies(path, name, found);
  }
  return found;
}

function tarballManifest(tarball) {
  return run('tar', ['-xzOf', tarball, 'package/package.json'], { cwd: base, timeoutMs: 30_000 }).then((result) => {
    if (result.code !== 0) fail(`cannot read package.json from ${tarball}`, result.output);
    return JSON.parse(result.stdout);
  });
}

try {
  console.log(`Release rehearsal in ${base}`);

  // 1. Copy the repository.
  for (const { manifest, dir } of publicPackages(root)) {
    if (!existsSync(join(dir, 'dist'))) fail(`${manifest.name} has no dist/: run pnpm build first`);
  }
  cpSync(root, repo, { recursive: true, filter: (source) => !SKIP_ON_COPY.has(basename(source)) });
  const packages = publicPackages(repo);
  const before = new Map(packages.map(({ manifest }) => [manifest.name, manifest.version]));
  log(`copied the repository (${packages.length} publishable packages)`);

  // 2. changeset version.
  const changesetDir = join(repo, '.changeset');
  const pending = readdirSync(changesetDir).filter((name) => name.endsWith('.md') && name !== 'README.md');
  if (pending.length === 0) {
    const bumps = packages.map(({ manifest }) => `"${manifest.name}": patch`).join('\n');
    writeFileSync(join(changesetDir, 'release-rehearsal.md'), `---\n${bumps}\n---\n\nRelease rehearsal (throwaway changeset).\n`);
    log('no pending changeset: added a throwaway patch changeset');
  } else {
    log(`${pending.length} pending changeset(s): ${pending.join(', ')}`);
  }
  const versioned = await run(join(root, 'node_modules', '.bin', 'changeset'), ['version'], { cwd: repo, timeoutMs: STEP_TIMEOUT_MS });
  if (versioned.code !== 0) {
    const hint = versioned.output.includes('frontmatter')
      ? '\n  hint: a changeset must start with `---`, `"@dbp/aws-x": patch|minor|major`, `---`. A Markdown formatter (Biome formats *.md)' +
        ' turns that frontmatter into a `## …` heading: keep .changeset/*.md out of the formatter.'
      : '';
    fail(`changeset version failed (${versioned.signal ?? `exit ${versioned.code}`})`, versioned.output + hint);
  }
  const left = readdirSync(changesetDir).filter((name) => name.endsWith('.md') && name !== 'README.md');
  if (left.length > 0) fail(`changeset version left changesets behind: ${left.join(', ')}`);
  const after = new Map(publicPackages(repo).map(({ manifest }) => [manifest.name, manifest.version]));
  const versions = new Set(after.values());
  if (versions.size !== 1) fail(`the fixed group should share one version, got ${JSON.stringify(Object.fromEntries(after))}`);
  const [version] = versions;
  for (const [name, old] of before) {
    if (after.get(name) === old) fail(`${name} was not bumped (still ${old})`);
    if (!existsSync(join(repo, 'packages', name.slice('@dbp/'.length), 'CHANGELOG.md'))) fail(`${name} has no CHANGELOG.md after changeset version`);
  }
  log(`changeset version: ${[...new Set(before.values())].join(', ')} → ${version} for ${[...after.keys()].join(', ')}`);

  // 3. pnpm pack. pnpm needs the workspace links to resolve `workspace:` ranges, so
  //    link the packages first (from the store: no downloads, no scripts).
  const [pnpm, pnpmArgs] = pnpmCommand();
  await must(
    'pnpm install (workspace links for pnpm pack)',
    pnpm,
    [...pnpmArgs, 'install', '--filter', './packages/**', '--frozen-lockfile', '--prefer-offline', '--ignore-scripts', '--config.confirmModulesPurge=false'],
    { cwd: repo },
  );
  mkdirSync(tarballs);
  const packed = JSON.parse(
    (await must('pnpm pack', pnpm, [...pnpmArgs, '-r', '--filter', './packages/**', 'pack', '--pack-destination', tarballs, '--json'], { cwd: repo })).stdout,
  );
  const tarballOf = new Map();
  for (const { name, filename } of packed) {
    const manifest = await tarballManifest(filename);
    const text = JSON.stringify(manifest);
    if (text.includes('workspace:')) fail(`${name}: the packed package.json still has a workspace: range`, text);
    for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
      if (dep.startsWith('@dbp/') && range !== `^${version}`) fail(`${name}: dependency ${dep}@${range}, expected ^${version}`);
    }
    if (manifest.version !== version) fail(`${name}: packed version ${manifest.version}, expected ${version}`);
    tarballOf.set(name, filename);
  }
  log(`pnpm pack: ${[...tarballOf.values()].map((file) => basename(file)).join(', ')}`);

  // 4. The minimal consumer: @dbp/aws-core + @dbp/aws-s3 only.
  const minimal = join(base, 'consumer');
  writeMinimalConsumer(minimal);
  await must(
    'npm install (core + s3)',
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarballOf.get('@dbp/aws-core'), tarballOf.get('@dbp/aws-s3')],
    {
      cwd: minimal,
      env: npmEnv(),
    },
  );
  const clients = installedSdkClients(join(minimal, 'node_modules')).map((path) => relative(minimal, path));
  const strays = clients.filter((path) => OTHER_SDK_CLIENTS.some((client) => path.endsWith(client)));
  if (strays.length > 0) fail(`installing @dbp/aws-core + @dbp/aws-s3 brought other SDK clients: ${strays.join(', ')}`);
  if (!clients.some((path) => path.endsWith('@aws-sdk/client-s3'))) fail('@aws-sdk/client-s3 was not installed');
  const cores = installedCopies(join(minimal, 'node_modules'), '@dbp/aws-core');
  if (cores.length !== 1) fail(`expected one @dbp/aws-core, found ${cores.map((path) => relative(minimal, path)).join(', ')}`);
  const lock = JSON.parse(readFileSync(join(minimal, 'package-lock.json'), 'utf8'));
  for (const name of ['@dbp/aws-core', '@dbp/aws-s3']) {
    const resolved = lock.packages?.[`node_modules/${name}`]?.resolved ?? '';
    if (!resolved.startsWith('file:')) fail(`${name} did not come from the local tarball (resolved: ${resolved || 'unknown'})`);
  }
  log(`npm install core + s3: SDK clients in node_modules: ${clients.map((path) => path.slice(path.lastIndexOf('@aws-sdk'))).join(', ')}; one @dbp/aws-core`);

  const node = process.execPath;
  const consumerEnv = { ...npmEnv(), AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  log(`ESM import: ${(await must('ESM import (esm.mjs)', node, ['esm.mjs'], { cwd: minimal, env: consumerEnv })).stdout.trim()}`);
  log(`CJS require: ${(await must('CJS require (cjs.cjs)', node, ['cjs.cjs'], { cwd: minimal, env: consumerEnv })).stdout.trim()}`);
  await must('tsc --noEmit (consumer.mts, consumer.cts)', node, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
    cwd: minimal,
  });
  log('tsc --noEmit (nodenext, strict): consumer.mts and consumer.cts type-check');

  // 5. Every package, every entry point: the same consumer adds the other tarballs.
  const others = [...tarballOf].filter(([name]) => name !== '@dbp/aws-core' && name !== '@dbp/aws-s3').map(([, file]) => file);
  await must('npm install (every other package)', 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...others], {
    cwd: minimal,
    env: npmEnv(),
  });
  const specifiers = packages.flatMap(({ manifest }) =>
    Object.keys(manifest.exports ?? { '.': null })
      .filter((subpath) => subpath !== './package.json')
      .map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`)),
  );
  writeFileSync(join(minimal, 'specifiers.json'), JSON.stringify(specifiers));
  writeFileSync(
    join(minimal, 'entries.mjs'),
    [
      "import { readFileSync } from 'node:fs';",
      "import { createRequire } from 'node:module';",
      'const require = createRequire(import.meta.url);',
      "const specifiers = JSON.parse(readFileSync('specifiers.json', 'utf8'));",
      'for (const specifier of specifiers) {',
      '  const esm = await import(specifier);',
      '  const cjs = require(specifier);',
      "  const empty = !specifier.endsWith('/register') && (Object.keys(esm).length === 0 || Object.keys(cjs).length === 0);",
      "  if (empty) throw new Error(specifier + ': no exports');",
      '}',
      "console.log(specifiers.length + ' entry points imported (ESM) and required (CJS)');",
      '',
    ].join('\n'),
  );
  log(`every package: ${(await must('import/require every entry point', node, ['entries.mjs'], { cwd: minimal, env: consumerEnv })).stdout.trim()}`);

  // 6. Register-only type consumers, on the current and the oldest supported TypeScript.
  const oldestTypescript = join(base, `typescript-${OLDEST_TYPESCRIPT}`);
  mkdirSync(oldestTypescript);
  writeFileSync(join(oldestTypescript, 'package.json'), '{ "private": true }\n');
  await must(
    `npm install typescript@${OLDEST_TYPESCRIPT}`,
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', `typescript@${OLDEST_TYPESCRIPT}`],
    {
      cwd: oldestTypescript,
      env: npmEnv(),
    },
  );
  try {
    checkDistinctCoreTypes(await tarballManifest(tarballOf.get('@dbp/aws-core')));
  } catch (error) {
    fail(error.message);
  }
  const registerDir = join(minimal, 'register-only');
  const programs = writeRegisterConsumers(registerDir, SERVICES, edgeConditions(packages));
  const typescripts = [
    { dir: join(root, 'node_modules', 'typescript'), programs },
    { dir: join(oldestTypescript, 'node_modules', 'typescript'), programs: programs.filter((program) => program.oldest) },
  ].map((typescript) => ({ ...typescript, version: readPackageJson(typescript.dir).version }));
  // One process per TypeScript (each parses the SDK's declarations once for all its programs), both at once.
  await Promise.all(
    typescripts.map(({ dir, version, programs: some }) =>
      must(
        `TypeScript ${version}: type-check the register-only consumers`,
        node,
        [join(root, 'scripts', 'lib', 'typecheckPrograms.mjs'), dir, ...some.map((program) => program.tsconfig)],
        { cwd: registerDir },
      ),
    ),
  );
  const ran = typescripts.map(({ version, programs: some }) => `TypeScript ${version}: ${some.map((program) => program.name).join(', ')}`);
  log(
    `register only (ESM and CJS): getClient('<id>') is the SDK client for ${SERVICES.map((service) => service.id).join(', ')}, and a type error with the main entry only; ${ran.join('; ')}`,
  );

  console.log(`✓ release rehearsal passed: ${packages.length} packages at ${version}, in ${((Date.now() - started) / 1000).toFixed(1)}s`);
} finally {
  if (keep) console.log(`  kept ${base}`);
  else rmSync(base, { recursive: true, force: true });
}

function writeMinimalConsumer(dir) {
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'dbp-rehearsal-consumer-s3', version: '0.0.0', private: true }, null, 2)}\n`);
  const options = "{ region: 'eu-west-1', credentials: { accessKeyId: 'AKIAREHEARSAL0000001', secretAccessKey: 'rehearsal-secret' } }";
  writeFileSync(
    join(dir, 'esm.mjs'),
    `import assert from 'node:assert/strict';
import { AwsRegionError, createClientFactory, getClientFactory } from '@dbp/aws-core';
import { getS3Client, s3 } from '@dbp/aws-s3';
import '@dbp/aws-s3/register';

const options = ${options};
const client = getS3Client(options);
assert.equal(client.constructor.name, 'S3Client');
assert.equal(getClientFactory().getClient('s3', { ...options }), client, 'getClient("s3") after register is the cached client');
assert.equal(getClientFactory().getClient(s3, options), client);
assert.equal(await client.config.region(), 'eu-west-1');
assert.throws(() => createClientFactory().getClient(s3, { region: 'us-east-l' }), AwsRegionError);
console.log('getS3Client and getClient("s3") give one cached S3Client; AwsRegionError for us-east-l');
`,
  );
  writeFileSync(
    join(dir, 'cjs.cjs'),
    `const assert = require('node:assert/strict');
const { AwsRegionError, createClientFactory, getClientFactory } = require('@dbp/aws-core');
const { getS3Client, s3 } = require('@dbp/aws-s3');
require('@dbp/aws-s3/register');

const options = ${options};
const client = getS3Client(options);
assert.equal(client.constructor.name, 'S3Client');
assert.equal(getClientFactory().getClient('s3', { ...options }), client);
assert.throws(() => createClientFactory().getClient(s3, { region: 'us-east-l' }), AwsRegionError);
// The ESM build in the same process shares the factory (one cache per process).
import('@dbp/aws-s3').then((esm) => {
  assert.notEqual(esm.getS3Client, getS3Client, 'the ESM and CJS builds are two module instances');
  assert.equal(esm.getS3Client(options), client, 'ESM and CJS share one factory');
  console.log('require works; the ESM and CJS builds share one factory');
});
`,
  );
  const consumer = `import { getClientFactory } from '@dbp/aws-core';
import { getS3Client } from '@dbp/aws-s3';
import '@dbp/aws-s3/register';

type S3 = ReturnType<typeof getS3Client>;
export const direct: S3 = getS3Client({ region: 'us-east-1' });
export const byId: S3 = getClientFactory().getClient('s3', { region: 'us-east-1', config: { forcePathStyle: true } });
export const send: S3['send'] = byId.send;
// @ts-expect-error getClient('s3') is typed as the S3 client, not any
export const notAny: number = byId;
// @ts-expect-error only registered service ids type-check
getClientFactory().getClient('not-a-service');
`;
  writeFileSync(join(dir, 'consumer.mts'), consumer);
  writeFileSync(join(dir, 'consumer.cts'), consumer);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    `${JSON.stringify(
      {
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2022', 'dom'],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['consumer.mts', 'consumer.cts'],
      },
      null,
      2,
    )}\n`,
  );
}
