import { defineConfig } from 'tsup';

export default defineConfig({ entry: { demo: 'src/demo.ts' }, format: ['esm'], target: 'node20', platform: 'node', clean: true, dts: false });
