import { defineTestConfig } from '../../vitest.shared.js';

// Files run one after another: each starts its own local endpoints, and the
// timing-sensitive suites (timeouts, drain) should not fight for two cores.
export default defineTestConfig({ fileParallelism: false, testTimeout: 60_000, hookTimeout: 60_000 });
