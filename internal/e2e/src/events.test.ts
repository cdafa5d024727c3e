import diagnosticsChannel from 'node:diagnostics_channel';
import type { Readable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type ClientFactoryOptions, createClientFactory, type FactoryEvent, type FactoryEventName } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './helpers.js';

// The factory's events for real flows (the real S3 client against the
// testkit), seen both ways a program can listen: Node's diagnostics_channel
// and the onEvent option.

// The channels DESIGN.md documents; the compiler checks the list names every FactoryEventName.
const NAMES = [
  'client:create',
  'client:evict',
  'client:destroy',
  'credentials:resolve',
  'credentials:refresh',
  'body:abandoned',
] as const satisfies readonly FactoryEventName[];
const everyName: Exclude<FactoryEventName, (typeof NAMES)[number]> extends never ? true : false = true;

let local: LocalAws;
const BUCKET = 'events';

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3'] });
  await using setup = createClientFactory();
  const client = setup.getClient(s3, local.clientOptions('s3'));
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'object', Body: 'events' }));
});

afterAll(async () => {
  await local.stop();
});

/** Subscribes to every dbp:aws channel; returns what arrived and how to stop. */
function subscribeAll(): { events: FactoryEvent[]; stop: () => void } {
  const events: FactoryEvent[] = [];
  const listener = (message: unknown) => events.push(message as FactoryEvent);
  for (const name of NAMES) diagnosticsChannel.subscribe(`dbp:aws:${name}`, listener);
  const stop = () => {
    for (const name of NAMES) diagnosticsChannel.unsubscribe(`dbp:aws:${name}`, listener);
  };
  return { events, stop };
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  local.faults.clear();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A factory observed through both channels at once. */
function observed(options: ClientFactoryOptions = {}) {
  const channel = subscribeAll();
  const viaOption: FactoryEvent[] = [];
  const lines: string[] = [];
  const log = (...args: unknown[]) => lines.push(args.map(String).join(' '));
  const factory = createClientFactory({ onEvent: (event) => viaOption.push(event), logger: { debug: log, info: log, warn: log, error: log }, ...options });
  cleanups.push(channel.stop, () => factory.dispose());
  const named = (name: FactoryEventName) => viaOption.filter((event) => event.name === `dbp:aws:${name}`);
  return { factory, viaChannel: channel.events, viaOption, lines, named };
}

const getObject = (client: S3Client) => client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'object' }));
const tenant = (i: number) => {
  const options = local.clientOptions('s3');
  return { ...options, config: { ...options.config, customUserAgent: `tenant-${i}` } };
};

