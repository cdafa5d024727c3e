import { ConfiguredRetryStrategy } from '@smithy/util-retry';

/** Client config: `maxAttempts` attempts with a 5 ms backoff, so retry tests stay fast. */
export function fastRetries(maxAttempts: number): { maxAttempts: number; retryStrategy: ConfiguredRetryStrategy } {
  return { maxAttempts, retryStrategy: new ConfiguredRetryStrategy(maxAttempts, 5) };
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number; attempts?: number }; code?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the promise to reject, it resolved');
}
