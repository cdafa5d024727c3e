/**
 * `serviceTiers` keys: a key that is no known service id but is close to one
 * (registered, served by a package of the manifest, or in SERVICE_TIERS) is a
 * typo that would silently give the service its default tier, so the factory
 * refuses it, naming the id; a key for a service the factory does not know at
 * all ('sqs', reached by its SDK client class) or a service family
 * ('bedrock', 'redshift') stays accepted, since any client can be given a
 * tier. A development aid (DESIGN.md: option suggestions and deep
 * validation), so a production web build accepts the key, as it did.
 */
import { describe, expect, it } from 'vitest';
import { type FakeClient, fakeService } from './__fixtures__/fakeService.js';
import { AwsClientError, type ClientFactoryOptions, configureClientFactory, createClientFactory, getClientFactory, registerService } from './index.node.js';
import { install, installation } from './kernel/setup.js';

const myQueue = fakeService('my-queue');
registerService(myQueue);
const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'service-tiers-secret' };

function refusal(make: () => unknown): AwsClientError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(AwsClientError);
    return error as AwsClientError;
  }
  throw new Error('the options were accepted');
}

const tiersOf = (serviceTiers: Record<string, string>): ClientFactoryOptions => ({ serviceTiers: serviceTiers as ClientFactoryOptions['serviceTiers'] });

