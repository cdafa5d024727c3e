import { defineConfig } from 'tsup';

// A library module: its dependencies stay imports (the application installs them).
export default defineConfig({ entry: { index: 'src/index.ts' }, format: ['esm'], target: 'node20', platform: 'node', clean: true, dts: false });
