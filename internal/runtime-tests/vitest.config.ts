import { defineTestConfig } from '../../vitest.shared.js';

// Each file starts its own local AWS and a browser or runtime; two cores, so at most two files at once.
export default defineTestConfig({
  include: ['test/**/*.test.ts'],
  maxWorkers: 2,
  testTimeout: 60_000,
  hookTimeout: 90_000,
});
