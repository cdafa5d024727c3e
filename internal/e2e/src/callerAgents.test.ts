import http from 'node:http';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createClientFactory } from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// An agent the caller passes through requestHandler options is the caller's,
// however the options are given: as an object, or through an options
// provider function (a form NodeHttpHandler accepts at run time,
// `Provider<NodeHttpHandlerOptions>`, though the client config type leaves it
// out). clearCache and dispose must not destroy it, with every socket other
// clients have on it.

let local: LocalAws;

beforeAll(async () => {
  local = await startLocalAws({ services: ['dynamodb'] });
});

afterAll(async () => {
  await local.stop();
});

describe('caller agents survive clearCache and dispose, however the handler options are given', () => {
  it.each([
    ['an options object', (agent: http.Agent) => ({ httpAgent: agent })],
    ['an options provider function', (agent: http.Agent) => async () => ({ httpAgent: agent })],
  ])('through %s', async (_shape, requestHandler) => {
    const agent = new http.Agent({ keepAlive: true });
    const destroy = agent.destroy.bind(agent);
    let destroyed = 0;
    agent.destroy = () => {
      destroyed++;
      destroy();
    };
    const factory = createClientFactory();
    const base = local.clientOptions('dynamodb');
    const client = factory.getClient(dynamodb, { ...base, config: { ...base.config, requestHandler: requestHandler(agent) as never } });
    await client.send(new ListTablesCommand({}));
    factory.clearCache();
    await factory.dispose();
    expect(destroyed).toBe(0);
    destroy();
  });
});
