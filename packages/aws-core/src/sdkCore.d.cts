import type { fromIni } from '@aws-sdk/credential-provider-ini';
import type { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { loadConfig, NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS } from '@smithy/core/config';

/** `@aws-sdk/core/client`'s `partition` (see sdkCore.cjs, sdkCore.node.js and sdkCore.module.js). */
export declare function partition(region: string): unknown;

/** `@aws-sdk/credential-provider-ini`'s `fromIni`, loaded at first use. */
export declare function loadFromIni(): Promise<typeof fromIni>;

/** `@aws-sdk/credential-provider-node`'s `defaultProvider`, loaded at first use. */
export declare function loadDefaultProvider(): Promise<typeof defaultProvider>;

/** `@smithy/core/config`'s region lookup, as the SDK client's runtime config uses it. */
export declare function regionConfig(): {
  loadConfig: typeof loadConfig;
  NODE_REGION_CONFIG_OPTIONS: typeof NODE_REGION_CONFIG_OPTIONS;
  NODE_REGION_CONFIG_FILE_OPTIONS: typeof NODE_REGION_CONFIG_FILE_OPTIONS;
};
