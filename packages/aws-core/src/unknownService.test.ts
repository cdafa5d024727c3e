/**
 * `getClient('<unknown id>')`: the closest registered or packaged id (never
 * a real AWS service one letter away: 'sqs' is not 'sts'), a package named
 * only when one serves the id (the core's generated list, from the service
 * manifest), otherwise how to pass an SDK client class, by one real example:
 * never a package or class name guessed from the id.
 */
import { describe, expect, it } from 'vitest';
import { FakeClient } from './__fixtures__/fakeService.js';
import { AwsClientError, createClientFactory, defineService, registerService } from './index.node.js';

registerService(defineService({ id: 's3', tier: 'standard', create: (config) => new FakeClient(config) }));
registerService(defineService({ id: 'sts', tier: 'standard', create: (config) => new FakeClient(config) }));

function refusal(id: string): AwsClientError {
  const factory = createClientFactory();
  try {
    factory.getClient(id as never, { region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
  } catch (error) {
    expect(error).toBeInstanceOf(AwsClientError);
    expect((error as AwsClientError).code).toBe('UNKNOWN_SERVICE');
    return error as AwsClientError;
  } finally {
    factory.dispose();
  }
  throw new Error(`getClient('${id}') did not throw`);
}

/** The pointer an id no package serves gets: the SDK client class, by one real example (never a guessed package name). */
const BY_CLASS = 'pass its SDK v3 client class (from its @aws-sdk/client-* package), such as getClient(SQSClient, …) with SQSClient from @aws-sdk/client-sqs.';

describe("getClient('<unknown id>')", () => {
  it("'S3' (the SDK's spelling): suggests 's3' without then saying no package serves it", () => {
    const { message } = refusal('S3');
    expect(message).toBe(`Unknown service 'S3'. Did you mean 's3'? Registered: s3, sts. If you meant another AWS service, ${BY_CLASS}`);
    expect(message).not.toContain('No @dbp/aws package serves');
  });

  it("suggests the closest registered id and names no package that does not exist ('s4')", () => {
    const { message } = refusal('s4');
    expect(message).toBe(`Unknown service 's4'. Did you mean 's3'? Registered: s3, sts. If you meant another AWS service, ${BY_CLASS}`);
    expect(message).not.toContain('@dbp/aws-s4');
    expect(message).not.toContain('@aws-sdk/client-s4');
    expect(message).not.toContain('S4Client');
  });

  it('names no SDK package or class guessed from the id: one real example instead', () => {
    for (const id of ['dynamo', 'sqs', 'lambda', 'secrets-manager', 'kinesis-video']) {
      const { message } = refusal(id);
      expect(message).toContain(BY_CLASS);
      expect(message.match(/@aws-sdk\/client-[a-z0-9*-]+/g)).toEqual(['@aws-sdk/client-*', '@aws-sdk/client-sqs']);
      expect(message).not.toMatch(new RegExp(`@dbp/aws-${id}(?![a-z0-9-])`));
    }
    expect(refusal('dynamo').message).not.toContain('DynamoClient');
    expect(refusal('lambda').message).not.toContain('LambdaClient');
  });

  it('names the package that serves an id from the service manifest, even when the id differs from the package name', () => {
    const { message } = refusal('bedrock-runtime');
    expect(message).toBe(
      "Unknown service 'bedrock-runtime'. Registered: s3, sts. @dbp/aws-bedrock serves it: import '@dbp/aws-bedrock/register' once, or pass bedrockRuntime from @dbp/aws-bedrock.",
    );
    expect(refusal('dynamodb').message).toContain(
      "@dbp/aws-dynamodb serves it: import '@dbp/aws-dynamodb/register' once, or pass dynamodb from @dbp/aws-dynamodb.",
    );
  });

  it('suggests an unregistered id of the manifest, with the package that serves it (dynamo, dynamoDB, athenna, bedrock)', () => {
    const cases = [
      ['dynamo', 'dynamodb', '@dbp/aws-dynamodb', 'dynamodb'],
      ['dynamoDB', 'dynamodb', '@dbp/aws-dynamodb', 'dynamodb'],
      ['Dynamo_DB', 'dynamodb', '@dbp/aws-dynamodb', 'dynamodb'],
      ['athenna', 'athena', '@dbp/aws-athena', 'athena'],
      ['sagemkaer', 'sagemaker', '@dbp/aws-sagemaker', 'sagemaker'],
      ['bedrock', 'bedrock-runtime', '@dbp/aws-bedrock', 'bedrockRuntime'],
    ] as const;
    for (const [id, near, pkg, definition] of cases) {
      expect(refusal(id).message).toBe(
        `Unknown service '${id}'. Did you mean '${near}'? ${pkg} serves it: import '${pkg}/register' once, or pass ${definition} from ${pkg}. Registered: s3, sts. If you meant another AWS service, ${BY_CLASS}`,
      );
    }
  });

  it('suggests nothing for a real AWS service one letter from a known id (sqs is not sts), nor for other real ones', () => {
    for (const id of ['sqs', 'sns', 'ses', 'ssm', 'kms', 'lambda', 'ecs', 's3control', 'dynamodb-streams', 'sagemaker-runtime', 'redshift']) {
      const { message } = refusal(id);
      expect(message, id).not.toContain('Did you mean');
      expect(message, id).toContain(BY_CLASS);
    }
  });

  it('suggests across case and punctuation, from the start of an id, and not for a distant one', () => {
    expect(refusal('S3').message).toContain("Did you mean 's3'? Registered");
    expect(refusal('STS').message).toContain("Did you mean 'sts'? Registered");
    expect(refusal('s').message).toContain("Did you mean 's3'?");
    expect(refusal('glacier').message).not.toContain('Did you mean');
  });

  it('echoes no control character (a forged log line) and no id that looks like a credential', () => {
    const forged = refusal('s3\u001b[2J\n[INFO] all good\u0000');
    expect(forged.message).not.toMatch(/\p{Cc}/u);
    expect(forged.message).toContain("Unknown service 's3\\u001b[2J\\n[INFO] all good\\u0000'.");
    for (const secret of ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'AKIAIOSFODNN7EXAMPLE', 'ASIAXYZXYZXYZXYZXYZ1']) {
      const { message } = refusal(secret);
      expect(message).not.toContain(secret.slice(0, 12));
      expect(message).toContain(`Unknown service (a string of ${secret.length} characters that looks like a credential, not shown).`);
    }
    expect(refusal(`${'x'.repeat(5000)}`).message).toContain(`Unknown service '${'x'.repeat(40)}…'.`); // long, but no key: clipped
  });

  it('reads no inherited property as a package and guesses nothing for an id no SDK package could have', () => {
    for (const id of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const { message } = refusal(id);
      expect(message).not.toContain('serves it');
      expect(message).not.toContain('function');
      expect(message).not.toContain('Did you mean');
    }
    const odd = refusal('My Service!');
    expect(odd.message).toContain(BY_CLASS);
    expect(odd.message).not.toContain('Service!Client');
    const long = refusal('dynamodb'.repeat(60));
    expect(long.message.length).toBeLessThan(500);
    expect(long.message).not.toContain('Did you mean');
  });
});
