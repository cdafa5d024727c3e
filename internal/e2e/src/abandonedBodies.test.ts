import type { Readable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, type GetObjectCommandOutput, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type AwsClientFactory, type ClientFactoryOptions, createClientFactory, type FactoryEvent } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposedAfterEach, eventually } from './helpers.js';

// Abandoned bodies, end to end: the real S3 client, its real Node HTTP/1.1
// handler and agent, against the testkit's S3. An unread GetObject body pins
// its socket until the agent's pool is exhausted (aws-sdk-js-v3#6691).

let local: LocalAws;
const BUCKET = 'abandoned';
const SMALL = 'small body';
const LARGE = 'z'.repeat(256 * 1024);

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3'] });
  await using setup = createClientFactory();
  const client = setup.getClient(s3, local.clientOptions('s3'));
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'small', Body: SMALL }));
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'large', Body: LARGE }));
});

afterAll(async () => {
  await local.stop();
});

const disposeAfterTest = disposedAfterEach(() => local);

/** A factory whose warnings and events the test reads. */
function observed(options: ClientFactoryOptions) {
  const warnings: string[] = [];
  const events: FactoryEvent[] = [];
  const factory = createClientFactory({
    logger: { warn: (...args: unknown[]) => warnings.push(args.map(String).join(' ')) },
    onEvent: (event) => events.push(event),
    ...options,
  });
  disposeAfterTest(factory);
  const abandoned = () => events.filter((event) => event.name === 'dbp:aws:body:abandoned');
  return { factory, warnings, events, abandoned };
}

/** An S3 client whose agent holds at most 50 sockets (the SDK's own default, stated). */
function client(factory: AwsClientFactory, maxSockets = 50): S3Client {
  const options = local.clientOptions('s3');
  return factory.getClient(s3, { ...options, config: { ...options.config, requestHandler: { httpAgent: { maxSockets } } } });
}

const get = (target: S3Client, Key: string) => target.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
const body = (object: GetObjectCommandOutput) => object.Body as unknown as Readable;
const sockets = (factory: AwsClientFactory) => factory.stats().entries[0]?.sockets;
const total = (events: readonly FactoryEvent[]) => events.reduce((sum, event) => sum + (event.count ?? 0), 0);

