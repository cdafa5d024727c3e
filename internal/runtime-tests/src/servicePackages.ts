/**
 * The service packages, read from the workspace rather than listed again:
 * every `packages/*` whose package.json depends on an `@aws-sdk/client-*`
 * package is a service package, and its built entry names the rest (the
 * service definition's id, and the `get…Client` getter). The runtime tests
 * (bundlers, Bun, Deno) take their list from here and from nowhere else, so
 * a new service package is covered by adding it, and this one module is the
 * place to swap for a repository-wide service manifest.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT_DIR: string = fileURLToPath(new URL('../../../', import.meta.url));

/** One service package, as the workspace describes it. */
export interface ServicePackage {
  /** `@dbp/aws-s3`. */
  readonly name: string;
  /** Its folder, absolute. */
  readonly dir: string;
  /** The SDK client package it wraps: `@aws-sdk/client-s3`. */
  readonly sdk: string;
}

/** A service package with what its built entry exports. */
export interface ServiceEntry extends ServicePackage {
  /** The service definition's id: `s3`, `bedrock-runtime` (also the testkit's service name). */
  readonly id: string;
  /** The exported name of the definition: `s3`, `bedrockRuntime`. */
  readonly definition: string;
  /** The exported getter: `getS3Client`. */
  readonly getter: string;
}

/** Every service package in `packages/`, sorted by folder name. */
export function servicePackages(): ServicePackage[] {
  const packagesDir = join(ROOT_DIR, 'packages');
  const found: ServicePackage[] = [];
  for (const folder of readdirSync(packagesDir).sort()) {
    const dir = join(packagesDir, folder);
    let json: { name?: string; dependencies?: Record<string, string> };
    try {
      json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    const sdk = Object.keys(json.dependencies ?? {}).filter((dependency) => dependency.startsWith('@aws-sdk/client-'));
    if (sdk.length === 0 || json.name === undefined) continue;
    if (sdk.length > 1) throw new Error(`${json.name} depends on ${sdk.length} SDK clients (${sdk.join(', ')}); a service package wraps one`);
    found.push({ name: json.name, dir, sdk: sdk[0]! });
  }
  return found;
}

/**
 * Each service package with its definition and getter, read from its built
 * entry (the `import` condition, as a consumer resolves it): exactly one
 * exported service definition (an object with a string `id` and `tier`) and
 * one exported `get…Client` function, or an error saying what is missing.
 */
export async function serviceEntries(): Promise<ServiceEntry[]> {
  return Promise.all(
    servicePackages().map(async (pkg) => {
      const exports = (await import(pkg.name)) as Record<string, unknown>;
      const definitions = Object.entries(exports).filter(
        ([, value]) =>
          typeof value === 'object' &&
          value !== null &&
          typeof (value as { id?: unknown }).id === 'string' &&
          typeof (value as { tier?: unknown }).tier === 'string',
      );
      const getters = Object.keys(exports).filter((key) => /^get[A-Z]\w*Client$/.test(key) && typeof exports[key] === 'function');
      if (definitions.length !== 1 || getters.length !== 1) {
        throw new Error(
          `${pkg.name} should export one service definition and one get…Client getter; found [${definitions.map(([key]) => key)}] and [${getters}]`,
        );
      }
      const [definition, value] = definitions[0]!;
      return { ...pkg, id: (value as { id: string }).id, definition, getter: getters[0]! };
    }),
  );
}
