import { type Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { CreateBucketCommand, GetObjectCommand, type GetObjectCommandOutput, PutObjectCommand } from '@aws-sdk/client-s3';
import { AwsClientError, type ClientFactoryOptions, createClientFactory, type FactoryEvent } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposedAfterEach, eventually } from './helpers.js';

// onAbandonedBody: 'destroy', end to end (the real S3 client and its Node
// HTTP/1.1 handler against the testkit's S3): a body the factory destroyed
// fails every later read with a typed error naming the watch, and a body
// whose reader waits for the server is never taken for abandoned.

let local: LocalAws;
const BUCKET = 'abandoned-destroy';
const SMALL = 'small body';
const LARGE = 'q'.repeat(256 * 1024);

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

function observed(options: ClientFactoryOptions) {
  const events: FactoryEvent[] = [];
  const factory = disposeAfterTest(createClientFactory({ logger: { warn: () => {} }, onEvent: (event) => events.push(event), ...options }));
  const abandoned = () => events.filter((event) => event.name === 'dbp:aws:body:abandoned');
  return { factory, abandoned };
}

async function getObject(factory: ReturnType<typeof createClientFactory>, Key: string): Promise<GetObjectCommandOutput> {
  return factory.getClient(s3, local.clientOptions('s3')).send(new GetObjectCommand({ Bucket: BUCKET, Key }));
}

/** A destroyed body, once the watch destroyed it (the factory's stats no longer count it). */
async function destroyedByTheWatch(): Promise<{ object: GetObjectCommandOutput; factory: ReturnType<typeof createClientFactory> }> {
  const { factory, abandoned } = observed({ abandonedBodyMs: 100, onAbandonedBody: 'destroy' });
  const object = await getObject(factory, 'small');
  expect(await eventually(() => abandoned().length === 1 && (object.Body as unknown as Readable).destroyed)).toBe(true);
  expect(await eventually(() => factory.stats().entries[0]?.inFlight === 0)).toBe(true);
  return { object, factory };
}

/** Settles `read` or reports that it is still pending after the watch has long run (a read that never settles). */
async function settled<T>(read: Promise<T>): Promise<{ value: T } | { error: unknown } | 'pending'> {
  let outcome: { value: T } | { error: unknown } | undefined;
  read.then(
    (value) => {
      outcome = { value };
    },
    (error: unknown) => {
      outcome = { error };
    },
  );
  await eventually(() => outcome !== undefined, 40);
  return outcome ?? 'pending';
}

function expectAbandonedError(outcome: unknown): void {
  expect(outcome).not.toBe('pending');
  const { error } = outcome as { error: AwsClientError };
  expect(error).toBeInstanceOf(AwsClientError);
  expect(error.code).toBe('BODY_ABANDONED');
  expect(error.message).toBe(
    `The s3 GetObject response body (region ${local.region}) went unread for 100 ms, so the factory destroyed it (onAbandonedBody: 'destroy'). Read each body when its response arrives, raise abandonedBodyMs, or use onAbandonedBody: 'warn'.`,
  );
  expect(error.message).not.toContain(local.credentials.secretAccessKey);
}

describe("onAbandonedBody: 'destroy': later reads of a destroyed body", () => {
  it('transformToString() rejects with BODY_ABANDONED, naming the service, the operation and the wait', async () => {
    const { object } = await destroyedByTheWatch();
    expectAbandonedError(await settled(object.Body!.transformToString()));
  });

  it('transformToByteArray() rejects with the same error', async () => {
    const { object } = await destroyedByTheWatch();
    expectAbandonedError(await settled(object.Body!.transformToByteArray()));
  });

  it('a web stream of it errors with the same error instead of ending empty', async () => {
    const { object } = await destroyedByTheWatch();
    const reader = object.Body!.transformToWebStream().getReader();
    expectAbandonedError(await settled(reader.read()));
  });

  it("pipeline() and finished() reject with the same error, which is the stream's errored", async () => {
    const { object } = await destroyedByTheWatch();
    const stream = object.Body as unknown as Readable;
    let written = 0;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.length;
        callback();
      },
    });
    expectAbandonedError(await settled(pipeline(stream, sink)));
    expectAbandonedError(await settled(finished(stream)));
    expectAbandonedError({ error: stream.errored });
    expect(written).toBe(0);
  });

  it('async iteration over it throws the same error', async () => {
    const { object } = await destroyedByTheWatch();
    const iterate = async () => {
      let bytes = 0;
      for await (const chunk of object.Body as unknown as Readable) bytes += (chunk as Buffer).length;
      return bytes;
    };
    expectAbandonedError(await settled(iterate()));
  });
});

