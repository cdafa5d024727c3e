/** One entry of `internal/services/services.json`: what nothing else in the repository says. */
export interface ServiceManifestEntry {
  /** The package name, `@dbp/aws-<name>`; its folder is `packages/aws-<name>`. */
  readonly package: string;
  /** The service id its definition carries and `getClient('<id>')` accepts. */
  readonly id: string;
  /** The SDK client class the definition builds (`S3Client`). */
  readonly client: string;
  /** The tier its definition carries (`standard`, `ai`, `data`). */
  readonly tier: string;
  /** Which Node request handler the SDK client uses: NodeHttpHandler (`http1`) or NodeHttp2Handler (`http2`). */
  readonly nodeHandler: 'http1' | 'http2';
  /** size-limit budget for the browser bundle of `getXClient(...)` (minified + gzip), like `'93 kB'`. */
  readonly sizeLimit: string;
}

/** A manifest entry with what is derived from it and from the package. */
export interface ServicePackage extends ServiceManifestEntry {
  /** `packages/aws-<name>`, relative to the repository root. */
  readonly folder: string;
  /** The package folder, absolute. */
  readonly dir: string;
  /** Its one `@aws-sdk/client-*` dependency. */
  readonly sdk: string;
  /** The getter it exports: `get<client>` (`getS3Client`). */
  readonly getter: string;
  /** The definition it exports: the id in camelCase (`bedrockRuntime`). */
  readonly definition: string;
}

/** The repository root, absolute. */
export declare const REPO_ROOT: string;
/** `internal/services/services.json`. */
export declare const MANIFEST_FILE: string;
/** First line of the generated table in README.md. */
export declare const README_START: string;
/** Last line of the generated table in README.md. */
export declare const README_END: string;

/** Reads the manifest under `root` and lists every disagreement with the workspace there (never throws for a drift). */
export declare function inspectServices(root?: string): { services: ServicePackage[]; errors: string[] };
/** The README's generated service table. */
export declare function readmeTable(services: readonly ServicePackage[]): string;
/** Checks (or with `write`, rewrites) the README's service table; returns the problems. */
export declare function syncReadme(root: string, services: readonly ServicePackage[], options?: { write?: boolean }): string[];
/** `packages/aws-core/src/plugins/dev/servicePackages.ts`: the core's generated list of service packages. */
export declare const CORE_PACKAGES_FILE: string;
/** The text of the core's generated list of service packages (service id → package). */
export declare function corePackagesModule(services: readonly ServicePackage[]): string;
/** Checks (or with `write`, rewrites) the core's generated list of service packages; returns the problems. */
export declare function syncCorePackages(root: string, services: readonly ServicePackage[], options?: { write?: boolean }): string[];
