import { execFileSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deferred, FakeClient, fakeService } from './__fixtures__/fakeService.js';
import { AwsClientError, createClientFactory, defineService, getClientFactory, keyedCredentials } from './index.node.js';

// The factory's lifecycle, where no wire matters: a stand-in client that runs
// the factory's middleware like the SDK's stack does. The same promises are
// proven against real SDK clients and sockets in internal/e2e.

const alpha = fakeService('alpha');
const creds = { accessKeyId: 'AKIDLIFECYCLE', secretAccessKey: 'lifecycle-secret-value' };
const options = { region: 'us-east-1', credentials: creds };

afterEach(() => {
  vi.useRealTimers();
});

describe('clearCache filters', () => {
  it('refuses a service filter that is not an id, a definition or a client class, and clears nothing', () => {
    const factory = createClientFactory();
    factory.getClient(alpha, options);
    factory.getSession(options);
    for (const service of [{}, { id: 'alpha' }, 42, null, () => undefined, []]) {
      expect(() => factory.clearCache({ service } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    }
    expect(factory.stats()).toMatchObject({ clients: 1, sessions: 1 });
    // A string no service id can be would clear nothing without a word: refused, naming the id it spells.
    expect(() => factory.clearCache({ service: 'ALPHA' })).toThrow(
      "clearCache({ service }) got 'ALPHA', which no service id can be (ids are lower case letters, digits and dashes); did you mean 'alpha'?",
    );
    expect(() => factory.clearCache({ service: 'SQSClient' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', message: expect.stringContaining("did you mean 'sqs'?") }),
    );
    // A secret pasted as the service is neither shown nor given back lower-cased as a suggestion; an empty one gets none either.
    for (const secret of ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'AKIAIOSFODNN7EXAMPLE']) {
      expect(() => factory.clearCache({ service: secret })).toThrow(
        /^clearCache\(\{ service \}\) got \(a string of \d+ characters that looks like a credential, not shown\), which no service id can be \(ids are lower case letters, digits and dashes\)\. clearCache/,
      );
    }
    expect(() => factory.clearCache({ service: '' })).toThrow(
      /^clearCache\(\{ service \}\) got '', which no service id can be \(ids are lower case letters, digits and dashes\)\. /,
    );
    expect(factory.stats()).toMatchObject({ clients: 1, sessions: 1 });
    expect(() => factory.clearCache({ region: 42 } as never)).toThrow(AwsClientError);
    expect(factory.stats().clients).toBe(1);
  });

  it('clears by definition only that definition’s clients, by id every definition with that id', () => {
    const factory = createClientFactory();
    const custom = defineService({ id: 'alpha', create: (config: Record<string, unknown>) => new FakeClient({ ...config, accelerated: true }) });
    const stock = factory.getClient(alpha, options);
    const own = factory.getClient(custom, options) as FakeClient;
    expect(own).not.toBe(stock);
    expect(own.config.accelerated).toBe(true);
    expect(factory.clearCache({ service: custom })).toBe(1);
    expect(factory.getClient(alpha, options)).toBe(stock);
    factory.getClient(custom, options);
    expect(factory.clearCache({ service: 'alpha' })).toBe(2);
  });
});

describe('shared clients', () => {
  it('retires a client a caller destroys: the next getClient builds a fresh one, running requests finish first', async () => {
    const factory = createClientFactory();
    const client = factory.getClient(alpha, options) as FakeClient;
    const gate = deferred();
    const running = client.send(async () => {
      await gate.promise;
      return 'done';
    });
    client.destroy();
    const fresh = factory.getClient(alpha, options);
    expect(fresh).not.toBe(client);
    expect(client.destroyed).toBe(0);
    gate.resolve();
    await expect(running).resolves.toBe('done');
    expect(client.destroyed).toBe(1);
    expect((fresh as FakeClient).destroyed).toBe(0);
    client.destroy();
    expect(client.destroyed).toBe(1);
  });

  it('never destroys a requestHandler instance the caller passed, nor the client around it', () => {
    const factory = createClientFactory({ maxClients: 1 });
    // A handler instance (a class, not a plain options object).
    const handler = new (class CallerHandler {
      handle(): undefined {
        return undefined;
      }
      destroy = vi.fn();
    })();
    const first = factory.getClient(alpha, { ...options, config: { requestHandler: handler } }) as FakeClient;
    factory.getClient(alpha, { ...options, region: 'eu-west-1', config: { requestHandler: handler } });
    factory.clearCache();
    void factory.dispose();
    expect(handler.destroy).not.toHaveBeenCalled();
    expect(first.destroyed).toBe(0);
  });
});

describe('what the factory owns', () => {
  it('destroys the handler the SDK builds from an options provider function, but not a handler instance', () => {
    const factory = createClientFactory();
    const fromProvider = factory.getClient(alpha, { ...options, config: { requestHandler: async () => ({ socketTimeout: 1 }) } }) as FakeClient;
    factory.clearCache();
    expect(fromProvider.destroyed).toBe(1);
  });
});

describe('in flight until the body is done', () => {
  it('counts a streaming body in flight and waits for it before destroying a cleared client', async () => {
    const factory = createClientFactory();
    const client = factory.getClient(alpha, options) as FakeClient;
    const body = new PassThrough();
    await client.send(async () => ({ Body: body }));
    expect(factory.stats().entries[0]).toMatchObject({ inFlight: 1, bodies: 1 });
    factory.clearCache();
    expect(factory.stats().draining).toBe(1);
    expect(client.destroyed).toBe(0);
    body.end('bytes');
    body.resume();
    await new Promise((resolve) => body.once('close', resolve));
    expect(client.destroyed).toBe(1);
    expect(factory.stats().draining).toBe(0);
  });

  it('does not count a body that is already finished, or a non-streaming response', async () => {
    const factory = createClientFactory();
    const client = factory.getClient(alpha, options) as FakeClient;
    const ended = new PassThrough();
    ended.end();
    ended.resume();
    await new Promise((resolve) => ended.once('end', resolve));
    await client.send(async () => ({ Body: ended }));
    await client.send(async () => ({ Items: [] }));
    expect(factory.stats().entries[0]).toMatchObject({ inFlight: 0, bodies: 0 });
  });
});

describe('dispose', () => {
  it('is final: waits at most disposeGraceMs for running responses, then destroys bodies and clients', async () => {
    const factory = createClientFactory({ disposeGraceMs: 50 });
    const client = factory.getClient(alpha, options) as FakeClient;
    const idle = factory.getClient(alpha, { ...options, region: 'eu-west-1' }) as FakeClient;
    const unread = new PassThrough();
    await client.send(async () => ({ Body: unread }));
    const done = factory.dispose();
    expect(idle.destroyed).toBe(1);
    expect(client.destroyed).toBe(0);
    expect(() => factory.getClient(alpha, options)).toThrow(expect.objectContaining({ code: 'FACTORY_DISPOSED' }));
    await done;
    expect(unread.destroyed).toBe(true);
    expect(client.destroyed).toBe(1);
    expect(factory.dispose()).toBe(done);
  });

  it('settles at once when nothing is running, and as soon as the last response is done', async () => {
    const factory = createClientFactory({ disposeGraceMs: 60_000 });
    const client = factory.getClient(alpha, options) as FakeClient;
    const body = new PassThrough();
    await client.send(async () => ({ Body: body }));
    const done = factory.dispose();
    body.end('x');
    body.resume();
    await done;
    expect(client.destroyed).toBe(1);
    await createClientFactory().dispose();
  });

  it('settles a warm() still waiting for its credentials with FACTORY_DISPOSED, and never resolves it with the client dispose destroyed', async () => {
    /** How a promise settles, or 'pending' after a bounded wait. */
    const outcome = (promise: Promise<unknown>) =>
      Promise.race([
        promise.then(
          () => 'resolved',
          (error: { code?: string }) => error.code,
        ),
        new Promise((resolve) => setTimeout(() => resolve('pending'), 1_000)),
      ]);
    // A source that never answers (an unreachable IMDS, a hung vault): dispose() must end the wait.
    const hung = createClientFactory({ disposeGraceMs: 10 });
    const waiting = hung.warm(alpha, { region: 'us-east-1', credentials: () => new Promise(() => {}) });
    await hung.dispose();
    expect(await outcome(waiting)).toBe('FACTORY_DISPOSED');
    // A source that answers after dispose() resolved: the warm-up does not hand out the destroyed client.
    const late = deferred<typeof creds>();
    const factory = createClientFactory({ disposeGraceMs: 10 });
    const warming = factory.warm(alpha, { region: 'us-east-1', credentials: () => late.promise });
    await factory.dispose();
    late.resolve(creds);
    expect(await outcome(warming)).toBe('FACTORY_DISPOSED');
  });

  it('calls no credential source once dispose() resolved: a session kept from before sends nothing to STS, its cached credentials still answer', async () => {
    let calls = 0;
    const source = async () => {
      calls++;
      return { ...creds, sessionToken: 'token', expiration: new Date(Date.now() + 3_600_000) };
    };
    const factory = createClientFactory({ disposeGraceMs: 10 });
    const unused = factory.getSession({ region: 'us-east-1', credentials: source });
    const used = factory.getSession({ region: 'us-east-1', credentials: keyedCredentials('used', source) });
    await used.credentials();
    expect(calls).toBe(1);
    await factory.dispose();
    await expect(unused.credentials()).rejects.toMatchObject({ code: 'FACTORY_DISPOSED' });
    // Resolved before: answered from memory, nothing sent.
    await expect(used.credentials()).resolves.toMatchObject({ accessKeyId: creds.accessKeyId });
    expect(calls).toBe(1);
  });

  it('tells a kept session of the process-wide factory to get the factory again, even once it was replaced', async () => {
    const shared = getClientFactory();
    const kept = shared.getSession({ region: 'us-east-1', credentials: async () => creds });
    await shared.dispose();
    expect(getClientFactory()).not.toBe(shared);
    await expect(kept.credentials()).rejects.toThrow(/^The process-wide factory was disposed\. getClientFactory\(\)/);
    expect(() => shared.getClient(alpha, options)).toThrow(/^The process-wide factory was disposed/);
  });

  it('still calls a credential source during the grace period, for the requests finishing then', async () => {
    let calls = 0;
    const source = async () => {
      calls++;
      return creds;
    };
    const factory = createClientFactory({ disposeGraceMs: 5_000 });
    const client = factory.getClient(alpha, { region: 'us-east-1', credentials: source }) as FakeClient;
    const session = factory.getSession({ region: 'us-east-1', credentials: source });
    const response = deferred<{ ok: true }>();
    const request = client.send(() => response.promise);
    const disposed = factory.dispose();
    // A request still running holds dispose() open: what it needs of its credentials is still resolved.
    await expect(session.credentials()).resolves.toMatchObject({ accessKeyId: creds.accessKeyId });
    expect(calls).toBe(1);
    response.resolve({ ok: true });
    await request;
    await disposed;
    expect(calls).toBe(1);
  });

  it('leaves no client undestroyed when a logger re-enters getClient while it disposes', async () => {
    const created: FakeClient[] = [];
    const tracked = defineService({
      id: 'tracked',
      create: (config: Record<string, unknown>) => {
        const client = new FakeClient(config);
        created.push(client);
        return client;
      },
    });
    let factory: ReturnType<typeof createClientFactory> | undefined;
    const reentered: unknown[] = [];
    const logger = {
      debug: () => {
        try {
          factory?.getClient(tracked, { ...options, region: 'ap-southeast-2' });
        } catch (error) {
          reentered.push(error);
        }
      },
    };
    factory = createClientFactory({ logger });
    factory.getClient(tracked, options);
    factory.getClient(tracked, { ...options, region: 'eu-west-1' });
    await factory.dispose();
    expect(reentered.length).toBeGreaterThan(0);
    expect(reentered.every((error) => (error as AwsClientError).code === 'FACTORY_DISPOSED')).toBe(true);
    expect(created.every((client) => client.destroyed === 1)).toBe(true);
  });
});

describe('ttl', () => {
  it('closes idle clients within ttl plus a small slack, with no further calls', async () => {
    vi.useFakeTimers({ now: 0 });
    const factory = createClientFactory({ ttlMs: 1_000 });
    const client = factory.getClient(alpha, options) as FakeClient;
    vi.advanceTimersByTime(999);
    expect(client.destroyed).toBe(0);
    vi.advanceTimersByTime(50);
    expect(client.destroyed).toBe(1);
    expect(factory.stats()).toMatchObject({ clients: 0, evictions: 1 });
  });

  it('keeps a client that is used within ttl, and rearms for it', () => {
    vi.useFakeTimers({ now: 0 });
    const factory = createClientFactory({ ttlMs: 1_000 });
    const client = factory.getClient(alpha, options) as FakeClient;
    vi.advanceTimersByTime(800);
    expect(factory.getClient(alpha, options)).toBe(client);
    vi.advanceTimersByTime(800);
    expect(client.destroyed).toBe(0);
    vi.advanceTimersByTime(300);
    expect(client.destroyed).toBe(1);
  });

  it('never keeps the process alive for its timers (the built package, in a plain Node process)', () => {
    const packageDir = fileURLToPath(new URL('..', import.meta.url));
    const script = `
      import { createClientFactory, defineService } from '@dbp/aws-core';
      const fake = defineService({ id: 'fake', create: (config) => ({ config, destroy() {}, middlewareStack: { add() {} } }) });
      const factory = createClientFactory({ ttlMs: 600_000, abandonedBodyMs: 600_000 });
      factory.getClient(fake, { region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } });
      console.log('ok');
    `;
    // Exits on its own (the 10-minute ttl timer is unref'd), or the bound fails the test.
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: packageDir, encoding: 'utf8', timeout: 20_000 });
    expect(out.trim()).toBe('ok');
  });
});