describe('abandoned bodies (S3 GetObject, Node HTTP/1.1)', () => {
  it('60 unread bodies on a 50-socket pool: one warning naming GetObject and the count, an event per round, no secret', async () => {
    const { factory, warnings, abandoned } = observed({ abandonedBodyMs: 200 });
    const s3Client = client(factory);
    const settled: GetObjectCommandOutput[] = [];
    const sends = Array.from({ length: 60 }, () => get(s3Client, 'small').then((object) => settled.push(object)));
    // 50 responses hold the 50 sockets; 10 requests wait for one.
    expect(await eventually(() => sockets(factory)?.open === 50 && sockets(factory)?.queued === 10), JSON.stringify(sockets(factory))).toBe(true);
    expect(await eventually(() => total(abandoned()) === 50), JSON.stringify(abandoned())).toBe(true);
    expect(settled).toHaveLength(50);
    expect(factory.stats().entries[0]).toMatchObject({ inFlight: 60, bodies: 50 });

    expect(warnings).toHaveLength(1);
    const line = warnings[0] as string;
    const { credentialId } = factory.stats().entries[0] as { credentialId: string };
    const first = abandoned()[0] as FactoryEvent;
    expect(line).toBe(
      `[@dbp/aws] s3 (region ${local.region}, credentials ${credentialId}): ${first.count === 1 ? '1 response body' : `${first.count} response bodies`} of GetObject neither read nor destroyed for 0.2 s. ` +
        "An unread body keeps its socket; once the pool is exhausted every request on this client waits. Read each body (transformToString(), pipe it; an event stream such as ConverseStream's: iterate it to its end, or break out of the loop) or call body.destroy(); " +
        "onAbandonedBody: 'destroy' makes the factory destroy them.",
    );
    expect(line).not.toContain(local.credentials.secretAccessKey);
    expect(line).not.toContain(local.credentials.accessKeyId);
    for (const event of abandoned()) {
      expect(event).toMatchObject({ service: 's3', region: local.region, tier: 'standard', credentialId, reason: 'GetObject' });
      expect(JSON.stringify(event)).not.toContain(local.credentials.secretAccessKey);
    }

    // 'warn' frees nothing: the pool stays exhausted until the caller destroys the bodies.
    expect(sockets(factory)).toMatchObject({ open: 50, queued: 10 });
    for (const object of settled) body(object).destroy();
    await Promise.all(sends);
    expect(await eventually(() => total(abandoned()) === 60)).toBe(true);
    for (const object of settled.slice(50)) body(object).destroy();
    expect(await eventually(() => factory.stats().entries[0]?.inFlight === 0)).toBe(true);
    // Still one warning for this client, however many rounds found bodies.
    expect(warnings).toHaveLength(1);
  });

  it("with onAbandonedBody: 'destroy' the 61st request, which reads its body, succeeds and the pool is freed", async () => {
    const { factory, warnings, abandoned } = observed({ abandonedBodyMs: 200, onAbandonedBody: 'destroy' });
    const s3Client = client(factory);
    const unread = Array.from({ length: 60 }, () => get(s3Client, 'small'));
    expect(await eventually(() => sockets(factory)?.queued === 10)).toBe(true);
    const read = get(s3Client, 'small').then((object) => object.Body?.transformToString());
    await expect(read).resolves.toBe(SMALL);
    await Promise.all(unread);
    expect(await eventually(() => total(abandoned()) === 60)).toBe(true);
    expect(warnings).toHaveLength(1);
    // Already set: the line says what was done, not to set it.
    expect(warnings[0]).toMatch(/body\.destroy\(\)\. (It was|They were) destroyed \(onAbandonedBody: 'destroy'\)\.$/);
    expect(warnings[0]).not.toContain('makes the factory destroy them');
    expect(await eventually(() => factory.stats().entries[0]?.inFlight === 0)).toBe(true);
    // A destroyed socket leaves the agent on its 'close' event, a tick or more after the destroy.
    expect(
      await eventually(() => {
        const freed = sockets(factory);
        return freed?.queued === 0 && freed.open === freed.idle;
      }),
    ).toBe(true);
    expect(factory.stats().entries[0]?.bodies).toBe(0);
    // The client is usable as before.
    await expect(get(s3Client, 'small').then((object) => object.Body?.transformToString())).resolves.toBe(SMALL);
  });

  it('a body read slowly but steadily by its consumer is never reported', async () => {
    const { factory, abandoned } = observed({ abandonedBodyMs: 150 });
    const object = await get(client(factory), 'large');
    let received = 0;
    // One chunk (at most 16 KiB), then 50 ms of work, then the next: ~0.8 s in all, five times abandonedBodyMs.
    for await (const chunk of body(object)) {
      received += (chunk as Buffer).length;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(received).toBe(LARGE.length);
    expect(abandoned()).toEqual([]);
  });

  it('a body waiting on a slow server is never reported, however long the server pauses', async () => {
    const { factory, abandoned } = observed({ abandonedBodyMs: 100 });
    local.faults.inject('s3', { kind: 'slow-body', chunkDelayMs: 400, chunks: 4 }, { operation: 'GetObject' });
    const object = await get(client(factory), 'large');
    const chunks: Buffer[] = [];
    for await (const chunk of body(object)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe(LARGE);
    expect(abandoned()).toEqual([]);
  });

  it('a body paused after partial reading is reported', async () => {
    const { factory, abandoned, warnings } = observed({ abandonedBodyMs: 150 });
    const object = await get(client(factory), 'large');
    const stream = body(object);
    await new Promise((resolve) => stream.once('readable', resolve));
    expect(stream.read(1024)).not.toBeNull();
    // The consumer stops here.
    expect(await eventually(() => abandoned().length === 1)).toBe(true);
    expect(abandoned()[0]).toMatchObject({ reason: 'GetObject', count: 1 });
    expect(warnings).toHaveLength(1);
    stream.destroy();
  });

  it('a body piped to a consumer that stops draining is reported', async () => {
    const { PassThrough } = await import('node:stream');
    const { factory, abandoned } = observed({ abandonedBodyMs: 150 });
    const object = await get(client(factory), 'large');
    // A destination nobody reads: pipe() pauses the body once its buffer is full.
    const stuck = new PassThrough({ highWaterMark: 1024 });
    body(object).pipe(stuck);
    expect(await eventually(() => abandoned().length === 1)).toBe(true);
    body(object).destroy();
  });

  it('abandonedBodyMs: 0 watches nothing', async () => {
    const { factory, abandoned, warnings } = observed({ abandonedBodyMs: 0 });
    const object = await get(client(factory), 'small');
    // Another factory's watch, on the same kind of body, reports within the same wait.
    const control = observed({ abandonedBodyMs: 100 });
    const controlObject = await get(client(control.factory), 'small');
    expect(await eventually(() => control.abandoned().length === 1)).toBe(true);
    expect(abandoned()).toEqual([]);
    expect(warnings).toEqual([]);
    body(object).destroy();
    body(controlObject).destroy();
  });
});

// A plain Node process (the built packages, as an app loads them) holds an
// unread GetObject body whose socket it unrefs: the factory's watch is then
// the only thing that could keep it alive. It must exit on its own, the body
// still pending.
const script = `
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
const local = JSON.parse(process.env.LOCAL_AWS);
const warnings = [];
const factory = createClientFactory({ abandonedBodyMs: Number(process.env.ABANDONED_MS), logger: { warn: (line) => warnings.push(line) } });
const client = factory.getClient(s3, { region: local.region, credentials: local.credentials, config: { endpoint: local.endpoint, forcePathStyle: true } });
const object = await client.send(new GetObjectCommand({ Bucket: local.bucket, Key: 'small' }));
object.Body.socket.unref();
// A ref'd timer of the script's own, so the watch has time to run once.
if (process.env.HOLD_MS) setTimeout(() => {}, Number(process.env.HOLD_MS));
let reported = false;
process.on('beforeExit', () => {
  if (reported) return;
  reported = true;
  const { inFlight, bodies } = factory.stats().entries[0];
  console.log(JSON.stringify({ inFlight, bodies, warnings: warnings.length }));
});
`;

async function runChild(env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; report: unknown; output: string }> {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...env,
    LOCAL_AWS: JSON.stringify({ region: local.region, credentials: local.credentials, endpoint: local.endpoints.s3, bucket: BUCKET }),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  delete childEnv.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
  clearTimeout(killer);
  const last = output.trim().split('\n').at(-1) ?? '';
  return { code, signal, output, report: last.startsWith('{') ? JSON.parse(last) : undefined };
}

describe('the abandoned-body watch never keeps a process alive', () => {
  it('exits on its own with a tracked body pending (default abandonedBodyMs: the timer is armed, unref’d)', async () => {
    const { code, signal, report, output } = await runChild({ ABANDONED_MS: '60000' });
    expect(signal, `the process did not exit on its own: ${output}`).toBeNull();
    expect(code, output).toBe(0);
    expect(report).toEqual({ inFlight: 1, bodies: 1, warnings: 0 });
  });

  it('exits on its own after the watch has run and reported the body', async () => {
    const { code, signal, report, output } = await runChild({ ABANDONED_MS: '50', HOLD_MS: '500' });
    expect(signal, `the process did not exit on its own: ${output}`).toBeNull();
    expect(code, output).toBe(0);
    expect(report).toEqual({ inFlight: 1, bodies: 1, warnings: 1 });
  });
});
