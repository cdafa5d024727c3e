import { spawn } from 'node:child_process';
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { LocalAws } from '@dbp/aws-testkit';
import { afterAll, afterEach, beforeAll } from 'vitest';

// Every client socket this process opens, seen through Node's diagnostics
// channel. (Idle keep-alive sockets are unref'd, so neither
// process.getActiveResourcesInfo() nor _getActiveHandles() lists them.)
const clientSockets = new Set<Socket>();
diagnosticsChannel.subscribe('net.client.socket', (message) => {
  const { socket } = message as { socket: Socket };
  clientSockets.add(socket);
  socket.once('close', () => clientSockets.delete(socket));
});

/** Client sockets of this process connected to `port` and not yet closed. */
export function openSockets(port: number): number {
  let count = 0;
  for (const socket of clientSockets) if (socket.remotePort === port && !socket.destroyed) count++;
  return count;
}

/** The port of an endpoint URL. */
export function portOf(endpoint: string): number {
  return Number(new URL(endpoint).port);
}

/** Polls `check` every 25 ms until it holds or `attempts` run out; returns whether it held. */
export async function eventually(check: () => boolean, attempts = 120): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

let collect: (() => void) | undefined;

/** Heap used after a full garbage collection. */
export function heapAfterGc(): number {
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

/**
 * Disposes every factory handed to the returned function after each test of
 * the file, after clearing the faults left pending on `local()`.
 */
export function disposedAfterEach(local: () => { faults: { clear(): void } }): <F extends { dispose(): Promise<void> }>(factory: F) => F {
  const factories: Array<{ dispose(): Promise<void> }> = [];
  afterEach(async () => {
    local().faults.clear();
    await Promise.all(factories.splice(0).map((factory) => factory.dispose()));
  });
  return (factory) => {
    factories.push(factory);
    return factory;
  };
}

/**
 * Starts the local endpoints before a file's tests (`start`), hands them to
 * `use`, and points AWS_ENDPOINT_URL_STS at their STS, which the SDK reads:
 * every STS client the factory builds for assumeRole talks to the local
 * STS. After the file's tests, restores the variable and stops the endpoints.
 */
export function localAwsWithLocalSts(start: () => Promise<LocalAws>, use: (local: LocalAws) => void): void {
  let local: LocalAws | undefined;
  let before: string | undefined;
  beforeAll(async () => {
    local = await start();
    use(local);
    before = process.env.AWS_ENDPOINT_URL_STS;
    process.env.AWS_ENDPOINT_URL_STS = local.endpoints.sts;
  });
  afterAll(async () => {
    if (before === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
    else process.env.AWS_ENDPOINT_URL_STS = before;
    await local?.stop();
  });
}

/** What a promise settles with: its rejection, or `'resolved'` when it did not reject (for asserting on the error). */
export function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
}

/** How a script run by {@link runScript} ended. */
export interface ScriptRun {
  readonly code: number | null;
  /** `SIGKILL` when it did not exit on its own within the time limit. */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** From its first output to its exit, in ms. */
  readonly exitAfterOutputMs: number;
}

/**
 * Runs an ES module `script` in a plain Node process from this package's
 * folder (the built packages, resolved as an app resolves them), with the
 * environment plus `env` and no NODE_OPTIONS; killed after `timeoutMs`.
 */
export async function runScript(script: string, env: Record<string, string>, timeoutMs = 20_000): Promise<ScriptRun> {
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  delete childEnv.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let firstOutputAt: number | undefined;
  child.stdout.on('data', (chunk) => {
    firstOutputAt ??= Date.now();
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
  clearTimeout(killer);
  return { code, signal, stdout, stderr, exitAfterOutputMs: Date.now() - (firstOutputAt ?? Date.now()) };
}

/**
 * A value as a circular-safe structured logger serialises it (pino's and
 * winston's serialisers): an object met again is '[Circular]', `toJSON`
 * honoured, a bigint as its digits.
 */
export function serialise(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'object' && item !== null) {
      if (seen.has(item)) return '[Circular]';
      seen.add(item);
    }
    return typeof item === 'bigint' ? String(item) : item;
  });
}
