import { partition } from '@aws-sdk/core/client';
import type { AbandonedBodies } from './internal/abandonedBodies.js';
import type { FastPath } from './internal/fastPath.js';
import { type Partition, suggestRegion } from './internal/knownRegions.js';
import { fullMessage, type MessageId, type MessageValues, shortMessage } from './internal/messages.js';
import type { RuntimeAdapter } from './runtime.types.js';

// Bundlers replace `process.env.NODE_ENV` textually; the web build needs no
// Node types for it (a worker's tsconfig has none).
declare const process: { readonly env: Readonly<Record<string, string | undefined>> };

/** The SDK's region data (`@aws-sdk/core/client`'s `partition`); bundlers follow this import. */
export const sdkPartition: Partition = partition;

/**
 * The web build has no fast path: a cache hit takes the full path, a few
 * microseconds that browsers never notice, and the bundle stays small.
 */
export const FastPathIndex: typeof FastPath | undefined = undefined;

/** No body is watched on the web (fetch bodies are the caller's; see `watchBody`). */
export const AbandonedBodyWatch: typeof AbandonedBodies | undefined = undefined;

/**
 * The closest region for a malformed one, in development builds: production
 * bundles carry no region list or edit distance (`AwsRegionError.suggestion`
 * is then `undefined`; the error keeps its class, code and region).
 */
export function regionSuggestion(region: string): string | undefined {
  if (process.env.NODE_ENV !== 'production') return suggestRegion(region, sdkPartition);
  return undefined;
}

/**
 * Full messages in development, short ones with the code and a documentation
 * link in production builds (bundlers replace `process.env.NODE_ENV`, as for
 * React and Vue), so production bundles carry none of the message text.
 * Without a bundler and without `process`, this throws and the caller falls
 * back to the short form.
 */
export function formatMessage(id: MessageId, details: MessageValues): string {
  if (process.env.NODE_ENV !== 'production') return fullMessage(id, details);
  return shortMessage(id);
}

function environment(): Record<string, string | undefined> | undefined {
  // Vercel's edge runtime and some worker setups expose process.env; browsers do not.
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env;
}

/**
 * The web build (browsers, Cloudflare workerd, Vercel edge): no credential
 * chain, fetch-handler timeouts, no socket or body access.
 */
export const runtime: RuntimeAdapter = {
  flavor: 'web',
  randomBytes(size) {
    return globalThis.crypto.getRandomValues(new Uint8Array(size));
  },
  environmentRegion() {
    const env = environment();
    return env?.AWS_REGION || env?.AWS_DEFAULT_REGION || undefined;
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
  watchBody() {
    // Web response bodies are ReadableStreams the caller owns; destroying a
    // fetch-based client closes nothing, so there is nothing to wait for.
    return undefined;
  },
  socketStats() {
    return undefined;
  },
  hasSubscribers() {
    return false;
  },
  publish() {},
};
