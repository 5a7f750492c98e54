import { availableParallelism } from 'node:os'
import { threadId } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import def, { square } from '../../test/fixtures/pool-app.ts'
import { request, start, type Started } from '../../test/http.ts'
import { compileApp } from '../app.ts'
import { SharedMemory } from '../shared/memory.ts'
import { resolvePoolOptions, WorkerPool, type PoolOptions } from './pool.ts'

describe('pool options', () => {
  it('defaults: one warm worker per core, growing to a bound not limited to the core count, kept 5 min; bounded queue', () => {
    const o = resolvePoolOptions()
    const cores = availableParallelism()
    expect(o.maxThreads).toBeGreaterThanOrEqual(16)
    expect(o.minThreads).toBe(cores)
    expect(resolvePoolOptions({ maxThreads: 1 }).minThreads).toBe(1) // never above the bound
    expect(o.maxQueue).toBe(1024)
    expect(o.idleTimeout).toBe(300_000)
    expect(o.growAfterMs).toBe(10)
  })

  it('defaults: a fast lane and a CPU lane of one worker per core, the policy\'s own defaults', () => {
    const o = resolvePoolOptions()
    expect(o).toMatchObject({ fastLane: true, fastLaneThreads: availableParallelism(), cpuLane: true, cpuLaneThreads: availableParallelism() })
    expect(o.policy).toEqual({ window: 16, fastMs: 0.5, blockMs: 50, maxDemotions: 3 })
  })

  it('each lane is switched off alone: fastLane: false keeps the CPU lane, cpuLane: false keeps the fast lane', () => {
    expect(resolvePoolOptions({ fastLane: false })).toMatchObject({ fastLane: false, cpuLane: true })
    expect(resolvePoolOptions({ cpuLane: false })).toMatchObject({ fastLane: true, cpuLane: false })
  })

  it('resolved options resolve to themselves (they can be checked first and passed on)', () => {
    const o = resolvePoolOptions({ maxThreads: 3, fastLane: false, policy: { window: 8 } })
    expect(resolvePoolOptions(o)).toEqual(o)
  })

  it.each([
    [{ maxThreads: 0 }, 'options.pool.maxThreads must be an integer ≥ 1, got 0'],
    [{ minThreads: -1 }, 'options.pool.minThreads must be an integer ≥ 0, got -1'],
    [{ maxQueue: 1.5 }, 'options.pool.maxQueue must be an integer ≥ 0, got 1.5'],
    [{ minThreads: 5, maxThreads: 2 }, 'options.pool.minThreads (5) exceeds options.pool.maxThreads (2)'],
    [{ idleTimeout: -5 }, 'options.pool.idleTimeout must be an integer ≥ 0, got -5'],
    [{ growAfterMs: 2.5 }, 'options.pool.growAfterMs must be an integer ≥ 0, got 2.5'],
    [{ fastLaneThreads: 0 }, 'options.pool.fastLaneThreads must be an integer ≥ 1, got 0'],
    [{ cpuLaneThreads: 1.5 }, 'options.pool.cpuLaneThreads must be an integer ≥ 1, got 1.5'],
    [{ fastLane: 'yes' }, 'options.pool.fastLane must be true or false, got yes'],
    [{ cpuLane: 0 }, 'options.pool.cpuLane must be true or false, got 0'],
    [{ policy: 3 }, 'options.pool.policy must be an object, got 3'],
    [{ policy: { window: 0 } }, 'options.pool.policy.window must be an integer ≥ 1, got 0'],
  ])('%j is rejected with an exact message', (opts, message) => {
    // Some inputs are ill-typed on purpose: options may come from JavaScript or a config file.
    expect(() => resolvePoolOptions(opts as PoolOptions)).toThrow(message)
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

describe('lanes switched off one at a time', () => {
  // One worker per lane: every worker loads the app (≈0.3 s of CPU).
  const small = { minThreads: 1, maxThreads: 2, fastLaneThreads: 1, cpuLaneThreads: 1 }

  it('fastLane: false keeps the CPU lane, and quick handlers stay in the blocking lane', async () => {
    const s = await start(def, { pool: { ...small, fastLane: false } })
    try {
      const stats = () => s.app.pool.stats
      expect(stats().fastLane).toBeUndefined()
      expect(stats().cpuLane?.threads).toBe(1)
      for (let i = 0; i < 24; i++) expect((await request(`${s.url}/echo?n=${i}`)).status).toBe(200)
      expect(stats().lanes['PoolController.echo']?.lane).toBe('blocking')
      if (process.platform === 'linux') {
        for (let i = 0; i < 24; i++) await request(`${s.url}/spin?ms=12`)
        expect(stats().lanes['PoolController.spin']?.lane).toBe('cpu')
      }
    } finally {
      await s.close()
    }
  })

  it('cpuLane: false keeps the fast lane, and CPU-bound handlers stay in the blocking lane', async () => {
    const s = await start(def, { pool: { ...small, cpuLane: false } })
    try {
      const stats = () => s.app.pool.stats
      expect(stats().cpuLane).toBeUndefined()
      expect(stats().fastLane?.threads).toBe(1)
      for (let i = 0; i < 24; i++) await request(`${s.url}/echo?n=${i}`)
      expect(stats().lanes['PoolController.echo']?.lane).toBe('fast')
      const before = stats().fastLane?.completed ?? 0
      expect((await request(`${s.url}/echo?n=1`)).json().n).toBe(1)
      expect(stats().fastLane?.completed).toBe(before + 1)
      for (let i = 0; i < 24; i++) await request(`${s.url}/spin?ms=12`)
      expect(stats().lanes['PoolController.spin']?.lane).toBe('blocking')
    } finally {
      await s.close()
    }
  })
})

describe('a pool with the blocking lane alone', () => {
  it('lists no fast or CPU lane in its stats; once closed, answers 503 UNB_ERR_POOL_CLOSED and offloads reject', async () => {
    const shared = new SharedMemory()
    const app = compileApp(def, shared)
    // No route worker starts (minThreads 0, the other route lanes off); the offload lane is always there.
    const pool = new WorkerPool(def.module, shared, app.routes, { minThreads: 0, maxThreads: 1, fastLane: false, cpuLane: false, offloadThreads: 1 })
    expect(Object.keys(pool.stats)).toEqual(['threads', 'queueSize', 'completed', 'utilization', 'offloadLane', 'lanes'])
    await pool.close()
    const route = app.routes.find((r) => r.kind === 'sync')
    if (route === undefined) throw new Error('the fixture has sync routes')
    const out = await pool.runRoute(route, { method: 'GET', path: '/', params: {}, query: '', headers: {}, body: null })
    expect(out.response.status).toBe(503)
    expect(JSON.parse(out.response.body as string).error.code).toBe('UNB_ERR_POOL_CLOSED')
    await expect(pool.run(square, 3)).rejects.toMatchObject({ code: 'UNB_ERR_POOL_CLOSED' })
  })
})
