import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * The one vitest setup every package shares: resolve workspace packages to
 * their TypeScript sources (the `@dbp/source` export condition) so tests need
 * no build step, and keep the SDK away from the instance metadata service.
 */
export function defineTestConfig(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    resolve: { conditions: ['@dbp/source', 'node'] },
    ssr: { resolve: { conditions: ['@dbp/source', 'node'], externalConditions: ['@dbp/source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      typecheck: { enabled: true, include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
      env: { AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      // The JSON report lets scripts/test.mjs print one closing total for the repo.
      reporters: ['default', 'json'],
      outputFile: { json: '.tmp/vitest-results.json' },
      testTimeout: 30_000,
      hookTimeout: 30_000,
      ...overrides,
    },
  });
}
