#!/usr/bin/env node
// Every code block in every README compiles, and every complete one runs (a
// step of scripts/test.mjs, after the build: the blocks import the built
// packages as a user's project does).
//
// What it reads: the ```ts, ```typescript, ```js and ```javascript blocks of
// every README.md and CONTRIBUTING.md in the repository (node_modules, dist
// and .tmp left out). Shell, JSON and other blocks are not code to check.
//
// What it does with a block:
// - Type-checks it under `strict` twice: `module`/`moduleResolution`
//   `nodenext` (an ESM package, as Node runs it) and `moduleResolution`
//   `bundler` (as Vite, esbuild or webpack resolve it). Each block is a
//   program of its own, so a `declare module` augmentation another block
//   pulls in (`import '@dbp/aws-s3/register'`) never makes this one compile;
//   the parsed declaration files are shared between the programs of a mode,
//   which keeps that cheap.
// - Runs it with `node` (transpiled to JavaScript), unless it is a fragment.
//   A complete example starts and stops `startLocalAws()` itself and must
//   exit on its own, with code 0, within the time limit.
//
// Markers, on the line right before the opening fence (HTML comments, so
// GitHub shows nothing):
//   <!-- fragment -->                   type-checked, not run
//   <!-- fragment: <declarations> -->   the same, with these TypeScript
//                                       lines in front of the block (what
//                                       the surrounding text defines, e.g.
//                                       `declare const local: LocalAws;`);
//                                       the comment may span lines.
// Nothing is skipped: a fragment is checked like any block, its declarations
// included.
//
// Imports: a package resolves as some workspace package of this repository
// resolves it (internal/e2e's first: it depends on every @dbp/aws-* package
// and SDK client), through its `exports` to the built `dist` types and code,
// as in a user's project. A relative import (`./src/index.js`) is relative to
// the README's folder.
//
// Usage:
//   node scripts/readme-blocks.mjs                check every README
//   node scripts/readme-blocks.mjs --self-check   prove it fails on broken blocks
//                                                 (scripts/__fixtures__/readme-blocks/BLOCKS.md)
//   node scripts/readme-blocks.mjs README.md …    only these files
//   --list                                        list the blocks and what is done with each
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = join(root, '.tmp', 'readme-blocks');
// Where the blocks' packages come from, first match wins: the e2e suite (every
// @dbp/aws-* package and SDK client), then every other workspace package.
const WORKSPACE_GLOBS = [['internal', 'e2e'], ['examples'], ['packages'], ['internal']];
const LANGUAGES = new Map([
  ['ts', 'ts'],
  ['typescript', 'ts'],
  ['js', 'js'],
  ['javascript', 'js'],
]);
const SKIP_DIRS = new Set(['node_modules', '.git', '.tmp', 'dist', '.turbo', 'coverage', '__fixtures__']);
const DOC_NAMES = new Set(['README.md', 'CONTRIBUTING.md']);
const RUN_TIMEOUT_MS = 60_000;
const RUN_CONCURRENCY = 2;
const FIXTURE = join(root, 'scripts', '__fixtures__', 'readme-blocks', 'BLOCKS.md');

const COMMON_OPTIONS = {
  strict: true,
  // As TypeScript 7's `tsc --init` sets them: a type that fails a user's project under these fails here.
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts', 'lib.dom.d.ts'],
  types: ['node'],
  typeRoots: [join(root, 'node_modules', '@types')],
  skipLibCheck: true,
  noEmit: true,
  allowJs: true,
  checkJs: true,
  esModuleInterop: true,
  forceConsistentCasingInFileNames: true,
};
/** The two ways a user's project resolves the packages. */
const MODES = [
  { name: 'nodenext', options: { ...COMMON_OPTIONS, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext } },
  { name: 'bundler', options: { ...COMMON_OPTIONS, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler } },
];

