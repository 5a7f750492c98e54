/**
 * Regression: a 404 satisfied what it must not. An invalid-input case that expects a 4xx passed on
 * a missing endpoint, two 404s passed a parity case, and an INFO case recorded the numbers around
 * a 404 as a measurement.
 */
import { describe, expect, it } from 'vitest'
import type { Reply, RequestOptions, TargetClient } from '../client.ts'
import { runCases } from '../runner.ts'
import type { CaseResult } from '../types.ts'
import { ALL_CASES } from './index.ts'

const reply = (status: number, body = ''): Reply => ({ status, headers: { 'content-type': 'text/html' }, body: Buffer.from(body), ms: 1 })
const NOT_FOUND = '<html>\n<body>\n<h1>404 Not Found</h1>\n</body>\n</html>\n'

/** A fake target: `/health` and `/ping` answer 200; every other request gets `answer(method, path)`. */
function target(answer: (method: string, path: string) => Reply): TargetClient {
  return {
    request: async (path: string, opts: RequestOptions = {}) => {
      if (path === '/health' || path === '/ping') return reply(200, '{"status":"ok"}')
      return answer(opts.method ?? 'GET', path)
    },
  } as unknown as TargetClient
}

/** Everything but /health and /ping is missing. */
const empty = target(() => reply(404, NOT_FOUND))

async function run(client: TargetClient, ids: readonly string[]): Promise<Record<string, CaseResult>> {
  const cases = ALL_CASES.filter((c) => ids.includes(c.id))
  expect(cases.map((c) => c.id)).toEqual(ids)
  const results = await runCases(client, cases, { timeoutMs: 1_000, attempts: 1 })
  return Object.fromEntries(results.map((r) => [r.id, r]))
}

const INVALID = ['path-invalid', 'query-missing', 'json-invalid-type', 'json-malformed', 'header-missing']

describe('a 404 never satisfies what it must not', () => {
  it('invalid input answered 404 on a missing endpoint → FAIL naming the missing endpoint', async () => {
    const ids = ['sync', 'async'].flatMap((mode) => INVALID.map((name) => `extraction.${mode}.${name}`))
    const results = await run(empty, ids)
    for (const id of ids) expect(results[id]?.verdict, id).toBe('FAIL')
    expect(results['extraction.sync.path-invalid']?.reason).toBe('GET /extract/sync/path/abc answered 404, and so did the valid GET /extract/sync/path/42: the endpoint is missing')
    expect(results['extraction.async.json-malformed']?.reason).toBe('POST /extract/async/json answered 404, and so did the valid POST /extract/async/json: the endpoint is missing')
    expect(results['extraction.sync.header-missing']?.actual?.status).toBe(404)
  })

  it('invalid input answered 404 while the endpoint exists → FAIL too: a 404 names a missing route', async () => {
    const router = target((_, path) => (path === '/extract/sync/path/42' ? { ...reply(200, '{"id":42}'), headers: { 'content-type': 'application/json' } } : reply(404, NOT_FOUND)))
    const results = await run(router, ['extraction.sync.path-invalid'])
    expect(results['extraction.sync.path-invalid']).toMatchObject({
      verdict: 'FAIL',
      reason: 'GET /extract/sync/path/abc answered 404 while the valid GET /extract/sync/path/42 answered 200: a 404 names a missing route, not invalid input',
    })
  })

  it('another 4xx still passes the MUST (and 422 the SHOULD)', async () => {
    const results = await run(target(() => reply(400, '{"error":"n"}')), ['extraction.sync.query-missing', 'extraction.sync.json-malformed'])
    expect(results['extraction.sync.query-missing']).toMatchObject({ verdict: 'WARN', reason: 'GET /extract/sync/query?q=hello (invalid input) answered 400, expected 422' })
    expect(results['extraction.sync.json-malformed']?.verdict).toBe('PASS')
  })

  it('sync and async both 404 → WARN, not parity', async () => {
    const results = await run(empty, ['coercion.parity.dict', 'coercion.parity.none'])
    expect(results['coercion.parity.dict']).toMatchObject({ verdict: 'WARN', reason: 'GET /coerce/sync/dict and GET /coerce/async/dict answered 404: the endpoint is missing' })
    expect(results['coercion.parity.none']?.verdict).toBe('WARN')
  })

  it('an INFO case whose endpoint answered 404 → UNIMPLEMENTED, not a measurement', async () => {
    const results = await run(empty, ['thread-safety.unsafe-counter', 'blocking.async-blocking-stall'])
    expect(results['thread-safety.unsafe-counter']).toMatchObject({ verdict: 'UNIMPLEMENTED', reason: 'DELETE /counter/unsafe answered 404: the endpoint is missing' })
    expect(results['blocking.async-blocking-stall']).toMatchObject({ verdict: 'UNIMPLEMENTED', reason: 'GET /block/async-blocking?ms=300 answered 404: the endpoint is missing' })
    expect(results['blocking.async-blocking-stall']?.data).toBeUndefined()
  })

  it('a counter whose POST is missing → UNIMPLEMENTED (INFO) or FAIL (MUST), never ERROR', async () => {
    const postMissing = target((method) => (method === 'POST' ? reply(404, NOT_FOUND) : method === 'DELETE' ? reply(204) : reply(200, '{"n":0}')))
    const results = await run(postMissing, ['thread-safety.locked-counter', 'thread-safety.unsafe-counter'])
    expect(results['thread-safety.locked-counter']).toMatchObject({ verdict: 'FAIL', reason: 'POST /counter/locked answered 404: the endpoint is missing' })
    expect(results['thread-safety.unsafe-counter']).toMatchObject({ verdict: 'UNIMPLEMENTED', reason: 'POST /counter/unsafe answered 404: the endpoint is missing' })
  })

  it('the optional diagnostics endpoint → UNIMPLEMENTED; the cases that expect a status other than 404 fail on one', async () => {
    const ids = ['errors.sync.exception', 'errors.method-not-allowed', 'thread-safety.sync.transient', 'blocking.sync-parallel', 'blocking.diagnostics']
    const results = await run(empty, ids)
    expect(Object.fromEntries(ids.map((id) => [id, results[id]?.verdict]))).toEqual({
      'errors.sync.exception': 'FAIL',
      'errors.method-not-allowed': 'FAIL',
      'thread-safety.sync.transient': 'WARN',
      'blocking.sync-parallel': 'FAIL',
      'blocking.diagnostics': 'UNIMPLEMENTED',
    })
    expect(results['errors.sync.exception']?.reason).toBe('GET /error/sync answered 404 "<html> <body> <h1>404 Not Found</h1> </body> </html>", expected 500')
    expect(results['blocking.sync-parallel']?.reason).toBe('4 of 4 GET /block/sync?ms=300 answered 404 "<html> <body> <h1>404 Not Found</h1> </body> </html>" (the first), expected 200 {"slept":300}')
  })
})