describe('createClientFactory({ serviceTiers }) keys', () => {
  it("refuses a key close to a known service id, naming it ('athenna' → 'athena')", () => {
    const error = refusal(() => createClientFactory(tiersOf({ athenna: 'data' })));
    expect(error.code).toBe('INVALID_FACTORY_OPTIONS');
    expect(error.message).toBe(
      "createClientFactory(): serviceTiers has a key 'athenna' that is no service id; did you mean 'athena'? A key is a service id as getClient() knows it (such as 's3', or 'sqs' for SQSClient) or a service family (such as 'bedrock'), spelt exactly.",
    );
  });

  it("refuses two swapped letters as one typo ('athnea' → 'athena', 'dyanmodb' → 'dynamodb')", () => {
    expect(refusal(() => createClientFactory(tiersOf({ athnea: 'data' }))).message).toContain("did you mean 'athena'?");
    expect(refusal(() => createClientFactory(tiersOf({ dyanmodb: 'data' }))).message).toContain("did you mean 'dynamodb'?");
  });

  it('refuses the typos of every kind of known id: packaged, registered, SERVICE_TIERS, across case and punctuation', () => {
    const cases = [
      ['dynamo', 'dynamodb'], // a package's id, unregistered: its start
      ['DynamoDB', 'dynamodb'], // case
      ['bedrock_runtime', 'bedrock-runtime'], // punctuation
      ['S3', 's3'],
      ['S3Client', 's3'],
      ['sagemkaer', 'sagemaker'],
      ['my-qeue', 'my-queue'], // registered by the application
      ['textrat', 'textract'], // SERVICE_TIERS
      ['redshiftdata', 'redshift-data'],
    ] as const;
    for (const [key, near] of cases) {
      const error = refusal(() => createClientFactory(tiersOf({ sqs: 'standard', [key]: 'data' })));
      expect(error.code, key).toBe('INVALID_FACTORY_OPTIONS');
      expect(error.message, key).toContain(`serviceTiers has a key '${key}' that is no service id; did you mean '${near}'?`);
    }
  });

  it('accepts keys of services it does not know (any SDK client can be given a tier), and of service families', () => {
    const keys = ['sqs', 'sns', 'ses', 'ssm', 'kms', 'lambda', 'ecs', 'secrets-manager', 's3control', 'dynamodb-streams', 'sagemaker-runtime'];
    const families = ['bedrock', 'redshift', 'emr', 'sagemaker', 'comprehend'];
    const known = ['s3', 'dynamodb', 'athena', 'bedrock-runtime', 'sts', 'my-queue', 'comprehendmedical'];
    const serviceTiers = Object.fromEntries([...keys, ...families, ...known].map((key) => [key, 'data']));
    const factory = createClientFactory(tiersOf(serviceTiers));
    const client = factory.getClient(myQueue, { region: 'us-east-1', credentials: creds }) as FakeClient;
    expect(client.config.maxAttempts).toBe(4); // the data tier: the accepted table is the one in use
    factory.dispose();
  });

  it("refuses a key no service id can be, naming the id it spells ('SQS' and 'SQSClient' → 'sqs', the id getClient(SQSClient) gets)", () => {
    const cases = [
      ['SQS', 'sqs'],
      ['SQSClient', 'sqs'],
      ['SNS', 'sns'],
      ['Secrets Manager', 'secrets-manager'],
      ['KinesisClient', 'kinesis'],
      ['ec2 ', 'ec2'],
    ] as const;
    for (const [key, near] of cases) {
      const error = refusal(() => createClientFactory(tiersOf({ [key]: 'data' })));
      expect(error.code, key).toBe('INVALID_FACTORY_OPTIONS');
      expect(error.message, key).toContain(`serviceTiers has a key '${key}' that is no service id; did you mean '${near}'?`);
    }
    // The id it names is the one a client class gets (`config.serviceId` 'SQS' → 'sqs'): taking it, the tier applies.
    class SQSClient {
      readonly config = { serviceId: 'SQS', maxAttempts: undefined as unknown };
      readonly middlewareStack = { add: (): void => undefined };
      constructor(config: { maxAttempts?: unknown }) {
        this.config.maxAttempts = config.maxAttempts;
      }
      send(): Promise<never> {
        return Promise.reject(new Error('not sent'));
      }
      destroy(): void {}
    }
    const factory = createClientFactory(tiersOf({ sqs: 'data' }));
    expect((factory.getClient(SQSClient as never, { region: 'us-east-1', credentials: creds }) as SQSClient).config.maxAttempts).toBe(4);
    factory.dispose();
  });

  it('never gives back a secret pasted as a key, not even lower-cased as a suggestion', () => {
    for (const secret of ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'AKIAIOSFODNN7EXAMPLE']) {
      let message = '';
      try {
        createClientFactory(tiersOf({ [secret]: 'data' })).dispose();
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message.toLowerCase()).not.toContain(secret.slice(4, 16).toLowerCase());
    }
  });

  it('echoes no control character of a refused key', () => {
    const error = refusal(() => createClientFactory(tiersOf({ '\u0007dynamo\r\n': 'data' })));
    expect(error.message).not.toMatch(/\p{Cc}/u);
    expect(error.message).toContain("serviceTiers has a key '\\u0007dynamo\\r\\n' that is no service id; did you mean 'dynamodb'?");
  });

  it('is refused by configureClientFactory too, which then changes nothing', () => {
    const error = refusal(() => configureClientFactory(tiersOf({ athenna: 'data' })));
    expect(error.code).toBe('INVALID_FACTORY_OPTIONS');
    expect(error.message).toContain("configureClientFactory(): serviceTiers has a key 'athenna' that is no service id; did you mean 'athena'?");
    const client = getClientFactory().getClient(myQueue, { region: 'us-east-1', credentials: creds }) as FakeClient;
    expect(client.config.maxAttempts).toBe(6);
  });

  it('refuses a typo in a frozen map, behind a getter or a Proxy', () => {
    const frozen = Object.freeze({ serviceTiers: Object.freeze({ DYNAMODB: 'data' }) }) as ClientFactoryOptions;
    expect(refusal(() => createClientFactory(frozen)).message).toContain("serviceTiers has a key 'DYNAMODB' that is no service id; did you mean 'dynamodb'?");
    const getter = {
      get athenna(): string {
        return 'data';
      },
    };
    expect(refusal(() => createClientFactory(tiersOf(getter))).message).toContain("did you mean 'athena'?");
    const proxy = new Proxy({ athenna: 'data' }, {});
    expect(refusal(() => createClientFactory(tiersOf(proxy))).message).toContain("did you mean 'athena'?");
  });

  it('is a development aid: without it (a production web build) the key is accepted, as before', () => {
    const installed = installation();
    install(installed.platform, { ...installed, dev: undefined });
    try {
      const factory = createClientFactory(tiersOf({ athenna: 'data' }));
      expect((factory.getClient(myQueue, { region: 'us-east-1', credentials: creds }) as FakeClient).config.maxAttempts).toBe(6);
      factory.dispose();
    } finally {
      install(installed.platform, installed);
    }
    expect(refusal(() => createClientFactory(tiersOf({ athenna: 'data' }))).code).toBe('INVALID_FACTORY_OPTIONS');
  });
});
