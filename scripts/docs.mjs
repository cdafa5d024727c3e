#!/usr/bin/env node
// The API reference (`pnpm docs:api`, and a step of scripts/test.mjs): TypeDoc
// over every entry point the public packages export, into .tmp/api/
// (git-ignored; published at DOCS_URL, packages/aws-core/src/kernel/docsUrl.ts).
// The script is not named `docs`: `pnpm docs` is pnpm's own command (it opens
// a package's npm page) and never runs a script of that name.
//
// - Entry points come from each public package's `exports`: the file its
//   `@dbp/source` condition names (the `default` branch where that condition
//   has runtime variants), so `@dbp/aws-s3/register` is documented and a new
//   package or subpath is picked up with no change here. Each becomes a module
//   named by its specifier (`@dbp/aws-s3/register`), which is also what
//   `{@link "@dbp/aws-core"!AwsClientError}` resolves against.
// - The Errors page (.tmp/docs/errors.md, scripts/errors-page.mjs) is a
//   project document with one anchor per AwsClientErrorCode, generated from
//   the message catalog; this script checks that `errorDocsUrl(code)` and the
//   link of every message's short form (`shortMessage(id)`) name an anchor
//   that exists.
// - Validation fails the run: an export or option without JSDoc
//   (`requiredToBeDocumented`), a broken `{@link}`, and a type a public API
//   mentions that the reference does not include (`notExported`, checked
//   package by package). Every TypeDoc warning is an error.
// - Link check of the generated site (scripts/lib/siteLinks.mjs): every
//   relative href/src of every page, and every path in the navigation and
//   search data, names a file of the site, and every `#anchor` exists in the
//   page it names. The check first proves on a small site of its own that it
//   reports broken links.
//
// Flags: --list-undocumented prints the undocumented symbols of every package
// (including the core's allowance below) and exits 1 if there are any.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Application, Converter, LogLevel, ReflectionKind } from 'typedoc';
import ts from 'typescript';
import { ERRORS_PAGE_SOURCE, writeErrorsPage } from './errors-page.mjs';
import { assertLinkCheckCatchesBrokenLinks, checkSiteLinks } from './lib/siteLinks.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(root, '.tmp', 'api');
const listUndocumented = process.argv.includes('--list-undocumented');

/**
 * @dbp/aws-core symbols without JSDoc when the reference was set up (the core
 * was being rewritten, so they were listed instead of documented). Each must
 * gain JSDoc and leave this list; TypeDoc fails the run when a name here is
 * documented (or gone) and is still listed, so the list only shrinks.
 * `pnpm docs:api --list-undocumented` prints them all.
 */
const CORE_NOT_YET_DOCUMENTED = [];

/** The kinds every public symbol of these kinds must document (TypeDoc's `requiredToBeDocumented`). */
const REQUIRED_TO_BE_DOCUMENTED = [
  'Module',
  'Namespace',
  'Enum',
  'EnumMember',
  'Variable',
  'Function',
  'Class',
  'Interface',
  'Constructor',
  'Property',
  'Method',
  'Accessor',
  'TypeAlias',
];

