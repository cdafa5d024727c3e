import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type AwsClientFactory, createClientFactory } from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { s3 } from '@dbp/aws-s3';
import { type LocalAws, type LocalServiceName, startLocalAws } from '@dbp/aws-testkit';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './helpers.js';

// DESIGN.md, "Ownership and lifecycle": the factory destroys only what it
// created. A requestHandler instance, or an httpAgent/httpsAgent passed in
// requestHandler options, belongs to the caller: clearing, eviction, ttl and
// dispose never destroy it, and other clients that share it keep working.
//
// The victim is a cached DynamoDB client; the survivor, an S3 client of
// another factory on the same agent, streams a slow GetObject body while the
// victim is removed. Destroying the agent would destroy the survivor's socket
// under that body (a body is never retried), and the idle socket the victim
// left in the agent.

let local: LocalAws;
const BODY = 'o'.repeat(24 * 1024);

beforeAll(async () => {
  local = await startLocalAws({ services: ['s3', 'dynamodb'] });
  const setup = createClientFactory();
  const client = setup.getClient(s3, local.clientOptions('s3'));
  await client.send(new CreateBucketCommand({ Bucket: 'owned' }));
  await client.send(new PutObjectCommand({ Bucket: 'owned', Key: 'object', Body: BODY }));
  await setup.dispose();
});

afterAll(async () => {
  await local.stop();
});

/** What a caller shares between clients: agents in requestHandler options, or a handler instance. */
type Shared = { httpAgent: http.Agent } | NodeHttpHandler;

function options(service: LocalServiceName, requestHandler: Shared, tag: string) {
  const base = local.clientOptions(service);
  return { ...base, config: { ...base.config, customUserAgent: tag, requestHandler } };
}

/** Every socket an agent holds, busy or idle. */
function socketsOf(agent: http.Agent): Socket[] {
  return [...Object.values(agent.sockets), ...Object.values(agent.freeSockets)].flat() as Socket[];
}

type NodeBody = IncomingMessage & { transformToString(): Promise<string> };

/** A GetObject on `client` whose body arrives in eight pieces 100 ms apart: resolves at its headers, the body still arriving. */
async function slowBody(client: S3Client): Promise<NodeBody> {
  local.faults.inject('s3', { kind: 'slow-body', chunkDelayMs: 100, chunks: 8 }, { operation: 'GetObject' });
  const { Body } = await client.send(new GetObjectCommand({ Bucket: 'owned', Key: 'object' }));
  return Body as unknown as NodeBody;
}

/** 'whole' when a body read gives back exactly the object (without printing 24 kB on failure). */
async function whole(body: NodeBody): Promise<string> {
  const read = await body.transformToString();
  return read === BODY ? 'whole' : `${read.length} of ${BODY.length} bytes`;
}

interface Removal {
  readonly name: string;
  readonly factory: () => AwsClientFactory;
  /** Takes the victim (the factory's only DynamoDB client) out of the cache, and returns once it is destroyed. */
  readonly remove: (factory: AwsClientFactory) => Promise<void>;
}

const REMOVALS: readonly Removal[] = [
  {
    name: 'clearCache',
    factory: () => createClientFactory(),
    remove: async (factory) => {
      expect(factory.clearCache({ service: 'dynamodb' })).toBe(1);
    },
  },
  {
    name: 'LRU eviction',
    factory: () => createClientFactory({ maxClients: 1 }),
    remove: async (factory) => {
      factory.getClient(s3, local.clientOptions('s3'));
      expect(factory.stats().evictions).toBe(1);
    },
  },
  {
    name: 'ttl expiry',
    factory: () => createClientFactory({ ttlMs: 50 }),
    remove: async (factory) => {
      // No further call: the factory's own timer removes the idle client.
      expect(await eventually(() => factory.stats().clients === 0)).toBe(true);
      expect(factory.stats().evictions).toBe(1);
    },
  },
  {
    name: 'dispose',
    factory: () => createClientFactory(),
    remove: async (factory) => {
      await factory.dispose();
    },
  },
];

