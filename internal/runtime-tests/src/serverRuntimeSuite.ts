/**
 * The suite `test/bun.test.ts` and `test/deno.test.ts` run: the testkit in
 * this (Node) process, the program of `src/apps/serverRuntime.ts` in the
 * runtime under test, one assertion group per thing a user relies on.
 */
import { randomUUID } from 'node:crypto';
import { generateTestCredentials, type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Step } from './apps/serverRuntime.js';
import { runServerRuntime, type ServerRuntimeRun } from './serverRuntime.js';
import { LOCAL_MODEL } from './serviceRequests.js';

const EXPECTED_VERSION = { bun: /^1\.4\.4$/, deno: /^2\.9\.6$/ } as const;

export function serverRuntimeSuite(runtime: 'bun' | 'deno'): void {
  describe(`${runtime === 'bun' ? 'Bun' : 'Deno'}: @dbp/aws-* from the built dist, against the testkit`, () => {
    let local: LocalAws;
    let run: ServerRuntimeRun;
    const runId = randomUUID().slice(0, 8);
    // The default credential chain's key pair (from the environment), distinct from the one passed explicitly.
    const envCredentials = generateTestCredentials();

    /** A step's value, or a failure that shows the runtime's error. */
    const value = (name: string): any => {
      const step: Step | undefined = run.steps?.[name];
      if (!step)
        throw new Error(`${run.runtime} reported no '${name}' step (exit ${run.code ?? run.signal}): ${run.stderr.slice(-2000) || run.stdout.slice(-2000)}`);
      if (!step.ok) throw new Error(`${run.runtime}: step '${name}' failed: ${step.error.name}: ${step.error.message}\n${step.error.stack ?? ''}`);
      return step.value;
    };

    beforeAll(async () => {
      local = await startLocalAws({ services: ['s3', 'dynamodb', 'bedrock-runtime'] });
      local.addCredentials(envCredentials);
      run = await runServerRuntime(
        runtime,
        {
          runId,
          model: LOCAL_MODEL,
          s3: local.clientOptions('s3'),
          dynamodb: local.clientOptions('dynamodb'),
          bedrock: local.clientOptions('bedrock-runtime'),
        },
        { AWS_ACCESS_KEY_ID: envCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: envCredentials.secretAccessKey },
        120_000,
      );
    }, 180_000);

    afterAll(async () => {
      await local?.stop();
    });

    it('runs in the pinned runtime and loads every package from its built dist', () => {
      const { name, version, resolved } = value('runtime');
      expect(name).toBe(runtime);
      expect(version).toMatch(EXPECTED_VERSION[runtime]);
      expect(resolved).toEqual([
        expect.stringMatching(/\/packages\/aws-core\/dist\/index\.node\.js$/),
        expect.stringMatching(/\/packages\/aws-s3\/dist\/index\.js$/),
        expect.stringMatching(/\/packages\/aws-dynamodb\/dist\/index\.js$/),
        expect.stringMatching(/\/packages\/aws-bedrock\/dist\/index\.js$/),
      ]);
    });

    it('puts and gets an S3 object through getS3Client, one cached client', () => {
      expect(value('s3')).toEqual({ body: 'hello from a server runtime', contentType: 'text/plain', sameClient: true });
      expect(local.requests.count('s3', { operation: 'PutObject', status: 200 })).toBe(1);
      expect(local.requests.count('s3', { operation: 'GetObject', status: 200 })).toBe(1);
    });

    it('puts and gets a DynamoDB item through getDynamoDBClient', () => {
      expect(value('dynamodb')).toEqual({ status: 'ACTIVE', item: { message: 'hello', count: '42' } });
      expect(local.requests.count('dynamodb', { operation: 'PutItem', status: 200 })).toBe(1);
      expect(local.requests.count('dynamodb', { operation: 'GetItem', status: 200 })).toBe(1);
    });

    it('holds a Bedrock Converse through getBedrockRuntimeClient, over HTTP/2 as on Node', () => {
      expect(value('bedrock')).toEqual({ text: `Hello from the local ${LOCAL_MODEL}. You said: "Say hello."`, stopReason: 'end_turn' });
      expect(local.requests.entries('bedrock-runtime').map(({ operation, status, protocol }) => ({ operation, status, protocol }))).toEqual([
        { operation: 'Converse', status: 200, protocol: 'h2' },
      ]);
    });

    it('signs every request validly, and with the environment’s key when no credentials are passed (the Node credential chain)', () => {
      expect(value('defaultCredentials')).toEqual({ buckets: [`rt-${runId}`] });
      expect(local.requests.count('s3', { operation: 'ListBuckets', accessKeyId: envCredentials.accessKeyId, status: 200 })).toBe(1);
      const entries = [...local.requests.entries('s3'), ...local.requests.entries('dynamodb'), ...local.requests.entries('bedrock-runtime')];
      expect(entries.length).toBeGreaterThanOrEqual(9);
      expect(entries.filter((entry) => entry.signatureValid !== true)).toEqual([]);
    });

    it("rejects the typo region 'us-east-l' with AwsRegionError suggesting us-east-1", () => {
      expect(value('typoRegion')).toMatchObject({
        threw: true,
        name: 'AwsRegionError',
        code: expect.any(String),
        isAwsClientError: true,
        isAwsRegionError: true,
        suggestion: 'us-east-1',
      });
    });

    it.each(['credentialsWithoutSecret', 'credentialsWithEmptyKey', 'credentialsOfWrongType'])(
      'rejects malformed credentials (%s) with AwsCredentialError before any request, the secret never in the message',
      (name) => {
        const error = value(name);
        expect(error).toMatchObject({ threw: true, name: 'AwsCredentialError', isAwsClientError: true, isAwsCredentialError: true });
        expect(error.message).not.toContain(local.credentials.secretAccessKey);
      },
    );

    it('delivers dbp:aws:* messages to a subscription made by name before the channel’s first message, across a garbage collection', () => {
      expect(value('channelByName')).toEqual(['s3']);
    });

    it('caches one client per distinct options: three services plus the default-chain S3 client', () => {
      expect(value('stats')).toEqual({ clients: 4, misses: 4, hits: 3, sessions: expect.any(Number) });
    });

    it('exits by itself, with exit code 0 and nothing on stderr', () => {
      expect({ code: run.code, signal: run.signal, stderr: run.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    });
  });
}
