// The SDK's `@aws-sdk/core/client` (its `partition`: the region data every SDK v3 client's
// endpoint rules use), for Node's CommonJS build and for any runtime or bundler that sets
// neither the `module` nor the `module-sync` condition, or sets `deno` (Bun, `bun build`, Jest,
// Deno, esbuild with custom conditions, Node before 20.19 and 22.12). Required from this CommonJS file, the module is
// loaded as the SDK's own clients load it. Node's ES module build takes src/sdkCore.node.js
// (an ES module importing even this small file would make Node scan it for export names:
// `pnpm bench` part 2); bundlers take src/sdkCore.module.js (the `module` condition), so a
// bundle holds one copy of the SDK module. Exported by name (no `module.exports = require(…)`,
// which Node would follow as a re-export and parse after all).
'use strict';
const client = require('@aws-sdk/core/client');
exports.partition = client.partition;
