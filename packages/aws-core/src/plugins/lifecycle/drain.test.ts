import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { deferred, type FakeClient, fakeService } from '../../__fixtures__/fakeService.js';
import { createClientFactory } from '../../index.node.js';

// dispose() and the requests still running when its grace period ends, where
// no wire matters (a stand-in client that runs the factory's middleware).
// The same, against real SDK clients and sockets: internal/e2e/src/disposeRetries.test.ts.

const alpha = fakeService('alpha');
const options = { region: 'us-east-1', credentials: { accessKeyId: 'AKIDDRAIN', secretAccessKey: 'drain-secret-value' } };

describe('dispose() and running requests', () => {
  it('fails a request still running after the grace period with FACTORY_DISPOSED', async () => {
    const factory = createClientFactory({ disposeGraceMs: 20 });
    const client = factory.getClient(alpha, options) as FakeClient;
    const never = deferred<{ Items: never[] }>();
    const running = client.send(() => never.promise);
    const outcome = running.then(
      () => 'resolved',
      (error: { code?: string }) => error.code,
    );
    await factory.dispose();
    expect(await outcome).toBe('FACTORY_DISPOSED');
    expect(client.destroyed).toBe(1);
    expect(factory.stats().draining).toBe(0);
  });

  it('lets a request that ends within the grace period finish', async () => {
    const factory = createClientFactory({ disposeGraceMs: 60_000 });
    const client = factory.getClient(alpha, options) as FakeClient;
    const gate = deferred<{ Items: string[] }>();
    const running = client.send(() => gate.promise);
    const disposing = factory.dispose();
    gate.resolve({ Items: ['done'] });
    await expect(running).resolves.toEqual({ Items: ['done'] });
    await disposing;
  });

  it('destroys the body of a response that arrives after dispose gave up on its request', async () => {
    const factory = createClientFactory({ disposeGraceMs: 20 });
    const client = factory.getClient(alpha, options) as FakeClient;
    const late = deferred<{ Body: PassThrough }>();
    const running = client.send(() => late.promise).catch((error: { code?: string }) => error.code);
    await factory.dispose();
    expect(await running).toBe('FACTORY_DISPOSED');
    const body = new PassThrough();
    late.resolve({ Body: body });
    await new Promise((resolve) => body.once('close', resolve));
    expect(body.destroyed).toBe(true);
  });

  it('refuses an attempt that starts after dispose, even for a request that began before it', async () => {
    const factory = createClientFactory({ disposeGraceMs: 20 });
    const client = factory.getClient(alpha, options) as FakeClient;
    // The stand-in runs every middleware in order: the tracker, then the per-attempt check.
    const [tracker, attempt] = client.middleware;
    expect(tracker).toBeTypeOf('function');
    expect(attempt).toBeTypeOf('function');
    await factory.dispose();
    let sent = 0;
    const send = attempt!(async () => {
      sent++;
      return {};
    });
    await expect(send({})).rejects.toMatchObject({ code: 'FACTORY_DISPOSED' });
    expect(sent).toBe(0);
  });
});
