import { defineConfig } from 'tsup';
import { defineBuild } from '../../tsup.config.base.js';

export default defineConfig(
  defineBuild(
    { index: 'src/index.ts', 'runtime.node': 'src/runtime.node.ts', 'runtime.web': 'src/runtime.web.ts' },
    {
      // `#runtime` stays an import so the consumer's conditions pick the Node
      // or the web variant (see "imports" in package.json).
      external: ['#runtime'],
      // The factory (index) and the Node runtime module share the core's
      // modules (errors, messages, key spec, fast path): split, they share one
      // copy of each, and so one copy of module state, instead of each
      // bundling its own.
      splitting: true,
      dts: { entry: { index: 'src/index.ts' } },
    },
  ),
);
