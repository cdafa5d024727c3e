import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './helpers.js';

// DESIGN.md, "dispose()" and "Web build": the public API is the same in every
// build, so on the web too nothing more is sent once dispose() resolved,
// retries included. There is no drain on the web (destroying a fetch-based
// client never touches a running request), so a request whose first attempt
// was throttled is still in the SDK's retry loop when dispose() resolves.
// The web entry, loaded last, is the one installed for this file.
const { createClientFactory } = await import('../../../packages/aws-core/src/index.web.js');

let local: LocalAws;
beforeAll(async () => {
  local = await startLocalAws({ services: ['sqs'] });
});
afterEach(() => {
  local.faults.clear();
  local.requests.reset();
});
afterAll(async () => {
  await local.stop();
});

/** Five attempts, so a retry after dispose has room to happen. */
const tiers = { patient: { maxAttempts: 5, retryMode: 'standard', connectTimeoutMs: 5_000, readTimeoutMs: 30_000 } } as const;

describe('dispose() on the web build, with a request in the retry loop', () => {
  it('sends no retry after dispose() resolved, and the request fails with FACTORY_DISPOSED', async () => {
    const factory = createClientFactory({ tiers });
    const client = factory.getClient(SQSClient, { ...local.clientOptions('sqs'), tier: 'patient' });
    // Each throttle asks the SDK to wait 400 ms before it retries.
    local.faults.inject('sqs', { kind: 'throttle', retryAfterMs: 400, count: 4 });
    let outcome: unknown = 'pending';
    client.send(new ListQueuesCommand({})).then(
      () => {
        outcome = 'resolved';
      },
      (error: unknown) => {
        outcome = error;
      },
    );
    expect(await eventually(() => local.requests.count('sqs') === 1)).toBe(true);

    await factory.dispose();

    expect(await eventually(() => outcome !== 'pending', 80)).toBe(true);
    expect(outcome).toMatchObject({ code: 'FACTORY_DISPOSED', message: expect.stringMatching(/^An attempt of the sqs ListQueues request was not sent/) });
    expect(local.requests.count('sqs')).toBe(1);
  });

  it("refuses a held client's request after dispose() resolved, sending nothing", async () => {
    const factory = createClientFactory();
    const client = factory.getClient(SQSClient, local.clientOptions('sqs'));
    await client.send(new ListQueuesCommand({}));
    const before = local.requests.count('sqs');
    await factory.dispose();
    await expect(client.send(new ListQueuesCommand({}))).rejects.toMatchObject({
      code: 'FACTORY_DISPOSED',
      message: expect.stringMatching(/^An attempt of the sqs ListQueues request was not sent/),
    });
    expect(local.requests.count('sqs')).toBe(before);
  });

  it("resolves no credentials for a held client's request after dispose() resolved (a provider may call STS)", async () => {
    const factory = createClientFactory();
    let resolutions = 0;
    const { credentials, ...rest } = local.clientOptions('sqs');
    // A provider that, like fromTemporaryCredentials or fromCognitoIdentityPool, would send a request of its own.
    const client = factory.getClient(SQSClient, {
      ...rest,
      credentials: async () => {
        resolutions++;
        return credentials;
      },
    });
    // The caller's own middleware (tracing, as OpenTelemetry's SDK instrumentation adds at initialize): none of the request's work runs after dispose either.
    let built = 0;
    client.middlewareStack.add(
      (next) => async (args) => {
        built++;
        return next(args);
      },
      { step: 'initialize', name: 'callerTracing' },
    );
    await factory.dispose();
    await expect(client.send(new ListQueuesCommand({}))).rejects.toMatchObject({ code: 'FACTORY_DISPOSED' });
    expect(resolutions).toBe(0);
    expect(built).toBe(0);
    expect(local.requests.count('sqs')).toBe(0);
  });
});
