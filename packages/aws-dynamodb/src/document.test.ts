import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AwsClientError, AwsRegionError, createClientFactory, DEFAULT_TIERS, getClientFactory } from '@dbp/aws-core';
import { afterEach, describe, expect, it } from 'vitest';
import { dynamodbDocument, getDynamoDBDocumentClient } from './document.js';
import { dynamodb } from './index.js';

const credentials = { accessKeyId: 'AKIDDOCUMENT', secretAccessKey: 'document-secret-never-shown' };
const base = { region: 'us-east-1', credentials } as const;
const wrapNumbers = () => ({ ...base, config: { translateConfig: { unmarshallOptions: { wrapNumbers: true } } } });

interface HandlerInternals {
  configProvider: Promise<Record<string, unknown>>;
}

afterEach(async () => {
  await getClientFactory().dispose();
});

describe('dynamodbDocument', () => {
  it("is the 'dynamodb-document' service of @dbp/aws-dynamodb/document, on DynamoDB's tier", () => {
    expect(dynamodbDocument).toMatchObject({ id: 'dynamodb-document', tier: 'standard', origin: '@dbp/aws-dynamodb/document' });
  });

  it('builds DynamoDBDocumentClients with the tier’s attempts and timeouts', async () => {
    await using factory = createClientFactory();
    const client = factory.getClient(dynamodbDocument, base);
    expect(client).toBeInstanceOf(DynamoDBDocumentClient);
    expect(await client.config.maxAttempts()).toBe(DEFAULT_TIERS.standard.maxAttempts);
    const handler = (await (client.config.requestHandler as unknown as HandlerInternals).configProvider) as Record<string, unknown>;
    expect(handler).toMatchObject({ connectionTimeout: DEFAULT_TIERS.standard.connectTimeoutMs, socketTimeout: DEFAULT_TIERS.standard.readTimeoutMs });
  });

  it('caches by translateConfig value: equal objects give one client, any difference another', async () => {
    await using factory = createClientFactory();
    const wrapped = factory.getClient(dynamodbDocument, wrapNumbers());
    expect(factory.getClient(dynamodbDocument, wrapNumbers())).toBe(wrapped);
    const plain = factory.getClient(dynamodbDocument, base);
    const unwrapped = factory.getClient(dynamodbDocument, { ...base, config: { translateConfig: { unmarshallOptions: { wrapNumbers: false } } } });
    expect(new Set([wrapped, plain, unwrapped]).size).toBe(3);
    expect(factory.stats().clients).toBe(3);
  });

  it('gives every document client a DynamoDBClient of its own, never the cached plain one', async () => {
    await using factory = createClientFactory();
    const plainClient = factory.getClient(dynamodb, base);
    const a = factory.getClient(dynamodbDocument, base);
    const b = factory.getClient(dynamodbDocument, wrapNumbers());
    const configs = [plainClient.config, a.config, b.config];
    expect(new Set(configs).size).toBe(3);
    expect(new Set([plainClient.middlewareStack, a.middlewareStack, b.middlewareStack]).size).toBe(3);
    expect((plainClient.config as { translateConfig?: unknown }).translateConfig).toBeUndefined();
    expect(a.config.translateConfig).toBeUndefined();
    expect(b.config.translateConfig).toMatchObject({ unmarshallOptions: { wrapNumbers: true } });
  });

  it('copies translateConfig: mutating the caller’s object later changes no cached client', async () => {
    await using factory = createClientFactory();
    const options = wrapNumbers();
    const client = factory.getClient(dynamodbDocument, options);
    options.config.translateConfig.unmarshallOptions.wrapNumbers = false;
    expect(client.config.translateConfig?.unmarshallOptions?.wrapNumbers).toBe(true);
    expect(factory.getClient(dynamodbDocument, wrapNumbers())).toBe(client);
  });

  it('refuses a malformed translateConfig with an AwsClientError that says what it takes', async () => {
    await using factory = createClientFactory();
    const attempt = (translateConfig: unknown) => () => factory.getClient(dynamodbDocument, { ...base, config: { translateConfig: translateConfig as never } });
    expect(attempt('wrapNumbers')).toThrow(AwsClientError);
    expect(attempt('wrapNumbers')).toThrow(/translateConfig must be an object \{ marshallOptions\?, unmarshallOptions\? \}, got string/);
    expect(attempt({ unmarshalOptions: { wrapNumbers: true } })).toThrow(/unknown key 'unmarshalOptions'; it takes marshallOptions and unmarshallOptions/);
    expect(attempt({ marshallOptions: [] })).toThrow(/translateConfig.marshallOptions must be an object, got an array/);
    // Review 13: a class instance was said to be "got object", which reads as what was asked for.
    class Translate {
      get marshallOptions() {
        return { removeUndefinedValues: true };
      }
    }
    expect(attempt(new Translate())).toThrow(
      /translateConfig must be an object \{ marshallOptions\?, unmarshallOptions\? \}, got a class instance or an object made by Object\.create\(\); pass an object literal\. Check the config/,
    );
    try {
      attempt(null)();
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_CONFIG' });
      expect(String((error as Error).message)).not.toContain(credentials.secretAccessKey);
    }
    expect(factory.stats().clients).toBe(0);
  });

  it('throws the factory’s typed errors for other bad input', () => {
    expect(() => getDynamoDBDocumentClient({ region: 'us-east-l', credentials })).toThrow(AwsRegionError);
    // @ts-expect-error unknown options are refused
    expect(() => getDynamoDBDocumentClient({ ...base, translateConfig: {} })).toThrow(/unknown option 'translateConfig'/);
  });

  it('retires a document client whose caller destroys it; the next call builds a fresh one', async () => {
    await using factory = createClientFactory();
    const first = factory.getClient(dynamodbDocument, base);
    first.destroy();
    const second = factory.getClient(dynamodbDocument, base);
    expect(second).not.toBe(first);
    expect(second).toBeInstanceOf(DynamoDBDocumentClient);
  });

  it('clearCache({ service }) takes the id or the definition, and leaves the plain client', async () => {
    await using factory = createClientFactory();
    const plainClient = factory.getClient(dynamodb, base);
    factory.getClient(dynamodbDocument, base);
    expect(factory.clearCache({ service: 'dynamodb-document' })).toBe(1);
    factory.getClient(dynamodbDocument, base);
    expect(factory.clearCache({ service: dynamodbDocument })).toBe(1);
    expect(factory.getClient(dynamodb, base)).toBe(plainClient);
  });
});

describe(getDynamoDBDocumentClient.name, () => {
  it('is the process-wide factory’s client', () => {
    const client = getDynamoDBDocumentClient(wrapNumbers());
    expect(getClientFactory().getClient(dynamodbDocument, wrapNumbers())).toBe(client);
    expect(getDynamoDBDocumentClient(base)).not.toBe(client);
  });
});
