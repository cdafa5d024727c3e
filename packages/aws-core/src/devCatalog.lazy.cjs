// `#devCatalog` for Node's CommonJS build and for any runtime or bundler that sets neither the
// `module` nor the `module-sync` condition, nor `deno` (Bun, `bun build`, Jest, Node before 20.19
// and 22.12): the message catalog's built file (dist/devCatalog.cjs) is required at the first
// message, not when the core loads (see src/devCatalog.node.js). A literal relative `require`, so
// bundlers and file tracers that follow this file find the catalog.
'use strict';

let catalog;

/** The catalog's `linkCatalog` (src/plugins/dev/messages.ts), whose file is required at the first message. */
exports.linkCatalog = (links) => {
  let format;
  return (id, details) => {
    catalog ??= require('./devCatalog.cjs');
    format ??= catalog.linkCatalog(links);
    return format(id, details);
  };
};
