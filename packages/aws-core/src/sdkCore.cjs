// The SDK modules the Node build uses (`@aws-sdk/core/client`'s `partition`: the region data
// every SDK v3 client's endpoint rules use; the credential providers; `@smithy/core/config`'s
// region lookup), for Node's CommonJS build and for any runtime or bundler that sets neither the
// `module` nor the `module-sync` condition, or sets `deno` (Bun, `bun build`, Jest, Deno, esbuild
// with custom conditions, Node before 20.19 and 22.12). Required from this CommonJS file, at first
// use, the modules are loaded as the SDK's own clients load them. Node's own ES module build has
// src/sdkCore.node.js built in (an ES module importing even this small file would make Node scan
// it for export names: `pnpm bench` part 2); bundlers take src/sdkCore.module.js (the `module`
// condition), so a bundle holds one copy of each SDK module. Exported by name (no
// `module.exports = require(...)`, which Node would follow as a re-export and parse after all).
//
// Also `#devCatalog` for Node's CommonJS build and whatever sets neither `module` nor `deno` (not
// in the sources, which take the catalog itself: `@dbp/source`): the catalog's built file,
// dist/devCatalog.cjs, is required at the first message, not when the core loads (see
// src/sdkCore.node.js). A literal relative `require`, so bundlers and file tracers that follow
// this file find the catalog.
'use strict';

let sdkPartition;

/** `@aws-sdk/core/client`'s `partition`. */
exports.partition = (region) => {
  sdkPartition ??= require('@aws-sdk/core/client').partition;
  return sdkPartition(region);
};

/** `@aws-sdk/credential-provider-ini`'s `fromIni`, required at first use. */
exports.loadFromIni = async () => require('@aws-sdk/credential-provider-ini').fromIni;

/** `@aws-sdk/credential-provider-node`'s `defaultProvider`, required at first use. */
exports.loadDefaultProvider = async () => require('@aws-sdk/credential-provider-node').defaultProvider;

/** `@smithy/core/config`'s region lookup, as the SDK client's runtime config uses it. */
exports.regionConfig = () => {
  const { loadConfig, NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS } = require('@smithy/core/config');
  return { loadConfig, NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS };
};

/** The message catalog's `linkCatalog` (src/plugins/dev/messages.ts), whose built file is required at the first message. */
exports.linkCatalog = (links) => {
  let format;
  return (id, details) => {
    format ??= require('./devCatalog.cjs').linkCatalog(links);
    return format(id, details);
  };
};
