import { defaultClientConditions, defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'

// Tests run the sources, and code that imports 'unblocked' (the README's example, fixtures) must
// get the same copy of the framework, not the build in dist/ that the package exports: the
// `unblocked-source` export condition points at impl/index.ts, for vitest's resolver and, through
// execArgv, for Node's in the test processes and the pool workers they start.
const conditions = ['unblocked-source']

export default defineConfig({
  resolve: { conditions: [...conditions, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [...conditions, ...defaultServerConditions] } },
  test: {
    execArgv: conditions.map((c) => `--conditions=${c}`),
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
