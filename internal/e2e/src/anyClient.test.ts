/**
 * Any SDK v3 client by its class, with no package of ours: SQS through
 * `getClient(SQSClient, …)`, typed and cached, its tier from
 * `SERVICE_TIERS`, its credentials an assumed role, against the testkit's SQS.
 */
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createClientFactory, DEFAULT_TIERS, SERVICE_TIERS } from '@dbp/aws-core';
import { assumeRole } from '@dbp/aws-sts';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { describe, expect, it } from 'vitest';
import { localAwsWithLocalSts } from './helpers.js';

let local: LocalAws;

localAwsWithLocalSts(
  () => startLocalAws({ services: ['sqs', 'sts'] }),
  (started) => {
    local = started;
  },
);

describe('getClient(SQSClient, …)', () => {
  const role = 'arn:aws:iam::888888888888:role/queue-worker';
  const options = () => ({
    region: local.region,
    credentials: assumeRole({ roleArn: role, source: { ...local.credentials } }),
    config: { endpoint: local.endpoints.sqs },
  });

  it('sends and receives through a cached SQSClient signed with the assumed role', async () => {
    // The STS client takes the factory's default region (the role is resolved once for every region).
    await using factory = createClientFactory({ defaultRegion: local.region });
    const sqs: SQSClient = factory.getClient(SQSClient, options());
    expect(sqs).toBeInstanceOf(SQSClient);
    expect(factory.getClient(SQSClient, options())).toBe(sqs);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'dbp-e2e-jobs' }));
    await factory.getClient(SQSClient, options()).send(new SendMessageCommand({ QueueUrl, MessageBody: 'job #1' }));
    const { Messages = [] } = await factory.getClient(SQSClient, options()).send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    expect(Messages.map((message) => message.Body)).toEqual(['job #1']);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages[0]?.ReceiptHandle }));

    const [issued, ...more] = local.sts.issued().filter((set) => set.roleArn === role);
    expect(more).toEqual([]);
    const entries = local.requests.entries('sqs');
    expect(entries.map((entry) => entry.operation)).toEqual(['CreateQueue', 'SendMessage', 'ReceiveMessage', 'DeleteMessage']);
    expect(entries.every((entry) => entry.status === 200 && entry.accessKeyId === issued?.accessKeyId && entry.signatureValid === true)).toBe(true);
    expect(
      factory
        .stats()
        .entries.map((entry) => entry.service)
        .sort(),
    ).toEqual(['sqs', 'sts']);
  });

  it("gets its tier from SERVICE_TIERS ('standard': SQS is not listed), or from the factory's serviceTiers", async () => {
    expect(Object.hasOwn(SERVICE_TIERS, 'sqs')).toBe(false);
    await using factory = createClientFactory({ defaultRegion: local.region });
    expect(await factory.getClient(SQSClient, options()).config.maxAttempts()).toBe(DEFAULT_TIERS.standard.maxAttempts);
    await using batch = createClientFactory({ serviceTiers: { sqs: 'data' } });
    expect(await batch.getClient(SQSClient, options()).config.maxAttempts()).toBe(DEFAULT_TIERS.data.maxAttempts);
    expect(batch.clearCache({ service: SQSClient })).toBe(1);
    expect(batch.stats().clients).toBe(0);
  });
});
