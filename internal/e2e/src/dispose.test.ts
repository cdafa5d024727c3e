import { Agent, createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { type AwsClientFactory, createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, openSockets, portOf, runScript } from './helpers.js';
import { STALLED_SENT, type StallingServer, startStallingServer } from './stallingServer.js';

// DESIGN.md, "Ownership and lifecycle": dispose() is final. It returns a
// promise, waits at most disposeGraceMs (default 5 s) for in-flight
// responses, then destroys every client and any body still
// open, so an unread body never keeps sockets or the process alive.

/**
 * Who owns a client's request handler and agent: the factory (options), the
 * caller (an agent in the options, or a handler instance). Dispose never
 * destroys the caller's, and must stop their requests all the same.
 */
const HANDLER_OWNERS = [
  ['the factory', () => ({ config: { httpAgent: { maxSockets: 2 } } as object, agent: undefined })],
  [
    "the caller's agent",
    () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 2 });
      return { config: { httpAgent: agent } as object, agent };
    },
  ],
  [
    "the caller's handler",
    () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 2 });
      return { config: new NodeHttpHandler({ httpAgent: agent }) as object, agent };
    },
  ],
] as const;

let local: LocalAws;
let server: StallingServer;
const BODY = 'd'.repeat(40 * 1024);
const credentials = { accessKeyId: 'AKIDDISPOSE', secretAccessKey: 'dispose-secret' };

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3'] });
  const setup = createClientFactory();
  const client = setup.getClient(s3, local.clientOptions('s3'));
  await client.send(new CreateBucketCommand({ Bucket: 'dispose' }));
  await client.send(new PutObjectCommand({ Bucket: 'dispose', Key: 'object', Body: BODY }));
  await setup.dispose();
});

afterAll(async () => {
  await local.stop();
});

afterEach(async () => {
  await server?.close();
});

type NodeBody = IncomingMessage & { transformToString(): Promise<string> };

/** 'whole' when a body read gives back exactly the object (without printing 40 kB on failure). */
async function whole(text: Promise<string>): Promise<string> {
  const read = await text;
  return read === BODY ? 'whole' : `${read.length} of ${BODY.length} bytes`;
}

/** A testkit GetObject whose body arrives in eight pieces 100 ms apart. */
async function slowBody(factory: AwsClientFactory): Promise<NodeBody> {
  local.faults.inject('s3', { kind: 'slow-body', chunkDelayMs: 100, chunks: 8 }, { operation: 'GetObject' });
  const { Body } = await factory.getClient(s3, local.clientOptions('s3')).send(new GetObjectCommand({ Bucket: 'dispose', Key: 'object' }));
  return Body as unknown as NodeBody;
}

/**
 * Against the stalling server: one GetObject whose body stalls after 1 kB and
 * is never read, then one complete GetObject (on a second connection, which
 * goes back to the pool, idle). The server keeps both connections open until
 * the client closes them.
 */
async function idleAndStalled(factory: AwsClientFactory): Promise<{ stalled: NodeBody; socket: Socket }> {
  server = await startStallingServer();
  const client = factory.getClient(s3, { region: 'us-east-1', credentials, config: { endpoint: server.endpoint, forcePathStyle: true } });
  const { Body } = await client.send(new GetObjectCommand({ Bucket: 'dispose', Key: 'stalled' }));
  const stalled = Body as unknown as NodeBody;
  const complete = await client.send(new GetObjectCommand({ Bucket: 'dispose', Key: 'complete' }));
  expect(await complete.Body?.transformToString()).toBe('done');
  expect(await eventually(() => server.openConnections() === 2)).toBe(true);
  expect(factory.stats().entries.map(({ inFlight, bodies }) => ({ inFlight, bodies }))).toEqual([{ inFlight: 1, bodies: 1 }]);
  return { stalled, socket: stalled.socket as Socket };
}

