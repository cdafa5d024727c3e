/**
 * `@dbp/aws-dynamodb/document` → a cached DynamoDB document client
 * (`DynamoDBDocumentClient` from `@aws-sdk/lib-dynamodb`) through `@dbp/aws-core`, keyed by
 * its `translateConfig` like any other config value.
 *
 * `DynamoDBDocumentClient.from(client, translateConfig)` writes `translateConfig` onto the
 * `DynamoDBClient` it wraps and shares that client's middleware stack, so calling it on a
 * shared, cached client changes what every other module reads from it. Here each document
 * client is built on a `DynamoDBClient` of its own, one per distinct `translateConfig`, with
 * the same tiers, caching, errors and lifecycle as every other client of the factory.
 *
 * @packageDocumentation
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, type TranslateConfig } from '@aws-sdk/lib-dynamodb';
import { defineService, type GetClientOptions, getClientFactory, type ServiceDefinition } from '@dbp/aws-core';

/** The configuration of a cached document client: any `DynamoDBClientConfig`, plus how items are translated. */
export interface DynamoDBDocumentClientConfig extends DynamoDBClientConfig {
  /**
   * How the document client converts between JavaScript values and DynamoDB attribute
   * values: `{ marshallOptions?, unmarshallOptions? }`, as `DynamoDBDocumentClient.from`
   * takes it. Part of the cache key by value: equal objects share one client, and a
   * different `translateConfig` gets a client (and a `DynamoDBClient`) of its own.
   * @default lib-dynamodb's defaults (no options)
   * @example
   * ```ts
   * { unmarshallOptions: { wrapNumbers: true } } // numbers read as NumberValue, not number
   * ```
   */
  translateConfig?: TranslateConfig | undefined;
}

/** The keys `DynamoDBDocumentClient.from` reads from a `translateConfig`. */
const TRANSLATE_KEYS: readonly string[] = ['marshallOptions', 'unmarshallOptions'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  // An object that is no plain object: a class instance (or one made by Object.create()), whose getters are not read.
  return typeof value === 'object' ? 'a class instance or an object made by Object.create(); pass an object literal' : typeof value;
}

/**
 * Checks a `translateConfig` and copies it one level down: lib-dynamodb writes its defaults
 * into the options objects it is given (`convertTopLevelContainer`, `convertWithoutMapWrapper`),
 * and those objects are the factory's snapshot. Throws a `TypeError` that says what to pass;
 * the factory reports it as an `AwsClientError` (`INVALID_CONFIG`).
 */
function readTranslateConfig(value: unknown): TranslateConfig | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) {
    throw new TypeError(`translateConfig must be an object { marshallOptions?, unmarshallOptions? }, got ${typeName(value)}`);
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (!TRANSLATE_KEYS.includes(key)) {
      throw new TypeError(`translateConfig has an unknown key '${key.slice(0, 40)}'; it takes ${TRANSLATE_KEYS.join(' and ')}`);
    }
    const options = value[key];
    if (options === undefined) continue;
    if (!isPlainObject(options)) throw new TypeError(`translateConfig.${key} must be an object, got ${typeName(options)}`);
    copy[key] = { ...options };
  }
  return copy as TranslateConfig;
}

/** Builds a document client on a `DynamoDBClient` of its own. */
function createDocumentClient(config: DynamoDBDocumentClientConfig): DynamoDBDocumentClient {
  const { translateConfig, ...clientConfig } = config;
  const translate = readTranslateConfig(translateConfig);
  const client = new DynamoDBClient(clientConfig);
  const document = DynamoDBDocumentClient.from(client, translate);
  // DynamoDBDocumentClient.destroy() does nothing (its DynamoDBClient may be shared): this
  // DynamoDBClient is the document client's alone, so destroying one closes the other's sockets.
  document.destroy = () => client.destroy();
  return document;
}

/**
 * The DynamoDB document client service definition: id `'dynamodb-document'`, tier
 * `'standard'` (DynamoDB's). Pass it to any factory's `getClient`; `translateConfig` goes in
 * `config`.
 *
 * @example
 * ```ts
 * const documents = createClientFactory().getClient(dynamodbDocument, {
 *   region: 'us-east-1',
 *   config: { translateConfig: { marshallOptions: { removeUndefinedValues: true } } },
 * })
 * await documents.send(new PutCommand({ TableName: 'users', Item: { id: 'u1', name: 'Ada' } }))
 * ```
 */
export const dynamodbDocument: ServiceDefinition<DynamoDBDocumentClient, DynamoDBDocumentClientConfig> = /* @__PURE__ */ defineService({
  id: 'dynamodb-document',
  origin: '@dbp/aws-dynamodb/document',
  create: createDocumentClient,
});

/**
 * The cached `DynamoDBDocumentClient` from the process-wide factory: one per region,
 * profile, credentials and config, `translateConfig` included.
 *
 * @example
 * ```ts
 * import { GetCommand } from '@aws-sdk/lib-dynamodb'
 *
 * const documents = getDynamoDBDocumentClient({ region: 'us-east-1', config: { translateConfig: { unmarshallOptions: { wrapNumbers: true } } } })
 * const { Item } = await documents.send(new GetCommand({ TableName: 'users', Key: { id: 'u1' } }))
 * ```
 */
export function getDynamoDBDocumentClient(options?: GetClientOptions<DynamoDBDocumentClientConfig>): DynamoDBDocumentClient {
  return getClientFactory().getClient(dynamodbDocument, options);
}
