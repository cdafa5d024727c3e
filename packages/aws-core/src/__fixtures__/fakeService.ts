import { defineService, type ServiceDefinition } from '@dbp/aws-core';

type Middleware = (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>;

/**
 * A stand-in SDK client for core tests where no wire matters: it records the
 * configuration it was built with and runs requests through the middleware
 * the factory adds, like the SDK's stack does.
 */
export class FakeClient {
  static created = 0;
  readonly config: Record<string, unknown>;
  readonly middleware: Middleware[] = [];
  destroyed = 0;
  readonly middlewareStack: { add(middleware: never, options: never): void } = {
    add: (middleware: never) => {
      this.middleware.push(middleware as Middleware);
    },
  };

  constructor(config: Record<string, unknown>) {
    FakeClient.created++;
    this.config = config;
  }

  /**
   * Runs `handler` as a request through the middleware stack. Like the SDK,
   * a streaming output's `Body` is the raw response body.
   */
  send<T>(handler: () => Promise<T>): Promise<T> {
    const run = this.middleware.reduceRight<(args: unknown) => Promise<unknown>>(
      (next, middleware) => middleware(next),
      () => handler().then((output) => ({ output, response: { body: (output as { Body?: unknown } | undefined)?.Body } })),
    );
    return run({}).then((result) => (result as { output: T }).output);
  }

  destroy(): void {
    this.destroyed++;
  }
}

export interface FakeConfig {
  region?: string;
  endpoint?: string;
  maxAttempts?: number;
  forcePathStyle?: boolean;
  requestHandler?: unknown;
  nested?: Record<string, unknown>;
  logger?: unknown;
  [key: string]: unknown;
}

export function fakeService(id: string, tier = 'standard'): ServiceDefinition<FakeClient, FakeConfig> {
  return defineService({ id, tier, create: (config: FakeConfig) => new FakeClient(config) });
}

/** A promise with its resolve function outside. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A logger that keeps every line, to check nothing secret reaches it. */
export function recordingLogger(): {
  lines: string[];
  debug: (...a: unknown[]) => void;
  info: (...a: unknown[]) => void;
  warn: (...a: unknown[]) => void;
  error: (...a: unknown[]) => void;
} {
  const lines: string[] = [];
  const push = (...args: unknown[]) => {
    lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  };
  return { lines, debug: push, info: push, warn: push, error: push };
}
