import { describe, expect, it } from 'vitest';
import { type FakeClient, fakeService } from './__fixtures__/fakeService.js';
import { createClientFactory, type Logger } from './index.node.js';

// Findings of a second adversarial review: probes a user could write. Each
// failed before its fix.

const alpha = fakeService('alpha');
const region = 'us-east-1';

describe('a listener that clears the cache while a client is being created', () => {
  // A clearCache() run by the logger or a listener while the client is being
  // created removes it: the factory makes it again (clientStore.ts).
  it.each([
    ['a logger', (clear: () => void) => ({ options: { logger: { debug: clear } as Logger } })],
    ['an onEvent listener', (clear: () => void) => ({ options: { onEvent: clear } })],
  ])('through %s: getClient never hands out a destroyed client', (_name, make) => {
    let clearOnce: () => void = () => {};
    const { options } = make(() => clearOnce());
    const factory = createClientFactory(options);
    let cleared = 0;
    clearOnce = () => {
      if (cleared++ === 0) factory.clearCache();
    };
    const client = factory.getClient(alpha, {
      region,
      credentials: { accessKeyId: 'AKIDREENTER', secretAccessKey: 'reenter-secret' },
    }) as unknown as FakeClient;
    expect(cleared).toBeGreaterThan(0);
    expect(client.destroyed).toBe(0);
  });
});
