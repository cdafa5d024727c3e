import * as net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AthenaClient, ListQueryExecutionsCommand } from '@aws-sdk/client-athena';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { ListEndpointsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { fastRetries, rejection } from '../test/helpers.js';
import { type LOCAL_SERVICES, localAwsEnv, startLocalAws } from './index.js';

const WATCHED = ['TCPServerWrap', 'TCPSocketWrap', 'ProcessWrap', 'PipeWrap'];

function handles(): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(WATCHED.map((k) => [k, 0]));
  for (const kind of process.getActiveResourcesInfo()) if (kind in counts) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

function noMoreThan(now: Record<string, number>, baseline: Record<string, number>): boolean {
  return WATCHED.every((k) => (now[k] ?? 0) <= (baseline[k] ?? 0));
}

/** Polls (bounded) until no watched handle count is above `baseline` (closing handles go away asynchronously). */
async function settled(baseline: Record<string, number>): Promise<Record<string, number>> {
  let now = handles();
  for (let i = 0; i < 100 && !noMoreThan(now, baseline); i++) {
    await sleep(20);
    now = handles();
  }
  return now;
}

function refused(endpoint: string): Promise<boolean> {
  const { port } = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

describe('blackhole() and unresponsive()', () => {
  it('blackhole: connections are accepted and never answered, so the read timeout fires', async () => {
    await using local = await startLocalAws({ services: ['s3'] });
    const hole = await local.blackhole();
    const client = new S3Client({
      ...local.clientOptions('s3'),
      endpoint: hole.endpoint,
      forcePathStyle: true,
      ...fastRetries(1),
      requestHandler: { socketTimeout: 200 },
    });
    try {
      const err = await rejection(client.send(new ListBucketsCommand({})));
      expect(err.name).toBe('TimeoutError');
    } finally {
      client.destroy();
      await hole.close();
    }
    expect(await refused(hole.endpoint)).toBe(true);
  });

  it('unresponsive: TCP connects hang, so the SDK connect timeout fires', async () => {
    await using local = await startLocalAws({ services: ['sagemaker'] });
    const silent = await local.unresponsive();
    const connected = await new Promise<boolean>((resolve) => {
      const socket = net.connect(Number(new URL(silent.endpoint).port), '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(true));
      socket.setTimeout(300, () => {
        socket.destroy();
        resolve(false);
      });
    });
    expect(connected).toBe(false);
    const client = new S3Client({
      region: local.region,
      credentials: local.credentials,
      endpoint: silent.endpoint,
      forcePathStyle: true,
      ...fastRetries(1),
      requestHandler: { connectionTimeout: 250 },
    });
    try {
      const err = await rejection(client.send(new ListBucketsCommand({})));
      expect(err.name).toBe('TimeoutError');
      expect(err.message).toMatch(/establish(ing)? a connection/);
    } finally {
      client.destroy();
    }
  });
});

describe('stop()', () => {
  it('closes every server, socket and child process', async () => {
    const baseline = handles();
    const local = await startLocalAws();
    const opts = (service: (typeof LOCAL_SERVICES)[number]) => ({
      region: local.region,
      credentials: local.credentials,
      ...local.clientOptions(service).config,
    });
    const clients = {
      s3: new S3Client(opts('s3')),
      dynamodb: new DynamoDBClient(opts('dynamodb')),
      bedrock: new BedrockRuntimeClient(opts('bedrock-runtime')),
      sagemaker: new SageMakerClient(opts('sagemaker')),
      athena: new AthenaClient(opts('athena')),
    };
    await clients.s3.send(new ListBucketsCommand({}));
    await clients.dynamodb.send(new ListTablesCommand({}));
    await clients.bedrock.send(new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }));
    await clients.sagemaker.send(new ListEndpointsCommand({}));
    await clients.athena.send(new ListQueryExecutionsCommand({}));
    // A response left hanging and a slow one in flight must not keep anything open.
    local.faults.inject('s3', { kind: 'stall-after-headers' });
    local.faults.inject('sagemaker', { kind: 'slow-body', chunkDelayMs: 10_000 });
    const stalled = clients.s3.send(new ListBucketsCommand({})).catch((e: Error) => e);
    const slow = clients.sagemaker.send(new ListEndpointsCommand({})).catch((e: Error) => e);
    for (
      let i = 0;
      i < 100 && local.requests.count(undefined, { operation: 'ListBuckets' }) + local.requests.count(undefined, { operation: 'ListEndpoints' }) < 4;
      i++
    )
      await sleep(10);
    await local.blackhole();
    await local.unresponsive();
    expect(handles().ProcessWrap).toBeGreaterThan(baseline.ProcessWrap ?? 0);

    await local.stop();
    await local.stop(); // idempotent
    expect(await stalled).toBeInstanceOf(Error);
    expect(await slow).toBeInstanceOf(Error);
    for (const client of Object.values(clients)) client.destroy();
    for (const endpoint of Object.values(local.endpoints)) expect(await refused(endpoint)).toBe(true);
    const after = await settled(baseline);
    expect(noMoreThan(after, baseline), `${JSON.stringify(after)} > ${JSON.stringify(baseline)}`).toBe(true);
    await expect(local.blackhole()).rejects.toThrow(/stopped/);
  });

  it('works with await using, and exposes env vars and client options', async () => {
    let endpoint: string;
    {
      await using local = await startLocalAws({
        services: ['dynamodb', 'athena'],
        region: 'eu-central-1',
        credentials: { accessKeyId: 'AKIAFIXED', secretAccessKey: 'fixed' },
      });
      endpoint = local.endpoints.dynamodb;
      expect(localAwsEnv(local)).toEqual({ AWS_ENDPOINT_URL_DYNAMODB: local.endpoints.dynamodb, AWS_ENDPOINT_URL_ATHENA: local.endpoints.athena });
      expect(localAwsEnv(local, { includeCredentials: true })).toMatchObject({
        AWS_REGION: 'eu-central-1',
        AWS_ACCESS_KEY_ID: 'AKIAFIXED',
        AWS_SECRET_ACCESS_KEY: 'fixed',
      });
      expect(local.clientOptions('athena')).toEqual({
        region: 'eu-central-1',
        credentials: { accessKeyId: 'AKIAFIXED', secretAccessKey: 'fixed' },
        config: { endpoint: local.endpoints.athena },
      });
      expect(local.endpoints.s3).toBeUndefined();
      expect(() => local.clientOptions('s3')).toThrow(/not started/);
      expect(() => local.faults.inject('s3', { kind: 'reset' })).toThrow(/not started/);
    }
    expect(await refused(endpoint)).toBe(true);
  });

  it('generates distinct test credentials per instance', async () => {
    await using a = await startLocalAws({ services: ['sagemaker'] });
    await using b = await startLocalAws({ services: ['sagemaker'] });
    expect(a.credentials.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(a.credentials.secretAccessKey).toHaveLength(40);
    expect(a.credentials.accessKeyId).not.toBe(b.credentials.accessKeyId);
    expect(a.endpoints.sagemaker).not.toBe(b.endpoints.sagemaker);
  });

  it('stops the services that did start when another fails to, leaving nothing running', async () => {
    const baseline = handles();
    const savedTmp = process.env.TMPDIR;
    // S3's storage directory cannot be made there; DynamoDB's child process starts all the same.
    process.env.TMPDIR = '/nonexistent/dbp-aws-testkit';
    try {
      await expect(startLocalAws({ services: ['s3', 'dynamodb', 'sqs'] })).rejects.toThrow(/ENOENT/);
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
    const after = await settled(baseline);
    expect(noMoreThan(after, baseline), `${JSON.stringify(after)} > ${JSON.stringify(baseline)}`).toBe(true);
  });

  it('rejects bad options', async () => {
    // Options that are not options would start every service with defaults; a string of services, its letters.
    await expect(startLocalAws(Promise.resolve({ services: ['s3'] }) as never)).rejects.toThrow(
      'startLocalAws() takes an options object, got a Promise: await it',
    );
    await expect(startLocalAws(null as never)).rejects.toThrow('got null');
    await expect(startLocalAws({ services: 's3' as never })).rejects.toThrow(
      "services must be an array (or any iterable) of service names, such as ['s3'], got 's3'",
    );
    await expect(startLocalAws({ services: ['ec2' as never] })).rejects.toThrow(TypeError);
    // Review 13: `service` (singular) was ignored, and every service started.
    await expect(startLocalAws({ service: ['s3'] } as never)).rejects.toThrow(
      "startLocalAws() has no option 'service'; did you mean 'services'? Its options: services, region, credentials, verifySignatures, cors, bedrockModels, sts.",
    );
    await expect(startLocalAws({ port: 4566 } as never)).rejects.toThrow("startLocalAws() has no option 'port'. Its options:");
    // Review 13 (S): the sts options too; a key that is no plain name (a pasted secret) is not shown.
    await expect(startLocalAws({ services: ['sts'], sts: { credentialLifetime: 2 } as never })).rejects.toThrow(
      "startLocalAws({ sts }) has no option 'credentialLifetime'; did you mean 'credentialLifetimeSeconds'? Its options: credentialLifetimeSeconds, roles.",
    );
    const pasted = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    await expect(startLocalAws({ [pasted]: true } as never)).rejects.toThrow('startLocalAws() has no option of 40 characters. Its options:');
    await expect(startLocalAws({ region: 'US-EAST-1' })).rejects.toThrow(TypeError);
    await expect(startLocalAws({ credentials: { accessKeyId: 'x', secretAccessKey: '' } })).rejects.toThrow(TypeError);
    // Review 14 (V): a string of models failed inside Bedrock's backend ('extraModels.map is not a function'), a session
    // token was dropped (its client got InvalidToken), and verifySignatures: 'false' (from an environment variable) meant true.
    await expect(startLocalAws({ services: ['bedrock-runtime'], bedrockModels: 'x' as never })).rejects.toThrow(
      "bedrockModels must be an array of model ids, such as ['my-org.my-model'], got 'x'",
    );
    await expect(
      startLocalAws({ services: ['s3'], credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' } as never }),
    ).rejects.toThrow('credentials is the long-term key pair { accessKeyId, secretAccessKey } and takes no sessionToken');
    await expect(startLocalAws({ services: ['s3'], verifySignatures: 'false' as never })).rejects.toThrow(
      "verifySignatures must be true or false, got 'false'",
    );
    await expect(startLocalAws({ services: ['s3'], cors: 0 as never })).rejects.toThrow('cors must be true or false, got number');
    // Each refusal says what was given in its own terms: an array's wrong entry for the models, the array itself for a flag.
    await expect(startLocalAws({ services: ['bedrock-runtime'], bedrockModels: ['ok', ''] })).rejects.toThrow(
      "bedrockModels must be an array of model ids, such as ['my-org.my-model'], got an array with an entry that is no non-empty string",
    );
    await expect(startLocalAws({ services: ['s3'], cors: [] as never })).rejects.toThrow(/^cors must be true or false, got an array$/);
  });
});
