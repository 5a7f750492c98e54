import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    include: ['impl/**/*.test.ts', 'scenarios/**/*.test.ts', 'harness/**/*.test.ts', 'reports/**/*.test.ts', 'targets/**/*.test.ts', 'test/**/*.test.ts'],
    // End-to-end files start servers with worker pools; running them one at a time on a 2-core
    // machine keeps their generous time bounds meaningful.
    fileParallelism: false,
    testTimeout: 60_000,
    // A test that makes no assertion cannot fail: vitest fails it instead of passing it silently.
    expect: { requireAssertions: true },
    hookTimeout: 60_000,
  },
})
