// Node's own side of `#sdkCore` for the ES module build, under `node-addons` and `module-sync`
// together: only Node (20.19+, 22.12+) sets both. Bun, its bundler (`bun build`) and Jest set
// `node-addons` without `module-sync`, webpack and Deno `module-sync` without `node-addons`, and a
// bundle must never hold this file: its require would find no node_modules at run time, and the
// region checks would silently lose their data. `@aws-sdk/core/client` is required
// through `createRequire`, as the SDK's own CommonJS clients require it: same module, already
// loaded. An ES module `import` of any CommonJS file, even src/sdkCore.cjs, makes Node scan
// that file for its export names, and that second scan (the SDK client's was the first) costs
// ~20 ms of CPU in about half of all process starts (`pnpm bench` part 2: V8 recompiles the
// scanner's hot function on a background thread). Required at the first region check, not at
// import: resolving it costs ~0.8 ms that an import should not pay. Bundlers take
// src/sdkCore.module.js (the `module` condition); Node's CommonJS build takes src/sdkCore.cjs.
import { createRequire } from 'node:module';

let sdkPartition;

/** `@aws-sdk/core/client`'s `partition`. */
export function partition(region) {
  sdkPartition ??= createRequire(import.meta.url)('@aws-sdk/core/client').partition;
  return sdkPartition(region);
}
