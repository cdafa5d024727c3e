import { copyFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build, defineConfig } from 'tsup';
import { defineBuild } from '../../tsup.config.base.js';

export default defineConfig(
  defineBuild(
    // One file per platform (kernel + the plug-ins that pay there), chosen by
    // the `exports` conditions: a consumer loads exactly one of them, so no
    // module is loaded twice. All export the same API, typed once. (Node's
    // own ES module build, dist/index.node.sync.js, is built below.)
    // The message catalog is its own file too (`devCatalog`): Node loads it at the first
    // message, through `#devCatalog` (package.json `imports`; src/sdkCore.node.js and
    // src/sdkCore.cjs do the loading), and bundlers take its ES module build.
    { 'index.node': 'src/index.node.ts', 'index.web': 'src/index.web.ts', devCatalog: 'src/plugins/dev/messages.ts' },
    {
      // `#sdkCore` and `#devCatalog` stay imports of their own files (see src/sdkCore.cjs).
      external: ['#sdkCore', '#devCatalog'],
      dts: { entry: { index: 'src/index.node.ts' } },
      // `#sdkCore` ships as written: src/sdkCore.cjs for Node's CommonJS
      // build (an ESM build of it would turn its require into esbuild's shim)
      // and src/sdkCore.module.js for bundlers (the `module` condition).
      // src/sdkCore.node.js is built into Node's own ES module build.
      onSuccess: async () => {
        await copyFile('src/sdkCore.cjs', 'dist/sdkCore.cjs');
        await copyFile('src/sdkCore.module.js', 'dist/sdkCore.module.js');
        // Node's own ES module build (the `module-sync` condition: Node 20.19+ and 22.12+, and
        // @vercel/nft on Node 22+): the same entry with src/sdkCore.node.js built in for
        // `#sdkCore` and `#devCatalog`, so an import loads one module, not two (one more ES
        // module costs each import ~1 ms, `pnpm bench` part 2). It requires the SDK modules and
        // dist/devCatalog.cjs at first use through `createRequire`, which no bundler follows:
        // bundlers take dist/index.node.js (the `module` condition). Built after the rest, into
        // the same folder.
        const sdkCoreNode = resolve('src/sdkCore.node.js');
        await build({
          config: false,
          entry: { 'index.node.sync': 'src/index.node.ts' },
          format: ['esm'],
          outDir: 'dist',
          clean: false,
          dts: false,
          splitting: false,
          treeshake: false,
          sourcemap: false,
          target: 'es2022',
          silent: true,
          esbuildOptions(options) {
            options.alias = { '#sdkCore': sdkCoreNode, '#devCatalog': sdkCoreNode };
          },
        });
      },
    },
  ),
);
