import { describe, expect, it } from 'vitest';
import { DEFAULT_TIERS } from '../kernel/tiers.js';
import { nodePlatform as nodeRuntime } from './node.js';
import { webPlatform as webRuntime } from './web.js';

describe('platforms', () => {
  it('map a tier to each runtime handler options', () => {
    expect(nodeRuntime.handlerOptions(DEFAULT_TIERS.ai)).toEqual({ connectionTimeout: 10_000, socketTimeout: 120_000 });
    expect(webRuntime.handlerOptions(DEFAULT_TIERS.ai)).toEqual({ requestTimeout: 120_000 });
  });

  it('give random bytes on the web where Web Crypto is missing or refused (workerd at module scope, React Native)', () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
    try {
      for (const crypto of [
        undefined,
        {
          getRandomValues() {
            throw new Error('Disallowed operation called within global scope.');
          },
        },
      ]) {
        Object.defineProperty(globalThis, 'crypto', { value: crypto, configurable: true, writable: true });
        const drawn = new Set(Array.from({ length: 50 }, () => Buffer.from(webRuntime.randomBytes(6)).toString('hex')));
        expect(drawn.size).toBe(50);
        for (const bytes of drawn) expect(bytes).toMatch(/^[0-9a-f]{12}$/);
      }
    } finally {
      if (saved) Object.defineProperty(globalThis, 'crypto', saved);
    }
    expect(webRuntime.randomBytes(6)).toHaveLength(6);
  });

  it('have a credential chain on Node only', () => {
    expect(typeof nodeRuntime.defaultCredentials(undefined)).toBe('function');
    expect(typeof nodeRuntime.defaultCredentials('some-profile')).toBe('function');
    expect(webRuntime.defaultCredentials(undefined)).toBeUndefined();
  });

  it("ask the SDK's region lookup on Node only (the web refuses a missing region at getClient)", () => {
    const check = (region: string) => region;
    expect(typeof nodeRuntime.sdkRegion(undefined, check)).toBe('function');
    expect(typeof nodeRuntime.sdkRegion('some-profile', check)).toBe('function');
    expect(webRuntime.sdkRegion(undefined, check)).toBeUndefined();
  });

  it('give the kernel process.env where there is one (the web build reads it guarded: browsers have no process)', () => {
    expect(nodeRuntime.environment()).toBe(process.env);
    expect(webRuntime.environment()).toBe(process.env);
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'process');
    Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
    try {
      expect(webRuntime.environment()).toBeUndefined();
    } finally {
      Object.defineProperty(globalThis, 'process', saved as PropertyDescriptor);
    }
  });
});
