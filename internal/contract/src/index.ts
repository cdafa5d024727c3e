import {
  AwsClientError,
  AwsRegionError,
  configureClientFactory,
  createClientFactory,
  DEFAULT_TIERS,
  type GetClientOptions,
  getClientFactory,
  type SdkClientLike,
  type ServiceDefinition,
} from '@dbp/aws-core';
import { MANIFEST_FILE, SERVICES } from '@dbp/aws-services';
import { describe, expect, it } from 'vitest';

/** What a service package hands the contract suite. */
export interface ServiceContract<TClient extends SdkClientLike> {
  /**
   * The package's main entry (`import * as entry from './index.js'`). The
   * suite reads the definition and the getter from it under the names the
   * manifest derives (`s3`, `getS3Client`), so a renamed export fails here.
   */
  entry: Record<string, unknown>;
  /**
   * The SDK client class the definition must build. Its name finds the
   * package's entry in internal/services/services.json, which says the id,
   * tier and Node handler the package must have.
   */
  Client: abstract new (
    ...args: any[]
  ) => TClient;
  /** Loads the package's `/register` entry. */
  register: () => Promise<unknown>;
}

const credentials = { accessKeyId: 'AKIDCONTRACT', secretAccessKey: 'contract-secret-value-never-shown' };

async function value(input: unknown): Promise<unknown> {
  return typeof input === 'function' ? (input as () => Promise<unknown>)() : input;
}

interface ClientInternals {
  config: {
    maxAttempts: unknown;
    retryMode: unknown;
    requestHandler: { configProvider?: Promise<Record<string, unknown>> };
    region: unknown;
    credentials: unknown;
  };
}

async function handlerConfig(client: unknown): Promise<Record<string, unknown>> {
  const handler = (client as ClientInternals).config.requestHandler;
  expect(handler.configProvider, 'the SDK Node handler exposes its resolved options').toBeDefined();
  return (await handler.configProvider) as Record<string, unknown>;
}

/**
 * The contract every service package keeps: its definition, its getter, its
 * register entry, its tier as the real SDK client sees it, caching, errors
 * and secret-free output. Run it from the package's own test file.
 */
