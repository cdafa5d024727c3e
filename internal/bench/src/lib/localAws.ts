import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { LocalClientOptions, LocalServiceName } from '@dbp/aws-testkit';
import { DIST_DIR } from './paths.js';

export interface ServerStart {
  services: LocalServiceName[];
  verifySignatures: boolean;
}

export type ServerRequest =
  | { id: number; type: 'addCredentials'; pairs: { accessKeyId: string; secretAccessKey: string }[] }
  | { id: number; type: 'requests'; service?: LocalServiceName | undefined }
  | { id: number; type: 'reset' }
  | { id: number; type: 'stop' };

export interface ServerReply {
  id: number;
  ok: boolean;
  error?: string;
  total?: number;
  distinctAccessKeys?: number;
  invalidSignatures?: number;
  byStatus?: Record<string, number>;
}

export interface RequestCounts {
  total: number;
  distinctAccessKeys: number;
  invalidSignatures: number;
  byStatus: Record<string, number>;
}

/** The testkit running in a child process. */
export class LocalAwsProcess {
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  readonly endpoints: Partial<Record<LocalServiceName, string>>;
  readonly #options: Partial<Record<LocalServiceName, LocalClientOptions>>;
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, (reply: ServerReply) => void>();
  #nextId = 1;

  private constructor(child: ChildProcess, ready: ReadyMessage) {
    this.#child = child;
    this.region = ready.region;
    this.credentials = ready.credentials;
    this.endpoints = ready.endpoints;
    this.#options = ready.options;
    child.on('message', (raw) => {
      const reply = raw as ServerReply;
      const resolve = this.#pending.get(reply.id);
      if (resolve) {
        this.#pending.delete(reply.id);
        resolve(reply);
      }
    });
  }

  /** Starts `dist/local-aws.js` and waits for its endpoints (rejects after 90 s or if the child dies). */
  static async start(start: ServerStart): Promise<LocalAwsProcess> {
    const child = fork(join(DIST_DIR, 'local-aws.js'), [JSON.stringify(start)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const ready = await new Promise<ReadyMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`the local AWS endpoints did not start within 90 s. ${stderr}`));
      }, 90_000);
      child.once('message', (message) => {
        clearTimeout(timer);
        resolve(message as ReadyMessage);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the local AWS process exited (${code}) before it was ready: ${stderr.trim().split('\n').slice(-6).join(' | ')}`));
      });
    });
    return new LocalAwsProcess(child, ready);
  }

  clientOptions(service: LocalServiceName): LocalClientOptions {
    const options = this.#options[service];
    if (!options) throw new Error(`service ${service} was not started`);
    // A copy each time: the SDK writes bookkeeping (`$source`) into the credentials objects it is given.
    return structuredClone(options);
  }

  #call(request: Omit<ServerRequest, 'id'>): Promise<ServerReply> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, (reply) => (reply.ok ? resolve(reply) : reject(new Error(reply.error))));
      this.#child.send({ ...request, id });
    });
  }

  async addCredentials(pairs: { accessKeyId: string; secretAccessKey: string }[]): Promise<void> {
    await this.#call({ type: 'addCredentials', pairs } as Omit<ServerRequest, 'id'>);
  }

  async requests(service?: LocalServiceName): Promise<RequestCounts> {
    const reply = await this.#call({ type: 'requests', service } as Omit<ServerRequest, 'id'>);
    return {
      total: reply.total ?? 0,
      distinctAccessKeys: reply.distinctAccessKeys ?? 0,
      invalidSignatures: reply.invalidSignatures ?? 0,
      byStatus: reply.byStatus ?? {},
    };
  }

  async reset(): Promise<void> {
    await this.#call({ type: 'reset' });
  }

  /** Stops the endpoints and waits for the process to exit (kills it after 10 s). */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    try {
      await Promise.race([this.#call({ type: 'stop' }), new Promise((resolve) => setTimeout(resolve, 2_000))]);
    } catch {
      // stopping anyway
    }
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

interface ReadyMessage {
  type: 'ready';
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  endpoints: Partial<Record<LocalServiceName, string>>;
  options: Partial<Record<LocalServiceName, LocalClientOptions>>;
}
