import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type FakeClient, fakeService } from './__fixtures__/fakeService.js';
import { AwsClientError, createClientFactory, keyedCredentials, type Logger } from './index.node.js';

// Findings of a second adversarial review: probes a user could write. Each
// failed before its fix.

const alpha = fakeService('alpha');
const region = 'us-east-1';

describe('a listener that clears the cache while a client is being created', () => {
  // A clearCache() run by the logger or a listener while the client is being
  // created removes it: the factory makes it again (clientStore.ts).
  it.each([
    ['a logger', (clear: () => void) => ({ options: { logger: { debug: clear } as Logger } })],
    ['an onEvent listener', (clear: () => void) => ({ options: { onEvent: clear } })],
  ])('through %s: getClient never hands out a destroyed client', (_name, make) => {
    let clearOnce: () => void = () => {};
    const { options } = make(() => clearOnce());
    const factory = createClientFactory(options);
    let cleared = 0;
    clearOnce = () => {
      if (cleared++ === 0) factory.clearCache();
    };
    const client = factory.getClient(alpha, {
      region,
      credentials: { accessKeyId: 'AKIDREENTER', secretAccessKey: 'reenter-secret' },
    }) as unknown as FakeClient;
    expect(cleared).toBeGreaterThan(0);
    expect(client.destroyed).toBe(0);
  });
});

describe('a provider failure, inspected', () => {
  // The provider's text stays on `cause` (edgeCases.test.ts), and
  // util.inspect / console.error show the cause by its name only: a provider
  // that quotes what it read (credential_process output, an HTTP body) must
  // not put it in every log line of `console.error(error)`.
  it('shows no secret the provider quoted, through util.inspect of the error', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYINSPECTSECRET';
    const factory = createClientFactory();
    const session = factory.getSession({
      region,
      credentials: keyedCredentials('k', async () => Promise.reject(new Error(`credential_process returned invalid JSON: {"SecretAccessKey":"${secret}"`))),
    });
    const error = (await session.credentials().catch((e: unknown) => e)) as AwsClientError;
    expect(error).toBeInstanceOf(AwsClientError);
    expect(error.message).not.toContain(secret);
    expect(inspect(error)).not.toContain(secret);
  });
});
