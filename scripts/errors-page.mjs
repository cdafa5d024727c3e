#!/usr/bin/env node
// The Errors page of the API reference (scripts/docs.mjs includes it as a
// TypeDoc project document): one section per error code, the anchor that
// production error messages link to (`errorDocsUrl(code)` in
// packages/aws-core/src/kernel/docsUrl.ts).
//
// One fact, one place: everything on the page comes from the core's sources.
// - The codes: the `AwsClientErrorCode` union exported by @dbp/aws-core, read
//   with the TypeScript checker.
// - The texts: the message catalog (packages/aws-core/src/plugins/dev/messages.ts),
//   loaded from source (each module transpiled, see `loadCatalog`) and every
//   message rendered with its details as placeholders (`‹region›`); a detail
//   whose absence changes the text (`suggestion`, `destroyed`) adds that text
//   too, and a rule looked up in one of the catalog's tables (`FACTORY_RULES`)
//   is listed under the message.
// - The class each code throws: the error `fail()` (kernel/errors.ts) builds for it.
// Log lines (`LOG.*`) get a `## LOG` section: production web builds show them
// short, with a link to that anchor.
//
// `node scripts/errors-page.mjs [file]` writes the page (default .tmp/docs/errors.md).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const coreSrc = join(root, 'packages', 'aws-core', 'src');

/** Where scripts/docs.mjs expects the page. */
export const ERRORS_PAGE_SOURCE = join(root, '.tmp', 'docs', 'errors.md');

/** The id prefix of log lines in the catalog (not an error code). */
const LOG = 'LOG';

/**
 * The members of the `AwsClientErrorCode` union that @dbp/aws-core's main
 * entry exports, in declaration order.
 * @returns {string[]}
 */
