import { describe, expect, it } from 'vitest'
import { fakeClient, reply } from '../../test/fixtures/fake-client.ts'
import type { Reply } from '../client.ts'
import { runCases } from '../runner.ts'
import type { CaseResult } from '../types.ts'
import { contextCases, tallyRids } from './context.ts'

const byId = (id: string) => {
  const c = contextCases.find((x) => x.id === id)
  if (c === undefined) throw new Error(`no case ${id}`)
  return c
}

async function one(id: string, answer: Parameters<typeof fakeClient>[0]): Promise<CaseResult> {
  const [r] = await runCases(fakeClient(answer), [byId(id)], { timeoutMs: 1_000, attempts: 1 })
  if (r === undefined) throw new Error('no result')
  return r
}

describe('tallyRids', () => {
  const ids = ['a', 'b', 'c']
  it('counts the answers without their own id, and those that carry another request\'s', () => {
    const replies: Reply[] = [reply(200, { rid: 'a' }), reply(200, { rid: 'c' }), reply(200, { rid: 'zzz' })]
    expect(tallyRids(ids, replies)).toEqual({ wrong: 2, otherRequests: 1, first: 1 })
  })
  it('a right id with a wrong status, or no JSON, is wrong too; all right → no first', () => {
    expect(tallyRids(ids, [reply(500, { rid: 'a' }), reply(200, 'b'), reply(200, { rid: 'c' })])).toEqual({ wrong: 2, otherRequests: 0, first: 0 })
    expect(tallyRids(ids, ids.map((rid) => reply(200, { rid })))).toEqual({ wrong: 0, otherRequests: 0 })
  })
})

describe('context.{mode}.request-id', () => {
  it('each request gets its own id back → PASS', async () => {
    const r = await one('context.sync.request-id', (_m, _p, opts) => reply(200, { rid: opts.headers?.['x-request-id'] }))
    expect(r.verdict).toBe('PASS')
  })

  it('ids leak between concurrent requests → FAIL, saying how many and the first', async () => {
    let last: string | undefined
    const r = await one('context.async.request-id', async (_m, _p, opts) => {
      last = opts.headers?.['x-request-id'] // a module-level variable: the last request's id wins
      await new Promise((res) => setTimeout(res, 5))
      return reply(200, { rid: last })
    })
    expect(r.verdict).toBe('FAIL')
    expect(r.reason).toMatch(/^63 of 64 concurrent GET \/context\/async\?ms=20 did not answer 200 \{"rid":<their own x-request-id>\}, 63 of them with another request's id; first: x-request-id rid-[0-9a-f]{8}-\d+-0 answered 200 "\{\\"rid\\":\\"rid-[0-9a-f]{8}-\d+-63\\"\}"$/)
    expect(r.data).toMatchObject({ requests: 64, wrong: 63, otherRequestsIds: 63 })
  })

  it('404 → UNIMPLEMENTED (an optional endpoint)', async () => {
    const r = await one('context.sync.request-id', () => reply(404, 'Not Found'))
    expect(r).toMatchObject({ verdict: 'UNIMPLEMENTED', reason: 'GET /context/sync?ms=20 answered 404: the endpoint is missing' })
  })
})

describe('context.parity.dependency-writes', () => {
  const seen = (sync: unknown, async: unknown) => (_m: string, path: string) => (path.startsWith('/context/sync/') ? reply(200, { seen: sync }) : reply(200, { seen: async }))

  it('both modes see the same → PASS, the values in data', async () => {
    const r = await one('context.parity.dependency-writes', seen('dep', 'dep'))
    expect(r.verdict).toBe('PASS')
    expect(r.data).toEqual({ syncSeen: 'dep', asyncSeen: 'dep' })
  })

  it('the sync side loses the write → WARN naming both values', async () => {
    const r = await one('context.parity.dependency-writes', seen(null, 'dep'))
    expect(r).toMatchObject({ verdict: 'WARN', reason: 'GET /context/sync/dep-writes saw null, GET /context/async/dep-writes saw "dep"' })
  })

  it('a 404 in either mode → UNIMPLEMENTED, never parity', async () => {
    const r = await one('context.parity.dependency-writes', (_m, path) => (path.startsWith('/context/async/') ? reply(404, 'Not Found') : reply(200, { seen: 'dep' })))
    expect(r).toMatchObject({ verdict: 'UNIMPLEMENTED', reason: 'GET /context/async/dep-writes answered 404: the endpoint is missing' })
  })

  it('an answer without "seen" → WARN with the body on one line', async () => {
    const r = await one('context.parity.dependency-writes', (_m, path) => (path.startsWith('/context/sync/') ? reply(500, '<h1>oops</h1>\n<p>trace</p>') : reply(200, { seen: 'dep' })))
    expect(r).toMatchObject({ verdict: 'WARN', reason: 'GET /context/sync/dep-writes answered 500 "<h1>oops</h1> <p>trace</p>", expected 200 {"seen":<value or null>}' })
  })
})
