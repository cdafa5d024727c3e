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
//   message rendered with its details as placeholders (`‹region›`), then once
//   for every combination of its conditions that changes the text, so every
//   conditional clause is on the page. A condition is a detail that is absent
//   or false (`suggestion`, `destroyed`), a detail compared with a literal
//   (`d.count === 1`), or a helper of the catalog that may return nothing
//   (a function declared `: string | undefined`, such as the closest match
//   behind "Did you mean"). A rule looked up in one of the catalog's tables
//   (`FACTORY_RULES`) is listed under the message.
//   `messageTemplates` gives those texts and `renderWithState` the condition
//   set of a real rendering: packages/aws-core/src/plugins/dev/errorsPage.test.ts
//   renders every message with sample details and checks that the page shows
//   the text each one renders (placeholders aside).
// - The class each code throws: the error `fail()` (kernel/errors.ts) builds for it.
// Log lines (`LOG.*`) get a `## LOG` section: production web builds show them
// short, with a link to that anchor.
// - Development checks: a message only the development aids throw (its
//   `fail('…')` in plugins/dev, none in the kernel) is marked as one, since
//   production web builds leave those checks out.
//
// `node scripts/errors-page.mjs [file]` writes the page (default .tmp/docs/errors.md).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** The object literal a `rules(() => ({ … }))` call returns, if written so. */
function ruleTable(call) {
  const [make] = call.arguments;
  if (!make || !ts.isArrowFunction(make)) return undefined;
  let body = make.body;
  while (ts.isParenthesizedExpression(body)) body = body.expression;
  return body;
}

/** Lookups into the catalog's rule tables while a message renders: `{ table, key }`. */
const tableReads = [];

/**
 * Wraps each top-level `const X = { key: 'text', … }` of a module (the
 * catalog's rule tables) in `globalThis.__dbpRuleTable('X', () => ({ … }))`,
 * so a rendering can see which table a message reads and with which key.
 * The table is built at its first read, as the catalog's own `rules()` builds
 * it: its texts may read the catalog's links, which are there only once
 * `linkCatalog` has run.
 */
function wrapRuleTables(context) {
  const { factory } = context;
  return (file) =>
    ts.visitEachChild(
      file,
      (node) => {
        if (!ts.isVariableStatement(node)) return node;
        const declarations = node.declarationList.declarations.map((declaration) => {
          // A table, or `rules(() => ({ … }))` (a table marked pure for bundlers, see messages.ts).
          const given = declaration.initializer;
          const init = given && ts.isCallExpression(given) && ts.isIdentifier(given.expression) && given.expression.text === 'rules' ? ruleTable(given) : given;
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
            [
              factory.createStringLiteral(declaration.name.text),
              factory.createArrowFunction(undefined, undefined, [], undefined, undefined, factory.createParenthesizedExpression(init)),
            ],
          );
          return factory.updateVariableDeclaration(declaration, declaration.name, declaration.exclamationToken, declaration.type, call);
        });
        return factory.updateVariableStatement(node, node.modifiers, factory.updateVariableDeclarationList(node.declarationList, declarations));
      },
      context,
    );
}

/** The catalog's own file: its conditions are probed (see `probeConditions`). */
const CATALOG_FILE = join(coreSrc, 'plugins', 'dev', 'messages.ts');

/** Whether a function declaration's return type is a union with `undefined` (a helper that may return nothing). */
function mayReturnNothing(node) {
  const type = node.type;
  return type !== undefined && ts.isUnionTypeNode(type) && type.types.some((member) => member.kind === ts.SyntaxKind.UndefinedKeyword);
}

/**
 * The catalog's conditions, made visible to the page: each top-level
 * function that may return nothing is wrapped in
 * `globalThis.__dbpProbe.lookup(name, fn)`, and each comparison of a detail
 * with a literal (`d.count === 1`, `d.type !== 'date'`) becomes
 * `globalThis.__dbpProbe.equals(name, value, literal)`.
 */
