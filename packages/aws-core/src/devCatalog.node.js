// Node's own side of `#devCatalog` for the ES module build (the `module-sync` condition, as
// for `#sdkCore`: see src/sdkCore.node.js for who sets it and why a bundle never holds this file).
// The message catalog is the largest part of the development aids (about an eighth of the Node
// build) and a process that shows no message never needs it: Node loads its built file
// (dist/devCatalog.cjs) at the first message, through `createRequire`, so the import of the core
// does not compile it (`pnpm bench` part 2). Bundlers take dist/devCatalog.js (the `module`
// condition), Deno too (`deno`), and everything else dist/devCatalog.lazy.cjs, which defers the
// same way.
import { createRequire } from 'node:module';

let catalog;

/** The catalog's `linkCatalog` (src/plugins/dev/messages.ts), whose file is required at the first message. */
export function linkCatalog(links) {
  let format;
  return (id, details) => {
    catalog ??= createRequire(import.meta.url)('./devCatalog.cjs');
    format ??= catalog.linkCatalog(links);
    return format(id, details);
  };
}
