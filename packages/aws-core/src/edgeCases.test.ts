import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeService } from './__fixtures__/fakeService.js';
import { createClientFactory } from './index.node.js';

// Regressions found by an adversarial review (probes a user could write):
// each failed before its fix. None asserts a duration.

const alpha = fakeService('alpha');
const region = 'us-east-1';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a listener that disposes the factory while a client is being created', () => {
  it('makes that getClient throw FACTORY_DISPOSED instead of handing out the destroyed client', () => {
    const factory = createClientFactory({
      onEvent: (event) => {
        if (event.name === 'dbp:aws:client:create') void factory.dispose();
      },
    });
    expect(() => factory.getClient(alpha, { region, credentials: { accessKeyId: 'AKIDLISTEN', secretAccessKey: 'listener-secret' } })).toThrow(
      expect.objectContaining({ code: 'FACTORY_DISPOSED' }),
    );
  });
});
