import { defineConfig } from 'tsup';

// run.js is the bench; the others are the child processes it starts (fresh
// processes for import cost, Lambda init and throughput, --expose-gc for the many-tenant
// heap, and the local AWS endpoints in a process of their own so CPU time and
// socket counts are the client's alone). Dependencies stay external: they resolve as a consumer's would.
export default defineConfig({
  entry: {
    run: 'src/run.ts',
    'import-probe': 'src/importProbe.ts',
    'lambda-init-probe': 'src/lambdaInitProbe.ts',
    'local-aws': 'src/localAwsServer.ts',
    'tenants-child': 'src/tenantsChild.ts',
    'throughput-child': 'src/throughputChild.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  clean: true,
  dts: false,
  splitting: true,
});
