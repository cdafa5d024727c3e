import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type ProgramRun, runProgram } from './program.js';

/** Every `node_modules` folder from `dir` up to the file system root: a bundle run there must find none. */
export function nodeModulesAbove(dir: string): string[] {
  const found: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, 'node_modules'))) found.push(join(current, 'node_modules'));
    if (dirname(current) === current) return found;
  }
}

/**
 * Writes `files` into a new empty folder under the OS temp folder (no
 * node_modules in it or above it, checked) and runs `command args` there with
 * only PATH and `env` set: no NODE_OPTIONS, no NODE_PATH, nothing to resolve
 * a package from. Killed after `timeoutMs`; the folder is removed afterwards.
 */
export async function runInEmptyDir(
  files: Readonly<Record<string, string>>,
  command: string,
  args: (dir: string) => string[],
  options: { env?: Record<string, string>; timeoutMs: number },
): Promise<ProgramRun> {
  const dir = mkdtempSync(join(tmpdir(), 'dbp-runtime-'));
  try {
    const above = nodeModulesAbove(dir);
    if (above.length) throw new Error(`the empty folder ${dir} can resolve packages from ${above.join(', ')}`);
    for (const [name, contents] of Object.entries(files)) writeFileSync(join(dir, name), contents);
    return await runProgram(command, args(dir), {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...options.env },
      timeoutMs: options.timeoutMs,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
