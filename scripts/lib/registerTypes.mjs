// The register-only type consumers of the release rehearsal
// (scripts/release-rehearsal.mjs, step 6): for every service package, a file
// that imports only `@dbp/aws-<name>/register` and `@dbp/aws-core` and checks
// that `getClientFactory().getClient('<id>')` is exactly the SDK client type.
// Each file is type-checked from ESM (.mts) and from CommonJS (.cts), under
// node16, nodenext and bundler resolution, under the export conditions of
// edge runtimes (which pick `register.edge` where a package has one), and
// with the oldest TypeScript a consumer may use (OLDEST_TYPESCRIPT, reading
// only the published .d.ts files, as such a consumer does). One more
// program imports only each package's main entry, where `getClient('<id>')`
// must be a type error (it throws UNKNOWN_SERVICE at run time there).
//
// One program per resolution holds the ESM and the CommonJS files, and
// typecheckPrograms.mjs runs every program of one TypeScript in one process,
// so the SDK's declarations, the bulk of the work, are parsed once. That
// cannot let one format pass for the other: a `register.d.ts` augments the
// `ServiceRegistry` of the core's ESM declarations and a `register.d.cts` that
// of its CommonJS ones, two files (checkDistinctCoreTypes), so a `.cts`
// consumer sees only what the `.d.cts` files declare. (TypeScript 5.0's
// bundler resolution reads the ESM declarations for `.cts` files too: that is
// how such a consumer resolves them.)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The oldest TypeScript whose consumers (skipLibCheck, as `tsc --init` sets) must keep type-checking. */
export const OLDEST_TYPESCRIPT = '5.0.4';

// Export conditions a package's `exports` use for the format and for TypeScript; anything else names a runtime.
const FORMAT_CONDITIONS = new Set(['types', 'import', 'require', 'default', 'module', '@dbp/source']);

/**
 * The runtime export conditions (`workerd`, …) that reach a `register` type
 * declaration the default conditions do not: the fewest conditions, in the
 * packages' order, that cover every such file.
 * @param {{ manifest: any }[]} packages
 * @returns {string[]}
 */
export function edgeConditions(packages) {
  const typesOf = (value) => [value?.import?.types, value?.require?.types].filter((file) => typeof file === 'string');
  const covered = new Set();
  const conditions = [];
  for (const { manifest } of packages) {
    const register = manifest.exports?.['./register'];
    if (!register || typeof register !== 'object') continue;
    const defaults = new Set(typesOf(register));
    for (const [condition, value] of Object.entries(register)) {
      if (FORMAT_CONDITIONS.has(condition)) continue;
      const fresh = typesOf(value).filter((file) => !defaults.has(file) && !covered.has(`${manifest.name}/${file}`));
      for (const file of fresh) covered.add(`${manifest.name}/${file}`);
      if (fresh.length > 0 && !conditions.includes(condition)) conditions.push(condition);
    }
  }
  return conditions;
}

/**
 * One consumer file for `service`: only its `register` entry and the core.
 * @param {{ package: string, id: string, client: string, sdk: string }} service
 */
function consumerFile(service) {
  return `// Imports only ${service.package}/register and @dbp/aws-core: the register entry alone must type getClient('${service.id}').
import type { ${service.client} } from '${service.sdk}';
import { getClientFactory } from '@dbp/aws-core';
import '${service.package}/register';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const client = getClientFactory().getClient('${service.id}', { region: 'us-east-1' });
export const exact: Equal<typeof client, ${service.client}> = true;
export const typed: ${service.client} = client;
`;
}

/**
 * One consumer file for `service` that imports only its main entry: there
 * `getClient('<id>')` must not type-check, as it fails at run time (the
 * main entry does not register the id).
 * @param {{ package: string, id: string }} service
 */
function mainOnlyFile(service) {
  return `// Imports only ${service.package} (not /register): getClient('${service.id}') must be a type error, as it throws UNKNOWN_SERVICE at run time.
import { getClientFactory } from '@dbp/aws-core';
import '${service.package}';

// @ts-expect-error the id is typed only where ${service.package}/register is imported
getClientFactory().getClient('${service.id}', { region: 'us-east-1' });
`;
}

/**
 * Fails unless the core's ESM and CommonJS declarations are two files (what
 * lets one program check both formats; see the top of this file).
 * @param {any} coreManifest the packed `@dbp/aws-core` package.json
 */
export function checkDistinctCoreTypes(coreManifest) {
  const root = coreManifest.exports?.['.'];
  const esm = root?.import?.types;
  const cjs = root?.require?.types;
  if (typeof esm !== 'string' || typeof cjs !== 'string' || esm === cjs) {
    throw new Error(
      `@dbp/aws-core's exports should give ESM and CommonJS their own declaration files (import.types ${esm}, require.types ${cjs}): ` +
        'scripts/lib/registerTypes.mjs checks both formats in one program only while they differ',
    );
  }
}

/**
 * Writes the consumers under `dir` (inside a folder whose node_modules holds
 * every package from the tarballs) and a tsconfig per program.
 * @param {string} dir
 * @param {{ package: string, id: string, client: string, sdk: string }[]} services
 * @param {string[]} conditions runtime export conditions to check besides the defaults (edgeConditions)
 * @returns {{ name: string, tsconfig: string, oldest: boolean }[]} the programs; `oldest`: also run with OLDEST_TYPESCRIPT
 */
export function writeRegisterConsumers(dir, services, conditions) {
  mkdirSync(dir, { recursive: true });
  const files = [];
  for (const service of services) {
    for (const extension of ['mts', 'cts']) {
      writeFileSync(join(dir, `${service.id}.${extension}`), consumerFile(service));
      files.push(`${service.id}.${extension}`);
    }
  }
  const resolutions = [
    { name: 'node16', module: 'node16', moduleResolution: 'node16', oldest: true },
    { name: 'nodenext', module: 'nodenext', moduleResolution: 'nodenext', oldest: false },
    { name: 'bundler', module: 'esnext', moduleResolution: 'bundler', oldest: true },
    ...conditions.map((condition) => ({
      name: `bundler + ${condition}`,
      module: 'esnext',
      moduleResolution: 'bundler',
      customConditions: [condition],
      oldest: false,
    })),
  ];
  // A program of its own: an augmentation any file of a program imports applies to all of it.
  const mainOnly = services.map((service) => `main-only.${service.id}.mts`);
  for (const [index, service] of services.entries()) writeFileSync(join(dir, mainOnly[index]), mainOnlyFile(service));
  const programs = [
    ...resolutions.map((resolution) => ({ ...resolution, files })),
    { name: 'main entry only, bundler', module: 'esnext', moduleResolution: 'bundler', oldest: true, files: mainOnly },
  ];
  return programs.map(({ name, oldest, files: some, ...options }) => {
    const tsconfig = `tsconfig.${name.replace(/\W+/g, '-')}.json`;
    const compilerOptions = { ...options, target: 'es2022', lib: ['es2022', 'dom'], strict: true, noEmit: true, skipLibCheck: true, types: [] };
    writeFileSync(join(dir, tsconfig), `${JSON.stringify({ compilerOptions, files: some }, null, 2)}\n`);
    return { name, tsconfig, oldest };
  });
}
