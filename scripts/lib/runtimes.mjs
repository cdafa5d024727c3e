// The runtimes @dbp/aws is proven on, and where their binaries come from:
// the npm registry, through npx (the `node` package ships each Node release's
// binary for this platform; `bun` and `deno` ship theirs). A fresh clone with
// only Node 20 and npm gets every one of them this way, and so does CI.
//
// Each runtime is resolved once per process to the path of its binary (npx
// keeps the download in its own cache, ~/.npm/_npx, as it does for every
// `npx -y pnpm@…` call), and that path is used directly afterwards: spawning
// through npx again would add ~0.7 s per process and an npx wrapper between
// the test and the runtime.
import { spawn } from 'node:child_process';

/** The Node majors of the matrix: 20 (end of life April 2026), 22 and 24 (LTS, Lambda's nodejs22.x and nodejs24.x), 26 (current). */
export const NODE_MAJORS = Object.freeze([20, 22, 24, 26]);

/** The Node majors AWS Lambda runs (nodejs22.x, nodejs24.x). */
export const LAMBDA_NODE_MAJORS = Object.freeze([22, 24]);

/** Pinned Bun and Deno releases (npm packages `bun`, `deno`). */
export const BUN_VERSION = '1.4.4';
export const DENO_VERSION = '2.9.6';

const RESOLVE_TIMEOUT_MS = 5 * 60_000;
const resolved = new Map();

/**
 * Where a runtime's binary is and which version it is. `name` is `node20` …
 * `node26`, `bun` or `deno`. The host's own Node serves its major.
 * @param {string} name
 * @returns {Promise<{ name: string, label: string, version: string, path: string }>}
 */
export function resolveRuntime(name) {
  let pending = resolved.get(name);
  if (!pending) {
    pending = locate(name);
    resolved.set(name, pending);
    // A failed look-up is not remembered: the next call tries again.
    pending.catch(() => resolved.delete(name));
  }
  return pending;
}

/** @param {string} name */
async function locate(name) {
  const node = /^node(\d+)$/.exec(name);
  if (node) {
    const major = Number(node[1]);
    const label = `Node ${major}`;
    if (Number(process.versions.node.split('.')[0]) === major) return { name, label, version: process.version, path: process.execPath };
    const [path, version] = await npx(['-p', `node@${major}`, 'node', '-p', 'process.execPath + "\\n" + process.version']);
    if (!version?.startsWith(`v${major}.`)) throw new Error(`npx -p node@${major} gave Node ${version}`);
    return { name, label, version, path };
  }
  if (name === 'bun') {
    const [path, version] = await npx([`bun@${BUN_VERSION}`, '-e', 'console.log(process.execPath); console.log(Bun.version)']);
    if (version !== BUN_VERSION) throw new Error(`npx bun@${BUN_VERSION} gave Bun ${version}`);
    return { name, label: 'Bun', version, path };
  }
  if (name === 'deno') {
    const [path, version] = await npx([`deno@${DENO_VERSION}`, 'eval', 'console.log(Deno.execPath()); console.log(Deno.version.deno)']);
    if (version !== DENO_VERSION) throw new Error(`npx deno@${DENO_VERSION} gave Deno ${version}`);
    return { name, label: 'Deno', version, path };
  }
  throw new Error(`unknown runtime '${name}': expected node${NODE_MAJORS.join('|node')}, bun or deno`);
}

/**
 * `npx -y <args>`, stdout split into trimmed lines.
 * @param {string[]} args
 * @returns {Promise<string[]>}
 */
function npx(args) {
  return new Promise((resolvePromise, reject) => {
    // Outside any workspace, so npx neither reads nor writes this repository's lockfile.
    const child = spawn('npx', ['-y', ...args], {
      cwd: process.env.HOME ?? '/',
      env: { ...process.env, NO_UPDATE_NOTIFIER: '1', npm_config_update_notifier: 'false', DENO_NO_UPDATE_CHECK: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), RESOLVE_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`npx ${args.join(' ')} could not start: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0)
        resolvePromise(
          stdout
            .trim()
            .split('\n')
            .map((line) => line.trim()),
        );
      else reject(new Error(`npx ${args.join(' ')} failed (${code ?? signal}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
}