const FORMS: readonly { readonly name: string; readonly share: (agent: http.Agent) => Shared }[] = [
  { name: 'an httpAgent in requestHandler options', share: (agent) => ({ httpAgent: agent }) },
  { name: 'a requestHandler instance', share: (agent) => new NodeHttpHandler({ httpAgent: agent }) },
];

describe('the factory destroys only what it created', () => {
  for (const form of FORMS) {
    for (const removal of REMOVALS) {
      it(`${removal.name} leaves ${form.name} working: its sockets stay open, and a client sharing it finishes its body`, async () => {
        const agent = new http.Agent({ keepAlive: true });
        const shared = form.share(agent);
        const factory = removal.factory();
        const victim = factory.getClient(dynamodb, options('dynamodb', shared, 'victim'));
        await victim.send(new ListTablesCommand({}));
        const survivorFactory = createClientFactory();
        const survivor = survivorFactory.getClient(s3, options('s3', shared, 'survivor'));
        try {
          const body = await slowBody(survivor);
          // Both clients now hold a socket of the caller's agent: the victim's idle, the survivor's busy.
          const held = socketsOf(agent);
          expect(held).toHaveLength(2);
          expect(body.complete, 'the body is still arriving').toBe(false);

          await removal.remove(factory);

          expect(held.map((socket) => socket.destroyed)).toEqual([false, false]);
          await expect(whole(body)).resolves.toBe('whole');
          // The survivor's next request reuses the agent's pooled socket: the agent was never destroyed.
          await expect(whole(await slowBody(survivor))).resolves.toBe('whole');
          expect(socketsOf(agent).every((socket) => held.includes(socket))).toBe(true);
          expect(held.map((socket) => socket.destroyed)).toEqual([false, false]);
        } finally {
          await survivorFactory.dispose();
          await factory.dispose();
          agent.destroy();
        }
      });
    }
  }

  it('closes the sockets of the agent the SDK made beside a caller’s httpsAgent, and leaves the caller’s agent alone', async () => {
    // The endpoint is http: the SDK makes an httpAgent of its own for it.
    const httpsAgent = new https.Agent({ keepAlive: true });
    let callerAgentDestroyed = 0;
    const destroy = httpsAgent.destroy.bind(httpsAgent);
    httpsAgent.destroy = () => {
      callerAgentDestroyed++;
      destroy();
    };
    const factory = createClientFactory();
    const client = factory.getClient(dynamodb, options('dynamodb', { httpsAgent } as never, 'https-agent'));
    await client.send(new ListTablesCommand({}));
    const sdkAgent = (client.config.requestHandler as unknown as { config: { httpAgent: http.Agent } }).config.httpAgent;
    expect(sdkAgent).not.toBe(httpsAgent);
    const [socket] = socketsOf(sdkAgent);
    expect(socket?.destroyed).toBe(false);

    expect(factory.clearCache()).toBe(1);

    expect(socket?.destroyed).toBe(true);
    expect(callerAgentDestroyed).toBe(0);
    await factory.dispose();
    expect(callerAgentDestroyed).toBe(0);
    httpsAgent.destroy();
    expect(callerAgentDestroyed).toBe(1);
  });

  // Negative controls: the SDK's own destroy() does destroy what it is given,
  // which is why the factory must not call it on a caller's handler or agent.
  for (const form of FORMS) {
    it(`the SDK's client.destroy() on a plain client with ${form.name} breaks a client sharing it (the checks above can fail)`, async () => {
      const agent = new http.Agent({ keepAlive: true });
      const shared = form.share(agent);
      const { region, credentials, config } = options('dynamodb', shared, 'plain-victim');
      const victim = new DynamoDBClient({ region, credentials, ...config });
      await victim.send(new ListTablesCommand({}));
      const survivorFactory = createClientFactory();
      const survivor = survivorFactory.getClient(s3, options('s3', shared, 'plain-survivor'));
      try {
        const body = await slowBody(survivor);
        const held = socketsOf(agent);
        expect(held).toHaveLength(2);
        expect(body.complete, 'the body is still arriving').toBe(false);

        victim.destroy();

        expect(held.map((socket) => socket.destroyed)).toEqual([true, true]);
        await expect(whole(body)).rejects.toThrow();
      } finally {
        await survivorFactory.dispose();
        agent.destroy();
      }
    });
  }
});