function probeConditions(context) {
  const { factory } = context;
  const probe = (method, args) =>
    factory.createCallExpression(
      factory.createPropertyAccessExpression(factory.createPropertyAccessExpression(factory.createIdentifier('globalThis'), '__dbpProbe'), method),
      undefined,
      args,
    );
  const isDetail = (node) => ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'd';
  const isLiteral = (node) => ts.isStringLiteralLike(node) || ts.isNumericLiteral(node);
  const visit = (node) => {
    if (ts.isBinaryExpression(node)) {
      const kind = node.operatorToken.kind;
      if (kind === ts.SyntaxKind.EqualsEqualsEqualsToken || kind === ts.SyntaxKind.ExclamationEqualsEqualsToken) {
        const [detail, literal] = isDetail(node.left) && isLiteral(node.right) ? [node.left, node.right] : [node.right, node.left];
        if (isDetail(detail) && isLiteral(literal)) {
          const call = probe('equals', [factory.createStringLiteral(detail.name.text), ts.visitNode(detail, visit), literal]);
          return kind === ts.SyntaxKind.EqualsEqualsEqualsToken ? call : factory.createPrefixUnaryExpression(ts.SyntaxKind.ExclamationToken, call);
        }
      }
    }
    return ts.visitEachChild(node, visit, context);
  };
  return (file) => {
    if (resolve(file.fileName) !== CATALOG_FILE) return file;
    const statements = [];
    for (const statement of file.statements) {
      if (ts.isFunctionDeclaration(statement) && statement.name && statement.body && mayReturnNothing(statement)) {
        const name = statement.name.text;
        const inner = factory.createIdentifier(`${name}__unprobed`);
        statements.push(
          ts.visitNode(
            factory.updateFunctionDeclaration(
              statement,
              statement.modifiers,
              statement.asteriskToken,
              inner,
              statement.typeParameters,
              statement.parameters,
              statement.type,
              statement.body,
            ),
            visit,
          ),
          factory.createVariableStatement(
            undefined,
            factory.createVariableDeclarationList(
              [factory.createVariableDeclaration(name, undefined, undefined, probe('lookup', [factory.createStringLiteral(name), inner]))],
              ts.NodeFlags.Const,
            ),
          ),
        );
      } else statements.push(ts.visitNode(statement, visit));
    }
    return factory.updateSourceFile(file, statements);
  };
}

/** `nearestService` → `nearest service`. */
const words = (name) => name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

/**
 * How the probed catalog renders: in `page` mode every detail is a
 * placeholder and every condition holds except the `toggles` (a detail
 * absent, a helper returning nothing, a comparison true); in `real` mode
 * everything runs as written and the conditions are recorded. Either way
 * `seen` lists the conditions a rendering met and `toggled` those that went
 * the other way: the rendering's state.
 */
const probeState = { mode: 'real', toggles: new Set(), seen: new Set(), toggled: new Set() };

function meet(key, toggled) {
  probeState.seen.add(key);
  if (toggled) probeState.toggled.add(key);
  return toggled;
}

globalThis.__dbpProbe = {
  lookup(name, fn) {
    return (...args) => {
      const key = `lookup:${name}`;
      if (probeState.mode === 'real') {
        const result = fn(...args);
        meet(key, result === undefined);
        return result;
      }
      return meet(key, probeState.toggles.has(key)) ? undefined : `‹${words(name)}›`;
    };
  },
  equals(name, value, literal) {
    const key = `equals:${name}=${JSON.stringify(literal)}`;
    return meet(key, probeState.mode === 'real' ? value === literal : probeState.toggles.has(key));
  },
};

/**
 * The core's message catalog and `fail()`, loaded from source: the kernel's
 * errors.ts and messages.ts, the development aids' catalog and its links
 * (`links.ts`) and every module they import (relative imports, followed), each transpiled into
 * .tmp/errors-catalog/ in the same layout; the catalog is installed as the
 * message format, as the Node build does. `out` is where the transpiled
 * modules go.
 * @param {string} [out]
 * @returns {Promise<{ messageIds: () => string[], fullMessage: (id: string, details: object) => string, shortMessage: (id: string) => string, fail: (id: string, details?: object) => Error, tables: Map<string, Record<string, string>> }>}
 */
