// Node's own side of `#sdkCore` for the ES module build: the `module-sync` condition, which Node
// 20.19+ and 22.12+ set, and so does @vercel/nft on Node 22+ (Vercel, Netlify and Next.js deploy
// the files it traces, so it must see this one). A bundle must never hold this file (its require
// would find no node_modules at run time, and the region checks would silently lose their data):
// esbuild, webpack, Vite and Rollup take the `module` key before it, Deno and `deno bundle` the
// `deno` key, and Bun, `bun build` and Jest do not set `module-sync`. `@aws-sdk/core/client` is required
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
