import type http from 'node:http';
import type { Socket } from 'node:net';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, NumberValue, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type AwsClientFactory, createClientFactory } from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { dynamodbDocument } from '@dbp/aws-dynamodb/document';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './helpers.js';

// `@dbp/aws-dynamodb/document`: DynamoDBDocumentClient.from(client,
// translateConfig) writes translateConfig onto the client it wraps, so one
// module's wrapNumbers changes what every other module reads from a shared
// DynamoDBClient. The factory's document clients are keyed by translateConfig,
// each on a DynamoDBClient of its own, and closed like every other client.

let local: LocalAws;
const TABLE = 'documents';
const KEY = { pk: 'answer' };

beforeAll(async () => {
  local = await startLocalAws({ services: ['dynamodb'] });
  const setup = createClientFactory();
  await setup.getClient(dynamodb, local.clientOptions('dynamodb')).send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await setup.getClient(dynamodbDocument, local.clientOptions('dynamodb')).send(new PutCommand({ TableName: TABLE, Item: { ...KEY, n: 42 } }));
  await setup.dispose();
});

afterAll(async () => {
  await local.stop();
});

function withTranslate(translateConfig?: { unmarshallOptions?: { wrapNumbers?: boolean } }) {
  const options = local.clientOptions('dynamodb');
  return { ...options, config: { ...options.config, translateConfig } };
}

async function readN(client: DynamoDBDocumentClient): Promise<unknown> {
  const { Item } = await client.send(new GetCommand({ TableName: TABLE, Key: KEY }));
  return Item?.n;
}

/** The sockets of the HTTP agent under a client that has made a request. */
function socketsOf(client: { config: { requestHandler: unknown } }): Socket[] {
  const agent = (client.config.requestHandler as { config?: { httpAgent?: http.Agent } }).config?.httpAgent;
  expect(agent, 'the client has made a request over http').toBeDefined();
  return [...Object.values(agent?.sockets ?? {}), ...Object.values(agent?.freeSockets ?? {})].flat() as Socket[];
}

describe('a cached document client', () => {
  it('wrapNumbers in one module does not change what another module reads', async () => {
    await using factory = createClientFactory();
    // Module B first, with lib-dynamodb's defaults; then module A asks for wrapped numbers.
    const moduleB = factory.getClient(dynamodbDocument, withTranslate());
    expect(await readN(moduleB)).toBe(42);
    const moduleA = factory.getClient(dynamodbDocument, withTranslate({ unmarshallOptions: { wrapNumbers: true } }));

    const wrapped = await readN(moduleA);
    expect(wrapped).toBeInstanceOf(NumberValue);
    expect(String(wrapped)).toBe('42');
    expect(await readN(moduleB)).toBe(42);
    // The plain client reads attribute values, untouched by either.
    const { Item } = await factory
      .getClient(dynamodb, local.clientOptions('dynamodb'))
      .send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'answer' } } }));
    expect(Item?.n).toEqual({ N: '42' });
  });

  it('DynamoDBDocumentClient.from() on one shared client leaks it (the check above can fail)', async () => {
    await using factory = createClientFactory();
    const shared = factory.getClient(dynamodb, local.clientOptions('dynamodb'));
    const moduleB = DynamoDBDocumentClient.from(shared);
    expect(await readN(moduleB)).toBe(42);
    const moduleA = DynamoDBDocumentClient.from(shared, { unmarshallOptions: { wrapNumbers: true } });
    expect(await readN(moduleA)).toBeInstanceOf(NumberValue);
    // Module B never asked for it, and now reads NumberValue too.
    expect(await readN(moduleB)).toBeInstanceOf(NumberValue);
  });

  it('equal translateConfig values share one client; a different one gets its own', async () => {
    await using factory = createClientFactory();
    const a = factory.getClient(dynamodbDocument, withTranslate({ unmarshallOptions: { wrapNumbers: true } }));
    const b = factory.getClient(dynamodbDocument, withTranslate({ unmarshallOptions: { wrapNumbers: true } }));
    const c = factory.getClient(dynamodbDocument, withTranslate({ unmarshallOptions: { wrapNumbers: false } }));
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(await readN(b)).toBeInstanceOf(NumberValue);
    expect(await readN(c)).toBe(42);
    await c.send(new PutCommand({ TableName: TABLE, Item: { pk: 'written', n: 7 } }));
    expect(await a.send(new GetCommand({ TableName: TABLE, Key: { pk: 'written' } }))).toMatchObject({ Item: { pk: 'written', n: new NumberValue('7') } });
  });

  const removals: readonly { name: string; remove: (factory: AwsClientFactory) => Promise<void> }[] = [
    {
      name: 'clearCache',
      remove: async (factory) => {
        expect(factory.clearCache({ service: 'dynamodb-document' })).toBe(1);
      },
    },
    { name: 'dispose', remove: (factory) => factory.dispose() },
  ];
  for (const removal of removals) {
    it(`${removal.name} closes the sockets of the DynamoDBClient under it`, async () => {
      const factory = createClientFactory();
      const client = factory.getClient(dynamodbDocument, withTranslate());
      expect(await readN(client)).toBe(42);
      const sockets = socketsOf(client);
      expect(sockets.length).toBe(1);
      expect(sockets[0]?.destroyed).toBe(false);

      await removal.remove(factory);

      expect(sockets[0]?.destroyed).toBe(true);
      await factory.dispose();
    });
  }

  it('lib-dynamodb’s own destroy() leaves those sockets open (the check above can fail)', async () => {
    const { region, credentials, config } = local.clientOptions('dynamodb');
    const base = new DynamoDBClient({ region, credentials, ...config });
    const client = DynamoDBDocumentClient.from(base);
    expect(await readN(client)).toBe(42);
    const sockets = socketsOf(client);
    client.destroy();
    expect(sockets.map((socket) => socket.destroyed)).toEqual([false]);
    base.destroy();
    expect(sockets.map((socket) => socket.destroyed)).toEqual([true]);
  });

  it('clearCache waits for a document Get in flight: it resolves without a retry, then the sockets close', async () => {
    await using factory = createClientFactory();
    const client = factory.getClient(dynamodbDocument, withTranslate());
    expect(await readN(client)).toBe(42);
    const sockets = socketsOf(client);
    local.requests.reset();
    local.faults.inject('dynamodb', { kind: 'slow-body', chunkDelayMs: 100, chunks: 8 }, { operation: 'GetItem' });
    const pending = readN(client);
    expect(await eventually(() => local.requests.count('dynamodb', { operation: 'GetItem' }) === 1)).toBe(true);
    expect(factory.stats().entries.map((entry) => entry.inFlight)).toEqual([1]);

    expect(factory.clearCache()).toBe(1);

    await expect(pending).resolves.toBe(42);
    expect(local.requests.count('dynamodb', { operation: 'GetItem' })).toBe(1);
    expect(await eventually(() => sockets.every((socket) => socket.destroyed))).toBe(true);
  });
});
