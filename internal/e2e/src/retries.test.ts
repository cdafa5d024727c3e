import { StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { ListEndpointsCommand } from '@aws-sdk/client-sagemaker';
import { athena } from '@dbp/aws-athena';
import { bedrockRuntime } from '@dbp/aws-bedrock';
import { createClientFactory, type ServiceDefinition } from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { s3 } from '@dbp/aws-s3';
import { sagemaker } from '@dbp/aws-sagemaker';
import { type Fault, type LocalAws, type LocalServiceName, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let local: LocalAws;

beforeAll(async () => {
  local = await startLocalAws();
});

afterAll(async () => {
  await local.stop();
});

interface Case {
  service: LocalServiceName;
  definition: ServiceDefinition<{ send(command: never): Promise<unknown>; destroy(): void; middlewareStack: never }, never>;
  command: () => unknown;
  operation: string;
  attempts: number;
}

const converse = () => new ConverseCommand({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', messages: [{ role: 'user', content: [{ text: 'hi' }] }] });
const cases: Case[] = [
  { service: 's3', definition: s3 as never, command: () => new ListBucketsCommand({}), operation: 'ListBuckets', attempts: 6 },
  { service: 'dynamodb', definition: dynamodb as never, command: () => new ListTablesCommand({}), operation: 'ListTables', attempts: 6 },
  { service: 'bedrock-runtime', definition: bedrockRuntime as never, command: converse, operation: 'Converse', attempts: 4 },
  { service: 'sagemaker', definition: sagemaker as never, command: () => new ListEndpointsCommand({}), operation: 'ListEndpoints', attempts: 4 },
  {
    service: 'athena',
    definition: athena as never,
    command: () => new StartQueryExecutionCommand({ QueryString: 'SELECT 1' }),
    operation: 'StartQueryExecution',
    attempts: 4,
  },
];

/** Sends once with `fault` injected on every attempt; returns how many attempts reached the server. */
async function attemptsUnder(
  factory: ReturnType<typeof createClientFactory>,
  c: Case,
  fault: Fault,
  tier?: string,
): Promise<{ attempts: number; error: unknown }> {
  const client = factory.getClient(c.definition, { ...local.clientOptions(c.service), tier } as never);
  const before = local.requests.count(c.service, { operation: c.operation });
  local.faults.inject(c.service, { ...fault, count: 100 } as Fault, { operation: c.operation });
  let error: unknown;
  try {
    await client.send(c.command() as never);
  } catch (caught) {
    error = caught;
  } finally {
    local.faults.clear(c.service);
  }
  // The client's own count (`$metadata.attempts`): the server's can be one short when an attempt
  // reuses a keep-alive socket the endpoint is closing just then (its idle timeout is 5 s and
  // throttling back-offs reach 20 s), a reset the SDK retries like any other.
  const reached = local.requests.count(c.service, { operation: c.operation }) - before;
  const attempts = (error as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts;
  expect(reached, `${c.service}: the endpoint saw no more requests than the client made`).toBeLessThanOrEqual(attempts ?? Number.POSITIVE_INFINITY);
  expect(reached, `${c.service}: the endpoint saw the attempts (at most one lost to a keep-alive race)`).toBeGreaterThanOrEqual((attempts ?? 0) - 1);
  return { attempts: attempts ?? reached, error };
}

describe("attempts equal the tier's maxAttempts", () => {
  for (const [label, fault] of [
    ['503', { kind: 'status', status: 503 }],
    ['throttling', { kind: 'throttle' }],
    ['a connection reset', { kind: 'reset' }],
  ] as const) {
    it(`retries ${label} ${cases.map((c) => `${c.service} ${c.attempts}×`).join(', ')}`, async () => {
      const factory = createClientFactory();
      // One fresh factory per fault kind, so each client starts with a full retry quota.
      const results = await Promise.all(cases.map((c) => attemptsUnder(factory, c, fault as Fault)));
      results.forEach((result, i) => {
        expect(result.error, `${cases[i]?.service} should fail after its last attempt`).toBeDefined();
        expect(result.attempts, `${cases[i]?.service} attempts`).toBe(cases[i]?.attempts);
      });
      factory.dispose();
    });
  }

  it("uses a custom tier's maxAttempts", async () => {
    const factory = createClientFactory({ tiers: { stubborn: { maxAttempts: 3, retryMode: 'standard', connectTimeoutMs: 2_000, readTimeoutMs: 5_000 } } });
    const results = await Promise.all(cases.map((c) => attemptsUnder(factory, c, { kind: 'status', status: 503 }, 'stubborn')));
    for (const result of results) expect(result.attempts).toBe(3);
    factory.dispose();
  });

  it('absorbs a throttling fault shorter than the tier allows', async () => {
    const factory = createClientFactory();
    const client = factory.getClient(s3, local.clientOptions('s3'));
    const before = local.requests.count('s3', { operation: 'ListBuckets' });
    local.faults.inject('s3', { kind: 'throttle', count: 2 }, { operation: 'ListBuckets' });
    await expect(client.send(new ListBucketsCommand({}))).resolves.toBeDefined();
    expect(local.requests.count('s3', { operation: 'ListBuckets' }) - before).toBe(3);
    factory.dispose();
  });
});
