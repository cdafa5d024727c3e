import diagnosticsChannel from 'node:diagnostics_channel';
import { describe, expect, it, vi } from 'vitest';
import { fakeService } from './__fixtures__/fakeService.js';
import type { FactoryEvent } from './index.js';

// The web build of the core: events through onEvent only, no socket numbers.
vi.mock('#runtime', async () => import('./runtime.web.js'));

const { createClientFactory } = await import('./index.js');
const alpha = fakeService('alpha');
const credentials = { accessKeyId: 'AKIDWEB', secretAccessKey: 'web-secret' };

describe('observability on the web runtime', () => {
  it('sends events to onEvent, none to diagnostics_channel, and shows no sockets (absent, not zero)', () => {
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
      expect(row).toMatchObject({ service: 'alpha', inFlight: 0, bodies: 0 });
      expect(row && 'sockets' in row).toBe(false);
      factory.clearCache();
      expect(received.map((event) => event.name)).toEqual(['dbp:aws:client:create', 'dbp:aws:client:evict', 'dbp:aws:client:destroy']);
    } finally {
      diagnosticsChannel.unsubscribe('dbp:aws:client:create', listener);
    }
  });
});
