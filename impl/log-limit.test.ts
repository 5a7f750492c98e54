/**
 * Error logging with a bound (issue 14: a 60 s soak of failing requests wrote 15.6 MB of
 * identical stacks): the first few failures per kind and interval in full, then a count.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import def from '../test/fixtures/server-app.ts'
import { request, start } from '../test/http.ts'
import { ErrorLog, resolveErrorLogLimit, type ErrorLogLimit } from './log-limit.ts'
import type { Logger } from './log.ts'

function capture(): { logger: Logger; lines: { level: string; obj: object; msg: string }[] } {
  const lines: { level: string; obj: object; msg: string }[] = []
  const push = (level: string) => (obj: object, msg: string) => void lines.push({ level, obj, msg })
  return { logger: { info: push('info'), warn: push('warn'), error: push('error') }, lines }
}

describe('ErrorLog', () => {
  afterEach(() => void vi.useRealTimers())

  it('logs the first `perInterval` failures of a kind in full, counts the rest, and logs the count when the interval ends', () => {
    vi.useFakeTimers()
    const { logger, lines } = capture()
    const log = new ErrorLog(logger, resolveErrorLogLimit({ perInterval: 3, intervalMs: 1_000 }))
    for (let i = 0; i < 100; i++) log.error('UNB_ERR_HANDLER_FAILED GET /a', { i }, 'the handler for GET /a failed')
    log.error('UNB_ERR_HANDLER_FAILED GET /b', { i: 0 }, 'the handler for GET /b failed')
    expect(lines.map((l) => l.obj)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }, { i: 0 }])
    vi.advanceTimersByTime(1_000)
    expect(lines).toHaveLength(5)
    expect(lines[4]).toEqual({
      level: 'error',
      obj: { suppressed: { kind: 'UNB_ERR_HANDLER_FAILED GET /a', count: 97, logged: 3, intervalMs: 1_000 } },
      msg: '97 more failures like "the handler for GET /a failed" (UNB_ERR_HANDLER_FAILED GET /a) were not logged, within 1 s of the first',
    })
    // A new interval: logged in full again.
    log.error('UNB_ERR_HANDLER_FAILED GET /a', { i: 100 }, 'the handler for GET /a failed')
    expect(lines.at(-1)?.obj).toEqual({ i: 100 })
  })

  it('no failure, no timer; nothing suppressed, no summary', () => {
    vi.useFakeTimers()
    const { logger, lines } = capture()
    const log = new ErrorLog(logger, resolveErrorLogLimit({ perInterval: 2, intervalMs: 1_000 }))
    expect(vi.getTimerCount()).toBe(0)
    log.error('k', {}, 'm')
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(1_000)
    expect(lines).toHaveLength(1)
    expect(vi.getTimerCount()).toBe(0)
  })

  it.each<[ErrorLogLimit, string]>([
    [{ perInterval: 0 }, 'options.errorLogLimit.perInterval must be a positive integer, got 0'],
    [{ intervalMs: 2.5 }, 'options.errorLogLimit.intervalMs must be a positive integer, got 2.5'],
  ])('%j is rejected with an exact message', (bad, message) => {
    expect(() => resolveErrorLogLimit(bad)).toThrow(message)
  })
})

describe('a server whose route fails on every request', () => {
  it('logs 5 stacks per route, then one count per route when the app closes', async () => {
    const s = await start(def, { pool: { minThreads: 1, maxThreads: 1 } })
    try {
      for (let i = 0; i < 40; i++) expect((await request(`${s.url}/fails`)).status).toBe(500)
      for (let i = 0; i < 3; i++) await request(`${s.url}/fails-too`)
    } finally {
      await s.close()
    }
    const errors = s.logs.filter((l) => l.level === 'error')
    const stacks = errors.filter((l) => 'failure' in l.obj)
    expect(stacks.filter((l) => l.msg === 'fails on purpose')).toHaveLength(5)
    expect(stacks.filter((l) => l.msg === 'fails on purpose, elsewhere')).toHaveLength(3)
    expect(stacks[0]?.obj).toMatchObject({ failure: { code: 'UNB_ERR_HANDLER_FAILED', stack: expect.stringContaining('fails on purpose') } })
    const counts = errors.filter((l) => 'suppressed' in l.obj)
    expect(counts.map((l) => l.obj)).toEqual([{ suppressed: { kind: 'UNB_ERR_HANDLER_FAILED ServerController.fails', count: 35, logged: 5, intervalMs: 60_000 } }])
  })
})