/** The docs URL constants, read from the core's TypeScript source (transpiled, imported from memory). */
async function docsUrls() {
  const source = readFileSync(join(root, 'packages', 'aws-core', 'src', 'kernel', 'docsUrl.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  return import(`data:text/javascript;base64,${Buffer.from(outputText).toString('base64')}`);
}

/** Every public package's entry points: `{ specifier, file }`. */
function entryPoints() {
  const packagesDir = join(root, 'packages');
  const entries = [];
  for (const folder of readdirSync(packagesDir).sort()) {
    const manifestPath = join(packagesDir, folder, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const pkg = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (pkg.private === true) continue;
    for (const [subpath, conditions] of Object.entries(pkg.exports ?? {})) {
      if (subpath === './package.json') continue;
      let target = conditions?.['@dbp/source'];
      if (target && typeof target === 'object') target = target.default;
      if (typeof target !== 'string') throw new Error(`${pkg.name}: exports["${subpath}"] has no "@dbp/source" condition naming a source file`);
      const file = join(packagesDir, folder, target);
      if (!existsSync(file)) throw new Error(`${pkg.name}: exports["${subpath}"]["@dbp/source"] is ${target}, which does not exist`);
      entries.push({ name: pkg.name, specifier: subpath === '.' ? pkg.name : `${pkg.name}${subpath.slice(1)}`, file });
    }
  }
  return entries;
}

const { DOCS_URL, ERRORS_PAGE, errorDocsUrl } = await docsUrls();
const entries = entryPoints();
const packageNames = [...new Set(entries.map((entry) => entry.name))];
const { codes, catalog } = await writeErrorsPage(ERRORS_PAGE_SOURCE);

const app = await Application.bootstrapWithPlugins({
  name: '@dbp/aws',
  entryPoints: entries.map((entry) => entry.file),
  entryPointStrategy: 'resolve',
  // The program is the entry points and what they import, with the repository's compiler options
  // (the `@dbp/source` condition resolves workspace imports to sources): runtime variants that no
  // default entry imports (`index.edge.ts`) and tests stay out.
  compilerOptions: JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions,
  // The typecheck step type-checks every package; here only the reference is built.
  skipErrorChecking: true,
  readme: join(root, 'README.md'),
  projectDocuments: [ERRORS_PAGE_SOURCE],
  out: OUT,
  hostedBaseUrl: DOCS_URL,
  githubPages: true,
  sourceLinkTemplate: 'https://github.com/dbp/aws/blob/{gitRevision}/{path}#L{line}',
  navigationLinks: { GitHub: 'https://github.com/dbp/aws' },
  excludePrivate: true,
  excludeProtected: false,
  excludeInternal: true,
  excludeExternals: true,
  sort: ['source-order'],
  validation: { notExported: true, invalidLink: true, rewrittenLink: true, notDocumented: true, unusedMergeModuleWith: true, invalidPath: true },
  requiredToBeDocumented: REQUIRED_TO_BE_DOCUMENTED,
  packagesRequiringDocumentation: packageNames,
  intentionallyNotDocumented: listUndocumented ? [] : CORE_NOT_YET_DOCUMENTED,
  treatWarningsAsErrors: true,
  treatValidationWarningsAsErrors: true,
  logLevel: LogLevel.Info,
});

// Name each entry point's module by its specifier instead of its path (`aws-s3/src/register`).
const specifierOf = new Map(entries.map((entry) => [entry.file, entry.specifier]));
app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
  if (!reflection.kindOf(ReflectionKind.Module)) return;
  const symbol = context.getSymbolFromReflection(reflection);
  const file = symbol?.declarations?.[0]?.getSourceFile().fileName;
  const specifier = file && specifierOf.get(join(file));
  if (specifier) reflection.name = specifier;
});

const project = await app.convert();
if (!project) {
  console.error('✖ TypeDoc could not convert the project');
  process.exit(1);
}

// TypeDoc checks `notExported` only for the project's own package (here the
// private root), so run that check once per public package.
const validation = app.options.getValue('validation');
app.options.setValue('validation', { ...validation, notExported: false });
app.validate(project);
const rootPackage = project.packageName;
app.options.setValue('validation', { ...Object.fromEntries(Object.keys(validation).map((check) => [check, false])), notExported: true });
for (const name of packageNames) {
  project.packageName = name;
  app.validate(project);
}
project.packageName = rootPackage;
app.options.setValue('validation', validation);

if (app.logger.hasErrors() || app.logger.hasWarnings()) {
  console.error(`\n✖ API reference: ${app.logger.errorCount} error(s), ${app.logger.warningCount} warning(s) above (every warning fails the build)`);
  if (!listUndocumented) console.error('  `pnpm docs:api --list-undocumented` lists every symbol without JSDoc, the core included.');
  process.exit(1);
}
if (listUndocumented) {
  console.log('✓ every exported symbol is documented');
  process.exit(0);
}

await app.generateOutputs(project);
if (app.logger.hasErrors() || app.logger.hasWarnings()) process.exit(1);

// The Errors page exists where errorDocsUrl points, with one anchor per code.
const errorsHtml = join(OUT, ERRORS_PAGE);
if (!existsSync(errorsHtml)) {
  console.error(`✖ ${relative(root, errorsHtml)} was not generated: errorDocsUrl() would link nowhere`);
  process.exit(1);
}
const html = readFileSync(errorsHtml, 'utf8');
const missing = codes.filter((code) => {
  const url = new URL(errorDocsUrl(code));
  return !url.href.startsWith(`${DOCS_URL}${ERRORS_PAGE}#`) || !html.includes(`id="${decodeURIComponent(url.hash.slice(1))}"`);
});
if (missing.length > 0) {
  console.error(`✖ ${ERRORS_PAGE} has no anchor for: ${missing.map((code) => `${code} (${errorDocsUrl(code)})`).join(', ')}`);
  process.exit(1);
}
// Every short message (what production web builds show, log lines included) links to an anchor that exists.
const messageIds = catalog.messageIds();
const brokenLinks = messageIds.filter((id) => {
  const url = catalog.shortMessage(id).match(/https?:\/\/\S+/)?.[0];
  if (url === undefined || !url.startsWith(`${DOCS_URL}${ERRORS_PAGE}#`)) return true;
  return !html.includes(`id="${decodeURIComponent(new URL(url).hash.slice(1))}"`);
});
if (brokenLinks.length > 0) {
  console.error(`✖ these short messages link to no anchor of ${ERRORS_PAGE}: ${brokenLinks.map((id) => `${id} (${catalog.shortMessage(id)})`).join(', ')}`);
  process.exit(1);
}
// Every relative link of the site resolves (after proving the check reports broken ones).
assertLinkCheckCatchesBrokenLinks();
const links = checkSiteLinks(OUT);
if (links.broken.length > 0) {
  console.error(`✖ ${links.broken.length} broken link(s) in ${relative(root, OUT)}/:\n${links.broken.map((line) => `  ${line}`).join('\n')}`);
  process.exit(1);
}
if (!readFileSync(join(root, 'README.md'), 'utf8').includes(DOCS_URL)) {
  console.error(`✖ README.md does not link the API reference (${DOCS_URL})`);
  process.exit(1);
}

console.log(
  `✓ API reference: ${entries.length} entry points of ${packageNames.length} packages, every export documented, every link resolved → ${relative(root, OUT)}/ (${pathToFileURL(join(OUT, 'index.html')).href}); Errors page with ${codes.length} code anchors (${errorDocsUrl(codes[0])}) and ${messageIds.length} messages, every short message's link resolved; ${links.checked} relative links in ${links.pages} pages resolve`,
);
