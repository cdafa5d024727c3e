// Small helpers shared by scripts/check-packages.mjs, scripts/size.mjs,
// scripts/release-rehearsal.mjs and scripts/lib/nodeMatrix.mjs.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How to call pnpm: the running pnpm when a pnpm script started us (CI runs
 * `npx -y pnpm@… test`, so pnpm may not be on PATH), else `pnpm` from PATH.
 * @returns {[string, string[]]}
 */
export function pnpmCommand() {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm(\.c?js)?$/.test(execPath) && existsSync(execPath)) {
    return execPath.endsWith('js') ? [process.execPath, [execPath]] : [execPath, []];
  }
  return ['pnpm', []];
}

/**
 * Run a command to completion, output captured (stdout and stderr together),
 * killed after `timeoutMs`.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env?: NodeJS.ProcessEnv, timeoutMs: number }} options
 * @returns {Promise<{ code: number, signal: NodeJS.Signals | null, output: string, stdout: string }>}
 */
export function run(command, args, { cwd, env = process.env, timeoutMs }) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stdout = '';
    const timer = setTimeout(() => {
      output += `\n[killed after ${timeoutMs / 1000} s]\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', (error) => {
      output += `${error.message}\n`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? 1, signal, output, stdout });
    });
  });
}

/** @param {string} dir @returns {any} */
export function readPackageJson(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}
