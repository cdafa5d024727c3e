/**
 * `@dbp/aws-s3` for workers and edge runtimes (Cloudflare workerd, Vercel's
 * edge runtime, web workers), chosen by the `workerd`, `worker` and
 * `edge-light` export conditions. Same API as the main entry; the difference
 * is that creating a client makes sure an XML parser exists.
 *
 * Bundlers for those runtimes follow the SDK's `browser` field, so S3
 * responses are parsed by the SDK's browser XML parser, which needs
 * `DOMParser`, and these runtimes have none. Before the first client is
 * built, `ensureDomParser()` installs a small DOMParser when
 * `globalThis.DOMParser` is missing; where one exists nothing changes.
 * Browser bundles resolve the main entry and carry none of this.
 *
 * @packageDocumentation
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { defineService, type GetClientOptions, getClientFactory, type ServiceDefinition } from '@dbp/aws-core';
import { ensureDomParser } from './internal/domParser.js';

/**
 * The Amazon S3 service definition: id `'s3'`, tier `'standard'`. Pass it
 * to any factory's `getClient`. On runtimes without `DOMParser` its `create`
 * installs one before building the client, so XML responses (ListObjectsV2,
 * errors, …) parse.
 *
 * @example
 * ```ts
 * const client = createClientFactory().getClient(s3, { region: 'us-east-1' })
 * ```
 */
export const s3: ServiceDefinition<S3Client, S3ClientConfig> = /* @__PURE__ */ defineService({
  id: 's3',
  origin: '@dbp/aws-s3#edge',
  create: (config: S3ClientConfig) => {
    ensureDomParser();
    return new S3Client(config);
  },
});

/**
 * The cached `S3Client` from the process-wide factory.
 *
 * @example
 * ```ts
 * const client = getS3Client({ region: 'us-east-1' })
 * ```
 */
export function getS3Client(options?: GetClientOptions<S3ClientConfig>): S3Client {
  return getClientFactory().getClient(s3, options);
}
