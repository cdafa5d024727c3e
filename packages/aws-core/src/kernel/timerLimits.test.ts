/**
 * Millisecond options longer than a timer can wait (limits.ts
 * `MAX_TIMER_MS`, about 24.8 days): refused with a typed error, or never
 * handed to a timer as they are (Node would fire it after 1 ms, over and
 * over).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type FakeClient, fakeService } from '../__fixtures__/fakeService.js';
import { AwsClientError, createClientFactory } from '../index.node.js';

const alpha = fakeService('alpha');
const region = 'us-east-1';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('millisecond options beyond what a Node timer can hold', () => {
  const TIMER_MAX = 2 ** 31 - 1;
  const SIXTY_DAYS = 60 * 24 * 3_600_000;

  it.each(['ttlMs', 'disposeGraceMs', 'abandonedBodyMs'] as const)(
    '%s of 60 days is refused with a typed error or never handed to a timer as is',
    async (name) => {
      const delays: number[] = [];
      const realSetTimeout = globalThis.setTimeout;
      const realSetInterval = globalThis.setInterval;
      vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
        delays.push(ms ?? 0);
        return realSetTimeout(fn, Math.min(ms ?? 0, 1));
      }) as typeof setTimeout);
      vi.spyOn(globalThis, 'setInterval').mockImplementation(((fn: () => void, ms?: number) => {
        delays.push(ms ?? 0);
        return realSetInterval(fn, 1_000_000);
      }) as typeof setInterval);
      let factory: ReturnType<typeof createClientFactory>;
      try {
        factory = createClientFactory({ [name]: SIXTY_DAYS });
      } catch (error) {
        expect(error).toBeInstanceOf(AwsClientError);
        return;
      }
      const client = factory.getClient(alpha, { region, credentials: { accessKeyId: 'AKIDTIMER', secretAccessKey: 'timer-secret' } }) as unknown as FakeClient;
      // A request in flight with a streaming body, so dispose has something to wait for.
      const { PassThrough } = await import('node:stream');
      const body = new PassThrough();
      await client.send(async () => ({ Body: body }));
      const disposed = factory.dispose();
      body.end();
      await disposed;
      expect(Math.max(0, ...delays)).toBeLessThanOrEqual(TIMER_MAX);
    },
  );

  it("ttlMs at its maximum, which is accepted, arms its sweep within a timer's limit (the slack added to it overflowed)", async () => {
    const delays: number[] = [];
    const realSetTimeout = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return realSetTimeout(fn, 1_000_000);
    }) as typeof setTimeout);
    const factory = createClientFactory({ ttlMs: TIMER_MAX });
    factory.getClient(alpha, { region, credentials: { accessKeyId: 'AKIDTIMER', secretAccessKey: 'timer-secret' } });
    expect(delays.length).toBeGreaterThan(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(TIMER_MAX);
    vi.restoreAllMocks();
    await factory.dispose();
  });
});