export async function loadCatalog(out = join(root, '.tmp', 'errors-catalog')) {
  const pending = [
    join(coreSrc, 'kernel', 'errors.ts'),
    join(coreSrc, 'kernel', 'messages.ts'),
    join(coreSrc, 'plugins', 'dev', 'messages.ts'),
    join(coreSrc, 'plugins', 'dev', 'links.ts'),
  ];
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
      fileName: file,
      transformers: { before: [wrapRuleTables, probeConditions] },
    });
    const target = join(out, relative(coreSrc, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  const tables = new Map();
  globalThis.__dbpRuleTable = (name, make) => {
    const built = () => {
      if (!tables.has(name)) tables.set(name, make());
      return tables.get(name);
    };
    // Every other trap reads the built table too (`Object.hasOwn`, `Object.entries`).
    return new Proxy(Object.create(null), {
      has: (_target, key) => Reflect.has(built(), key),
      ownKeys: () => Reflect.ownKeys(built()),
      getOwnPropertyDescriptor: (_target, key) => Reflect.getOwnPropertyDescriptor(built(), key),
      get(_target, key) {
        const target = built();
        if (probeState.mode === 'page' && typeof key === 'string' && !Object.hasOwn(target, key)) {
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
  const links = await import(pathToFileURL(join(out, 'plugins', 'dev', 'links.js')).href + stamp);
  const fullMessage = messages.linkCatalog(links.CATALOG_LINKS);
  const short = await import(pathToFileURL(join(out, 'kernel', 'messages.js')).href + stamp);
  const errors = await import(pathToFileURL(join(out, 'kernel', 'errors.js')).href + stamp);
  // `fail(code)` for a code with no message of the core's own (another package's) renders the short form.
  const known = new Set(messages.messageIds());
  errors.setMessageFormat((id, details) => (known.has(id) ? fullMessage(id, details) : short.shortMessage(id)));
  return { messageIds: messages.messageIds, fullMessage, shortMessage: short.shortMessage, fail: errors.fail, tables };
}

/**
 * Details whose every value renders as `‹name›` (as a string, in a template,
 * and as a list: `['‹known›'].join(', ')`), except the toggled ones, which are
 * absent.
 */
function placeholders() {
  return new Proxy(
    {},
    {
      get(_target, name) {
        if (typeof name !== 'string') return undefined;
        return meet(`detail:${name}`, probeState.toggles.has(`detail:${name}`)) ? undefined : [`‹${name}›`];
      },
      has: () => true,
    },
  );
}

/** Sample details, recording which were read and which are absent or false. */
function recorded(details) {
  return new Proxy(details, {
    get(target, name) {
      const value = Reflect.get(target, name);
      if (typeof name === 'string') meet(`detail:${name}`, value === undefined || value === false);
      return value;
    },
  });
}

/** One rendering under `mode`: its text and its state (the sorted conditions that went the other way). */
function render(catalog, id, mode, details, toggles = new Set()) {
  Object.assign(probeState, { mode, toggles, seen: new Set(), toggled: new Set() });
  tableReads.length = 0;
  try {
    const text = catalog.fullMessage(id, details);
    return { text, seen: [...probeState.seen], state: [...probeState.toggled].sort(), rules: [...tableReads] };
  } finally {
    Object.assign(probeState, { mode: 'real', toggles: new Set() });
  }
}

/**
 * A real rendering of a message with `details` through the probed catalog:
 * its text and its state, the key of the page's template that shows it.
 *
 * @returns {{ text: string, state: string }}
 */
export function renderWithState(catalog, id, details) {
  const { text, state } = render(catalog, id, 'real', recorded(details));
  return { text, state: state.join(' ') };
}

/** What a state's conditions say on the page. */
function describeState(state) {
  return state
    .map((key) => {
      const [kind, rest] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
      if (kind === 'detail') return `\`${rest}\` is absent or false`;
      if (kind === 'lookup') return `there is no ‹${words(rest)}›`;
      const [name, literal] = [rest.slice(0, rest.indexOf('=')), rest.slice(rest.indexOf('=') + 1)];
      return `\`${name}\` is ${literal}`;
    })
    .join(' and ');
}

/** How many states of one message the page explores before giving up (a message with that many conditions should be split). */
const MAX_STATES = 512;

/**
 * Every text a message can show, as the page shows it: the text with every
 * condition holding (`when` empty), then one per combination of conditions
 * that gives a different text. `states` maps each state a real rendering can
 * be in (see `renderWithState`) to its template's index; a state whose text
 * only shows a list detail as `none` maps to the template that shows it.
 *
 * @returns {{ templates: { text: string, when: string, rules: { table: string, key: string }[] }[], states: Map<string, number> }}
 */
export function messageTemplates(catalog, id) {
  const templates = [];
  const states = new Map();
  const byText = new Map();
  const queue = [[]];
  const visited = new Set();
  while (queue.length > 0) {
    const toggles = /** @type {string[]} */ (queue.shift());
    const visitKey = [...toggles].sort().join(' ');
    if (visited.has(visitKey)) continue;
    visited.add(visitKey);
    if (visited.size > MAX_STATES) throw new Error(`${id}: more than ${MAX_STATES} combinations of conditions; split the message`);
    const { text, seen, state, rules } = render(catalog, id, 'page', placeholders(), new Set(toggles));
    for (const key of seen) if (!toggles.includes(key)) queue.push([...toggles, key]);
    const stateKey = state.join(' ');
    if (states.has(stateKey)) continue;
    if (text.includes('undefined')) {
      if (state.length === 0) throw new Error(`${id}: a detail renders as "undefined"; teach scripts/errors-page.mjs how to show it`);
      continue; // a state no real rendering reaches (a required detail absent)
    }
    let index = byText.get(text);
    if (index === undefined) {
      // A list detail shown as `none` (`Registered: none`) is the template that shows the list.
      index = templates.findIndex((template) =>
        state.some((key) => key.startsWith('detail:') && template.text.replaceAll(`‹${key.slice('detail:'.length)}›`, 'none') === text),
      );
    }
    if (index === undefined || index < 0) {
      index = templates.push({ text, when: describeState(state), rules: [...new Map(rules.map((entry) => [entry.table, entry])).values()] }) - 1;
      byText.set(text, index);
    }
    states.set(stateKey, index);
  }
  return { templates, states };
}

const quote = (text) =>
  text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');

/** The ids `fail()` is called with in the TypeScript files of a folder (tests aside). */
function failedIds(dir) {
  const ids = new Set();
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
    for (const match of readFileSync(join(dir, name), 'utf8').matchAll(/\bfail\(\s*'([A-Za-z_.]+)'/g)) ids.add(match[1]);
  }
  return ids;
}

/**
 * The message ids only the development aids throw (a `fail('…')` in
 * packages/aws-core/src/plugins/dev, none in the kernel): production web
 * builds leave those checks out, so the page says so under each.
 * @returns {Set<string>}
 */
export function developmentChecks() {
  const kernel = failedIds(join(coreSrc, 'kernel'));
  return new Set([...failedIds(join(coreSrc, 'plugins', 'dev'))].filter((id) => !kernel.has(id)));
}

const DEVELOPMENT_CHECK =
  '_A development check: Node, Bun, Deno and development web builds run it; production web builds (`NODE_ENV` `production`) leave it out, and the mistake then meets the SDK at the first request._';

function section(catalog, heading, ids, intro, devOnly = new Set()) {
  const lines = [`## ${heading}`, '', intro, ''];
  for (const id of ids) {
    const [main, ...variants] = messageTemplates(catalog, id).templates;
    lines.push(`**\`${id}\`**`, '');
    if (devOnly.has(id)) lines.push(DEVELOPMENT_CHECK, '');
    lines.push(quote(main.text), '');
    for (const variant of variants) lines.push(`When ${variant.when}:`, '', quote(variant.text), '');
    for (const rule of main.rules) {
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
 * @param {Awaited<ReturnType<typeof loadCatalog>>} [loaded] the catalog, if already loaded
 * @returns {Promise<{ file: string, codes: string[], catalog: Awaited<ReturnType<typeof loadCatalog>> }>}
 */
export async function writeErrorsPage(file = ERRORS_PAGE_SOURCE, loaded = undefined) {
  const codes = errorCodes();
  const devOnly = developmentChecks();
  const catalog = loaded ?? (await loadCatalog());
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
    return own.length === 0 ? `## ${code}\n\n${intro}\n` : section(catalog, code, own, intro, devOnly);
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
