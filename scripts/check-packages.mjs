#!/usr/bin/env node
// Package quality gate for every publishable package under packages/ (run
// after the build; `pnpm check:packages`, and a step of scripts/test.mjs):
//
// 1. Metadata: name matches the folder, `license`, `engines.node`,
//    `repository` (pointing at the folder), `files` (with dist),
//    `sideEffects` (false, or a list that names every `register` entry).
// 2. Exports drift (unstorage `validatePkg`, Hono `validate-exports`): every
//    path in `exports`, `imports`, `main`, `module` and `types` exists, and
//    every file in dist/ is reachable from them, directly or through the
//    relative imports of a reachable file. `types` comes first in each
//    condition object.
// 3. Are the Types Wrong? (`attw`, `--profile node16`) on each package as
//    published: `pnpm pack` (which rewrites `workspace:` ranges, as
//    `changeset publish` does) into a temporary folder, then the check of
//    `attw <tarball> --profile node16` (the same as `attw --pack <dir>`, on the
//    tarball pnpm would publish), all in this process: the CLI's engine,
//    @arethetypeswrong/core, loads TypeScript once instead of once per package.
//    The types must resolve and match the JavaScript under node16 (from ESM
//    and from CJS) and bundler resolution. The node10 profile is left out:
//    these packages need `exports` (`engines.node >= 20`), and node10
//    resolution cannot see subpaths such as `@dbp/aws-s3/register`. Every
//    declared dist path must also be in the tarball, and so must LICENSE
//    (the build copies the repository's into the package, tsup.config.base.ts).
// 4. Service packages (internal/services/services.json; importing it fails on
//    drift between the manifest and packages/): a `./register` entry, and
//    `@dbp/aws-core` (`workspace:^`) and their SDK client as dependencies.
// 5. README.md: starts with `# <name>` and a paragraph saying what the
//    package is, and links only by URL (or to an `#anchor` of itself): a
//    relative link is dead on npm and in node_modules. The repository's URL
//    is derived from `repository.url`.
// 6. Built JavaScript is ASCII only: one other character makes Node decode
//    the whole file into a two-byte string, ~0.5 ms of every import of the
//    core. esbuild escapes strings and regular expressions, but keeps some
//    comments (and tagged templates, whose raw text an escape would change)
//    as written: write those in ASCII.
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SERVICES } from '@dbp/aws-services';
import { pnpmCommand, readPackageJson, run } from './lib/process.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const attwBin = join(root, 'node_modules', '.bin', 'attw');
const ATTW_TIMEOUT_MS = 120_000;
// attw's `node16` profile: every resolution mode but node10.
const IGNORED_RESOLUTIONS = ['node10'];
const PACK_TIMEOUT_MS = 120_000;

const packageDirs = readdirSync(join(root, 'packages'))
  .map((name) => join(root, 'packages', name))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .filter((dir) => readPackageJson(dir).private !== true);

/** Every string leaf of an `exports`/`imports` value, with the condition path that leads to it. */
function targets(value, path = []) {
  if (typeof value === 'string') return [{ path, target: value }];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => targets(inner, [...path, key]));
}

/** Condition objects (anywhere in `value`) whose `types` key is not the first. */
function typesNotFirst(value, path = []) {
  if (value === null || typeof value !== 'object') return [];
  const keys = Object.keys(value);
  const here = keys.includes('types') && keys[0] !== 'types' ? [path.join(' > ') || '(root)'] : [];
  return [...here, ...keys.flatMap((key) => typesNotFirst(value[key], [...path, key]))];
}

/** @arethetypeswrong/core, the version the installed @arethetypeswrong/cli uses. */
async function loadAttwCore() {
  const cliManifest = realpathSync(join(root, 'node_modules', '@arethetypeswrong', 'cli', 'package.json'));
  return import(pathToFileURL(createRequire(cliManifest).resolve('@arethetypeswrong/core')).href);
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

// `from './x.js'`, `import './x.js'`, `import('./x.js')`, `require('./x.cjs')`,
// `/// <reference path="./x.d.ts" />`: the relative specifiers a built file uses.
const RELATIVE_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*|<reference\s+path=)["'](\.{1,2}\/[^"']+)["']/g;

function relativeImports(file) {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(RELATIVE_SPECIFIER)].map((match) => resolve(dirname(file), match[1]));
}

/** What a `.d.ts`/`.d.cts` import of `./x.js`/`./x.cjs` means on disk. */
function declarationCandidates(file) {
  return [file, file.replace(/\.js$/, '.d.ts'), file.replace(/\.cjs$/, '.d.cts'), file.replace(/\.mjs$/, '.d.mts')];
}

/** A character outside ASCII (one UTF-16 code unit). */
const NOT_ASCII = /[\u0080-\uffff]/;

