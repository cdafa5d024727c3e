import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type AwsClientError, createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import { assumeRole } from '@dbp/aws-sts';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, localAwsWithLocalSts } from './helpers.js';

// DESIGN.md, "dispose()": after it resolves nothing more is sent (retries
// included), every request still running settles, and nothing keeps the
// process alive. A request the server stalls is still running when the
// grace period ends: dispose destroys its socket, which the SDK's retry
// loop (below the factory's own middleware) would take for a network error
// and retry, on a fresh socket, after dispose() resolved.

let local: LocalAws;
const ROLE = 'arn:aws:iam::999999999999:role/dispose-retries';
/** Five attempts, so a retry after dispose has room to happen. */
const tiers = { patient: { maxAttempts: 5, retryMode: 'standard', connectTimeoutMs: 5_000, readTimeoutMs: 600_000 } } as const;

localAwsWithLocalSts(
  () => startLocalAws({ services: ['s3', 'sts', 'sqs'] }),
  (started) => {
    local = started;
  },
);

afterEach(() => {
  local.faults.clear();
  local.requests.reset();
});

type Outcome = { value: unknown } | { error: unknown } | 'pending';

/** Watches how `request` settles; `outcome()` gives it, or 'pending' when it has not after a bounded wait (~1 s). */
function watch(request: Promise<unknown>): { outcome(): Promise<Outcome> } {
  let outcome: Outcome = 'pending';
  request.then(
    (value) => {
      outcome = { value };
    },
    (error: unknown) => {
      outcome = { error };
    },
  );
  return {
    async outcome() {
      await eventually(() => outcome !== 'pending', 40);
      return outcome;
    },
  };
}

/** Lets every timer the SDK could have armed for a retry (its backoff is well under this) run out. */
const afterRetryBackoff = () => new Promise((resolve) => setTimeout(resolve, 1_500));

describe('dispose() with a request the server stalls', () => {
  const cases = [
    { name: 'a plain send()', config: {}, options: () => undefined },
    // One context shared by every send() of the command class: the signal there is replaced per request.
    { name: 'a client with cacheMiddleware: true, sending twice', config: { cacheMiddleware: true }, options: () => undefined, twice: true },
    { name: "a send() with the caller's own abortSignal", config: {}, options: () => ({ abortSignal: new AbortController().signal }) },
  ];
  it.each(cases)('fails the request with FACTORY_DISPOSED and sends no retry after it resolved: $name', async ({ config, options, twice }) => {
    const factory = createClientFactory({ disposeGraceMs: 100, tiers });
    const base = local.clientOptions('s3');
    const client = factory.getClient(s3, { ...base, config: { ...base.config, ...config }, tier: 'patient' });
    if (twice) await client.send(new ListBucketsCommand({}));
    const before = local.requests.count('s3', { operation: 'ListBuckets' });
    local.faults.inject('s3', { kind: 'stall-after-headers', count: 100 }, { operation: 'ListBuckets' });
    const request = watch(client.send(new ListBucketsCommand({}), options()));
    expect(await eventually(() => local.requests.count('s3', { operation: 'ListBuckets' }) === before + 1)).toBe(true);

    await factory.dispose();

    await afterRetryBackoff();
    expect(local.requests.count('s3', { operation: 'ListBuckets' })).toBe(before + 1);
    const outcome = await request.outcome();
    expect(outcome).not.toBe('pending');
    expect((outcome as { error: AwsClientError }).error).toMatchObject({
      name: 'AwsClientError',
      code: 'FACTORY_DISPOSED',
      message: expect.stringMatching(
        /^The s3 ListBuckets request was still running when dispose\(\) ended its grace period \(100 ms\), so it was stopped, retries included\./,
      ),
    });
  });

  it('fails a request waiting on a stalled AssumeRole with FACTORY_DISPOSED, and STS gets no retry either', async () => {
    const factory = createClientFactory({ disposeGraceMs: 100, tiers, serviceTiers: { sts: 'patient' } });
    const client = factory.getClient(s3, { ...local.clientOptions('s3'), credentials: assumeRole({ roleArn: ROLE, source: { ...local.credentials } }) });
    local.faults.inject('sts', { kind: 'stall-after-headers', count: 100 }, { operation: 'AssumeRole' });
    const request = watch(client.send(new ListBucketsCommand({})));
    expect(await eventually(() => local.requests.count('sts', { operation: 'AssumeRole' }) === 1)).toBe(true);

    await factory.dispose();

    await afterRetryBackoff();
    expect(local.requests.count('sts', { operation: 'AssumeRole' })).toBe(1);
    const outcome = await request.outcome();
    expect(outcome).not.toBe('pending');
    expect((outcome as { error: AwsClientError }).error).toMatchObject({ code: 'FACTORY_DISPOSED' });
    expect(local.requests.count('s3')).toBe(0);
  });

  it('sends nothing when the credentials the request waited for arrive after dispose() resolved', async () => {
    const factory = createClientFactory({ disposeGraceMs: 100, tiers });
    let release!: () => void;
    const late = new Promise<void>((resolve) => {
      release = resolve;
    });
    let asked = 0;
    const credentials = async () => {
      asked++;
      await late;
      return { ...local.credentials };
    };
    const client = factory.getClient(s3, { ...local.clientOptions('s3'), credentials, tier: 'patient' });
    const request = watch(client.send(new ListBucketsCommand({})));
    expect(await eventually(() => asked === 1)).toBe(true);

    await factory.dispose();
    release();

    const outcome = await request.outcome();
    expect(outcome).not.toBe('pending');
    expect((outcome as { error: AwsClientError }).error).toMatchObject({ code: 'FACTORY_DISPOSED' });
    await afterRetryBackoff();
    expect(local.requests.count('s3')).toBe(0);
  });
});

// A plain Node process (the built packages, as an app loads them) whose only
// work is an SQS long poll of 20 s: it disposes its factory with a 100 ms
// grace period and must exit on its own at once, the poll failed with
// FACTORY_DISPOSED, long before the poll would have returned.
const script = `
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createClientFactory } from '@dbp/aws-core';
const local = JSON.parse(process.env.LOCAL_AWS);
const factory = createClientFactory({ disposeGraceMs: 100 });
const sqs = factory.getClient(SQSClient, { region: local.region, credentials: local.credentials, config: { endpoint: local.endpoint } });
const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl: local.queueUrl, WaitTimeSeconds: 20 })).then(
  () => 'received',
  (error) => error.code ?? error.name,
);
setTimeout(async () => {
  await factory.dispose();
  console.log(JSON.stringify({ disposed: true }));
  console.log(JSON.stringify({ poll: await poll }));
}, 300);
`;

describe('a process that disposes its factory during an SQS long poll', () => {
  it('exits on its own at once, the poll failed with FACTORY_DISPOSED', async () => {
    const setup = new SQSClient({ ...local.clientOptions('sqs').config, region: local.region, credentials: local.credentials });
    const { QueueUrl } = await setup.send(new CreateQueueCommand({ QueueName: 'dispose-long-poll' }));
    setup.destroy();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LOCAL_AWS: JSON.stringify({ region: local.region, credentials: local.credentials, endpoint: local.endpoints.sqs, queueUrl: QueueUrl }),
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
    // Well before the 20 s poll would end on its own.
    const killer = setTimeout(() => child.kill('SIGKILL'), 12_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
    clearTimeout(killer);

    expect(signal, `the process did not exit on its own: ${output}`).toBeNull();
    expect(code, output).toBe(0);
    const lines = output
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([{ disposed: true }, { poll: 'FACTORY_DISPOSED' }]);
  });
});