describe('dispose()', () => {
  it('waits for a body being read: the promise settles after the body has ended', async () => {
    const factory = createClientFactory({ disposeGraceMs: 30_000 });
    const body = await slowBody(factory);
    expect(body.complete, 'the body is still arriving').toBe(false);
    const reading = whole(body.transformToString());

    const disposing = factory.dispose();

    expect(disposing).toBeInstanceOf(Promise);
    await disposing;
    expect(body.readableEnded).toBe(true);
    await expect(reading).resolves.toBe('whole');
    expect(factory.stats().draining).toBe(0);
  });

  it('with disposeGraceMs 0, cuts the same body short (the check above can fail)', async () => {
    const factory = createClientFactory({ disposeGraceMs: 0 });
    const body = await slowBody(factory);
    expect(body.complete, 'the body is still arriving').toBe(false);
    const reading = whole(body.transformToString());
    await factory.dispose();
    expect(body.destroyed).toBe(true);
    // The reader learns why, instead of waiting forever for a body that will not come.
    await expect(reading).rejects.toMatchObject({
      code: 'FACTORY_DISPOSED',
      // About the body and what to do, not about using the factory again.
      message: expect.stringMatching(
        /^The s3 GetObject response body was still open when dispose\(\) ended its grace period \(0 ms\), so it was destroyed\. Read each body before dispose\(\), or raise disposeGraceMs\.$/,
      ),
    });
  });

  it('then destroys a body nobody reads and closes every connection, against a server that never closes one itself', async () => {
    const factory = createClientFactory({ disposeGraceMs: 200 });
    const { stalled, socket } = await idleAndStalled(factory);

    await factory.dispose();

    expect(stalled.destroyed).toBe(true);
    expect(socket.destroyed).toBe(true);
    expect(factory.stats()).toMatchObject({ clients: 0, draining: 0, entries: [] });
    expect(await eventually(() => server.openConnections() === 0), `${server.openConnections()} connections open`).toBe(true);
  });

  it('where clearCache leaves the unread body and both connections open: it waits (the check above can fail)', async () => {
    const factory = createClientFactory({ disposeGraceMs: 200 });
    const { stalled, socket } = await idleAndStalled(factory);

    expect(factory.clearCache()).toBe(1);

    expect(factory.stats().draining).toBe(1);
    expect(stalled.destroyed).toBe(false);
    expect(socket.destroyed).toBe(false);
    expect(server.openConnections()).toBe(2);
    await factory.dispose();
    expect(socket.destroyed).toBe(true);
    expect(await eventually(() => server.openConnections() === 0)).toBe(true);
  });

  it('destroys a testkit body stalled after its headers and closes the client’s sockets', async () => {
    const port = portOf(local.endpoints.s3);
    const baseline = openSockets(port);
    const factory = createClientFactory({ disposeGraceMs: 200 });
    local.faults.inject('s3', { kind: 'stall-after-headers' }, { operation: 'GetObject' });
    const { Body } = await factory.getClient(s3, local.clientOptions('s3')).send(new GetObjectCommand({ Bucket: 'dispose', Key: 'object' }));
    const body = Body as unknown as NodeBody;
    expect(openSockets(port)).toBeGreaterThan(baseline);

    await factory.dispose();

    expect(body.destroyed).toBe(true);
    expect(await eventually(() => openSockets(port) <= baseline)).toBe(true);
  });

  // Review 11: requests waiting in the agent's queue for a socket were failed with
  // FACTORY_DISPOSED, but destroying the agent made it open new sockets for them and send them
  // after dispose() resolved (validly signed: the writes ran). Review 15: with the caller's agent
  // or handler (never destroyed), the queued requests were sent on the sockets the stalled ones freed.
  it.each(HANDLER_OWNERS)('sends nothing once it resolves: requests still waiting for a socket (%s) are dropped, not sent', async (_owner, requestHandler) => {
    const factory = createClientFactory({ disposeGraceMs: 200 });
    const options = local.clientOptions('s3');
    const handler = requestHandler();
    const client = factory.getClient(s3, { ...options, config: { ...options.config, requestHandler: handler.config } });
    const before = local.requests.count('s3', { operation: 'PutObject' });
    local.faults.inject('s3', { kind: 'stall-after-headers', count: 6 }, { operation: 'PutObject' });
    try {
      const sends = Array.from({ length: 6 }, (_, i) =>
        client.send(new PutObjectCommand({ Bucket: 'dispose', Key: `queued-${i}`, Body: 'v' })).then(
          () => 'sent',
          (error: { code?: string }) => error.code,
        ),
      );
      expect(await eventually(() => factory.stats().entries[0]?.sockets?.queued === 4)).toBe(true);

      await factory.dispose();

      expect(await Promise.all(sends)).toEqual(Array(6).fill('FACTORY_DISPOSED'));
      // A request given a new connection, or one freed, is sent within milliseconds.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(local.requests.count('s3', { operation: 'PutObject' }) - before).toBe(2);
      // The caller's agent holds no socket of those requests any more (nor a queued one).
      if (handler.agent !== undefined) {
        expect(Object.values(handler.agent.sockets).flat()).toEqual([]);
        expect(Object.values(handler.agent.requests).flat()).toEqual([]);
      }
    } finally {
      local.faults.clear('s3');
      handler.agent?.destroy();
    }
  });

  // Review 15 (L): a client still finishing a body sent a caller's new request during the grace period.
  it('refuses a new request once it is called, on a client still finishing a body too (nothing of it is sent)', async () => {
    const factory = createClientFactory({ disposeGraceMs: 2_000 });
    const client = factory.getClient(s3, local.clientOptions('s3'));
    const { Body } = await client.send(new GetObjectCommand({ Bucket: 'dispose', Key: 'object' }));
    const disposing = factory.dispose();
    const before = local.requests.count('s3');
    await expect(client.send(new PutObjectCommand({ Bucket: 'dispose', Key: 'during-grace', Body: 'v' }))).rejects.toMatchObject({ code: 'FACTORY_DISPOSED' });
    expect(local.requests.count('s3')).toBe(before);
    // The body being read still finishes within the grace period.
    expect(await whole((Body as unknown as NodeBody).transformToString())).toBe('whole');
    await disposing;
  });

  // Review 15 (Y): refusing every send() once dispose() was called also refused the requests the SDK
  // sends itself on the same client for a request in flight (an S3 Express CreateSession; endpoint
  // discovery): the in-flight request failed at once instead of finishing within the grace period.
  it('lets a request in flight finish within the grace period when the SDK sends one of its own for it (S3 Express CreateSession)', async () => {
    const seen: string[] = [];
    const express = createServer((request, response) => {
      seen.push(request.url ?? '');
      request.resume();
      if (request.url?.includes('session') === true) {
        const expiration = new Date(Date.now() + 300_000).toISOString();
        setTimeout(() => {
          response.writeHead(200, { 'content-type': 'application/xml' });
          response.end(
            `<?xml version="1.0" encoding="UTF-8"?><CreateSessionResult><Credentials><SessionToken>express-token</SessionToken><SecretAccessKey>express-secret</SecretAccessKey><AccessKeyId>ASIAEXPRESS</AccessKeyId><Expiration>${expiration}</Expiration></Credentials></CreateSessionResult>`,
          );
        }, 100);
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5' });
      response.end('hello');
    });
    await new Promise<void>((resolve) => express.listen(0, '127.0.0.1', resolve));
    try {
      const factory = createClientFactory({ disposeGraceMs: 2_000 });
      const client = factory.getClient(s3, {
        region: 'us-east-1',
        credentials,
        config: { endpoint: `http://127.0.0.1:${(express.address() as AddressInfo).port}`, forcePathStyle: true },
      });
      const getting = client.send(new GetObjectCommand({ Bucket: 'express--use1-az4--x-s3', Key: 'k' }));
      const disposing = factory.dispose();
      expect(await (await getting).Body?.transformToString()).toBe('hello');
      await disposing;
      expect(seen.map((url) => (url.includes('session') ? 'CreateSession' : 'GetObject'))).toEqual(['CreateSession', 'GetObject']);
    } finally {
      express.close();
    }
  });
});

// A plain Node process (the built packages, resolved as an app resolves them)
// does the same and must then exit on its own: nothing the factory made may
// keep it alive. The SDK's own idle limit is set far beyond the test's
// deadline, so only dispose() can end the stalled body in time.
const script = `
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
const handles = () => process.getActiveResourcesInfo().filter((name) => name !== 'TTYWrap' && name !== 'PipeWrap');
const factory = createClientFactory({ disposeGraceMs: 200 });
const client = factory.getClient(s3, {
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDCHILD', secretAccessKey: 'child-secret' },
  config: { endpoint: process.env.STALLING_ENDPOINT, forcePathStyle: true, requestHandler: { socketTimeout: 600_000 } },
});
// The stalled body holds one connection, so the complete one opens a second, left idle in the pool.
const { Body } = await client.send(new GetObjectCommand({ Bucket: 'child', Key: 'stalled' }));
await new Promise((resolve) => Body.once('readable', resolve));
const received = Body.readableLength;
const complete = await client.send(new GetObjectCommand({ Bucket: 'child', Key: 'complete' }));
await complete.Body.transformToString();
const before = handles();
await factory.dispose();
// Closed sockets release their handles in the loop's close phase.
for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
console.log(JSON.stringify({ received, before, bodyDestroyed: Body.destroyed, after: handles() }));
`;

// Requests queued for a socket past the SDK's one-second deferral of its connect timer: the timer,
// cleared only by a socket, kept the process alive for the connection timeout (60 s here).
// The handler and agent are the factory's, or the caller's (OWNER), which dispose() never destroys:
// their requests, stalled or queued, must end all the same (review 15: the process never exited).
const queuedScript = `
import { Agent } from 'node:http';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
const options = JSON.parse(process.env.S3_OPTIONS);
const factory = createClientFactory({ disposeGraceMs: 200 });
const agent = () => new Agent({ keepAlive: true, maxSockets: 2 });
const requestHandler = {
  factory: { httpAgent: { maxSockets: 2 }, connectionTimeout: 60_000 },
  agent: { httpAgent: agent(), connectionTimeout: 60_000 },
  handler: new NodeHttpHandler({ httpAgent: agent(), connectionTimeout: 60_000 }),
}[process.env.OWNER];
const client = factory.getClient(s3, { ...options, config: { ...options.config, requestHandler } });
const sends = Array.from({ length: 6 }, (_, i) => client.send(new PutObjectCommand({ Bucket: 'dispose', Key: 'child-queued-' + i, Body: 'v' })).then(() => 'sent', (error) => error.code));
await new Promise((resolve) => setTimeout(resolve, 1_500));
await factory.dispose();
const codes = await Promise.all(sends);
const active = () => process.getActiveResourcesInfo().filter((name) => name !== 'TTYWrap' && name !== 'PipeWrap');
// The handler clears its own timers a few ticks after a request fails (later on a loaded machine): up to 3 s.
for (let i = 0; i < 60 && active().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
console.log(JSON.stringify({ codes, after: active() }));
`;

// A request whose credential source never answers holds nothing that keeps a process alive: the
// grace period must (an unref'd timer let the process end mid-`await dispose()`, exit code 13).
const neverAnsweringScript = `
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
const factory = createClientFactory({ disposeGraceMs: 300 });
const client = factory.getClient(s3, { region: 'us-east-1', credentials: () => new Promise(() => {}), config: { endpoint: 'http://127.0.0.1:9' } });
const sent = client.send(new ListBucketsCommand({})).then(() => 'sent', (error) => error.code);
await new Promise((resolve) => setTimeout(resolve, 100));
const started = Date.now();
await factory.dispose();
const waited = Date.now() - started;
console.log(JSON.stringify({ waited, sent: await sent }));
`;

describe('a process that disposes its factory', () => {
  it('waits out the grace period for a request whose credential source never answers, then fails it', async () => {
    const { code, signal, stdout, stderr } = await runScript(neverAnsweringScript, {});
    expect(signal, `the process did not exit on its own: ${stdout} ${stderr}`).toBeNull();
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout.trim().split('\n').at(-1) as string) as { waited: number; sent: string };
    expect(report.sent).toBe('FACTORY_DISPOSED');
    expect(report.waited).toBeGreaterThanOrEqual(250);
  });

  it('exits on its own with a stalled body and an idle keep-alive connection open, and the server sees both closed', async () => {
    server = await startStallingServer();
    const { code, signal, stdout, stderr } = await runScript(script, { STALLING_ENDPOINT: server.endpoint });

    expect(signal, `the process did not exit on its own: ${stdout} ${stderr}`).toBeNull();
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout.trim().split('\n').at(-1) as string) as { received: number; before: string[]; bodyDestroyed: boolean; after: string[] };
    expect(report.received).toBe(STALLED_SENT);
    // Before dispose the stalled connection holds the process (the check below can fail).
    expect(report.before).toContain('TCPSocketWrap');
    expect(report.bodyDestroyed).toBe(true);
    expect(report.after).toEqual([]);
    expect(await eventually(() => server.openConnections() === 0), `${server.openConnections()} connections open`).toBe(true);
  });

  it.each(['factory', 'agent', 'handler'])(
    'exits at once with requests stalled and queued for a socket, whatever the connection timeout (owner: %s)',
    async (owner) => {
      local.faults.inject('s3', { kind: 'stall-after-headers', count: 6 }, { operation: 'PutObject' });
      try {
        const { code, signal, stdout, stderr, exitAfterOutputMs } = await runScript(
          queuedScript,
          { S3_OPTIONS: JSON.stringify(local.clientOptions('s3')), OWNER: owner },
          30_000,
        );
        expect(signal, `the process did not exit on its own: ${stdout} ${stderr}`).toBeNull();
        expect(code, stderr).toBe(0);
        const report = JSON.parse(stdout.trim().split('\n').at(-1) as string) as { codes: string[]; after: string[] };
        expect(report.codes).toEqual(Array(6).fill('FACTORY_DISPOSED'));
        expect(report.after).toEqual([]);
        // It ends as soon as it has reported (a connect timer left armed held it for a minute).
        expect(exitAfterOutputMs).toBeLessThan(5_000);
      } finally {
        local.faults.clear('s3');
      }
    },
    40_000,
  );
});
