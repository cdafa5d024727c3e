// Node's own side of `#sdkCore` and `#devCatalog`, built into Node's own ES module build
// (dist/index.node.sync.js, see tsup.config.ts): the file the package's `exports` give under the
// `module-sync` condition, which Node 20.19+ and 22.12+ set, and so does @vercel/nft on Node 22+
// (Vercel, Netlify and Next.js deploy the files it traces, so it must see the files this
// requires). A bundle must never hold that build (its requires would find no node_modules at run
// time, and the region checks would silently lose their data): esbuild, webpack, Vite and Rollup
// take the `module` key before it, Deno and `deno bundle` the `deno` key, and Bun, `bun build`
// and Jest do not set `module-sync`; they all take dist/index.node.js, which imports `#sdkCore`
// and `#devCatalog`. Built in rather than imported: one more ES module costs each import ~1 ms.
//
// The SDK modules the Node build uses are required through `createRequire`, as the SDK's own
// CommonJS clients require them: the same modules, most of them already loaded. An ES module
// `import` of any CommonJS file, even src/sdkCore.cjs, makes Node scan that file for its export
// names, and that second scan (the SDK client's was the first) costs ~20 ms of CPU in about half
// of all process starts (`pnpm bench` part 2: V8 recompiles the scanner's hot function on a
// background thread); the credential providers' scan cost the first default-chain resolution
// 10–25 ms. Required at first use, not at import: resolving them costs ~0.8 ms that an import
// should not pay. So is the message catalog's built file, dist/devCatalog.cjs, at the first
// message: a process that shows none never compiles it.
import { createRequire } from 'node:module';

// Each load is written out in the function that needs it, as `const load =
// createRequire(import.meta.url)` then `load('<literal>')`: the form file tracers follow
// (@vercel/nft with `exportsOnly`, as Nitro runs it, copied none of these files when they went
// through a helper taking the name, nor when the require was called in place).

let sdkPartition;

/** `@aws-sdk/core/client`'s `partition`. */
export function partition(region) {
  if (sdkPartition === undefined) {
    const load = createRequire(import.meta.url);
    sdkPartition = load('@aws-sdk/core/client').partition;
  }
  return sdkPartition(region);
}

/** `@aws-sdk/credential-provider-ini`'s `fromIni`, required at first use. */
export async function loadFromIni() {
  const load = createRequire(import.meta.url);
  return load('@aws-sdk/credential-provider-ini').fromIni;
}

/** `@aws-sdk/credential-provider-node`'s `defaultProvider`, required at first use. */
export async function loadDefaultProvider() {
  const load = createRequire(import.meta.url);
  return load('@aws-sdk/credential-provider-node').defaultProvider;
}

/** `@smithy/core/config`'s region lookup, as the SDK client's runtime config uses it. */
export function regionConfig() {
  const load = createRequire(import.meta.url);
  const { loadConfig, NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS } = load('@smithy/core/config');
  return { loadConfig, NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS };
}

/** The message catalog's `linkCatalog` (src/plugins/dev/messages.ts), whose built file is required at the first message. */
export function linkCatalog(links) {
  let format;
  return (id, details) => {
    if (format === undefined) {
      const load = createRequire(import.meta.url);
      format = load('./devCatalog.cjs').linkCatalog(links);
    }
    return format(id, details);
  };
}
