/**
 * `getClient('<unknown id>')`: the closest registered id, a package named
 * only when one serves the id (the core's generated list, from the service
 * manifest), otherwise the SDK client class to pass instead.
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

describe("getClient('<unknown id>')", () => {
  it("suggests the closest registered id and names no package that does not exist ('s4')", () => {
    const { message } = refusal('s4');
    expect(message).toContain("Unknown service 's4'. Did you mean 's3'? Registered: s3, sts.");
    expect(message).not.toContain('@dbp/aws-s4');
    expect(message).toContain("No @dbp/aws package serves 's4'");
  });

  it("points an id with no package to its SDK client class ('sqs' → SQSClient from @aws-sdk/client-sqs)", () => {
    const { message } = refusal('sqs');
    expect(message).toContain('getClient(SQSClient, …) with SQSClient from @aws-sdk/client-sqs.');
    expect(message).not.toContain('@dbp/aws-sqs');
    expect(refusal('secrets-manager').message).toContain('getClient(SecretsManagerClient, …) with SecretsManagerClient from @aws-sdk/client-secrets-manager.');
  });

  it('names the package that serves an id from the service manifest, even when the id differs from the package name', () => {
    const { message } = refusal('bedrock-runtime');
    expect(message).toContain("@dbp/aws-bedrock serves it: import its register entry once (import '@dbp/aws-bedrock/register')");
    expect(message).not.toContain('No @dbp/aws package');
    expect(refusal('dynamodb').message).toContain("import '@dbp/aws-dynamodb/register'");
  });

  it('suggests across case and from the start of an id, and not for a distant one', () => {
    expect(refusal('S3').message).toContain("Did you mean 's3'?");
    expect(refusal('dynamo').message).not.toContain('Did you mean');
    expect(refusal('lambda').message).not.toContain('Did you mean');
    expect(refusal('lambda').message).toContain('getClient(LambdaClient, …) with LambdaClient from @aws-sdk/client-lambda.');
  });

  it('reads no inherited property as a package and guesses no class for an id no SDK package could have', () => {
    for (const id of ['constructor', '__proto__', 'toString']) {
      const { message } = refusal(id);
      expect(message).not.toContain('serves it');
      expect(message).not.toContain('function');
    }
    const odd = refusal('My Service!');
    expect(odd.message).toContain('getClient(SQSClient, …) with SQSClient from @aws-sdk/client-sqs, for example.');
    expect(odd.message).not.toContain('Service!Client');
    expect(refusal('x'.repeat(500)).message.length).toBeLessThan(500);
  });
});