describe("onAbandonedBody: 'destroy' spares a reader that waits for the server", () => {
  it('a consumer waiting in read(n) with part of the data buffered, while the server pauses, gets every byte', async () => {
    const { factory, abandoned } = observed({ abandonedBodyMs: 100, onAbandonedBody: 'destroy' });
    // Four pieces of 64 KiB, 400 ms apart: four times abandonedBodyMs between two pieces.
    local.faults.inject('s3', { kind: 'slow-body', chunkDelayMs: 400, chunks: 4 }, { operation: 'GetObject' });
    const object = await getObject(factory, 'large');
    const stream = object.Body as unknown as Readable;
    const chunks: Buffer[] = [];
    const events: string[] = [];
    stream.once('error', (error) => events.push(`error ${(error as AwsClientError).code}`));
    stream.once('end', () => events.push('end'));
    const closed = new Promise((resolve) => stream.once('close', resolve));
    // The consumer wants 100 KiB at a time (Node's documented 'readable' loop): each read(n)
    // finds part of it buffered and returns null until the rest arrives.
    stream.on('readable', () => {
      for (let chunk = stream.read(100 * 1024); chunk !== null; chunk = stream.read(100 * 1024)) chunks.push(chunk as Buffer);
    });
    await closed;
    expect(events).toEqual(['end']);
    expect(Buffer.concat(chunks).toString()).toBe(LARGE);
    expect(abandoned()).toEqual([]);
  });

  it('a consumer that asked read(n) for more than the whole body and stopped is reported once the body has arrived', async () => {
    const { factory, abandoned } = observed({ abandonedBodyMs: 150, onAbandonedBody: 'destroy' });
    local.faults.inject('s3', { kind: 'slow-body', chunkDelayMs: 100, chunks: 4 }, { operation: 'GetObject' });
    const object = await getObject(factory, 'large');
    const stream = object.Body as unknown as Readable;
    await new Promise((resolve) => stream.once('readable', resolve));
    // More than the object holds: null until the end, and the consumer never asks again.
    expect(stream.read(LARGE.length + 1)).toBeNull();
    // Its error, or undefined when it closes without one.
    const failed = new Promise<unknown>((resolve) => {
      stream.once('error', resolve);
      stream.once('close', () => resolve(undefined));
    });
    expect(await eventually(() => abandoned().length === 1)).toBe(true);
    expect(await failed).toMatchObject({ code: 'BODY_ABANDONED' });
  });
});

// A plain Node process (the built packages, as an app loads them) that reads
// its body only after the watch destroyed it: the read must fail with the
// typed error, not hang until the process exits without its data.
const script = `
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
const local = JSON.parse(process.env.LOCAL_AWS);
const factory = createClientFactory({ abandonedBodyMs: 100, onAbandonedBody: 'destroy', logger: { warn() {} } });
const client = factory.getClient(s3, { region: local.region, credentials: local.credentials, config: { endpoint: local.endpoint, forcePathStyle: true } });
const object = await client.send(new GetObjectCommand({ Bucket: local.bucket, Key: 'small' }));
// The application reads late: after the watch has destroyed the body.
await new Promise((resolve) => setTimeout(resolve, 600));
const text = await object.Body.transformToString().catch((error) => {
  console.log(JSON.stringify({ code: error.code }));
  process.exit(3);
});
console.log(JSON.stringify({ text }));
`;

describe('a process that reads a destroyed body late', () => {
  it('fails the read with BODY_ABANDONED instead of exiting without its data', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LOCAL_AWS: JSON.stringify({ region: local.region, credentials: local.credentials, endpoint: local.endpoints.s3, bucket: BUCKET }),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env,
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
    expect(signal, output).toBeNull();
    expect({ code, output: output.trim() }).toEqual({ code: 3, output: JSON.stringify({ code: 'BODY_ABANDONED' }) });
  });
});
