/**
 * One Lambda execution environment on this machine: a task root (an empty
 * folder with the function's files, no node_modules in or above it), the
 * local Runtime API, and the runtime (`bootstrap.mjs`) in a child process of
 * the Node binary Lambda's runtime would use, with the environment variables
 * Lambda sets.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalRuntimeApi } from './runtimeApi.js';

const BOOTSTRAP = fileURLToPath(new URL('./bootstrap.mjs', import.meta.url));

/** A running execution environment. */
export interface LambdaEnvironment {
  readonly api: LocalRuntimeApi;
  /** The runtime process (one per execution environment). */
  readonly process: ChildProcess;
  /** The task root (`LAMBDA_TASK_ROOT`). */
  readonly taskRoot: string;
  /** What the function wrote (Lambda sends it to CloudWatch Logs). */
  readonly output: () => string;
  /** Resolves with the runtime's exit code once it has exited. */
  readonly exited: Promise<number | null>;
  /** Shuts the environment down: the runtime, the API, the task root. */
  stop(): Promise<void>;
}

export interface LambdaEnvironmentOptions {
  /** The Node binary (`nodejs22.x`, `nodejs24.x`). */
  readonly node: string;
  /** Its major, for `AWS_EXECUTION_ENV`. */
  readonly major: number;
  /** The deployment package: file name → contents. */
  readonly files: Readonly<Record<string, string>>;
  /** `_HANDLER`. @default 'handler.handler' */
  readonly handler?: string;
  /** The function's configuration and role credentials. */
  readonly env: Readonly<Record<string, string>>;
}

/** Every `node_modules` from `dir` up: a task root must see none, as in Lambda. */
function nodeModulesAbove(dir: string): string[] {
  const found: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, 'node_modules'))) found.push(join(current, 'node_modules'));
    if (dirname(current) === current) return found;
  }
}

/** Starts an execution environment; its init phase starts at once, as Lambda starts it before the first invocation is handed out. */
export async function startLambdaEnvironment(options: LambdaEnvironmentOptions): Promise<LambdaEnvironment> {
  const taskRoot = mkdtempSync(join(tmpdir(), 'dbp-lambda-task-'));
  const above = nodeModulesAbove(taskRoot);
  if (above.length) throw new Error(`the task root ${taskRoot} can resolve packages from ${above.join(', ')}`);
  for (const [name, contents] of Object.entries(options.files)) writeFileSync(join(taskRoot, name), contents);
  const api = await LocalRuntimeApi.start();
  const child = spawn(options.node, [BOOTSTRAP], {
    cwd: taskRoot,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      AWS_LAMBDA_RUNTIME_API: api.address,
      _HANDLER: options.handler ?? 'handler.handler',
      LAMBDA_TASK_ROOT: taskRoot,
      LAMBDA_RUNTIME_DIR: dirname(BOOTSTRAP),
      AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${options.major}.x`,
      AWS_LAMBDA_FUNCTION_NAME: 'example-lambda',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/example-lambda',
      AWS_LAMBDA_LOG_STREAM_NAME: '2026/11/30/[$LATEST]0123456789abcdef',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      // Lambda has no instance metadata service to ask.
      AWS_EC2_METADATA_DISABLED: 'true',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    api,
    process: child,
    taskRoot,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await api.close();
      rmSync(taskRoot, { recursive: true, force: true });
    },
  };
}
