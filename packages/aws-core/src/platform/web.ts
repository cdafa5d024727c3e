/**
 * The web platform (browsers, Cloudflare workerd, Vercel edge, web workers):
 * no credential chain and no profiles, fetch-handler timeouts, Web Crypto for
 * credential ids (Math.random where it is refused), and the SDK's region data
 * imported as the SDK clients import it (bundlers keep one copy).
 *
 * @module
 */
import { partition } from '@aws-sdk/core/client';
import type { Platform } from '../kernel/setup.js';

function environment(): Record<string, string | undefined> | undefined {
  // Vercel's edge runtime and some worker setups expose process.env; browsers do not.
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env;
}

/** The web platform. */
export const webPlatform: Platform = {
  flavor: 'web',
  randomBytes(size) {
    const bytes = new Uint8Array(size);
    try {
      return globalThis.crypto.getRandomValues(bytes);
    } catch {
      // workerd refuses random values at module scope, and some runtimes have
      // no Web Crypto. A credential id only labels a credential set: it is
      // never derived from it, and `CredentialIds` keeps ids unique per
      // factory, so Math.random serves.
      for (let i = 0; i < size; i++) bytes[i] = Math.floor(Math.random() * 256);
      return bytes;
    }
  },
  environment,
  defaultCredentials() {
    return undefined;
  },
  sdkRegion() {
    return undefined;
  },
  handlerOptions(tier) {
    // FetchHttpHandler's requestTimeout bounds the wait for response headers;
    // fetch has no separate connect phase to time.
    return { requestTimeout: tier.readTimeoutMs };
  },
  partition,
};
