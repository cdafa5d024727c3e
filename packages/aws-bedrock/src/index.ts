/**
 * `@dbp/aws-bedrock` → the Amazon Bedrock Runtime client through `@dbp/aws-core`: cached, tiered
 * (`ai`), secret-safe.
 *
 * @packageDocumentation
 */
import { BedrockRuntimeClient, type BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { defineService, type GetClientOptions, getClientFactory, type ServiceDefinition } from '@dbp/aws-core';
import { withHttp2Guard } from './http2Guard.js';

/**
 * The Amazon Bedrock Runtime service definition: id `'bedrock-runtime'`, tier `'ai'`. Pass it
 * to any factory's `getClient`.
 *
 * @example
 * ```ts
 * const client = createClientFactory().getClient(bedrockRuntime, { region: 'us-east-1' })
 * ```
 */
export const bedrockRuntime: ServiceDefinition<BedrockRuntimeClient, BedrockRuntimeClientConfig> = /* @__PURE__ */ defineService({
  id: 'bedrock-runtime',
  origin: '@dbp/aws-bedrock',
  create: (config: BedrockRuntimeClientConfig) => withHttp2Guard(new BedrockRuntimeClient(config)),
  // On Node the Bedrock Runtime client uses the HTTP/2 handler. It takes
  // `requestTimeout` as the per-stream idle limit and has no connect timeout;
  // passing an options object drops its default `disableConcurrentStreams:
  // true`, so it is restated here.
  handlerOptions: ({ runtime, tier, defaults }) =>
    runtime === 'node' ? { requestTimeout: tier.readTimeoutMs, disableConcurrentStreams: true } : { ...defaults },
});

/**
 * The cached `BedrockRuntimeClient` from the process-wide factory.
 *
 * @example
 * ```ts
 * const client = getBedrockRuntimeClient({ region: 'us-east-1' })
 * ```
 */
export function getBedrockRuntimeClient(options?: GetClientOptions<BedrockRuntimeClientConfig>): BedrockRuntimeClient {
  return getClientFactory().getClient(bedrockRuntime, options);
}
