import { afterEach, describe, expect, it } from 'vitest';
import { type FakeClient, fakeService, recordingLogger } from '../../__fixtures__/fakeService.js';
import { createClientFactory } from '../../index.node.js';
import { setMessageFormat } from '../../kernel/errors.js';
import type { MessageFormat } from '../../kernel/messages.js';
import { installation } from '../../kernel/setup.js';

const credentials = { accessKeyId: 'AKIDREPORTER', secretAccessKey: 'secret' };
const alpha = fakeService('alpha');
const region = 'us-east-1';

/** The installed message format, wrapped to count the lines built per message id. */
function countingFormat(): Map<string, number> {
  const format = installation().dev?.format as MessageFormat;
  const built = new Map<string, number>();
  setMessageFormat((id, details) => {
    built.set(id, (built.get(id) ?? 0) + 1);
    return format(id, details);
  });
  return built;
}

afterEach(() => setMessageFormat(installation().dev?.format));

describe('debug lines (client created, removed)', () => {
  it('are not built for a logger that drops them: the default logger, or a logger without debug', async () => {
    const built = countingFormat();
    const { lines, warn, error } = recordingLogger();
    for (const factory of [createClientFactory(), createClientFactory({ logger: { warn, error } })]) {
      factory.getClient(fakeService('reporter'), { region: 'us-east-1', credentials });
      factory.clearCache();
      await factory.dispose();
    }
    expect(built.get('LOG.created')).toBeUndefined();
    expect(built.get('LOG.removed')).toBeUndefined();
    expect(lines).toEqual([]);
  });

  it('are built, and logged, for a logger with debug', async () => {
    const built = countingFormat();
    const logger = recordingLogger();
    const factory = createClientFactory({ logger });
    factory.getClient(fakeService('reporter'), { region: 'us-east-1', credentials });
    factory.clearCache();
    await factory.dispose();
    expect(built.get('LOG.created')).toBe(1);
    expect(built.get('LOG.removed')).toBe(1);
    expect(logger.lines.filter((line) => line.includes('reporter client'))).toHaveLength(2);
    expect(logger.lines.join('\n')).not.toContain('secret');
  });

  it("follow the logger's level as it changes, as pino swaps a level's method when its level is set", async () => {
    /** pino's way: a level below the current one is a no-op method, swapped when `level` is set. */
    class LevelledLogger {
      readonly lines: string[] = [];
      debug: (line: string) => void = () => {};
      info(): void {}
      warn(): void {}
      error(): void {}
      set level(level: 'debug' | 'info' | 'warn') {
        this.debug = level === 'debug' ? (line) => this.lines.push(line) : () => {};
      }
    }
    const raised = new LevelledLogger();
    const quiet = createClientFactory({ logger: raised });
    raised.level = 'debug';
    quiet.getClient(fakeService('reporter'), { region, credentials });
    expect(raised.lines.filter((line) => line.includes('created reporter client'))).toHaveLength(1);
    await quiet.dispose();

    const lowered = new LevelledLogger();
    lowered.level = 'debug';
    const loud = createClientFactory({ logger: lowered });
    lowered.level = 'warn';
    loud.getClient(fakeService('reporter'), { region, credentials });
    expect(lowered.lines).toEqual([]);
    await loud.dispose();
  });

  it('count requests in flight on removal where the lifecycle plug-in counts them (Node), in the line and the evict event', () => {
    const logger = recordingLogger();
    const events: { name: string; count?: number }[] = [];
    const factory = createClientFactory({ logger, onEvent: (event) => events.push(event) });
    factory.getClient(fakeService('reporter'), { region: 'us-east-1', credentials });
    factory.clearCache();
    expect(logger.lines.find((line) => line.includes('cleared reporter client'))).toMatch(/, 0 in flight\)$/);
    expect(events.find((event) => event.name === 'dbp:aws:client:evict')).toHaveProperty('count', 0);
  });
});

describe('a logger that throws cannot break getClient or leak clients', () => {
  it('returns the client, and clearCache destroys every client', async () => {
    let broken = true;
    const factory = createClientFactory({
      logger: {
        debug() {
          if (broken) throw new TypeError('log transport down');
        },
      },
    });
    const make = (key: string) => () => factory.getClient(alpha, { region, credentials: { accessKeyId: key, secretAccessKey: 'logger-secret' } });
    expect(make('AKIDONE')).not.toThrow();
    broken = false;
    const one = make('AKIDONE')() as unknown as FakeClient;
    const two = make('AKIDTWO')() as unknown as FakeClient;
    broken = true;
    expect(() => factory.clearCache()).not.toThrow();
    broken = false;
    await factory.dispose();
    expect([one.destroyed, two.destroyed]).toEqual([1, 1]);
  });
});
