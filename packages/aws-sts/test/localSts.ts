import { inspect } from 'node:util';
import type { Logger } from '@dbp/aws-core';
import { type LocalAws, type StartLocalAwsOptions, startLocalAws } from '@dbp/aws-testkit';

/**
 * The testkit's local STS, and `AWS_ENDPOINT_URL_STS` pointing at it: the
 * SDK reads that variable, so every STS client the factory builds (the ones
 * `assumeRole` uses too) talks to it. `stop()` restores the variable.
 */
export async function startLocalSts(options: StartLocalAwsOptions = {}): Promise<LocalAws & { stopSts(): Promise<void> }> {
  const local = await startLocalAws({ services: ['sts'], ...options });
  const before = process.env.AWS_ENDPOINT_URL_STS;
  process.env.AWS_ENDPOINT_URL_STS = local.endpoints.sts;
  return Object.assign(local, {
    async stopSts() {
      if (before === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
      else process.env.AWS_ENDPOINT_URL_STS = before;
      await local.stop();
    },
  });
}

/** Everything a caller could see of an error: message, stack, `util.inspect` (with its cause chain), JSON. */
export function everythingShown(error: unknown): string {
  const e = error as Error;
  return [String(e?.message), String(e?.stack), inspect(error, { depth: 8 }), JSON.stringify(error) ?? ''].join('\n');
}

/** A logger that keeps its lines. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (...content: unknown[]) => {
    lines.push(content.map(String).join(' '));
  };
  return { lines, debug: () => {}, info: record, warn: record, error: record };
}