export function runServiceContract<TClient extends SdkClientLike>(contract: ServiceContract<TClient>): void {
  const { Client, entry } = contract;
  const service = SERVICES.find((candidate) => candidate.client === Client.name);
  if (!service) throw new Error(`${Client.name} is the client of no service package in ${MANIFEST_FILE}: add the package's entry there`);
  const { id, tier, nodeHandler } = service;
  const expected = Object.hasOwn(DEFAULT_TIERS, tier) ? DEFAULT_TIERS[tier as keyof typeof DEFAULT_TIERS] : undefined;
  if (!expected)
    throw new Error(`${MANIFEST_FILE}: ${service.package} has tier '${tier}', which is not one of DEFAULT_TIERS (${Object.keys(DEFAULT_TIERS).join(', ')})`);
  const definition = entry[service.definition] as ServiceDefinition<TClient, never>;
  const getClient = entry[service.getter] as (options?: GetClientOptions<never>) => TClient;

  describe(`service contract: ${id} (${service.package})`, () => {
    it(`exports '${service.definition}' and '${service.getter}', the names ${MANIFEST_FILE} derives`, () => {
      expect(Object.keys(entry)).toEqual(expect.arrayContaining([service.definition, service.getter]));
      expect(typeof getClient).toBe('function');
    });

    it(`defines id '${id}' and tier '${tier}'`, () => {
      expect(definition.id).toBe(id);
      expect(definition.tier).toBe(tier);
      expect(Object.isFrozen(definition)).toBe(true);
    });

    it('builds the real SDK client, cached in the process-wide factory', () => {
      const client = getClient({ region: 'us-east-1', credentials: { ...credentials } });
      expect(client).toBeInstanceOf(Client);
      expect(getClient({ region: 'us-east-1', credentials: { ...credentials } })).toBe(client);
      expect(getClientFactory().getClient(definition, { region: 'us-east-1', credentials: { ...credentials } })).toBe(client);
      expect(getClient({ region: 'eu-west-1', credentials: { ...credentials } })).not.toBe(client);
    });

    it(`${service.getter}() honours configureClientFactory(): tiers, serviceTiers and defaultRegion of the process-wide factory`, async () => {
      await getClientFactory().dispose();
      try {
        configureClientFactory({
          defaultRegion: 'eu-central-1',
          tiers: { contract: { maxAttempts: 2, retryMode: 'standard', connectTimeoutMs: 1_500, readTimeoutMs: 2_500 } },
          serviceTiers: { [id]: 'contract' },
        });
        const client = getClient({ credentials });
        const config = (client as unknown as ClientInternals).config;
        expect(await value(config.maxAttempts)).toBe(2);
        expect(await value(config.region)).toBe('eu-central-1');
        expect(await handlerConfig(client)).toMatchObject(
          nodeHandler === 'http1' ? { connectionTimeout: 1_500, socketTimeout: 2_500 } : { requestTimeout: 2_500 },
        );
        expect(() => configureClientFactory({})).toThrow(expect.objectContaining({ code: 'FACTORY_ALREADY_IN_USE' }));
        expect(getClient({ credentials })).toBe(client);
      } finally {
        await getClientFactory().dispose();
        configureClientFactory({});
      }
    });

    it(`configures the client with the ${tier} tier: ${expected.maxAttempts} attempts, standard retries`, async () => {
      const client = createClientFactory().getClient(definition, { region: 'us-east-1', credentials });
      const config = (client as unknown as ClientInternals).config;
      expect(await value(config.maxAttempts)).toBe(expected.maxAttempts);
      expect(await value(config.retryMode)).toBe('standard');
      expect(await value(config.region)).toBe('us-east-1');
    });

    it(`maps the ${tier} tier timeouts onto the Node ${nodeHandler} handler`, async () => {
      const client = createClientFactory().getClient(definition, { region: 'us-east-1', credentials });
      const options = await handlerConfig(client);
      if (nodeHandler === 'http1') {
        expect(options).toMatchObject({ connectionTimeout: expected.connectTimeoutMs, socketTimeout: expected.readTimeoutMs });
      } else {
        expect(options).toMatchObject({ requestTimeout: expected.readTimeoutMs, disableConcurrentStreams: true });
      }
    });

    it('applies another tier when asked, and config over the tier', async () => {
      const factory = createClientFactory({ tiers: { tight: { maxAttempts: 2, retryMode: 'standard', connectTimeoutMs: 1_000, readTimeoutMs: 2_000 } } });
      const tight = factory.getClient(definition, { region: 'us-east-1', credentials, tier: 'tight' });
      expect(await value((tight as unknown as ClientInternals).config.maxAttempts)).toBe(2);
      const options = await handlerConfig(tight);
      expect(options).toMatchObject(nodeHandler === 'http1' ? { connectionTimeout: 1_000, socketTimeout: 2_000 } : { requestTimeout: 2_000 });
      const overridden = factory.getClient(definition, { region: 'us-east-1', credentials, config: { maxAttempts: 9 } as never });
      expect(await value((overridden as unknown as ClientInternals).config.maxAttempts)).toBe(9);
    });

    it('resolves credentials through the shared session provider', async () => {
      const factory = createClientFactory();
      const client = factory.getClient(definition, { region: 'us-east-1', credentials });
      const resolved = await value((client as unknown as ClientInternals).config.credentials);
      expect(resolved).toMatchObject({ accessKeyId: credentials.accessKeyId });
    });

    it(`registers '${id}' through its /register entry`, async () => {
      await contract.register();
      const factory = createClientFactory();
      const byId = factory.getClient(id as never, { region: 'us-east-1', credentials } as never);
      expect(byId).toBeInstanceOf(Client);
      expect(factory.getClient(definition, { region: 'us-east-1', credentials })).toBe(byId);
    });

    it('clears and destroys its clients by service id', () => {
      const factory = createClientFactory();
      const client = factory.getClient(definition, { region: 'us-east-1', credentials });
      // The factory destroys the client's own request handler (closing its sockets).
      const handler = (client as unknown as { config: { requestHandler: { destroy(): void } } }).config.requestHandler;
      let destroyed = 0;
      const original = handler.destroy.bind(handler);
      handler.destroy = () => {
        destroyed++;
        original();
      };
      expect(factory.clearCache({ service: id })).toBe(1);
      expect(destroyed).toBe(1);
      expect(factory.getClient(definition, { region: 'us-east-1', credentials })).not.toBe(client);
    });

    it('throws typed errors for a typo region and malformed credentials', () => {
      expect(() => getClient({ region: 'us-east-l', credentials })).toThrow(AwsRegionError);
      expect(() => getClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKID' } as never })).toThrow(AwsClientError);
    });

    it('keeps secrets out of stats', () => {
      const factory = createClientFactory();
      factory.getClient(definition, { region: 'us-east-1', credentials });
      expect(JSON.stringify(factory.stats())).not.toContain(credentials.secretAccessKey);
      expect(JSON.stringify(factory)).not.toContain(credentials.secretAccessKey);
    });
  });
}
