// The SDK's `@aws-sdk/core/client` (its `partition`: the region data every SDK v3 client's
// endpoint rules use), for the Node build. Required from this CommonJS file, the module is
// loaded as the SDK's own clients load it. Imported from an ES module instead, Node would
// first detect its format and parse it, and what it re-exports, for export names: ~20 ms of
// startup for a module the client has already loaded (`pnpm bench` part 2). Bundlers take
// src/sdkCore.module.js instead (the `module` condition), so a bundle holds one copy of the
// SDK module. Exported by name (no `module.exports = require(…)`, which Node would follow as
// a re-export and parse after all).
'use strict';
const client = require('@aws-sdk/core/client');
exports.partition = client.partition;