/** The workspace packages' node_modules folders, internal/e2e's first. */
function workspaceModules() {
  const dirs = [];
  for (const [first, second] of WORKSPACE_GLOBS) {
    const candidates = second ? [join(root, first, second)] : readdirSync(join(root, first)).map((name) => join(root, first, name));
    for (const dir of candidates) if (existsSync(join(dir, 'node_modules')) && !dirs.includes(join(dir, 'node_modules'))) dirs.push(join(dir, 'node_modules'));
  }
  return dirs;
}

/** A node_modules folder of links to every package some workspace package depends on (first one wins). */
function linkModules(target) {
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const modules of workspaceModules()) {
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      const names = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((name) => `${entry}/${name}`) : [entry];
      for (const name of names) {
        const link = join(target, name);
        if (existsSync(link)) continue;
        mkdirSync(dirname(link), { recursive: true });
        symlinkSync(join(modules, name), link, 'dir');
      }
    }
  }
}

/** The README and CONTRIBUTING files of the repository. */
function findDocs(dir = root) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) found.push(...findDocs(join(dir, entry.name)));
    } else if (DOC_NAMES.has(entry.name)) found.push(join(dir, entry.name));
  }
  return found.sort();
}

/**
 * The code blocks of one Markdown file, with their markers.
 *
 * @returns {{ file: string, line: number, lang: 'ts' | 'js', code: string, fragment: boolean, prelude: string, expect?: string }[]}
 */
