/**
 * `stats().entries[].lastUsedAt`: the time of a client's last hit, to within
 * the second a clock reading is trusted (clientCache.ts `serve`,
 * `#readClock`), never before the client was made, and not a reading left
 * over from fake timers a test has since put away.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeService } from '../__fixtures__/fakeService.js';
import { createClientFactory } from '../index.node.js';

const region = 'us-east-1';
const credentials = { accessKeyId: 'AKIDREVIEWFOUR', secretAccessKey: 'review-four-secret' };

describe('stats().entries[].lastUsedAt', () => {
  // A hit stamps `lastUsedAt` with the cache's remembered clock reading
  // unless a ttl or expiring credentials need an exact one (clientCache.ts
  // `serve`). It used to be refreshed only every 256th hit: a factory made an
  // hour before its first hits reported every client as last used an hour
  // ago, before it was even created. Now a reading is trusted for a second.
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is never before createdAt, and is the time of the last hit to within a second', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    await using factory = createClientFactory();
    vi.setSystemTime(1_000_000 + 3_600_000);
    const clock = fakeService('clock');
    const options = { region, credentials: { accessKeyId: 'AKIDCLOCK', secretAccessKey: 'clock-secret' } };
    factory.getClient(clock, options);
    factory.getClient(clock, options);
    expect(factory.stats().entries[0]?.lastUsedAt).toBe(1_000_000 + 3_600_000);
    // A minute of the application's time passes (timers run, as they do in a process that lives).
    vi.advanceTimersByTime(60_000);
    factory.getClient(clock, options);
    expect(factory.stats().clients).toBe(1);
    const [entry] = factory.stats().entries;
    expect(entry?.lastUsedAt).toBeGreaterThanOrEqual(entry?.createdAt as number);
    expect(entry?.lastUsedAt).toBe(1_000_000 + 3_660_000);
  });

  it('a client made after the last clock reading is never shown as used before it was made', async () => {
    vi.useFakeTimers({ now: 5_000_000 });
    await using factory = createClientFactory();
    const clock = fakeService('clock');
    const first = { region, credentials: { accessKeyId: 'AKIDCLOCKA', secretAccessKey: 'clock-secret-a' } };
    const second = { region, credentials: { accessKeyId: 'AKIDCLOCKB', secretAccessKey: 'clock-secret-b' } };
    factory.getClient(clock, first);
    factory.getClient(clock, first); // a hit: the clock is read at 5_000_000 and trusted for a second
    vi.setSystemTime(5_000_600);
    factory.getClient(clock, second); // made at 5_000_600
    factory.getClient(clock, second); // a hit within the second: the reading is older than the client
    const made = factory.stats().entries.find((entry) => entry.createdAt === 5_000_600);
    expect(made?.hits).toBe(1);
    expect(made?.lastUsedAt).toBe(5_000_600);
  });
});

describe('stats().entries[].lastUsedAt and fake timers', () => {
  // A hit without ttl or expiring credentials stamps a clock reading trusted
  // until an unref'd 1 s timer says otherwise (clientCache.ts `#readClock`).
  // Armed while a test faked timers, that timer belongs to the fake clock:
  // after `vi.useRealTimers()` it never fires, the reading is trusted for
  // good, and every later hit of that factory (the process-wide one, in a
  // test file) reported the time of the first faked hit. The reading is now
  // trusted only while `setTimeout` is the one its timer was set with.
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a reading taken under fake timers is not trusted forever once they are gone', async () => {
    await using factory = createClientFactory();
    const clock = fakeService('clock');
    const options = { region, credentials };
    vi.useFakeTimers({ now: 1_000_000 });
    factory.getClient(clock, options);
    factory.getClient(clock, options); // a hit: reads the (fake) clock and arms the fake timer
    vi.useRealTimers();
    // Another fake clock, an hour later, that runs well past the grain of a second.
    vi.useFakeTimers({ now: 1_000_000 + 3_600_000 });
    vi.advanceTimersByTime(5_000);
    factory.getClient(clock, options);
    expect(factory.stats().entries[0]?.lastUsedAt).toBeGreaterThanOrEqual(Date.now() - 1_000);
  });
});
