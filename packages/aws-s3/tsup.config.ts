import { defineConfig } from 'tsup';
import { defineBuild } from '../../tsup.config.base.js';

// `index.edge` / `register.edge` are what the `workerd`, `worker` and
// `edge-light` export conditions resolve to (see package.json "exports").
export default defineConfig(
  defineBuild({ index: 'src/index.ts', register: 'src/register.ts', 'index.edge': 'src/index.edge.ts', 'register.edge': 'src/register.edge.ts' }),
);
