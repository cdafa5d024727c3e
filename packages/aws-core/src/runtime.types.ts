import type { RuntimeFlavor } from './serviceDefinition.js';
import type { TierConfig } from './tiers.js';
import type { AwsCredentialProvider } from './types.js';

/**
 * What differs between the Node build of the core and the web build
 * (browsers, workers, edge). Selected by the `#runtime` import condition so
 * the web build carries no `node:` import and no Node credential chain.
 */
export interface RuntimeAdapter {
  readonly flavor: RuntimeFlavor;
  /** HMAC-SHA256 of `data` under `key`, hex encoded. Synchronous. */
  hmacSha256Hex(key: Uint8Array, data: string): string;
  /** The region from the environment (`AWS_REGION`, `AWS_DEFAULT_REGION`). */
  environmentRegion(): string | undefined;
  /**
   * The credential provider for a profile, or the default chain when
   * `profile` is undefined. `undefined` where the runtime has no chain.
   */
  defaultCredentials(profile: string | undefined): AwsCredentialProvider | undefined;
  /** Where profiles are looked up, for error messages. */
  profileSources(): string;
  /** The tier's timeouts as this runtime's `requestHandler` options. */
  handlerOptions(tier: TierConfig): Record<string, unknown>;
  /**
   * When `value` is a response body stream still being read, calls `done`
   * once it ends or fails and returns true; returns false otherwise.
   */
  trackStream(value: unknown, done: () => void): boolean;
}
