/**
 * What `factory.warm()` does to a client before its first request, without
 * sending anything to the service: resolves its credentials through the
 * session's memoised provider (so the first request, and every other client
 * of the session, reuses them), its region and endpoint, and builds and runs
 * its SigV4 signer once on a request that goes nowhere.
 *
 * Only the credentials and the region can fail a warm-up (a credential
 * source that fails now, or no region anywhere, would fail the first request
 * too, with the same typed error): the rest is best effort, as a client whose
 * endpoint needs a request's own parameters (an S3 bucket) resolves it per
 * request anyway.
 *
 * @module
 */
import { wrapProviderError } from './credentials.js';
import { AwsClientError } from './errors.js';
import type { SdkClientLike } from './types.js';

type Provider = (...args: unknown[]) => unknown;

/** The parts of a resolved SDK client config a warm-up reads (all optional: any client class may be given). */
interface WarmableConfig {
  readonly credentials?: unknown;
  readonly region?: unknown;
  readonly useFipsEndpoint?: unknown;
  readonly useDualstackEndpoint?: unknown;
  readonly endpoint?: unknown;
  readonly endpointProvider?: unknown;
  readonly signer?: unknown;
  readonly logger?: unknown;
}

/** A config value as the SDK resolves it: a provider function is called, anything else is the value. */
async function resolved(value: unknown): Promise<unknown> {
  return typeof value === 'function' ? (value as Provider)() : value;
}

/** The URL of a resolved custom endpoint (`{ protocol, hostname, port, path }`), or `undefined`. */
function endpointUrl(endpoint: unknown): string | undefined {
  if (typeof endpoint === 'string') return endpoint;
  if (typeof endpoint !== 'object' || endpoint === null) return undefined;
  const { protocol, hostname, port, path } = endpoint as { protocol?: unknown; hostname?: unknown; port?: unknown; path?: unknown };
  if (typeof hostname !== 'string') return undefined;
  return `${typeof protocol === 'string' ? protocol : 'https:'}//${hostname}${port === undefined ? '' : `:${String(port)}`}${typeof path === 'string' ? path : ''}`;
}

/** Runs a best-effort step: what it throws is dropped (the first request meets it, as it would have). */
async function quietly(step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch {
    // Warming must not fail where the request itself may not (an S3 endpoint that needs a bucket).
  }
}

/**
 * Warms one client: its credentials (the session's memoised provider, and
 * the SDK's own memo on the client above it), region, endpoint and signer.
 *
 * @throws AwsCredentialError when the credentials cannot be resolved, and
 *   AwsRegionError when no region can be (`MISSING_REGION`).
 */
export async function warmClient(client: SdkClientLike): Promise<void> {
  const config = (client as { config?: WarmableConfig }).config;
  if (typeof config !== 'object' || config === null) return;
  if (typeof config.credentials === 'function') {
    try {
      // As the SDK calls it before signing: with the client's config, whose region the SDK's own providers use.
      await (config.credentials as Provider)({ callerClientConfig: config });
    } catch (error) {
      // The session's provider throws ours already; anything else came from the SDK's wrapping of it.
      throw wrapProviderError(error);
    }
  }
  let region: unknown;
  try {
    region = await resolved(config.region);
  } catch (error) {
    // Ours (no region anywhere: MISSING_REGION) fails the first request too; what the SDK throws is left to it.
    if (error instanceof AwsClientError) throw error;
  }
  await quietly(async () => {
    const custom = endpointUrl(await resolved(config.endpoint));
    if (typeof config.endpointProvider !== 'function') return;
    const params = {
      Region: region,
      UseFIPS: await resolved(config.useFipsEndpoint),
      UseDualStack: await resolved(config.useDualstackEndpoint),
      ...(custom === undefined ? {} : { Endpoint: custom }),
    };
    // The client's rule set, evaluated and cached for these parameters.
    (config.endpointProvider as Provider)(params, { logger: config.logger });
  });
  await quietly(async () => {
    if (typeof config.signer !== 'function') return;
    const signer = (await (config.signer as Provider)()) as { sign?: Provider } | undefined;
    if (typeof signer?.sign !== 'function') return;
    // Signed and dropped: never sent anywhere. Builds the signer's state and
    // runs its hashing once, with the credentials resolved above.
    await signer.sign({ method: 'GET', protocol: 'https:', hostname: 'warm.invalid', path: '/', headers: { host: 'warm.invalid' }, query: {} });
  });
}
