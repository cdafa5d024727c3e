import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * The one vitest setup every package shares: resolve workspace packages to
 * their TypeScript sources (the `@dbp/source` export condition) so tests need
 * no build step, and keep the SDK away from the instance metadata service.
 */
export function defineTestConfig(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    resolve: { conditions: ['@dbp/source', 'node', 'import', 'default'] },
    ssr: { resolve: { conditions: ['@dbp/source', 'node', 'import', 'default'], externalConditions: ['@dbp/source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      typecheck: { enabled: true, include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
      env: { AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1' },
      testTimeout: 30_000,
      hookTimeout: 30_000,
      ...overrides,
    },
  });
}
