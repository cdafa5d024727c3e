import { defineConfig } from 'tsup';

// One self-contained file for the Lambda zip (`dist/handler.mjs`, handler
// `handler.handler`): everything bundled, the SDK included, so the function
// runs on the SDK version it was tested with rather than the runtime's copy.
// Bundling for Node (platform node) resolves the core's `#runtime` import
// through its `node` condition.
export default defineConfig({
  entry: { handler: 'src/handler.ts' },
  format: ['esm'],
  outExtension: () => ({ js: '.mjs' }),
  platform: 'node',
  target: 'node20',
  noExternal: [/.*/],
  splitting: false,
  // Some SDK dependencies are CommonJS and `require()` Node built-ins, which
  // an ES module bundle can only do through a real `require`.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  clean: true,
  dts: false,
});
