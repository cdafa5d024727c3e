import { hmacSha256 } from './internal/sha256.js';
import type { RuntimeAdapter } from './runtime.types.js';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const encoder = new TextEncoder();

function environment(): Record<string, string | undefined> | undefined {
  // Vercel's edge runtime and some worker setups expose process.env; browsers do not.
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env;
}

/**
 * The web build (browsers, Cloudflare workerd, Vercel edge): a synchronous
 * pure-JS HMAC (WebCrypto is async only, and `getClient` is synchronous), no
 * credential chain, and fetch-handler timeouts.
 */
export const runtime: RuntimeAdapter = {
  flavor: 'web',
  hmacSha256Hex(key, data) {
    const bytes = hmacSha256(key, encoder.encode(data));
    let out = '';
    for (const byte of bytes) out += HEX[byte];
    return out;
  },
  environmentRegion() {
    const env = environment();
    const region = env?.AWS_REGION || env?.AWS_DEFAULT_REGION;
    return region === '' ? undefined : region;
  },
  defaultCredentials() {
    return undefined;
  },
  profileSources() {
    return 'no shared config files (profiles exist only on Node)';
  },
  handlerOptions(tier) {
    // FetchHttpHandler's requestTimeout bounds the wait for response headers;
    // fetch has no separate connect phase to time.
    return { requestTimeout: tier.readTimeoutMs };
  },
  trackStream() {
    // Web response bodies are ReadableStreams the caller owns; destroying a
    // fetch-based client closes nothing, so there is nothing to wait for.
    return false;
  },
};
