/**
 * The pool's limits against a real server: a sync handler that never returns is stopped at its
 * time limit and its worker replaced (504, and the pool keeps serving), an offload task likewise,
 * and a call whose client left while it was queued is dropped instead of run.
 */
import { request as rawRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import def from '../../test/fixtures/limits-app.ts'
import { request, start, type Started } from '../../test/http.ts'
import { createApp } from '../create-app.ts'

let s: Started
beforeAll(async () => {
  // Two blocking workers and no other route lanes: every call below goes through the blocking lane.
  s = await start(def, { pool: { minThreads: 2, maxThreads: 2, fastLane: false, cpuLane: false, offloadThreads: 1, handlerTimeout: 1_500 } })
})
afterAll(() => s?.close())

describe('a handler that never returns', () => {
  it('answers 504 at its @timeout, 4 times on a 2-worker pool, and the pool still serves', async () => {
    const t0 = performance.now()
    const replies = await Promise.all(Array.from({ length: 4 }, () => request(`${s.url}/l/forever`)))
    expect(replies.map((r) => r.status)).toEqual([504, 504, 504, 504])
    expect(replies[0]?.json()).toMatchObject({ error: { code: 'UNB_ERR_HANDLER_TIMEOUT' } })
    // Two waves of 300 ms, plus replacing workers: far from "forever"; generous bound.
    expect(performance.now() - t0).toBeLessThan(10_000)
    expect((await request(`${s.url}/l/slow?ms=0`)).json()).toEqual({ slept: 0 })
    expect(s.logs.some((l) => JSON.stringify(l.obj).includes('UNB_ERR_HANDLER_TIMEOUT'))).toBe(true)
  })

  it('16 CPU-bound calls far longer than the limit: every one answers 504 within it, and the pool serves again', async () => {
    const t0 = performance.now()
    const replies = await Promise.all(Array.from({ length: 16 }, () => request(`${s.url}/l/spin?ms=60000`)))
    expect(replies.map((r) => r.status)).toEqual(Array.from({ length: 16 }, () => 504))
    // The limit (1.5 s) counts from the queue: running ones are stopped, queued ones dropped. Generous bound.
    expect(performance.now() - t0).toBeLessThan(10_000)
    expect((await request(`${s.url}/l/slow?ms=0`)).json()).toEqual({ slept: 0 })
  })

  it('without @timeout, the app-wide handlerTimeout applies', async () => {
    const r = await request(`${s.url}/l/forever-default`)
    expect(r.status).toBe(504)
    expect(r.json().error.message).toContain('within 1500 ms')
  })

  it('an offload task that never returns rejects with 504 at the handlerTimeout', async () => {
    const r = await request(`${s.url}/l/offload-forever`)
    expect(r.status).toBe(504)
    expect((await request(`${s.url}/l/slow?ms=0`)).status).toBe(200)
  })
})

describe('a client that leaves', () => {
  /** Send a request and drop the connection after `ms`. */
  const abandon = (path: string, ms: number) =>
    new Promise<void>((resolve) => {
      const req = rawRequest(`${s.url}${path}`)
      req.on('error', () => resolve())
      req.end()
      setTimeout(() => {
        req.destroy()
        resolve()
      }, ms)
    })

  it('drops its call if it is still queued: a later request does not wait for abandoned work', async () => {
    // Both workers busy for 1 s; then 48 calls of 1 s each queue and are abandoned (the figure).
    const busy = Promise.all([request(`${s.url}/l/slow?ms=1000`), request(`${s.url}/l/slow?ms=1000`)])
    await new Promise((r) => setTimeout(r, 50))
    await Promise.all(Array.from({ length: 48 }, () => abandon('/l/slow?ms=1000', 100)))
    const t0 = performance.now()
    const later = await request(`${s.url}/l/slow?ms=0`)
    const waited = performance.now() - t0
    await busy
    expect(later.status).toBe(200)
    // Had the 48 abandoned calls run, this one would wait ~24 s behind them (48 × 1 s on 2 workers).
    expect(waited).toBeLessThan(2_500)
  })

  it('a running sync handler sees disconnected() abort at its next check, and can stop', async () => {
    await abandon('/l/poll', 150)
    const end = performance.now() + 2_500
    let result = 0
    while (result === 0 && performance.now() < end) {
      await new Promise((r) => setTimeout(r, 50))
      result = (await request(`${s.url}/l/poll-result`)).json().result
    }
    expect(result).toBe(1) // stopped, not 2 (ran its 3 s to the end)
  })
})

describe('options', () => {
  it.each([0, -1, 1.5])('handlerTimeout %s is refused, naming the option', async (handlerTimeout) => {
    await expect(createApp(def, { pool: { handlerTimeout } })).rejects.toMatchObject({ code: 'UNB_ERR_OPTIONS_INVALID', message: expect.stringContaining('options.pool.handlerTimeout') })
  })
})

describe('closing the pool', () => {
  it('lets every running call finish, however long each takes, before the workers stop', async () => {
    const own = await start(def, { pool: { minThreads: 3, maxThreads: 3, fastLane: false, cpuLane: false, offloadThreads: 1 } })
    try {
      const calls = [100, 400, 800].map((ms) => own.app.pool.runRoute(route(own, 'LimitsController.slow'), { method: 'GET', path: '/l/slow', params: {}, query: `ms=${ms}`, headers: {}, body: null }))
      await new Promise((r) => setTimeout(r, 50))
      await own.app.pool.close()
      // piscina's own close() let the 100 ms call finish and then killed the other two ("worker died").
      expect((await Promise.all(calls)).map((o) => o.response.status)).toEqual([200, 200, 200])
    } finally {
      await own.close()
    }
  })
})

function route(s: Started, id: string) {
  const r = s.app.routes.find((x) => x.id === id)
  if (r === undefined) throw new Error(`no route ${id}`)
  return r
}
