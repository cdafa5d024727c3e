import { describe, expect, it } from 'vitest';
import { DEFAULT_TIERS } from '../kernel/tiers.js';
import { nodePlatform as nodeRuntime } from './node.js';
import { webPlatform as webRuntime } from './web.js';

describe('platforms', () => {
  it('map a tier to each runtime handler options', () => {
    expect(nodeRuntime.handlerOptions(DEFAULT_TIERS.ai)).toEqual({ connectionTimeout: 10_000, socketTimeout: 120_000 });
    expect(webRuntime.handlerOptions(DEFAULT_TIERS.ai)).toEqual({ requestTimeout: 120_000 });
  });

  it('have a credential chain on Node only', () => {
    expect(typeof nodeRuntime.defaultCredentials(undefined)).toBe('function');
    expect(typeof nodeRuntime.defaultCredentials('some-profile')).toBe('function');
    expect(webRuntime.defaultCredentials(undefined)).toBeUndefined();
  });

  it("ask the SDK's region lookup on Node only (the web refuses a missing region at getClient)", () => {
    expect(typeof nodeRuntime.sdkRegion(undefined)).toBe('function');
    expect(typeof nodeRuntime.sdkRegion('some-profile')).toBe('function');
    expect(webRuntime.sdkRegion(undefined)).toBeUndefined();
  });

  it('read the region from process.env where there is one', () => {
    const saved = process.env.AWS_REGION;
    process.env.AWS_REGION = 'eu-south-1';
    try {
      expect(nodeRuntime.environmentRegion()).toBe('eu-south-1');
      expect(webRuntime.environmentRegion()).toBe('eu-south-1');
    } finally {
      if (saved === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = saved;
    }
  });

  it('name the variable the environment region came from, as each reads it (an empty AWS_REGION is unset)', () => {
    const saved = { region: process.env.AWS_REGION, fallback: process.env.AWS_DEFAULT_REGION };
    try {
      for (const [region, fallback, variable] of [
        ['eu-south-1', 'eu-west-1', 'AWS_REGION'],
        ['', 'eu-west-1', 'AWS_DEFAULT_REGION'],
        [undefined, 'eu-west-1', 'AWS_DEFAULT_REGION'],
      ] as const) {
        if (region === undefined) delete process.env.AWS_REGION;
        else process.env.AWS_REGION = region;
        process.env.AWS_DEFAULT_REGION = fallback;
        for (const runtime of [nodeRuntime, webRuntime]) {
          expect(runtime.environmentSource).toEqual({ from: 'environment', variable });
          expect(runtime.environmentRegion()).toBe(region || fallback);
        }
      }
    } finally {
      for (const [name, value] of [
        ['AWS_REGION', saved.region],
        ['AWS_DEFAULT_REGION', saved.fallback],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
