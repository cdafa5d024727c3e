import { defineConfig } from 'tsup';

// The service runs from dist/ with its dependencies installed beside it (not
// bundled): Node resolves @dbp/aws-* through their `exports`, the core to its
// Node build through the `node` condition, as in production.
export default defineConfig({ entry: { server: 'src/server.ts' }, format: ['esm'], target: 'node20', platform: 'node', clean: true, dts: false });
