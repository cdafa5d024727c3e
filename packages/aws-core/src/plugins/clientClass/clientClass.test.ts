import { describe, expect, it } from 'vitest';
import { createClientFactory } from '../../index.node.js';

// Any client by its class, where no wire matters: a stand-in SDK client class.

const credentials = { accessKeyId: 'AKIDCLASS', secretAccessKey: 'class-secret' };

describe('a client class whose constructor asks the factory for its own class', () => {
  it('gets one definition and one cached client, which every call returns (no orphan clients under other keys)', () => {
    const factory = createClientFactory({ defaultRegion: 'us-east-1' });
    const made: object[] = [];
    const inner: unknown[] = [];
    class Reentrant {
      readonly config = { serviceId: 'Reentrant' };
      readonly middlewareStack = { add() {} };
      constructor() {
        made.push(this);
        // The factory's probe of the class and its real constructions all re-enter, twice at most.
        if (made.length < 3) inner.push(factory.getClient(Reentrant, { credentials }));
      }
      send(): Promise<void> {
        return Promise.resolve();
      }
      destroy(): void {}
    }
    const outer = factory.getClient(Reentrant, { credentials });
    expect(factory.getClient(Reentrant, { credentials })).toBe(outer);
    expect(inner.every((client) => client === outer)).toBe(true);
    expect(factory.stats().clients).toBe(1);
    expect(factory.stats().entries.map((entry) => entry.service)).toEqual(['reentrant']);
  });
});
