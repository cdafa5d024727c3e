import { defineConfig } from 'tsup';
import { defineBuild } from '../../tsup.config.base.js';

export default defineConfig(
  defineBuild(
    { index: 'src/index.ts', register: 'src/register.ts', 'tokenFile.node': 'src/tokenFile.node.ts', 'tokenFile.web': 'src/tokenFile.web.ts' },
    {
      // `#tokenFile` stays an import so the consumer's conditions pick the Node
      // (reads the file) or the web variant (no `node:` import; see "imports" in package.json).
      external: ['#tokenFile'],
      dts: { entry: { index: 'src/index.ts', register: 'src/register.ts' } },
    },
  ),
);
