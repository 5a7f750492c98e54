/**
 * HTTP-level tests against the running reference target: every row of the contract table in
 * both modes, and the behaviours users rely on (with generous bounds, never tight timings).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hammer, request, spawnServe, type Reply, type Spawned } from './http.ts'

// The target runs in its own process, started by the real CLI: a server sharing the test's event
// loop could not show that it blocks, and the CLI is what users run.
let s: Spawned
beforeAll(async () => {
  s = await spawnServe('reference')
})
afterAll(async () => {
  const code = await s?.stop()
  expect(code).toBe(0) // SIGTERM → graceful shutdown, clean exit
})

const logged = (needle: string): boolean => s.output.some((line) => line.includes(needle))

const JSON_T = 'application/json; charset=utf-8'
const TEXT_T = 'text/plain; charset=utf-8'

const COERCION: Record<string, { status: number; type: string | null; body: string | number[] | null; json?: boolean }> = {
  dict: { status: 200, type: JSON_T, body: '{"kind":"dict","n":1}', json: true },
  model: { status: 200, type: JSON_T, body: '{"id":7,"name":"widget"}', json: true },
  dataclass: { status: 200, type: JSON_T, body: '{"x":1,"y":2}', json: true },
  str: { status: 200, type: TEXT_T, body: 'hello, world' },
  unicode: { status: 200, type: TEXT_T, body: 'héllo ✓' },
  none: { status: 204, type: null, body: null },
  created: { status: 201, type: JSON_T, body: '{"created":true}', json: true },
  response: { status: 202, type: TEXT_T, body: 'raw' },
  int: { status: 200, type: JSON_T, body: '42', json: true },
  float: { status: 200, type: JSON_T, body: '3.5', json: true },
  list: { status: 200, type: JSON_T, body: '[1,2,3]', json: true },
  bool: { status: 200, type: JSON_T, body: 'true', json: true },
  bytes: { status: 200, type: 'application/octet-stream', body: [0x00, 0x01, 0x62, 0x69, 0x6e] },
}

describe.each(['sync', 'async'] as const)('coercion rows (%s)', (mode) => {
  it.each(Object.entries(COERCION))('/coerce/%s', async (name, want) => {
    const r = await request(`${s.url}/coerce/${mode}/${name}`)
    expect(r.status).toBe(want.status)
    expect(r.headers.get('content-type')).toBe(want.type)
    if (want.body === null) expect(r.bytes.length).toBe(0)
    else if (Array.isArray(want.body)) expect([...r.bytes]).toEqual(want.body)
    else expect(r.bytes.equals(Buffer.from(want.body, 'utf8'))).toBe(true)
    if (name === 'response') expect(r.headers.get('x-passthrough')).toBe('1')
  })
})

it('sync and async handlers returning the same value give byte-identical responses', async () => {
  for (const name of Object.keys(COERCION)) {
    const [a, b] = await Promise.all([request(`${s.url}/coerce/sync/${name}`), request(`${s.url}/coerce/async/${name}`)])
    const headersOf = (r: Reply) => [...r.headers].filter(([k]) => k !== 'date')
    expect({ status: a.status, headers: headersOf(a), body: a.bytes.toString('hex') }).toEqual({ status: b.status, headers: headersOf(b), body: b.bytes.toString('hex') })
  }
})

describe.each(['sync', 'async'] as const)('extraction rows (%s)', (mode) => {
  const u = (p: string) => `${s.url}/extract/${mode}${p}`
  it('path: integer echoed; non-integer → 422 naming the field', async () => {
    expect((await request(u('/path/41'))).json()).toEqual({ id: 41 })
    const bad = await request(u('/path/abc'))
    expect(bad.status).toBe(422)
    expect(bad.json().error.issues[0]).toMatchObject({ location: 'path', field: 'id' })
  })
  it('query: both required; missing or invalid → 422', async () => {
    expect((await request(u('/query?q=hello&n=5'))).json()).toEqual({ q: 'hello', n: 5 })
    expect((await request(u('/query?q=hello'))).status).toBe(422)
    expect((await request(u('/query?n=5'))).status).toBe(422)
    expect((await request(u('/query?q=a&n=five'))).status).toBe(422)
  })
  it('json: echo; wrong types → 422; malformed → 400; over the limit → 413', async () => {
    const post = (body: string) => request(u('/json'), { method: 'POST', body, headers: { 'content-type': 'application/json' } })
    const ok = await post('{"name":"bolt","qty":3}')
    expect(ok.status).toBe(200)
    expect(ok.json()).toEqual({ name: 'bolt', qty: 3 })
    const wrong = await post('{"name":"bolt","qty":"3"}')
    expect(wrong.status).toBe(422)
    expect(wrong.json().error.issues[0].field).toBe('qty')
    expect((await post('{"name":')).status).toBe(400)
    const huge = await post(JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10), qty: 1 }))
    expect(huge.status).toBe(413)
    expect(huge.json().error.code).toBe('UNB_ERR_REQUEST_BODY_TOO_LARGE')
  })
  it('header: echoed; missing → 422', async () => {
    expect((await request(u('/header'), { headers: { 'x-token': 'tk' } })).json()).toEqual({ token: 'tk' })
    expect((await request(u('/header'))).status).toBe(422)
  })
  it('depends', async () => {
    expect((await request(u('/depends'))).json()).toEqual({ dep: 'resolved' })
  })
})

describe('scopes under concurrency', () => {
  it.each(['sync', 'async'])('%s: 64 concurrent requests each read back their own tag from one instance', async (mode) => {
    const replies = await Promise.all(Array.from({ length: 64 }, (_, i) => request(`${s.url}/scope/${mode}/request?tag=t${i}`)))
    replies.forEach((r, i) => expect(r.json()).toEqual({ tag: `t${i}`, same: true }))
  })
  it.each(['sync', 'async'])('%s: transient resolutions are distinct', async (mode) => {
    expect((await request(`${s.url}/scope/${mode}/transient`)).json()).toEqual({ distinct: true })
  })
})

describe('errors and routing', () => {
  it.each(['sync', 'async'])('/error/%s → 500 JSON without a stack; the server keeps serving', async (mode) => {
    const r = await request(`${s.url}/error/${mode}`)
    expect(r.status).toBe(500)
    expect(r.json().error.code).toBe('UNB_ERR_HANDLER_FAILED')
    expect(r.text).not.toContain('deliberate failure')
    expect(r.text).not.toMatch(/\bat .*\.ts:\d+/)
    expect((await request(`${s.url}/health`)).status).toBe(200)
    await new Promise((r) => setTimeout(r, 50)) // let the log line arrive through the pipe
    expect(logged(`deliberate failure in a${mode === 'async' ? 'n async' : ' sync'} handler`)).toBe(true)
  })
  it('unknown path → 404; wrong method → 405 with Allow', async () => {
    expect((await request(`${s.url}/nope`)).status).toBe(404)
    const r = await request(`${s.url}/counter/locked`, { method: 'PUT' })
    expect(r.status).toBe(405)
    expect(r.headers.get('allow')?.split(', ').sort()).toEqual(['DELETE', 'GET', 'POST'])
  })
  it('/health and /ping', async () => {
    expect((await request(`${s.url}/health`)).status).toBe(200)
    const p = await request(`${s.url}/ping`)
    expect(p.status).toBe(200)
    expect(p.text).toBe('pong')
  })
})

describe('cpu', () => {
  it.each(['sync', 'offload'])('/cpu/%s gives the check value for K=3', async (mode) => {
    expect((await request(`${s.url}/cpu/${mode}?n=3`)).json()).toEqual({ digest: 'a10d8cf5f23f3cf430cbc2bcef1d1dccc52602e9d10ff7b2ff90c6ee3f68b728' })
  })
  it('sync and offload agree for other K', async () => {
    for (const n of [0, 1, 1000]) {
      const [a, b] = await Promise.all([request(`${s.url}/cpu/sync?n=${n}`), request(`${s.url}/cpu/offload?n=${n}`)])
      expect(a.json()).toEqual(b.json())
    }
  })
})

describe('blocking behaviour', () => {
  it('four concurrent /block/sync?ms=300 run in parallel, not serially (4×300 ms)', async () => {
    const t0 = performance.now()
    const replies = await Promise.all(Array.from({ length: 4 }, () => request(`${s.url}/block/sync?ms=300`)))
    const elapsed = performance.now() - t0
    for (const r of replies) expect(r.json()).toEqual({ slept: 300 })
    expect(elapsed).toBeLessThan(900) // serial would be ≥ 1200 ms
  })

  // The bound is set by what the test must catch, not by how fast a ping usually is: a loop held by
  // the 400 ms blockers keeps a ping sent 50 ms in waiting at least 350 ms. Under 250 ms leaves
  // room for this process's own pauses (its GC, the VM's CPU taken by the host), which the pings
  // measure too (up to 124 ms seen in CI). The conformance suites' blocking cases hold the 100 ms bound.
  it('/ping answers promptly while sync handlers block', async () => {
    const blockers = Promise.all(Array.from({ length: 4 }, () => request(`${s.url}/block/sync?ms=400`)))
    await new Promise((r) => setTimeout(r, 50))
    const worst = await worstPing(s.url, 250)
    await blockers
    expect(worst).toBeLessThan(250)
  })

  it('/block/async-blocking really stalls the loop (the mistake, measured)', async () => {
    const blocker = request(`${s.url}/block/async-blocking?ms=300`)
    await new Promise((r) => setTimeout(r, 20))
    const t0 = performance.now()
    await request(`${s.url}/ping`)
    const stalled = performance.now() - t0
    await blocker
    expect(stalled).toBeGreaterThan(150)
  })
})

/** Sequential pings for `ms`; the worst latency seen. */
async function worstPing(url: string, ms: number): Promise<number> {
  let worst = 0
  const end = performance.now() + ms
  while (performance.now() < end) {
    const t = performance.now()
    const r = await request(`${url}/ping`)
    expect(r.status).toBe(200)
    worst = Math.max(worst, performance.now() - t)
  }
  return worst
}

describe('shared state across workers', () => {
  it('2,000 POST /counter/locked at concurrency 64 end at exactly 2,000, every n distinct', async () => {
    expect((await request(`${s.url}/counter/locked`, { method: 'DELETE' })).status).toBe(204)
    const ns = await hammer(2000, 64, async () => {
      const r = await request(`${s.url}/counter/locked`, { method: 'POST' })
      expect(r.status).toBe(200)
      return r.json().n as number
    })
    expect(new Set(ns).size).toBe(2000)
    expect((await request(`${s.url}/counter/locked`)).json()).toEqual({ n: 2000 })
  })

  it('the same counter without the lock loses updates (sync handlers really run in parallel)', async () => {
    await request(`${s.url}/counter/unsafe`, { method: 'DELETE' })
    await hammer(400, 16, () => request(`${s.url}/counter/unsafe`, { method: 'POST' }))
    const final = (await request(`${s.url}/counter/unsafe`)).json().n
    expect(final).toBeGreaterThan(0)
    expect(final).toBeLessThan(400)
  })
})