export function errorCodes() {
  const entry = join(coreSrc, 'index.node.ts');
  const program = ts.createProgram([entry], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    customConditions: ['@dbp/source'],
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  const exported = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((symbol) => symbol.name === 'AwsClientErrorCode');
  if (!exported) throw new Error('@dbp/aws-core (packages/aws-core/src/index.node.ts) does not export AwsClientErrorCode');
  const type = checker.getDeclaredTypeOfSymbol(checker.getAliasedSymbol(exported));
  const members = type.isUnion() ? type.types : [type];
  const codes = members.map((member) => (member.isStringLiteral() ? member.value : undefined));
  if (codes.length === 0 || codes.includes(undefined)) {
    throw new Error(`AwsClientErrorCode must be a union of string literals, is ${checker.typeToString(type)}`);
  }
  return /** @type {string[]} */ (codes);
}

/** Lookups into the catalog's rule tables while a message renders: `{ table, key }`. */
const tableReads = [];

/**
 * Wraps each top-level `const X = { key: 'text', … }` of a module (the
 * catalog's rule tables) in `globalThis.__dbpRuleTable('X', …)`, so a
 * rendering can see which table a message reads and with which key.
 */
function wrapRuleTables(context) {
  const { factory } = context;
  return (file) =>
    ts.visitEachChild(
      file,
      (node) => {
        if (!ts.isVariableStatement(node)) return node;
        const declarations = node.declarationList.declarations.map((declaration) => {
          // A table, or `rules({ … })` (a table marked pure for bundlers, see messages.ts).
          const given = declaration.initializer;
          const init =
            given && ts.isCallExpression(given) && ts.isIdentifier(given.expression) && given.expression.text === 'rules' ? given.arguments[0] : given;
          const isTable =
            init &&
            ts.isObjectLiteralExpression(init) &&
            init.properties.length > 0 &&
            init.properties.every(
              (property) =>
                ts.isPropertyAssignment(property) && (ts.isStringLiteralLike(property.initializer) || ts.isTemplateExpression(property.initializer)),
            );
          if (!isTable || !ts.isIdentifier(declaration.name)) return declaration;
          const call = factory.createCallExpression(
            factory.createPropertyAccessExpression(factory.createIdentifier('globalThis'), '__dbpRuleTable'),
            undefined,
            [factory.createStringLiteral(declaration.name.text), init],
          );
          return factory.updateVariableDeclaration(declaration, declaration.name, declaration.exclamationToken, declaration.type, call);
        });
        return factory.updateVariableStatement(node, node.modifiers, factory.updateVariableDeclarationList(node.declarationList, declarations));
      },
      context,
    );
}

/**
 * The core's message catalog and `fail()`, loaded from source: the kernel's
 * errors.ts and messages.ts, the development aids' catalog and every module
 * they import (relative imports, followed), each transpiled into
 * .tmp/errors-catalog/ in the same layout; the catalog is installed as the
 * message format, as the Node build does.
 * @returns {Promise<{ messageIds: () => string[], fullMessage: (id: string, details: object) => string, shortMessage: (id: string) => string, fail: (id: string, details?: object) => Error, tables: Map<string, Record<string, string>> }>}
 */
export async function loadCatalog() {
  const out = join(root, '.tmp', 'errors-catalog');
  const pending = [join(coreSrc, 'kernel', 'errors.ts'), join(coreSrc, 'kernel', 'messages.ts'), join(coreSrc, 'plugins', 'dev', 'messages.ts')];
  const done = new Set();
  while (pending.length > 0) {
    const file = /** @type {string} */ (pending.pop());
    if (done.has(file)) continue;
    done.add(file);
    const text = readFileSync(file, 'utf8');
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (fileName.startsWith('.')) pending.push(resolve(dirname(file), fileName.replace(/\.js$/, '.ts')));
    }
    const { outputText } = ts.transpileModule(text, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
      transformers: { before: [wrapRuleTables] },
    });
    const target = join(out, relative(coreSrc, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  const tables = new Map();
  globalThis.__dbpRuleTable = (name, table) => {
    tables.set(name, table);
    return new Proxy(table, {
      get(target, key) {
        if (typeof key === 'string' && !Object.hasOwn(target, key)) {
          tableReads.push({ table: name, key });
          return `‹${name
            .toLowerCase()
            .replace(/_rules$/, '')
            .replaceAll('_', ' ')} rule›`;
        }
        return target[key];
      },
    });
  };
  const stamp = `?t=${Date.now()}`;
  const messages = await import(pathToFileURL(join(out, 'plugins', 'dev', 'messages.js')).href + stamp);
  const short = await import(pathToFileURL(join(out, 'kernel', 'messages.js')).href + stamp);
  const errors = await import(pathToFileURL(join(out, 'kernel', 'errors.js')).href + stamp);
  // `fail(code)` for a code with no message of the core's own (another package's) renders the short form.
  const known = new Set(messages.messageIds());
  errors.setMessageFormat((id, details) => (known.has(id) ? messages.fullMessage(id, details) : short.shortMessage(id)));
  return { messageIds: messages.messageIds, fullMessage: messages.fullMessage, shortMessage: short.shortMessage, fail: errors.fail, tables };
}

/**
 * Details whose every value renders as `‹name›`: as a string, in a template,
 * and as a list (`['‹known›'].join(', ')`). Records which names were read.
 */
function placeholders(read = new Set(), absent = undefined) {
  return new Proxy(
    {},
    {
      get(_target, key) {
        if (typeof key !== 'string') return undefined;
        read.add(key);
        return key === absent ? undefined : [`‹${key}›`];
      },
      has: () => true,
    },
  );
}

/**
 * One message as the page shows it: its text with every detail given, the
 * text without each detail whose absence changes it, and the rule tables it
 * reads.
 */
function renderMessage(catalog, id) {
  const read = new Set();
  tableReads.length = 0;
  const text = catalog.fullMessage(id, placeholders(read));
  const rules = [...new Map(tableReads.map((entry) => [entry.table, entry])).values()];
  const variants = [];
  for (const name of read) {
    const without = catalog.fullMessage(id, placeholders(new Set(), name));
    // A detail that is simply shown (`Registered: none` for an empty list) is not a variant.
    if (without === text || without.includes('undefined') || without === text.replaceAll(`‹${name}›`, 'none')) continue;
    variants.push({ name, text: without });
  }
  if (text.includes('undefined')) throw new Error(`${id}: a detail renders as "undefined"; teach scripts/errors-page.mjs how to show it`);
  return { text, variants, rules };
}

const quote = (text) =>
  text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');

function section(catalog, heading, ids, intro) {
  const lines = [`## ${heading}`, '', intro, ''];
  for (const id of ids) {
    const { text, variants, rules } = renderMessage(catalog, id);
    lines.push(`**\`${id}\`**`, '', quote(text), '');
    for (const variant of variants) lines.push(`When \`${variant.name}\` is absent or false:`, '', quote(variant.text), '');
    for (const rule of rules) {
      const table = catalog.tables.get(rule.table);
      lines.push(`Where the rule is, by \`${rule.key.replace(/^‹|›$/g, '')}\`:`, '');
      for (const [key, value] of Object.entries(table)) lines.push(`- \`${key}\`: ${value}`);
      lines.push('');
    }
  }
  return lines.join('\n');
}

/**
 * Writes the Errors page. The format scripts/docs.mjs and `errorDocsUrl`
 * rely on: front matter `title: Errors` (TypeDoc's page name, hence
 * `documents/Errors.html`), then one `## <CODE>` heading per code, spelt as in
 * the union (TypeDoc's anchor is the code lowercased), and `## LOG` for the
 * log lines. `{@link "@dbp/aws-core"!AwsRegionError | AwsRegionError}` links
 * into the reference and is validated.
 *
 * @param {string} [file]
 * @returns {Promise<{ file: string, codes: string[], catalog: Awaited<ReturnType<typeof loadCatalog>> }>}
 */
export async function writeErrorsPage(file = ERRORS_PAGE_SOURCE) {
  const codes = errorCodes();
  const catalog = await loadCatalog();
  const ids = catalog.messageIds();
  const codeOf = (id) => id.split('.')[0];
  const unknown = ids.filter((id) => codeOf(id) !== LOG && !codes.includes(codeOf(id)));
  if (unknown.length > 0) throw new Error(`messages.ts has ids whose code is not an AwsClientErrorCode: ${unknown.join(', ')}`);
  const link = (name) => `{@link "@dbp/aws-core"!${name} | \`${name}\`}`;
  const sections = codes.map((code) => {
    // The class fail() builds for this code (it picks it from the code alone).
    const thrown = catalog.fail(code).name;
    const own = ids.filter((id) => codeOf(id) === code);
    const intro =
      `Thrown as ${link(thrown)} with \`code: '${code}'\`.` +
      (own.length === 0
        ? ' No message of `@dbp/aws-core` has this code: another `@dbp/aws-*` package throws it, with its own message (see that package in the reference).'
        : own.length > 1
          ? ' The message, by case (details in ‹angle quotes›):'
          : ' The message (details in ‹angle quotes›):');
    return own.length === 0 ? `## ${code}\n\n${intro}\n` : section(catalog, code, own, intro);
  });
  const logIds = ids.filter((id) => codeOf(id) === LOG);
  const page = [
    '---',
    'title: Errors',
    '---',
    '',
    '# Errors',
    '',
    `Every error \`@dbp/aws-*\` throws is an ${link('AwsClientError')} (or a subclass:`,
    `${link('AwsCredentialError')}, ${link('AwsRegionError')}) with a stable`,
    `\`code\`, one of ${link('AwsClientErrorCode')}. Each code has a section here, with the full text of`,
    'each of its messages (generated from the message catalog, so this page and the messages cannot',
    'differ); short error messages in production web builds link to it. Messages never hold a secret.',
    '',
    ...sections,
    section(
      catalog,
      LOG,
      logIds,
      'Not errors: the lines the factory writes to its `logger` (`debug` for created and removed clients, `warn` and `error` for the rest). Production web builds show them short, with a link here. They never hold a secret: credentials appear as the `credentialId` fingerprint that `stats()` shows.',
    ),
  ].join('\n');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, page);
  return { file, codes, catalog };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { file, codes, catalog } = await writeErrorsPage(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`wrote ${file}: ${codes.length} error codes, ${catalog.messageIds().length} messages`);
}
