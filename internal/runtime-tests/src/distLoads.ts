/**
 * Finds the loads in built JavaScript that a bundler cannot follow, by
 * parsing it (TypeScript's parser, so code inside strings and comments is
 * not mistaken for a load):
 * - `createRequire` (what crashed bundled Lambda handlers: the bundle kept a
 *   bare `require` of a package that was not there);
 * - `require(…)` in an ES module (esbuild turns it into a shim that throws),
 *   and `require(…)` of anything but a string literal in CommonJS;
 * - `import(…)` of anything but a string literal;
 * - `import.meta.url` and the rest of `import.meta` but `env` (or tsup's
 *   CommonJS stand-in, `importMetaUrl`), and `__filename`/`__dirname`: a
 *   module that needs its own path is about to load something by path;
 * - `require.resolve`, `module.require`, `process.mainModule`, `__non_webpack_require__`.
 * A static `require('literal')` in a CommonJS build is what bundlers follow;
 * it is not a finding.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

/** One load a bundler cannot follow. */
export interface DistLoad {
  /** The file, as given. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** What it is (`createRequire`, `require in ESM`, `computed require`, `computed import()`, `import.meta.url`, …). */
  readonly kind: string;
  /** The source text, clipped. */
  readonly text: string;
  /** The name of the function (or variable) it sits in, `''` at the top level. */
  readonly within: string;
}

const FORBIDDEN_IDENTIFIERS: Readonly<Record<string, string>> = {
  createRequire: 'createRequire',
  importMetaUrl: 'import.meta.url',
  __filename: '__filename',
  __dirname: '__dirname',
  __non_webpack_require__: '__non_webpack_require__',
};

function enclosingName(node: ts.Node): string {
  for (let current = node.parent; current; current = current.parent) {
    if ((ts.isFunctionDeclaration(current) || ts.isFunctionExpression(current) || ts.isMethodDeclaration(current)) && current.name)
      return current.name.getText();
    if (ts.isVariableDeclaration(current) && ts.isIdentifier(current.name)) return current.name.text;
  }
  return '';
}

/** The findings in one file's source; `module` says how it is loaded. */
export function scanSource(file: string, source: string, module: 'esm' | 'cjs'): DistLoad[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const findings: DistLoad[] = [];
  const add = (node: ts.Node, kind: string): void => {
    findings.push({
      file,
      line: sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1,
      kind,
      text: node.getText(sourceFile).replace(/\s+/g, ' ').slice(0, 120),
      within: enclosingName(node),
    });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const [first] = node.arguments;
      const literal = first !== undefined && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first));
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword && !literal) add(node, 'computed import()');
      if (ts.isIdentifier(node.expression) && (node.expression.text === 'require' || node.expression.text === '__require')) {
        if (module === 'esm') add(node, 'require in ESM');
        else if (!literal) add(node, 'computed require');
      }
    }
    if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword && node.name.text === 'meta') {
      // import.meta.env is a build-time constant (Vite); every other use (url, resolve, dirname, filename) is about the module's own location.
      const parent = node.parent;
      const property = ts.isPropertyAccessExpression(parent) ? parent.name.text : undefined;
      if (property !== 'env') add(property ? parent : node, property ? `import.meta.${property}` : 'import.meta');
    }
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      const owner = node.expression.text;
      const name = node.name.text;
      if ((owner === 'require' && name === 'resolve') || (owner === 'module' && name === 'require') || (owner === 'process' && name === 'mainModule'))
        add(node, `${owner}.${name}`);
    }
    if (ts.isIdentifier(node) && Object.hasOwn(FORBIDDEN_IDENTIFIERS, node.text)) {
      const parent = node.parent;
      // A use, not its import (`import { createRequire }` is followed by the use it exists for); `createRequire` also as a
      // property (`import_node_module.createRequire`, tsup's CommonJS form), the other names only as variables.
      const imported = ts.isImportSpecifier(parent);
      const asProperty = ts.isPropertyAccessExpression(parent) && parent.name === node;
      if (!imported && (!asProperty || node.text === 'createRequire')) add(node, FORBIDDEN_IDENTIFIERS[node.text]!);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return findings;
}

/** Every built JavaScript file of a package (`dist/**` `.js`, `.mjs`, `.cjs`), with how it loads. */
export function distFiles(packageDir: string): { file: string; module: 'esm' | 'cjs' }[] {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { type?: string };
  const out: { file: string; module: 'esm' | 'cjs' }[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(c|m)?js$/.test(entry.name)) {
        const module = entry.name.endsWith('.cjs') ? 'cjs' : entry.name.endsWith('.mjs') ? 'esm' : pkg.type === 'module' ? 'esm' : 'cjs';
        out.push({ file: path, module });
      }
    }
  };
  walk(join(packageDir, 'dist'));
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

/**
 * The condition a package map puts Node-only files under: Node (20.19+,
 * 22.12+) sets it, and so do file tracers on Node 22+ (@vercel/nft), which
 * must ship what Node loads; Bun and its bundler do not. Webpack and Deno's
 * bundler set it too, so it counts only after keys that take those first
 * ({@link NODE_FIRST_KEYS}).
 */
export const NODE_ONLY_CONDITION = 'module-sync';

/** The keys that must come before {@link NODE_ONLY_CONDITION} in the same object: `module` (esbuild, webpack, Vite, Rollup), `deno` (Deno and `deno bundle`). */
export const NODE_FIRST_KEYS: readonly string[] = ['module', 'deno'];

/**
 * The files a package's `exports` and `imports` maps reach only through
 * {@link NODE_ONLY_CONDITION}, placed after every one of {@link NODE_FIRST_KEYS}:
 * Node loads them from the installed package and no bundler takes them, so
 * they may load what bundlers cannot follow (test/sdkCoreBundles.test.ts
 * runs the bundles and a traced deployment).
 */
export function nodeOnlyFiles(packageDir: string, manifest?: { exports?: unknown; imports?: unknown }): string[] {
  const pkg = manifest ?? (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { exports?: unknown; imports?: unknown });
  const nodeOnly = new Set<string>();
  const elsewhere = new Set<string>();
  const visit = (target: unknown, underNodeOnly: boolean): void => {
    if (typeof target === 'string') (underNodeOnly ? nodeOnly : elsewhere).add(resolve(packageDir, target));
    else if (Array.isArray(target)) for (const item of target) visit(item, underNodeOnly);
    else if (target !== null && typeof target === 'object') {
      const keys = Object.keys(target);
      for (const [index, [key, value]] of Object.entries(target).entries()) {
        const guarded = key === NODE_ONLY_CONDITION && NODE_FIRST_KEYS.every((first) => keys.slice(0, index).includes(first));
        visit(value, underNodeOnly || guarded);
      }
    }
  };
  visit(pkg.exports, false);
  visit(pkg.imports, false);
  return [...nodeOnly].filter((file) => !elsewhere.has(file)).sort();
}