export function extractBlocks(file, text = readFileSync(file, 'utf8')) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    let end = i + 1;
    while (end < lines.length && !(lines[end].trim().startsWith(fence) && lines[end].trim().replace(/[`~]/g, '') === '')) end++;
    const lang = LANGUAGES.get(info.toLowerCase());
    if (lang) {
      const code = lines
        .slice(i + 1, end)
        .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart()))
        .join('\n');
      blocks.push({ file, line: i + 1, lang, code, ...markerBefore(lines, i, file) });
    }
    i = end;
  }
  return blocks;
}

/** The `<!-- fragment … -->` comment that ends on the line before the fence, if any. */
function markerBefore(lines, fenceIndex, file) {
  const last = fenceIndex - 1;
  if (last < 0 || !lines[last].trim().endsWith('-->')) return { fragment: false, prelude: '' };
  let first = last;
  while (first > 0 && !lines[first].includes('<!--')) first--;
  const comment = lines
    .slice(first, last + 1)
    .join('\n')
    .trim();
  const match = /^<!--\s*fragment\s*(?::([\s\S]*?))?-->$/.exec(comment);
  if (!match) {
    if (/^<!--\s*fragment/i.test(comment))
      throw new Error(`${relative(root, file)}:${first + 1}: malformed marker ${comment}; write <!-- fragment --> or <!-- fragment: <declarations> -->`);
    return { fragment: false, prelude: '' };
  }
  return { fragment: true, prelude: (match[1] ?? '').trim() };
}

/** `README.md:12` */
const where = (block) => `${relative(root, block.file) || block.file}:${block.line}`;

/** Relative import specifiers are relative to the README's folder; the block file lives elsewhere. */
function rewriteRelativeImports(code, readmeDir, blockDir) {
  return code.replace(/(\bfrom\s+|\bimport\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*)\2/g, (_, head, quote, specifier) => {
    let target = relative(blockDir, resolve(readmeDir, specifier)).split(sep).join('/');
    if (!target.startsWith('.')) target = `./${target}`;
    return `${head}${quote}${target}${quote}`;
  });
}

/** Writes each block as a module of its own under `dir`; returns the blocks with their file names. */
function writeBlocks(blocks, dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const used = new Set();
  return blocks.map((block) => {
    let base = `${relative(root, block.file)
      .replace(/\.md$/, '')
      .replace(/[^\w-]+/g, '_')}_L${block.line}`;
    while (used.has(base)) base += '_';
    used.add(base);
    const path = join(dir, `${base}.${block.lang}`);
    // The prelude sits on the block's first line, so every line number of the block stays its own.
    const prelude = block.prelude ? `${block.prelude.replace(/\s*\n\s*/g, ' ')} ` : '';
    const code = rewriteRelativeImports(block.code, dirname(block.file), dir);
    writeFileSync(path, `${prelude}${code}\nexport {};\n`);
    return { ...block, path };
  });
}

/** One program per block and mode; the declaration files are parsed and bound once per mode. */
function typecheck(blocks) {
  const failures = new Map();
  for (const mode of MODES) {
    const host = ts.createCompilerHost(mode.options, true);
    const cache = new Map();
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
      const key = `${fileName}\0${typeof languageVersion === 'object' ? languageVersion.impliedNodeFormat : ''}`;
      if (!cache.has(key)) cache.set(key, getSourceFile(fileName, languageVersion, onError, shouldCreate));
      return cache.get(key);
    };
    let previous;
    for (const block of blocks) {
      const program = ts.createProgram({ rootNames: [block.path], options: mode.options, host, oldProgram: previous });
      previous = program;
      const source = program.getSourceFile(block.path);
      // The block, and any file of the repository it imports (relative imports), but no declaration file of a package.
      const own = program.getSourceFiles().filter((file) => file === source || (!file.isDeclarationFile && !file.fileName.includes('/node_modules/')));
      const diagnostics = [
        ...program.getOptionsDiagnostics(),
        ...program.getGlobalDiagnostics(),
        ...own.flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]),
      ];
      if (diagnostics.length === 0) continue;
      const text = diagnostics
        .map((d) => {
          const message = ts.flattenDiagnosticMessageText(d.messageText, '\n      ');
          if (!d.file || d.start === undefined) return `    TS${d.code}: ${message}`;
          const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
          const inBlock = d.file.fileName === source?.fileName;
          const at = inBlock
            ? `line ${line + 1} of the block (${relative(root, block.file)}:${block.line + 1 + line})`
            : `${relative(root, d.file.fileName)}:${line + 1}:${character + 1}`;
          return `    ${at}: TS${d.code}: ${message}`;
        })
        .join('\n');
      failures.set(block, [...(failures.get(block) ?? []), `  type errors under ${mode.name}:\n${text}`]);
    }
  }
  return failures;
}

/** Transpiles a complete example and runs it with node; resolves to a failure text, or undefined. */
function run(block, dir, timeoutMs) {
  const js = ts.transpileModule(readFileSync(block.path, 'utf8'), {
    fileName: block.path,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: false },
  }).outputText;
  const file = join(dir, `${block.path.slice(block.path.lastIndexOf(sep) + 1).replace(/\.[jt]s$/, '')}.mjs`);
  writeFileSync(file, js);
  const env = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  // A block never reaches real AWS with the machine's settings: it states what it uses.
  for (const name of Object.keys(env))
    if (/^AWS_(PROFILE|REGION|DEFAULT_REGION|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|ENDPOINT_URL.*)$/.test(name)) delete env[name];
  return new Promise((settle) => {
    const child = spawn(process.execPath, [file], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const tail = output.trim().split('\n').slice(-25).join('\n    ');
      if (timedOut) settle(`  did not exit within ${timeoutMs / 1000} s (a complete example stops what it starts)${tail ? `:\n    ${tail}` : ''}`);
      else if (code !== 0) settle(`  exited with ${code ?? signal} when run with node:\n    ${tail}`);
      else settle(undefined);
    });
  });
}

/** Checks the blocks of `files`; returns each block with its failures (empty when it passed). */
export async function checkFiles(files, { timeoutMs = RUN_TIMEOUT_MS, label = 'readmes' } = {}) {
  const dir = join(work, label);
  const blocksDir = join(dir, 'blocks');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
  linkModules(join(dir, 'node_modules'));
  const blocks = writeBlocks(
    files.flatMap((file) => extractBlocks(file)),
    blocksDir,
  );
  const t0 = Date.now();
  const failures = typecheck(blocks);
  const typecheckSeconds = (Date.now() - t0) / 1000;
  for (const block of blocks) {
    if (!block.fragment && /\bfrom\s+['"]\.|\bimport\s*\(?\s*['"]\./.test(block.code))
      failures.set(block, [
        ...(failures.get(block) ?? []),
        '  a complete example imports packages only (it runs as a project of its own); mark a block that imports a file beside the README <!-- fragment -->',
      ]);
  }
  const runnable = blocks.filter((block) => !block.fragment && !failures.has(block));
  const runDir = join(dir, 'run');
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  let next = 0;
  const worker = async () => {
    while (next < runnable.length) {
      const block = runnable[next++];
      const failure = await run(block, runDir, timeoutMs);
      if (failure) failures.set(block, [...(failures.get(block) ?? []), failure]);
    }
  };
  await Promise.all(Array.from({ length: RUN_CONCURRENCY }, worker));
  return { typecheckSeconds, results: blocks.map((block) => ({ block, ran: runnable.includes(block), failures: failures.get(block) ?? [] })) };
}

/**
 * How long a fixture block may run: its `hang` blocks wait this long, its
 * complete blocks (one local S3 started and stopped) take about a second.
 */
const SELF_CHECK_TIMEOUT_MS = 6_000;

/** The fixture's blocks each say what must happen to them (`// expect: ok | type | run | hang | import`); a block judged otherwise fails the self-check. */
async function selfCheck() {
  const { results, typecheckSeconds } = await checkFiles([FIXTURE], { timeoutMs: SELF_CHECK_TIMEOUT_MS, label: 'self-check' });
  const wrong = [];
  for (const { block, failures } of results) {
    const expected = /^\/\/ expect: (ok|type|run|hang|import)\b/.exec(block.code)?.[1];
    if (!expected) throw new Error(`${where(block)}: a fixture block starts with // expect: ok | type | run | hang | import`);
    const got =
      failures.length === 0
        ? 'ok'
        : failures.some((text) => text.includes('type errors'))
          ? 'type'
          : failures.some((text) => text.includes('imports packages only'))
            ? 'import'
            : failures.some((text) => text.includes('did not exit'))
              ? 'hang'
              : 'run';
    if (got !== expected) wrong.push(`${where(block)}: expected ${expected}, got ${got}${failures.length ? `\n${failures.join('\n')}` : ''}`);
  }
  if (wrong.length > 0 || results.length < 12) {
    console.error(`✖ readme-blocks self-check: the check does not catch what it should\n${wrong.join('\n')}`);
    process.exit(1);
  }
  console.log(
    `✓ readme-blocks self-check: ${results.length} fixture blocks, each passed or failed as it says (${relative(root, FIXTURE)}; type checks ${typecheckSeconds.toFixed(1)} s)`,
  );
}

const args = process.argv.slice(2);
if (args.includes('--self-check')) {
  await selfCheck();
} else {
  const named = args.filter((arg) => !arg.startsWith('--')).map((file) => resolve(file));
  const files = named.length > 0 ? named : findDocs();
  if (args.includes('--list')) {
    for (const file of files)
      for (const block of extractBlocks(file))
        console.log(`${where(block)}  ${block.fragment ? `fragment${block.prelude ? ' (with declarations)' : ''}` : 'run'}`);
    process.exit(0);
  }
  const t0 = Date.now();
  const { results, typecheckSeconds } = await checkFiles(files);
  const failed = results.filter((result) => result.failures.length > 0);
  for (const { block, failures } of failed) console.error(`✖ ${where(block)}\n${failures.join('\n')}`);
  const ran = results.filter((result) => result.ran).length;
  const summary = `${results.length} code blocks in ${files.length} files: ${results.length} type-checked (nodenext and bundler), ${ran} run, ${results.length - results.filter((r) => !r.block.fragment).length} fragments (${((Date.now() - t0) / 1000).toFixed(1)} s, type checks ${typecheckSeconds.toFixed(1)} s)`;
  if (failed.length > 0) {
    console.error(`\n✖ ${failed.length} of ${summary}`);
    process.exit(1);
  }
  console.log(`✓ ${summary}`);
}
