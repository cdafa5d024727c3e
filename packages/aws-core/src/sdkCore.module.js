// The bundlers' side of `#sdkCore` (the `module` condition, which esbuild and webpack honour and
// Node does not): static imports, resolved with the same conditions as the SDK client's own, so
// a bundle holds one copy of each SDK module, and only what is used of `@smithy/core/config`
// (the SDK client's runtime config already holds `loadConfig` and the region options); the
// credential providers stay behind a literal `import()`, evaluated at first use. Node's own
// ES module build has src/sdkCore.node.js built in; its CommonJS build takes src/sdkCore.cjs.
import { loadConfig, NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS } from '@smithy/core/config';

export { partition } from '@aws-sdk/core/client';

/** `@aws-sdk/credential-provider-ini`'s `fromIni`, loaded at first use (a literal `import()`, which bundlers follow). */
export function loadFromIni() {
  return import('@aws-sdk/credential-provider-ini').then(({ fromIni }) => fromIni);
}

/** `@aws-sdk/credential-provider-node`'s `defaultProvider`, loaded at first use (a literal `import()`, which bundlers follow). */
export function loadDefaultProvider() {
  return import('@aws-sdk/credential-provider-node').then(({ defaultProvider }) => defaultProvider);
}

/** `@smithy/core/config`'s region lookup, as the SDK client's runtime config uses it. */
export function regionConfig() {
  return { loadConfig, NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS };
}
