#!/usr/bin/env node
// `node typecheckPrograms.mjs <typescript package folder> <tsconfig.json>...`:
// `tsc --noEmit -p` for each tsconfig, in one process with one TypeScript,
// the declaration files read and parsed once for all programs (as tsserver
// shares them between projects), so checking one consumer under several
// resolutions costs one parse of the AWS SDK's declarations, not one each.
// Prints each program's diagnostics; exits 1 when any program has one.
// Used by scripts/release-rehearsal.mjs (step 6); runs on any TypeScript >= 5.0.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const [typescriptDir, ...tsconfigs] = process.argv.slice(2);
if (!typescriptDir || tsconfigs.length === 0) {
  console.error('usage: node typecheckPrograms.mjs <typescript package folder> <tsconfig.json>...');
  process.exit(2);
}
const ts = createRequire(join(resolve(typescriptDir), 'package.json'))(resolve(typescriptDir));
const sourceFiles = new Map();
let failed = false;
const formatHost = { getCanonicalFileName: (name) => name, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' };

for (const tsconfig of tsconfigs) {
  const unreadable = [];
  const config = ts.getParsedCommandLineOfConfigFile(resolve(tsconfig), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => unreadable.push(d) });
  if (!config) {
    // No tsconfig.json to read (tsc -p: TS5058 and friends): this program fails; the others are still checked.
    failed = true;
    console.log(`✖ ${tsconfig} (TypeScript ${ts.version})\n${ts.formatDiagnostics(unreadable, formatHost)}`);
    continue;
  }
  const host = ts.createCompilerHost(config.options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreate) => {
    // Declaration files only (the consumer's own files are parsed per program). How a .d.ts parses
    // and binds depends on the file, the target and its module format (ESM or CommonJS), not on
    // the module resolution; tsserver shares them between projects the same way.
    if (!/\.d\.[cm]?ts$/.test(fileName)) return read(fileName, languageVersionOrOptions, onError, shouldCreate);
    const options = typeof languageVersionOrOptions === 'object' ? languageVersionOrOptions : { languageVersion: languageVersionOrOptions };
    const key = [fileName, options.languageVersion, options.impliedNodeFormat].join('\0');
    if (!sourceFiles.has(key)) sourceFiles.set(key, read(fileName, languageVersionOrOptions, onError, shouldCreate));
    return sourceFiles.get(key);
  };
  // As tsc: the tsconfig's JSON syntax errors (its parseDiagnostics) as well as config.errors.
  const program = ts.createProgram({
    rootNames: config.fileNames,
    options: config.options,
    host,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(config),
  });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length === 0) {
    console.log(`✓ ${tsconfig} (TypeScript ${ts.version})`);
    continue;
  }
  failed = true;
  console.log(`✖ ${tsconfig} (TypeScript ${ts.version})\n${ts.formatDiagnostics(diagnostics, formatHost)}`);
}
process.exit(failed ? 1 : 0);
