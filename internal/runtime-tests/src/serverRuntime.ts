/**
 * Runs `src/apps/serverRuntime.ts` in Bun or Deno, as a user of that runtime
 * would: Bun straight from this package (its node_modules, the packages'
 * built dist); Deno from a copy whose imports are `npm:` specifiers, next to
 * a deno.json with `"nodeModulesDir": "manual"` (Deno resolves them from the
 * node_modules above it), with the permissions the program needs and no more.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveRuntime } from '../../../scripts/lib/runtimes.mjs';
import type { ServerRuntimeInput, Step } from './apps/serverRuntime.js';
import { PACKAGE_DIR, TMP_DIR } from './bundle.js';
import { type ProgramRun, runProgram } from './program.js';

const APP = fileURLToPath(new URL('./apps/serverRuntime.ts', import.meta.url));

/** A run of the program. */
export interface ServerRuntimeRun {
  /** `Bun 1.4.4`. */
  readonly runtime: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  /** Each step's outcome, or `undefined` when the program printed no report. */
  readonly steps: Record<string, Step> | undefined;
  readonly stdout: string;
}

/** The `npm:` form of the program's bare package imports, for Deno. */
export function withNpmSpecifiers(source: string): string {
  return source.replace(/from '(@dbp\/[\w-]+|@aws-sdk\/[\w-]+)'/g, "from 'npm:$1'");
}

/**
 * Runs the program in `runtime` with `input` and `env` (credentials for the
 * default chain), killed after `timeoutMs`.
 */
export async function runServerRuntime(
  runtime: 'bun' | 'deno',
  input: ServerRuntimeInput,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<ServerRuntimeRun> {
  const {
    code,
    signal,
    stdout,
    stderr,
    runtime: label,
  } = await runInRuntime(runtime, APP, ['--allow-net=127.0.0.1'], { DBP_TARGET: JSON.stringify(input), ...env }, timeoutMs);
  let steps: Record<string, Step> | undefined;
  try {
    steps = JSON.parse(stdout) as Record<string, Step>;
  } catch {
    steps = undefined;
  }
  return { runtime: label, code, signal, stderr, steps, stdout };
}

/**
 * Runs the program `app` in Bun (straight from this package: its
 * node_modules, the packages' built dist) or Deno (a copy whose imports are
 * `npm:` specifiers, next to a deno.json with `"nodeModulesDir": "manual"`,
 * with read, environment and system access and `denoPermissions`), with
 * exactly `env` over an empty home; killed after `timeoutMs`.
 */
export async function runInRuntime(
  runtime: 'bun' | 'deno',
  app: string,
  denoPermissions: readonly string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<ProgramRun & { runtime: string }> {
  const binary = await resolveRuntime(runtime);
  let command: string[];
  let cwd = PACKAGE_DIR;
  if (runtime === 'bun') {
    command = [app];
  } else {
    cwd = join(TMP_DIR, 'deno');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(cwd, 'deno.json'), `${JSON.stringify({ nodeModulesDir: 'manual' }, null, 2)}\n`);
    const copy = join(cwd, basename(app));
    writeFileSync(copy, withNpmSpecifiers(readFileSync(app, 'utf8')));
    command = [
      'run',
      '--no-lock',
      '--no-prompt',
      // The SDK reads its configuration from the environment; reads the packages from node_modules (and ~/.aws, absent here).
      '--allow-env',
      '--allow-read',
      // os.homedir(), os.release() and friends, for the SDK's user agent and config paths.
      '--allow-sys',
      ...denoPermissions,
      copy,
    ];
  }
  const home = join(TMP_DIR, `${runtime}-home`);
  mkdirSync(home, { recursive: true });
  const run = await runProgram(binary.path, command, {
    cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      // An empty home: no ~/.aws of the machine's, no runtime caches shared with it.
      HOME: home,
      DENO_DIR: join(home, 'deno-cache'),
      DENO_NO_UPDATE_CHECK: '1',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...env,
    },
    timeoutMs,
  });
  return { ...run, runtime: `${binary.label} ${binary.version}` };
}
