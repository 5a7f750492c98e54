import { describe, expect, it } from 'vitest'
import { fakeClient, reply, type Answer } from '../../test/fixtures/fake-client.ts'
import { runCases } from '../runner.ts'
import type { CaseResult } from '../types.ts'
import { errorsCases } from './errors.ts'

async function dependency(mode: 'sync' | 'async', answer: Answer): Promise<CaseResult> {
  const [r] = await runCases(fakeClient(answer), errorsCases.filter((c) => c.id === `errors.${mode}.dependency`), { timeoutMs: 1_000, attempts: 1 })
  if (r === undefined) throw new Error('no result')
  return r
}

/** `/depends` answers `depends`, `/depends-http` answers `http`. */
const target = (depends: ReturnType<typeof reply>, http = reply(503, { detail: 'database unavailable' })): Answer => (_m, path) => (path.endsWith('/depends-http') ? http : path.endsWith('/depends') ? depends : reply(404, 'Not Found'))

const TRACE = 'Error: dependency exploded\n    at provide (/srv/app/deps.js:12:11)\n    at resolve (/srv/app/di.js:40:5)'

describe('errors.{mode}.dependency', () => {
  it('500 without detail and 503 → PASS', async () => {
    expect((await dependency('sync', target(reply(500, { error: 'Internal Server Error' })))).verdict).toBe('PASS')
    expect((await dependency('async', target(reply(502, 'Bad Gateway')))).verdict).toBe('PASS')
  })

  it('a 4xx with the message and a trace → FAIL: never 4xx, the body on one line', async () => {
    const r = await dependency('sync', target(reply(400, { error: 'dependency exploded', stack: TRACE })))
    expect(r.verdict).toBe('FAIL')
    expect(r.reason).toBe('GET /error/sync/depends answered 400 "{\\"error\\":\\"dependency exploded\\",\\"stack\\":\\"Error: dependency exploded\\\\n at provide (/srv/app/deps.js:12:11)\\\\n at resolve (/srv/app/di.js:40:5)\\"}", expected 5xx (never 4xx)')
    expect(r.actual?.status).toBe(400)
  })

  it('the HTTP error in a dependency must keep its 503', async () => {
    const r = await dependency('async', target(reply(500, {}), reply(500, { error: 'Internal Server Error' })))
    expect(r).toMatchObject({ verdict: 'FAIL', reason: 'GET /error/async/depends-http answered 500 "{\\"error\\":\\"Internal Server Error\\"}", expected 503' })
  })

  it('a 500 that shows a trace, or the message → WARN', async () => {
    const traced = await dependency('sync', target(reply(500, TRACE)))
    expect(traced).toMatchObject({ verdict: 'WARN', reason: 'the 500 body of GET /error/sync/depends contains a stack-trace line: "at provide (/srv/app/deps.js:12:11"' })
    // A trace inside JSON (its line breaks escaped) is one too; the trace is found before the message.
    const json = await dependency('async', target(reply(500, { stack: TRACE })))
    expect(json).toMatchObject({ verdict: 'WARN', reason: 'the 500 body of GET /error/async/depends contains a stack-trace line: "at provide (/srv/app/deps.js:12:11"' })
    const told = await dependency('sync', target(reply(500, { error: 'dependency exploded' })))
    expect(told).toMatchObject({ verdict: 'WARN', reason: 'the 500 body of GET /error/sync/depends contains the error\'s message "dependency exploded"' })
  })

  it('both endpoints 404 → UNIMPLEMENTED; only one 404 → judged (a 404 is a 4xx)', async () => {
    const none = await dependency('sync', () => reply(404, 'Not Found'))
    expect(none).toMatchObject({ verdict: 'UNIMPLEMENTED', reason: 'GET /error/sync/depends and GET /error/sync/depends-http answered 404: the endpoints are missing' })
    const half = await dependency('sync', target(reply(404, 'Not Found')))
    expect(half).toMatchObject({ verdict: 'FAIL', reason: 'GET /error/sync/depends answered 404 "Not Found", expected 5xx (never 4xx)' })
  })
})
