// Types of runtimes.mjs for the TypeScript tests that spawn other runtimes.

/** A runtime binary from the npm registry (or the host's Node for its own major). */
export interface Runtime {
  /** `node20` … `node26`, `bun`, `deno`. */
  readonly name: string;
  /** `Node 24`, `Bun`, `Deno`. */
  readonly label: string;
  /** `v24.21.0`, `1.4.4`, `2.9.6`. */
  readonly version: string;
  /** Absolute path of the binary. */
  readonly path: string;
}

export declare const NODE_MAJORS: readonly number[];
export declare const LAMBDA_NODE_MAJORS: readonly number[];
export declare const BUN_VERSION: string;
export declare const DENO_VERSION: string;
export declare function resolveRuntime(name: string): Promise<Runtime>;
