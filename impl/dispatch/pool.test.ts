import { threadId } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import def from '../../test/fixtures/pool-app.ts'
import { request, start, type Started } from '../../test/http.ts'
import { resolvePoolOptions } from './pool.ts'

describe('pool options', () => {
  it('defaults: a full warm pool, not limited to the core count, bounded queue', () => {
    const o = resolvePoolOptions()
    expect(o.maxThreads).toBeGreaterThanOrEqual(16)
    expect(o.minThreads).toBe(o.maxThreads)
    expect(resolvePoolOptions({ maxThreads: 6 }).minThreads).toBe(6)
    expect(o.maxQueue).toBe(1024)
    expect(o.idleTimeout).toBe(30_000)
  })

  it.each([
    [{ maxThreads: 0 }, 'options.pool.maxThreads must be an integer ≥ 1, got 0'],
    [{ minThreads: -1 }, 'options.pool.minThreads must be an integer ≥ 0, got -1'],
    [{ maxQueue: 1.5 }, 'options.pool.maxQueue must be an integer ≥ 0, got 1.5'],
    [{ minThreads: 5, maxThreads: 2 }, 'options.pool.minThreads (5) exceeds options.pool.maxThreads (2)'],
  ])('%j is rejected with an exact message', (opts, message) => {
    expect(() => resolvePoolOptions(opts)).toThrow(message)
  })
})

describe('dispatch through the pool', () => {
  let s: Started
  beforeAll(async () => {
    s = await start(def, { pool: { minThreads: 2, maxThreads: 4 } })
  })
  afterAll(() => s.close())

  it('sync handlers run in a worker that loaded the app module itself', async () => {
    const r = (await request(`${s.url}/who`)).json()
    expect(r.thread).not.toBe(threadId)
    expect(r.loadedIn).toBe(r.thread) // the module was evaluated in that worker, not shipped
  })

  it('a worker gets the headers its extractors read; a custom extractor gets them all', async () => {
    const h = { 'x-a': '1', 'x-b': '2' }
    expect((await request(`${s.url}/headers/declared`, { headers: h })).json()).toEqual({ a: '1' })
    const names = (await request(`${s.url}/headers/custom`, { headers: h })).json().names as string[]
    expect(names).toEqual(expect.arrayContaining(['host', 'x-a', 'x-b']))
  })

  it.skipIf(process.platform !== 'linux')('learns lanes: CPU-bound handlers move to the CPU lane, sleeping ones stay, quick ones go fast', async () => {
    const lanes = () => s.app.pool.stats.lanes
    // 12 ms calls: the thread clock a worker reads advances in scheduler ticks (4 ms here) and lags a
    // running thread, so calls of a few ms read as partly idle; CPU-bound handlers worth a lane are longer.
    for (let i = 0; i < 24; i++) {
      await Promise.all([request(`${s.url}/spin?ms=12`), request(`${s.url}/slow?ms=12`), request(`${s.url}/who`)])
    }
    expect(lanes()['PoolController.spin']?.lane).toBe('cpu')
    expect(lanes()['PoolController.slow']?.lane).toBe('blocking')
    expect(lanes()['PoolController.who']?.lane).toBe('fast')
  })

  it('quick handlers batched in the fast lane: under concurrency every request gets its own answer', async () => {
    for (let i = 0; i < 24; i++) await request(`${s.url}/echo?n=${i}`) // proven quick: promoted to the fast lane
    expect(s.app.pool.stats.lanes['PoolController.echo']?.lane).toBe('fast')
    const before = s.app.pool.stats.fastLane?.completed ?? 0
    const ns = Array.from({ length: 300 }, (_, i) => i)
    const answers = await Promise.all(ns.map((n) => request(`${s.url}/echo?n=${n}`)))
    expect(answers.map((r) => r.json().n)).toEqual(ns)
    for (const r of answers) expect(r.json().thread).not.toBe(threadId)
    // Fewer worker tasks than requests: concurrent calls shared messages.
    const tasks = (s.app.pool.stats.fastLane?.completed ?? 0) - before
    expect(tasks).toBeGreaterThan(0)
    expect(tasks).toBeLessThan(ns.length)
  })

  it('async and @inline handlers run on the loop', async () => {
    expect((await request(`${s.url}/async`)).json().thread).toBe(threadId)
    expect((await request(`${s.url}/inline`)).json().thread).toBe(threadId)
  })

  it('offload runs a registered task in a worker and returns its value; task errors reject', async () => {
    const r = (await request(`${s.url}/offload?n=12`)).json()
    expect(r.n).toBe(144)
    expect(r.thread).not.toBe(threadId)
    expect((await request(`${s.url}/offload-fails`)).json()).toEqual({ caught: 'task failed on purpose' })
  })

  it('an unserializable return value → 500 with a clear server-side log', async () => {
    const r = await request(`${s.url}/bigint`)
    expect(r.status).toBe(500)
    expect(r.json().error.code).toBe('UNB_ERR_RESPONSE_UNSERIALIZABLE')
    expect(s.logs.some((l) => l.level === 'error' && l.msg.includes('cannot be serialized'))).toBe(true)
  })

  it.each(['/crash', '/uncaught'])('a worker dying mid-request (%s) → 500, replaced, next requests succeed', async (path) => {
    const r = await request(`${s.url}${path}`)
    expect(r.status).toBe(500)
    expect(r.json().error.code).toBe('UNB_ERR_POOL_WORKER_DIED')
    expect(r.text).not.toMatch(/\n\s+at /)
    for (let i = 0; i < 6; i++) expect((await request(`${s.url}/who`)).status).toBe(200)
    expect(s.logs.some((l) => l.level === 'error' && JSON.stringify(l.obj).includes('UNB_ERR_POOL_WORKER_DIED'))).toBe(true)
  })
})

describe('a full queue answers 503 with Retry-After instead of growing', () => {
  let s: Started
  beforeAll(async () => {
    s = await start(def, { pool: { minThreads: 1, maxThreads: 1, maxQueue: 1 } })
  })
  afterAll(() => s.close())

  it('one running, one queued, the rest 503', async () => {
    const replies = await Promise.all(Array.from({ length: 5 }, () => request(`${s.url}/slow?ms=300`)))
    const statuses = replies.map((r) => r.status).sort()
    expect(statuses.filter((x) => x === 200)).toHaveLength(2)
    expect(statuses.filter((x) => x === 503)).toHaveLength(3)
    const busy = replies.find((r) => r.status === 503)
    expect(busy?.headers.get('retry-after')).toBe('1')
    expect(busy?.json().error.code).toBe('UNB_ERR_POOL_SATURATED')
    expect((await request(`${s.url}/slow?ms=1`)).status).toBe(200) // and it recovers
  })
})
