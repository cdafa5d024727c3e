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
      // src/sdkCore.cjs ships as it is: CommonJS only, its `require` a
      // literal that Node runs and bundlers follow (an ESM build of it would
      // turn the require into esbuild's shim, which neither can).
      onSuccess: async () => {
        await copyFile('src/sdkCore.cjs', 'dist/sdkCore.cjs');
      },
    },
  ),
);