function checkPackage(dir) {
  const errors = [];
  const pkg = readPackageJson(dir);
  const folder = relative(root, dir).split('\\').join('/');
  const expectedName = `@dbp/${folder.slice('packages/'.length)}`;

  // 1. Metadata.
  if (pkg.name !== expectedName) errors.push(`name is ${JSON.stringify(pkg.name)}, expected ${expectedName} (folder ${folder})`);
  if (typeof pkg.license !== 'string' || pkg.license === '') errors.push('license is missing');
  if (typeof pkg.engines?.node !== 'string') errors.push('engines.node is missing');
  if (typeof pkg.repository?.url !== 'string') errors.push('repository.url is missing');
  if (pkg.repository?.directory !== folder) errors.push(`repository.directory is ${JSON.stringify(pkg.repository?.directory)}, expected ${folder}`);
  if (!Array.isArray(pkg.files) || !pkg.files.includes('dist')) errors.push('files must list "dist"');
  if (pkg.type !== 'module') errors.push('type must be "module" (dist/*.js are ESM, dist/*.cjs CommonJS)');
  if (pkg.sideEffects !== false && !Array.isArray(pkg.sideEffects)) errors.push('sideEffects must be false or a list of files');
  if (!pkg.exports || typeof pkg.exports !== 'object') errors.push('exports is missing');
  if (pkg.exports && !pkg.exports['./package.json']) errors.push('exports must include "./package.json"');

  // 2. Every declared path exists.
  const declared = [
    ...targets(pkg.exports ?? {}, ['exports']),
    ...targets(pkg.imports ?? {}, ['imports']),
    ...['main', 'module', 'types'].filter((field) => pkg[field] !== undefined).map((field) => ({ path: [field], target: pkg[field] })),
  ];
  for (const { path, target } of declared) {
    if (!target.startsWith('./')) errors.push(`${path.join(' > ')}: ${target} is not a ./relative path`);
    else if (!existsSync(join(dir, target)))
      errors.push(`${path.join(' > ')}: ${target} does not exist (build drift: is it still an entry in tsup.config.ts?)`);
  }
  for (const where of typesNotFirst(pkg.exports ?? {})) errors.push(`exports > ${where}: "types" must be the first condition`);

  // `register` entries exist for their side effect: sideEffects must name every built one.
  if (Array.isArray(pkg.sideEffects)) {
    for (const entry of pkg.sideEffects) if (!existsSync(join(dir, entry))) errors.push(`sideEffects: ${entry} does not exist`);
    const registerFiles = Object.entries(pkg.exports ?? {})
      .filter(([subpath]) => subpath.endsWith('/register'))
      .flatMap(([subpath, value]) => targets(value, ['exports', subpath]))
      .filter(({ path, target }) => !path.includes('types') && /\.(c|m)?js$/.test(target));
    for (const { target } of registerFiles) if (!pkg.sideEffects.includes(target)) errors.push(`sideEffects must list ${target} (a register entry)`);
  } else if (Object.keys(pkg.exports ?? {}).some((subpath) => subpath.endsWith('/register'))) {
    errors.push('sideEffects is false but the package has a register entry');
  }

  // 5. README.md: what the package is, links that work once installed.
  const readmePath = join(dir, 'README.md');
  if (!existsSync(readmePath)) errors.push('README.md is missing');
  else {
    const readme = readFileSync(readmePath, 'utf8');
    const [title, blank, firstLine] = readme.split('\n');
    if (title !== `# ${pkg.name}`) errors.push(`README.md must start with "# ${pkg.name}"`);
    if (blank !== '' || !/^[A-Za-z`*[]/.test(firstLine ?? '')) errors.push('README.md: the title must be followed by a paragraph saying what the package is');
    const repositoryUrl = (pkg.repository?.url ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
    for (const [, target] of readme.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#')) {
        errors.push(`README.md links ${target}, which is dead on npm and in node_modules: link by URL (the repository is ${repositoryUrl})`);
      }
    }
  }

  // 4. Service packages: what every one of them has.
  const service = SERVICES.find((candidate) => candidate.package === pkg.name);
  if (service) {
    if (!pkg.exports?.['./register']) errors.push(`exports must have "./register" (a service package; see ${service.folder} in the service manifest)`);
    if (pkg.dependencies?.['@dbp/aws-core'] !== 'workspace:^') errors.push('dependencies must have "@dbp/aws-core": "workspace:^" (one core per application)');
    if (pkg.peerDependencies?.[service.sdk] !== undefined || pkg.devDependencies?.[service.sdk] !== undefined) {
      errors.push(`${service.sdk} must be a dependency only (not a peer or dev dependency)`);
    }
  }

  // 3. Every dist file is reachable from the declared entry points.
  const distFiles = listFiles(join(dir, 'dist'));
  if (distFiles.length === 0) errors.push('dist/ is empty or missing: build first (pnpm build)');
  const reachable = new Set();
  const queue = declared.map(({ target }) => resolve(dir, target)).filter((file) => existsSync(file));
  while (queue.length > 0) {
    const file = queue.pop();
    if (reachable.has(file)) continue;
    reachable.add(file);
    if (!/\.(c|m)?(js|ts)$/.test(file) || file.includes(`${join(dir, 'src')}`)) continue;
    for (const imported of relativeImports(file)) {
      const onDisk = (/\.[cm]?ts$/.test(file) ? declarationCandidates(imported) : [imported]).find((candidate) => existsSync(candidate));
      if (onDisk) queue.push(onDisk);
      else errors.push(`${relative(dir, file)} imports ${relative(dir, imported)}, which does not exist`);
    }
  }
  for (const file of distFiles) {
    if (!reachable.has(file)) errors.push(`${relative(dir, file)} is built but reachable from neither exports nor imports (build drift)`);
  }

  // 6. ASCII only.
  for (const file of distFiles.filter((name) => /\.(c|m)?js$/.test(name))) {
    const lines = readFileSync(file, 'utf8').split('\n');
    const line = lines.findIndex((text) => NOT_ASCII.test(text));
    if (line !== -1) {
      const char = lines[line].match(NOT_ASCII)[0];
      errors.push(
        `${relative(dir, file)}:${line + 1} has ${JSON.stringify(char)} (U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}): built JavaScript must be ASCII (esbuild keeps some comments as written: find this line's comment in the source and write it in ASCII)`,
      );
    }
  }
  return { pkg, errors };
}

