import { describe, expect, it } from 'vitest'
import { lastOutput, neverHealthy, pollError, seen } from './health-wait.ts'

describe('neverHealthy: what GET /health answered while the target started', () => {
  it('one answer all along: "answered 404 for 30 s"', () => {
    let h = seen(undefined, { status: 404 }, 100)
    h = seen(h, { status: 404 }, 20_000)
    expect(neverHealthy(h, 30_000, 30_100)).toBe('GET /health answered 404 for 30 s')
  })

  it('a transport failure all along: "connection refused for 2.5 s"', () => {
    const h = seen(undefined, { error: 'connection refused' }, 0)
    expect(neverHealthy(h, 2_500, 2_600)).toBe('GET /health: connection refused for 2.5 s')
  })

  it('an answer that changed: the last one, for how long, and the one before it', () => {
    let h = seen(undefined, { error: 'connection refused' }, 0)
    h = seen(h, { status: 503 }, 17_700)
    h = seen(h, { status: 503 }, 25_000)
    expect(neverHealthy(h, 30_000, 30_000)).toBe('GET /health answered 503 for the last 12.3 s of 30 s (before that: connection refused)')
  })

  it('no poll at all: says so, with the limit', () => {
    expect(neverHealthy(undefined, 800, 900)).toBe('GET /health got no answer within 800 ms')
  })
})

it('pollError names what undici saw in a few words', () => {
  expect(pollError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 1_000)).toBe('connection refused')
  expect(pollError(Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), 1_000)).toBe('no answer within 1 s')
  expect(pollError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }), 1_000)).toBe('connection reset')
  expect(pollError(new Error('something\nelse'), 1_000)).toBe('something else')
})

describe('lastOutput', () => {
  it('the last lines, on one line', () => {
    expect(lastOutput(['a', 'b', 'c', 'listening on 9000'])).toBe('; its last output: "b ⏎ c ⏎ listening on 9000"')
    expect(lastOutput([])).toBe('')
  })

  it("a crash's message first when the last lines are only its stack's tail", () => {
    const node = ['node:internal/modules/cjs/loader:1210', '  throw err;', "Error: Cannot find module '/x.js'", '    at Module._load (node:internal/modules/cjs/loader:1038:27)', "  code: 'MODULE_NOT_FOUND',", '}', 'Node.js v20.20.2']
    expect(lastOutput(node)).toBe(`; its last output: "Error: Cannot find module '/x.js' ⏎ … ⏎ code: 'MODULE_NOT_FOUND', ⏎ } ⏎ Node.js v20.20.2"`)
    // A message among the last lines is shown where it is.
    expect(lastOutput(['Traceback (most recent call last):', '  File "app.py", line 1', "ModuleNotFoundError: No module named 'fastapi'"])).toBe(
      `; its last output: "Traceback (most recent call last): ⏎ File "app.py", line 1 ⏎ ModuleNotFoundError: No module named 'fastapi'"`,
    )
  })
})
