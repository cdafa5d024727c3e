import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';
import { defineBuild } from '../../tsup.config.base.js';

export default defineConfig(
  defineBuild(
    // One file per platform (kernel + the plug-ins that pay there), chosen by
    // the `exports` conditions: a consumer loads exactly one of them, so no
    // module is loaded twice. Both export the same API, typed once.
    // The message catalog is its own file too (`devCatalog`): Node loads it at the first
    // message, through `#devCatalog` (package.json `imports`; src/sdkCore.node.js and
    // src/sdkCore.cjs do the loading), and bundlers take its ES module build.
    { 'index.node': 'src/index.node.ts', 'index.web': 'src/index.web.ts', devCatalog: 'src/plugins/dev/messages.ts' },
    {
      // `#sdkCore` and `#devCatalog` stay imports of their own files (see src/sdkCore.cjs).
      external: ['#sdkCore', '#devCatalog'],
      dts: { entry: { index: 'src/index.node.ts' } },
      // `#sdkCore` ships as written: src/sdkCore.node.js for Node's ES module
      // build (`module-sync`), src/sdkCore.cjs for its CommonJS
      // build (an ESM build of it would turn its require into esbuild's shim)
      // and src/sdkCore.module.js for bundlers (the `module` condition).
      onSuccess: async () => {
        await copyFile('src/sdkCore.cjs', 'dist/sdkCore.cjs');
        await copyFile('src/sdkCore.module.js', 'dist/sdkCore.module.js');
        await copyFile('src/sdkCore.node.js', 'dist/sdkCore.node.js');
      },
    },
  ),
);