describe('events', () => {
  it('every channel, with its documented fields, for real flows; diagnostics_channel and onEvent see the same events', async () => {
    const { factory, viaChannel, viaOption, named } = observed({ maxClients: 1, abandonedBodyMs: 100 });
    // Credentials that live 1.2 s: refreshed in the background once half that has passed.
    const LIFETIME_MS = 1_200;
    const provider = async () => ({ ...local.credentials, expiration: new Date(Date.now() + LIFETIME_MS) });

    // create, and credentials:resolve on the first request
    const first = factory.getClient(s3, { ...tenant(1), credentials: provider });
    const { credentialId } = factory.stats().entries[0] as { credentialId: string };
    expect(named('client:create')).toEqual([
      {
        name: 'dbp:aws:client:create',
        at: expect.any(Number),
        service: 's3',
        region: local.region,
        tier: 'standard',
        credentialId,
        credentialKind: 'provider',
        clients: 1,
      },
    ]);
    await (await getObject(first)).Body?.transformToString();
    expect(named('credentials:resolve')).toEqual([
      { name: 'dbp:aws:credentials:resolve', at: expect.any(Number), credentialId, credentialKind: 'provider', reason: 'ok', expiresAt: expect.any(Number) },
    ]);
    // Past half their lifetime: the next request refreshes them in the background.
    await new Promise((resolve) => setTimeout(resolve, LIFETIME_MS / 2 + 50));
    await (await getObject(first)).Body?.transformToString();
    expect(await eventually(() => named('credentials:refresh').length > 0)).toBe(true);
    expect(named('credentials:refresh')[0]).toMatchObject({ credentialId, credentialKind: 'provider', reason: 'ok', expiresAt: expect.any(Number) });

    // body:abandoned
    const unread = await getObject(first);
    expect(await eventually(() => named('body:abandoned').length === 1)).toBe(true);
    expect(named('body:abandoned')[0]).toEqual({
      name: 'dbp:aws:body:abandoned',
      at: expect.any(Number),
      service: 's3',
      region: local.region,
      tier: 'standard',
      credentialId,
      reason: 'GetObject',
      count: 1,
    });

    // LRU eviction while the unread body is in flight: evicted now, destroyed after it drains.
    factory.getClient(s3, tenant(2));
    expect(named('client:evict')).toEqual([
      {
        name: 'dbp:aws:client:evict',
        at: expect.any(Number),
        service: 's3',
        region: local.region,
        tier: 'standard',
        credentialId,
        reason: 'evicted',
        count: 1,
        clients: 1,
      },
    ]);
    expect(named('client:destroy')).toEqual([]);
    (unread.Body as unknown as Readable).destroy();
    expect(await eventually(() => named('client:destroy').length === 1)).toBe(true);
    expect(named('client:destroy')[0]).toEqual({
      name: 'dbp:aws:client:destroy',
      at: expect.any(Number),
      service: 's3',
      region: local.region,
      tier: 'standard',
      credentialId,
      reason: 'evicted',
      clients: 1,
    });

    // clear, then dispose: reasons 'cleared' and 'disposed'
    factory.clearCache();
    expect(named('client:evict').at(-1)).toMatchObject({ reason: 'cleared', count: 0, clients: 0 });
    expect(named('client:destroy').at(-1)).toMatchObject({ reason: 'cleared', clients: 0 });
    factory.getClient(s3, tenant(3));
    await factory.dispose();
    expect(named('client:evict').at(-1)).toMatchObject({ reason: 'disposed' });
    expect(named('client:destroy').at(-1)).toMatchObject({ reason: 'disposed' });

    // Every channel was used, and both ways of listening saw the same events in the same order.
    expect(everyName).toBe(true);
    expect(new Set(viaOption.map((event) => event.name))).toEqual(new Set(NAMES.map((name) => `dbp:aws:${name}`)));
    expect(viaChannel).toEqual(viaOption);
    for (const event of viaOption) expect(Object.isFrozen(event)).toBe(true);
  });

  it('a failed credential resolution reports the error’s name, not its message', async () => {
    const { factory, named } = observed();
    const failing = async () => {
      throw Object.assign(new Error('the provider said something it should not'), { name: 'CredentialsProviderError' });
    };
    const client = factory.getClient(s3, {
      ...local.clientOptions('s3'),
      credentials: failing,
      config: { ...local.clientOptions('s3').config, maxAttempts: 1 },
    });
    await expect(getObject(client)).rejects.toThrow();
    expect(named('credentials:resolve')[0]).toMatchObject({ credentialKind: 'provider', reason: 'CredentialsProviderError' });
    expect(JSON.stringify(named('credentials:resolve'))).not.toContain('should not');
  });

  it('a cache hit publishes nothing', async () => {
    const { factory, viaChannel, viaOption } = observed();
    factory.getClient(s3, local.clientOptions('s3'));
    expect(viaOption).toHaveLength(1);
    for (let i = 0; i < 1000; i++) factory.getClient(s3, local.clientOptions('s3'));
    expect(factory.stats().hits).toBe(1000);
    expect(viaOption).toHaveLength(1);
    expect(viaChannel).toHaveLength(1);
  });

  it('publishes nothing on a channel nobody subscribes to (and calls no publish)', async () => {
    const channel = diagnosticsChannel.channel('dbp:aws:client:create');
    expect(channel.hasSubscribers).toBe(false);
    let published = 0;
    const publish = channel.publish;
    channel.publish = () => {
      published++;
    };
    cleanups.push(() => {
      channel.publish = publish;
    });
    const factory = createClientFactory();
    cleanups.push(() => factory.dispose());
    factory.getClient(s3, local.clientOptions('s3'));
    factory.clearCache();
    expect(published).toBe(0);
    // The control: a subscriber makes the same flow publish.
    const listener = () => {};
    diagnosticsChannel.subscribe('dbp:aws:client:create', listener);
    cleanups.push(() => diagnosticsChannel.unsubscribe('dbp:aws:client:create', listener));
    factory.getClient(s3, local.clientOptions('s3'));
    expect(published).toBe(1);
  });

  it('a throwing onEvent listener breaks neither getClient nor a request; the logger says so without the error’s message', async () => {
    const lines: string[] = [];
    const factory = createClientFactory({
      onEvent: () => {
        throw new Error('listener secret');
      },
      logger: { error: (...args: unknown[]) => lines.push(args.map(String).join(' ')) },
    });
    cleanups.push(() => factory.dispose());
    const client = factory.getClient(s3, local.clientOptions('s3'));
    await expect((await getObject(client)).Body?.transformToString()).resolves.toBe('events');
    expect(lines).toEqual(['[@dbp/aws] an onEvent listener threw Error. The factory carried on; make the listener catch its own errors.']);
    expect(lines.join('\n')).not.toContain('listener secret');
  });
});

