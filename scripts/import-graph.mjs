#!/usr/bin/env node
// The core's import graph has no cycle (DESIGN.md "Kernel and plug-ins"):
// neither through value imports nor through type-only ones, and the kernel
// imports no plug-in and no platform module. Reads every non-test module of
// packages/aws-core/src with TypeScript's own import scanner
// (`ts.preProcessFile`: import/export declarations, `import()` and `import
// type` alike), resolves relative specifiers, the package's own name
// (`@dbp/aws-core`, through its `exports`) and its `imports` specifiers
// (`#name`), both by the `@dbp/source` condition (every target under it: a
// cycle in any build is a cycle), and reports each strongly connected
// component of more than one module (or a module importing itself) with the
// edges that close it.
//
// `node scripts/import-graph.mjs` exits 1 on a cycle or a layering break;
// `--print` also lists every module with its imports; `--package <dir>` checks
// another copy of the package (its package.json and src; the tests use it).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const packageFlag = process.argv.indexOf('--package');
const packageDir = packageFlag === -1 ? join(root, 'packages', 'aws-core') : resolve(process.argv[packageFlag + 1] ?? '.');
const src = join(packageDir, 'src');
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const TEST = /\.test(-d)?\.ts$|__fixtures__/;

/** Every module of the core's sources, tests and fixtures left out. */
function modules(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...modules(path));
    else if (/\.(ts|mts|cts)$/.test(name) && !name.endsWith('.d.ts') && !name.endsWith('.d.cts') && !TEST.test(path)) found.push(path);
  }
  return found;
}

/** A path as the module it names (`./x.js` → `x.ts`, `./dir` → `dir/index.ts`). */
function moduleAt(base, known) {
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.cjs$/, '.cts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((candidate) => known.has(candidate));
}

/** Every path a package.json `exports`/`imports` entry gives under the `@dbp/source` condition (all of them when it has none). */
function sourceTargets(entry) {
  if (typeof entry === 'string') return [entry];
  if (typeof entry !== 'object' || entry === null) return [];
  if (Object.hasOwn(entry, '@dbp/source')) return sourceTargets(entry['@dbp/source']);
  return Object.values(entry).flatMap(sourceTargets);
}

/** The modules a specifier names: relative, the package's own name (`exports`), or `#name` (`imports`). */
function resolveSpecifier(from, specifier, known) {
  if (specifier.startsWith('.')) return [moduleAt(resolve(dirname(from), specifier), known)];
  let entry;
  if (specifier.startsWith('#')) entry = manifest.imports?.[specifier];
  else if (specifier === manifest.name || specifier.startsWith(`${manifest.name}/`)) {
    const subpath = `.${specifier.slice(manifest.name.length)}`;
    entry = typeof manifest.exports === 'string' || subpath !== '.' ? manifest.exports?.[subpath] : (manifest.exports?.['.'] ?? manifest.exports);
  }
  return sourceTargets(entry).map((target) => moduleAt(resolve(packageDir, target), known));
}

export function importGraph() {
  const files = modules(src);
  const known = new Set(files);
  const graph = new Map();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = new Set();
    for (const { fileName } of importedFiles) {
      for (const target of resolveSpecifier(file, fileName, known)) if (target !== undefined) targets.add(target);
    }
    graph.set(file, [...targets]);
  }
  return graph;
}

/** Tarjan's strongly connected components. */
function components(graph) {
  let index = 0;
  const indices = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (node) => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), indices.get(next)));
    }
    if (low.get(node) === indices.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      found.push(component);
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

/** Which folder layer a module is in: its first folder under src (`kernel`, `plugins`, `platform`), or `entry`. */
function layerOf(file) {
  const parts = relative(src, file).split(/[\\/]/);
  return parts.length > 1 ? parts[0] : 'entry';
}

const graph = importGraph();
const show = (file) => relative(src, file);
const problems = [];
for (const component of components(graph)) {
  const members = new Set(component);
  const selfLoop = component.length === 1 && (graph.get(component[0]) ?? []).includes(component[0]);
  if (component.length === 1 && !selfLoop) continue;
  const edges = component.flatMap((from) => (graph.get(from) ?? []).filter((to) => members.has(to)).map((to) => `${show(from)} → ${show(to)}`));
  problems.push(`import cycle of ${component.length} modules:\n    ${edges.join('\n    ')}`);
}
// The kernel imports only the kernel; a plug-in imports the kernel and its own folder; a platform module imports the kernel's types.
for (const [from, targets] of graph) {
  const layer = layerOf(from);
  for (const to of targets) {
    const target = layerOf(to);
    if (layer === 'kernel' && target !== 'kernel')
      problems.push(`the kernel imports ${target === 'entry' ? 'an entry' : `a ${target.replace(/s$/, '')} module`}: ${show(from)} → ${show(to)}`);
    if (layer === 'plugins' && target === 'plugins' && show(from).split(/[\\/]/)[1] !== show(to).split(/[\\/]/)[1])
      problems.push(`a plug-in imports another plug-in: ${show(from)} → ${show(to)}`);
    if ((layer === 'plugins' || layer === 'platform') && target === 'entry') problems.push(`${layer} imports an entry: ${show(from)} → ${show(to)}`);
  }
}
if (process.argv.includes('--print')) {
  for (const [file, targets] of [...graph].sort(([a], [b]) => a.localeCompare(b))) console.log(`${show(file)}: ${targets.map(show).join(', ') || '—'}`);
}
if (problems.length > 0) {
  console.error(`✖ packages/aws-core/src import graph (${graph.size} modules):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`✓ packages/aws-core/src import graph: ${graph.size} modules, no cycle (value or type-only); the kernel imports only the kernel`);
