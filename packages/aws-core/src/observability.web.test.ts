import diagnosticsChannel from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { fakeService } from './__fixtures__/fakeService.js';
import type { FactoryEvent } from './index.node.js';

// The web build of the core: events through onEvent only, no in-flight or socket numbers.
const { createClientFactory } = await import('./index.web.js');
const alpha = fakeService('alpha');
const credentials = { accessKeyId: 'AKIDWEB', secretAccessKey: 'web-secret' };

describe('observability on the web runtime', () => {
  it('sends events to onEvent, none to diagnostics_channel, and shows no in-flight, body or socket fields (absent, not zero)', () => {
    const published: unknown[] = [];
    const listener = (message: unknown) => published.push(message);
    diagnosticsChannel.subscribe('dbp:aws:client:create', listener);
    try {
      const received: FactoryEvent[] = [];
      const factory = createClientFactory({ onEvent: (event) => received.push(event) });
      factory.getClient(alpha, { region: 'us-east-1', credentials });
      expect(received).toMatchObject([{ name: 'dbp:aws:client:create', service: 'alpha', region: 'us-east-1', credentialKind: 'static', clients: 1 }]);
      expect(published).toEqual([]);
      const [row] = factory.stats().entries;
      expect(row).toMatchObject({ service: 'alpha', hits: 0 });
      expect(row && ['inFlight', 'bodies', 'sockets'].filter((field) => field in row)).toEqual([]);
      factory.clearCache();
      expect(received.map((event) => event.name)).toEqual(['dbp:aws:client:create', 'dbp:aws:client:evict', 'dbp:aws:client:destroy']);
      // Nothing is counted in flight here, so the evict event has no count (not a 0 that would be wrong while a body streams).
      expect(received[1]).not.toHaveProperty('count');
    } finally {
      diagnosticsChannel.unsubscribe('dbp:aws:client:create', listener);
    }
  });

  it('leaves the in-flight count out of the removal line (the Node build gives it: plugins/observe/reporter.test.ts)', () => {
    const lines: string[] = [];
    const factory = createClientFactory({ logger: { debug: (line: string) => lines.push(line) } });
    factory.getClient(alpha, { region: 'us-east-1', credentials });
    factory.clearCache();
    const removed = lines.find((line) => line.includes('cleared alpha client'));
    expect(removed).toMatch(/^\[@dbp\/aws\] cleared alpha client \(region us-east-1, credentials [0-9a-f]{12}\)$/);
  });
});