describe('events hold no secret', () => {
  const base64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const text = (alphabet: string, minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });

  it('whatever the secret access key and session token, through create, requests, resolve, refresh, abandoned bodies, eviction and destroy', async () => {
    await fc.assert(
      fc.asyncProperty(
        text('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, 16),
        text(base64, 16, 64),
        fc.option(text(`${base64}=`, 16, 300), { nil: undefined }),
        fc.constantFrom('static', 'provider'),
        async (keySuffix, secretAccessKey, sessionToken, kind) => {
          const accessKeyId = `AKIA${keySuffix}`;
          local.addCredentials({ accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }) });
          const secrets = [secretAccessKey, ...(sessionToken ? [sessionToken] : [])];
          const channel = subscribeAll();
          const viaOption: FactoryEvent[] = [];
          const lines: string[] = [];
          const log = (...args: unknown[]) => lines.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
          const factory = createClientFactory({
            maxClients: 1,
            abandonedBodyMs: 20,
            onEvent: (event) => viaOption.push(event),
            logger: { debug: log, info: log, warn: log, error: log },
          });
          try {
            const credentials = { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }) };
            const given = kind === 'static' ? credentials : async () => ({ ...credentials, expiration: new Date(Date.now() + 60_000) });
            const client = factory.getClient(s3, { ...local.clientOptions('s3'), credentials: given });
            await expect((await getObject(client)).Body?.transformToString()).resolves.toBe('events');
            const unread = await getObject(client);
            expect(await eventually(() => viaOption.some((event) => event.name === 'dbp:aws:body:abandoned'), 40)).toBe(true);
            factory.getClient(s3, { ...tenant(1), credentials: given });
            (unread.Body as unknown as Readable).destroy();
            await eventually(() => factory.stats().draining === 0, 40);
            factory.clearCache();
            const seen = JSON.stringify([viaOption, channel.events, lines, factory.stats()]);
            for (const secret of secrets) {
              expect(seen.includes(secret)).toBe(false);
              // No 12-character piece of it either.
              for (let i = 0; i + 12 <= secret.length; i += 4) expect(seen.includes(secret.slice(i, i + 12))).toBe(false);
            }
            expect(viaOption.length).toBeGreaterThanOrEqual(kind === 'provider' ? 6 : 5);
          } finally {
            channel.stop();
            await factory.dispose();
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
