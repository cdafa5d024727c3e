import * as http from 'node:http';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createClientFactory } from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// How the SDK waits after a throttling error, from @smithy/core 3.41 (retry/util-retry/
// StandardRetryStrategy.js, DefaultRetryBackoffStrategy.js, retries-2026-config.js):
//   backoff = random() * min(1000 ms * 2^retry, 20 s)           (throttling base delay 1 s)
//   delay   = max(backoff, min(x-amz-retry-after, backoff + 5 s))
// so a header longer than the backoff wins, up to the backoff + 5 s, and a shorter one changes
// nothing. `$metadata.totalRetryDelay` is exactly that computed delay; the request log's arrival
// times show the wait really happened.
const BACKOFF_CEILING_MS = 1_000; // first retry: random() * 1000
const HINT_CAP_MS = 5_000;
/** Timer slack: Node may fire a timer a few ms early against Date.now(). */
const SLACK_MS = 50;

const NO_KEEP_ALIVE = new http.Agent({ keepAlive: false });

let local: LocalAws;
let factory: ReturnType<typeof createClientFactory>;

beforeAll(async () => {
  local = await startLocalAws({ services: ['dynamodb'] });
  factory = createClientFactory();
});

afterAll(async () => {
  factory?.dispose();
  await local?.stop();
});

/** One ListTables through the standard tier with one throttle of `retryAfterMs`: the SDK's computed delay and the gap between the two attempts. */
async function throttledOnce(retryAfterMs: number | false): Promise<{ attempts: number; totalRetryDelay: number; gapMs: number }> {
  const options = local.clientOptions('dynamodb');
  // A connection per attempt: a retry 5–6 s after the throttle would otherwise
  // reuse a connection just as the server closes it for being idle (Node's
  // keep-alive timeout), and the SDK would retry once more on the reset.
  const client = factory.getClient(dynamodb, { ...options, config: { ...options.config, requestHandler: { httpAgent: NO_KEEP_ALIVE } } });
  local.requests.reset();
  local.faults.inject('dynamodb', { kind: 'throttle', retryAfterMs }, { operation: 'ListTables' });
  const out = await client.send(new ListTablesCommand({}));
  const [throttled, retried] = local.requests.entries('dynamodb');
  expect(throttled).toMatchObject({ operation: 'ListTables', status: 400 });
  expect(retried).toMatchObject({ operation: 'ListTables', status: 200 });
  return { attempts: out.$metadata.attempts ?? 0, totalRetryDelay: out.$metadata.totalRetryDelay ?? -1, gapMs: retried!.at - throttled!.at };
}

describe('x-amz-retry-after through the factory (standard tier, DynamoDB)', () => {
  it('waits as long as a retry-after longer than the backoff asks', async () => {
    const { attempts, totalRetryDelay, gapMs } = await throttledOnce(2_500);
    expect(attempts).toBe(2);
    // The backoff alone stays under 1 s: a delay near 2.5 s can only come from the header (it is
    // 2.5 s less the few ms between reading the header and computing the delay).
    expect(totalRetryDelay).toBeGreaterThan(2_000);
    expect(totalRetryDelay).toBeLessThanOrEqual(2_500);
    expect(gapMs).toBeGreaterThanOrEqual(totalRetryDelay - SLACK_MS);
  });

  it('keeps its own backoff when the retry-after is shorter, or absent', async () => {
    for (const retryAfterMs of [1, false] as const) {
      const { attempts, totalRetryDelay } = await throttledOnce(retryAfterMs);
      expect(attempts).toBe(2);
      expect(totalRetryDelay).toBeGreaterThanOrEqual(retryAfterMs === false ? 0 : 1);
      expect(totalRetryDelay).toBeLessThan(BACKOFF_CEILING_MS);
    }
  });

  it('caps a long retry-after at the backoff + 5 s', async () => {
    const { attempts, totalRetryDelay, gapMs } = await throttledOnce(60_000);
    expect(attempts).toBe(2);
    expect(totalRetryDelay).toBeGreaterThanOrEqual(HINT_CAP_MS);
    expect(totalRetryDelay).toBeLessThan(HINT_CAP_MS + BACKOFF_CEILING_MS);
    expect(gapMs).toBeGreaterThanOrEqual(totalRetryDelay - SLACK_MS);
  });
});
