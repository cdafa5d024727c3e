import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';
import { defineBuild } from '../../tsup.config.base.js';

export default defineConfig(
  defineBuild(
    { index: 'src/index.ts', 'runtime.node': 'src/runtime.node.ts', 'runtime.web': 'src/runtime.web.ts' },
    {
      // `#runtime` stays an import so the consumer's conditions pick the Node
      // or the web variant (see "imports" in package.json).
      // `#sdkCore` stays a require of its own CommonJS file (see src/sdkCore.cjs).
      external: ['#runtime', '#sdkCore'],
      // No code splitting: index → shared chunk → #runtime → shared chunk is
      // an import cycle, and runtime.node would read the chunk's exports
      // before they exist (FastPathIndex undefined: no fast path). Module
      // state the two copies must share is keyed by Symbol.for instead.
      dts: { entry: { index: 'src/index.ts' } },
      // `#sdkCore` ships as written: src/sdkCore.cjs for Node (CommonJS only:
      // an ESM build of it would turn its require into esbuild's shim) and
      // src/sdkCore.module.js for bundlers (the `module` condition).
      onSuccess: async () => {
        await copyFile('src/sdkCore.cjs', 'dist/sdkCore.cjs');
        await copyFile('src/sdkCore.module.js', 'dist/sdkCore.module.js');
      },
    },
  ),
);
