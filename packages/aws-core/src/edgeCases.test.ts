import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type FakeClient, fakeService } from './__fixtures__/fakeService.js';
import { AwsClientError, createClientFactory } from './index.node.js';

// Regressions found by an adversarial review (probes a user could write):
// each failed before its fix. None asserts a duration.

const alpha = fakeService('alpha');
const region = 'us-east-1';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the built Node package serves default-chain hits from the fast path', () => {
  // Once the Node build bundled the fast path twice (index.js and
  // runtime.node.js), each with its own `CHAIN` symbol, and default-chain
  // hits missed it. Observable without a clock: the full path reads a config
  // getter once more than the fast path does.
  const packageDir = fileURLToPath(new URL('..', import.meta.url));
  const script = `
const { createClientFactory, defineService } = await import('@dbp/aws-core');
const service = defineService({ id: 'review', tier: 'standard', create: (config) => ({ config, destroy() {}, middlewareStack: { add() {} } }) });
const factory = createClientFactory({ defaultRegion: 'us-east-1' });
const readsPerHit = (credentials) => {
  let reads = 0;
  const config = { get maxAttempts() { reads++; return 3; } };
  factory.getClient(service, { credentials, config });
  factory.getClient(service, { credentials, config });
  reads = 0;
  factory.getClient(service, { credentials, config });
  return reads;
};
console.log(JSON.stringify({ chain: readsPerHit(undefined), static: readsPerHit({ accessKeyId: 'AKID', secretAccessKey: 's' }) }));
`;

  it('reads a default-chain hit the way it reads an explicit-credentials hit', () => {
    expect(existsSync(`${packageDir}/dist/index.node.js`), 'build the package first (turbo runs build before test)').toBe(true);
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageDir,
      encoding: 'utf8',
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    const reads = JSON.parse(out.trim().split('\n').pop() as string) as { chain: number; static: number };
    expect(reads.static).toBe(1);
    expect(reads.chain).toBe(reads.static);
  });
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