let failed = false;
for (const dir of packageDirs) {
  const { pkg, errors } = checkPackage(dir);
  if (errors.length === 0) {
    console.log(`✓ ${pkg.name}: metadata, exports ↔ dist (${listFiles(join(dir, 'dist')).length} files)`);
  } else {
    failed = true;
    console.log(`✖ ${pkg.name}:\n${errors.map((error) => `    - ${error}`).join('\n')}`);
  }
}

// Pack every package as pnpm publishes it, then check each tarball.
const packDir = mkdtempSync(join(tmpdir(), 'dbp-check-packages-'));
try {
  const [pnpm, pnpmArgs] = pnpmCommand();
  const pack = await run(pnpm, [...pnpmArgs, '-r', '--filter', './packages/**', 'pack', '--pack-destination', packDir, '--json'], {
    cwd: root,
    timeoutMs: PACK_TIMEOUT_MS,
  });
  if (pack.code !== 0) {
    failed = true;
    console.log(`✖ pnpm pack failed (exit ${pack.code}):\n${pack.output}`);
  }
  const packed = pack.code === 0 ? JSON.parse(pack.stdout) : [];
  const packedByName = new Map(packed.map((entry) => [entry.name, entry]));
  for (const dir of packageDirs) {
    const pkg = readPackageJson(dir);
    const entry = packedByName.get(pkg.name);
    if (!entry) {
      failed = true;
      if (pack.code === 0) console.log(`✖ ${pkg.name}: pnpm pack made no tarball`);
      continue;
    }
    const inTarball = new Set(entry.files.map((file) => file.path));
    const missing = [...targets(pkg.exports ?? {}), ...targets(pkg.imports ?? {}), ...['main', 'module', 'types'].map((field) => ({ target: pkg[field] }))]
      .map(({ target }) => target)
      .filter((target) => typeof target === 'string' && target.startsWith('./dist/') && !inTarball.has(target.slice(2)));
    if (missing.length > 0) {
      failed = true;
      console.log(`✖ ${pkg.name}: not in the tarball: ${[...new Set(missing)].join(', ')}`);
    }
    if (!inTarball.has('LICENSE')) {
      failed = true;
      console.log(`✖ ${pkg.name}: the tarball has no LICENSE (the build copies the repository's, tsup.config.base.ts: built with defineBuild?)`);
    }
  }

  // The check itself runs in this process through the CLI's own engine
  // (@arethetypeswrong/core, as `attw` calls it); the CLI's table is printed
  // for a package that fails.
  const attw = await loadAttwCore();
  for (const dir of packageDirs) {
    const name = readPackageJson(dir).name;
    const tarball = packedByName.get(name)?.filename;
    if (!tarball) continue;
    const analysis = await attw.checkPackage(attw.createPackageFromTarballData(new Uint8Array(readFileSync(tarball))));
    const problems = analysis.types ? analysis.problems.filter((problem) => !IGNORED_RESOLUTIONS.includes(problem.resolutionKind)) : [{ kind: 'NoTypes' }];
    if (problems.length === 0) {
      console.log(`✓ ${name}: attw --profile node16: no problems`);
      continue;
    }
    failed = true;
    const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
    const cli = await run(attwBin, [tarball, '--profile', 'node16', '--format', 'ascii'], { cwd: root, env, timeoutMs: ATTW_TIMEOUT_MS });
    const kinds = [...new Set(problems.map((problem) => problem.kind))].join(', ');
    console.log(`✖ ${name}: attw --profile node16: ${kinds}\n${cli.output}`);
  }
} finally {
  rmSync(packDir, { recursive: true, force: true });
}

if (failed) {
  console.error('\n✖ package checks failed');
  process.exit(1);
}
console.log(`\n✓ ${packageDirs.length} packages: metadata, exports ↔ dist, tarball contents, attw`);
