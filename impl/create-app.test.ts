import { readdirSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import def from '../test/fixtures/readme-app.ts'
import { createApp, type AppOptions } from './create-app.ts'
import { silentLogger } from './log.ts'

/** Live threads of this process (Linux): worker threads included, whoever started them. */
const threads = (): number => readdirSync('/proc/self/task').length

/** Poll until `threads()` is at most `n`, for up to `ms` (a destroyed worker takes a moment to exit). */
async function threadsSettleTo(n: number, ms = 3_000): Promise<number> {
  const end = Date.now() + ms
  let now = threads()
  while (now > n && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50))
    now = threads()
  }
  return now
}

// A pool that really starts a thread at construction, kept small: every worker loads the app.
const pool = { minThreads: 1, maxThreads: 1, fastLane: false } as const

describe.runIf(process.platform === 'linux')('createApp with invalid options', () => {
  it.each<[string, AppOptions]>([
    ['blocking options', { blocking: { thresholdMs: 0 } }],
    ['blocking options (switchable without endpoint)', { blocking: { switchable: true } }],
    ['pool options', { pool: { ...pool, maxQueue: -1 } }],
    ['sharedBytes', { sharedBytes: -1 }],
    ['server limits', { maxConnections: 0 }],
  ])('createApp with invalid %s leaks no worker threads', async (_, bad) => {
    await stat('.') // libuv's thread pool starts on first use: let it exist before counting
    const before = threads()
    for (let i = 0; i < 3; i++) {
      await expect(createApp(def, { logger: silentLogger, pool, ...bad })).rejects.toMatchObject({ code: 'UNB_ERR_OPTIONS_INVALID' })
    }
    expect(await threadsSettleTo(before)).toBe(before)
  })
})

describe('server limits and shutdown bounds reach the server', () => {
  it('as set, on node\'s server', async () => {
    const app = await createApp(def, { logger: silentLogger, pool, headersTimeout: 2_000, requestTimeout: 4_000, keepAliveTimeout: 3_000, maxConnections: 7, shutdown: { graceMs: 100, poolCloseMs: 200 } })
    try {
      expect(app.server).toMatchObject({ headersTimeout: 2_000, requestTimeout: 4_000, keepAliveTimeout: 3_000, maxConnections: 7 })
      expect(app.closeWithinMs).toBeLessThan(5_000)
    } finally {
      await app.close()
    }
  })
})

describe('option messages', () => {
  it.each<[AppOptions, string]>([
    [{ bodyLimit: 1.5 }, 'options.bodyLimit must be a non-negative integer, got 1.5'],
    [{ sharedBytes: -1 }, 'options.sharedBytes must be a non-negative integer, got -1'],
    [{ sharedBytes: Number.NaN }, 'options.sharedBytes must be a non-negative integer, got NaN'],
    [{ pool: { minThreads: 3, maxThreads: 2 } }, 'options.pool.minThreads (3) exceeds options.pool.maxThreads (2)'],
    [{ blocking: { maxEvents: 0 } }, 'options.blocking.maxEvents must be a positive integer, got 0'],
    [{ blocking: { switchable: true } }, 'options.blocking.switchable needs options.blocking.endpoint (it is switched there)'],
    [{ blocking: { endpoint: 'diagnostics' } }, "options.blocking.endpoint must be a path starting with '/' (no query), got diagnostics"],
    [{ logger: {} as AppOptions['logger'] }, 'options.logger must have info, warn and error methods'],
    [{ headersTimeout: 0 }, 'options.headersTimeout must be a positive integer, got 0'],
    [{ requestTimeout: 500 }, 'options.headersTimeout (10000) exceeds options.requestTimeout (500)'],
    [{ keepAliveTimeout: 1.5 }, 'options.keepAliveTimeout must be a positive integer, got 1.5'],
    [{ maxConnections: -1 }, 'options.maxConnections must be a positive integer, got -1'],
    [{ shutdown: { graceMs: -1 } }, 'options.shutdown.graceMs must be a non-negative integer, got -1'],
    [{ errorLogLimit: { perInterval: 0 } }, 'options.errorLogLimit.perInterval must be a positive integer, got 0'],
  ])('%j is rejected with an exact message', async (bad, message) => {
    await expect(createApp(def, bad)).rejects.toThrow(message)
  })

  it('createApp rejects rather than throws', () => {
    const p = createApp(def, { bodyLimit: -1 })
    expect(p).toBeInstanceOf(Promise)
    return expect(p).rejects.toThrow('options.bodyLimit must be a non-negative integer, got -1')
  })
})

describe.runIf(process.platform === 'linux')('createApp called by the app module itself', () => {
  it('fails with UNB_ERR_APP_IN_WORKER instead of every worker starting a pool of its own', async () => {
    await stat('.')
    const before = threads()
    const mod = await import('../test/fixtures/self-starting-app.ts')
    await expect(mod.started).rejects.toThrow(/createApp was called inside a worker of the pool \(while it loaded file:.*self-starting-app\.ts\)/)
    expect(await threadsSettleTo(before)).toBe(before)
  })
})
