import { defineConfig } from 'tsup';
import { defineBuild } from '../../tsup.config.base.js';

// `shims`: the CommonJS build needs `import.meta.url` (resolving s3rver/dynalite for the child
// processes that run them).
export default defineConfig(defineBuild({ index: 'src/index.ts' }, { shims: true }));
