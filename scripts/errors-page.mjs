#!/usr/bin/env node
// The Errors page of the API reference (scripts/docs.mjs includes it as a
// TypeDoc project document): one section per error code, the anchor that
// production error messages link to (`errorDocsUrl(code)` in
// packages/aws-core/src/docsUrl.ts).
//
// The codes come from the `AwsClientErrorCode` union exported by
// @dbp/aws-core, read with the TypeScript checker, so a new code gets its
// section (and its anchor is checked) without editing this file. Today each
// section is a placeholder: the message catalog will fill them (see
// `writeErrorsPage`).
//
// `node scripts/errors-page.mjs [file]` writes the page (default .tmp/docs/errors.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Where scripts/docs.mjs expects the page. */
export const ERRORS_PAGE_SOURCE = join(root, '.tmp', 'docs', 'errors.md');

/**
 * The members of the `AwsClientErrorCode` union that @dbp/aws-core's main
 * entry exports, in declaration order.
 * @returns {string[]}
 */
export function errorCodes() {
  const entry = join(root, 'packages', 'aws-core', 'src', 'index.ts');
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
  if (!exported) throw new Error('@dbp/aws-core (packages/aws-core/src/index.ts) does not export AwsClientErrorCode');
  const type = checker.getDeclaredTypeOfSymbol(checker.getAliasedSymbol(exported));
  const members = type.isUnion() ? type.types : [type];
  const codes = members.map((member) => (member.isStringLiteral() ? member.value : undefined));
  if (codes.length === 0 || codes.includes(undefined)) {
    throw new Error(`AwsClientErrorCode must be a union of string literals, is ${checker.typeToString(type)}`);
  }
  return /** @type {string[]} */ (codes);
}

/**
 * Writes the Errors page. The format scripts/docs.mjs and `errorDocsUrl`
 * rely on: front matter `title: Errors` (TypeDoc's page name, hence
 * `documents/Errors.html`), then one `## <CODE>` heading per code, spelt as in
 * the union (TypeDoc's anchor is the code lowercased). What follows each
 * heading is free Markdown; `{@link "@dbp/aws-core"!AwsRegionError | AwsRegionError}` links
 * into the reference and is validated.
 *
 * @param {string} [file]
 * @returns {{ file: string, codes: string[] }}
 */
export function writeErrorsPage(file = ERRORS_PAGE_SOURCE) {
  const codes = errorCodes();
  const sections = codes.map(
    (code) => `## ${code}\n\nThe error's \`code\` is \`'${code}'\`. What it means and what to do: to come with the message catalog.\n`,
  );
  const page = [
    '---',
    'title: Errors',
    '---',
    '',
    '# Errors',
    '',
    'Every error `@dbp/aws-*` throws is an {@link "@dbp/aws-core"!AwsClientError | `AwsClientError`} (or a subclass:',
    '{@link "@dbp/aws-core"!AwsCredentialError | `AwsCredentialError`}, {@link "@dbp/aws-core"!AwsRegionError | `AwsRegionError`}) with a stable',
    '`code`, one of {@link "@dbp/aws-core"!AwsClientErrorCode | `AwsClientErrorCode`}. Each code has a section here; short',
    'error messages in production builds link to it.',
    '',
    ...sections,
  ].join('\n');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, page);
  return { file, codes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { file, codes } = writeErrorsPage(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`wrote ${file}: ${codes.length} error codes`);
}
