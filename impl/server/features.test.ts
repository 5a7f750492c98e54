/**
 * The request features against a real server, each where the work must run: sync dependencies
 * of async handlers in a worker, teardown in the thread of the setup (also on failure and
 * disconnect), sync iterators streamed from a worker as they yield, background tasks after the
 * response, the request context across the thread hop and back, httpError from a dependency.
 */
import { request as rawRequest } from 'node:http'
import { threadId } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import def from '../../test/fixtures/features-app.ts'
import { request, start, type Started } from '../../test/http.ts'

let s: Started
beforeAll(async () => {
  s = await start(def, { pool: { minThreads: 4, maxThreads: 4, fastLane: false, cpuLane: false, offloadThreads: 1 } })
})
afterAll(() => s?.close())

const get = (path: string, headers: Record<string, string> = {}) => request(`${s.url}${path}`, { headers })
const cells = async (): Promise<number[]> => (await get('/f/cells')).json() as number[]

/** Poll `check` every 20 ms until it holds, at most `ms`; resolves with its last answer. */
async function until<T>(read: () => Promise<T>, check: (v: T) => boolean, ms = 3_000): Promise<T> {
  const end = performance.now() + ms
  let v = await read()
  while (!check(v) && performance.now() < end) {
    await new Promise((r) => setTimeout(r, 20))
    v = await read()
  }
  return v
}

describe('sync dependencies of async handlers', () => {
  it('run in a worker while the handler runs on the loop', async () => {
    const loop = (await (await get('/f/thread')).json()) as { thread: number }
    const r = (await (await get('/f/dep/async?ms=0')).json()) as { dep: number; handler: number }
    expect(r.handler).toBe(loop.thread)
    expect(r.dep).not.toBe(loop.thread)
  })

  it('overlap instead of stalling the loop: 4 × 300 ms finish together', async () => {
    const t0 = performance.now()
    await Promise.all(Array.from({ length: 4 }, () => get('/f/dep/async?ms=300')))
    // Serial on the loop would take 1.2 s; parallel in workers about 0.3 s. Generous bound.
    expect(performance.now() - t0).toBeLessThan(1_000)
  })

  it('keep their request cache: two parameters on one provider share one call', async () => {
    const r = (await (await get('/f/dep/shared')).json()) as { a: number; b: number }
    expect(r.a).toBe(r.b)
  })

  it('hand back the context values they set', async () => {
    const r = (await (await get('/f/dep/marks')).json()) as { seen: string | null }
    expect(r.seen).toMatch(/^set in thread \d+$/)
    expect(r.seen).not.toBe(`set in thread ${threadId}`)
  })

  it.each(['sync', 'async'])('an httpError raised in a dependency keeps its status (%s handler)', async (mode) => {
    const r = await get(`/f/dep/http-${mode}`)
    expect(r.status).toBe(503)
    expect(r.json()).toEqual({ error: { code: 'UNB_ERR_HTTP_STATUS', message: 'the store is unavailable' } })
  })

  it('any other error raised in a dependency is a 500 that does not leak its message', async () => {
    const r = await get('/f/dep/explodes')
    expect(r.status).toBe(500)
    expect(r.text).not.toContain('dependency exploded')
    expect(s.logs.some((l) => JSON.stringify(l.obj).includes('dependency exploded'))).toBe(true)
  })
})

describe('generator dependencies (teardown)', () => {
  it.each([
    ['sync', 0],
    ['sync', 1],
    ['async', 0],
    ['async', 1],
  ])('%s handler (fail=%s): the teardown runs once, in the thread that ran the setup', async (mode, fail) => {
    const before = await cells()
    const r = await get(`/f/teardown/${mode}?fail=${fail}`)
    expect(r.status).toBe(fail === 1 ? 500 : 200)
    const after = await until(cells, (c) => (c[1] as number) === (before[1] as number) + 1)
    expect(after[0]).toBe((before[0] as number) + 1)
    expect(after[1]).toBe((before[1] as number) + 1)
    expect(after[3]).toBe(after[2])
  })

  it('after a streamed body, and when the client leaves mid-stream', async () => {
    const before = await cells()
    expect((await get('/f/teardown/stream?n=3&ms=0')).text).toBe('0\n1\n2\n')
    await until(cells, (c) => (c[1] as number) === (before[1] as number) + 1)
    // Leave after the first chunk of a 10 × 100 ms stream: the generator is closed, the teardown runs.
    await new Promise<void>((resolve, reject) => {
      const req = rawRequest(`${s.url}/f/teardown/stream?n=10&ms=100`, (res) => {
        res.once('data', () => {
          req.destroy()
          resolve()
        })
      })
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)))
      req.end()
    })
    const after = await until(cells, (c) => (c[1] as number) === (before[1] as number) + 2)
    expect(after[1]).toBe((before[1] as number) + 2)
  })
})

describe('StreamResponse from a sync handler', () => {
  it('a short stream is never lost, whichever comes first: the call\'s result or its chunks', async () => {
    for (let i = 0; i < 20; i++) expect((await get('/f/stream/sync?n=2&ms=0')).text).toBe('0\n1\n')
  })

  it('sends each chunk as its worker yields it, not the body at the end', async () => {
    const t0 = performance.now()
    const res = await fetch(`${s.url}/f/stream/sync?n=5&ms=100`)
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const first = await reader.read()
    const firstAt = performance.now() - t0
    let text = Buffer.from(first.value ?? []).toString()
    for (;;) {
      const next = await reader.read()
      if (next.done) break
      text += Buffer.from(next.value).toString()
    }
    const total = performance.now() - t0
    expect(text).toBe('0\n1\n2\n3\n4\n')
    expect(res.headers.get('transfer-encoding')).toBe('chunked')
    // The first chunk comes after ~100 ms of ~500: progressive, with a wide margin.
    expect(firstAt).toBeLessThan(total / 2)
  })

  it('an iterator that throws mid-stream cuts the connection: the body is visibly incomplete', async () => {
    // Several times: the call's result and its stream's messages come on different ports, in either order.
    for (let i = 0; i < 10; i++) await expect(request(`${s.url}/f/stream/fails`)).rejects.toThrow('terminated')
    expect((await get('/f/thread')).status).toBe(200)
  })
})

describe('background tasks', () => {
  it('run in the pool after the response is sent', async () => {
    const before = await cells()
    const r = await get('/f/background/sync')
    expect(r.status).toBe(202)
    // The task sleeps 50 ms before counting: the 202 came first.
    expect((await cells())[4]).toBe(before[4])
    const after = await until(cells, (c) => (c[4] as number) === (before[4] as number) + 1)
    expect(after[4]).toBe((before[4] as number) + 1)
  })

  it('a plain function from a sync handler is refused with a clear error (500, logged)', async () => {
    const r = await get('/f/background/plain-from-sync')
    expect(r.status).toBe(500)
    expect(s.logs.some((l) => JSON.stringify(l.obj).includes('a plain function cannot leave the worker'))).toBe(true)
  })
})

describe('request context', () => {
  it.each(['sync', 'async'])('%s: 32 concurrent requests each read their own id, set by the request hook', async (mode) => {
    const ids = Array.from({ length: 32 }, (_, i) => `id-${mode}-${i}`)
    const got = await Promise.all(ids.map(async (id) => ((await (await get(`/f/context/${mode}`, { 'x-request-id': id })).json()) as { rid: string }).rid))
    expect(got).toEqual(ids)
  })

  it('a request hook that throws an httpError answers with it', async () => {
    const r = await get('/f/hook-refuses')
    expect(r.status).toBe(418)
  })
})

describe('disconnected()', () => {
  it('aborts when the client leaves, so an async handler can stop', async () => {
    await new Promise<void>((resolve) => {
      const req = rawRequest(`${s.url}/f/wait?ms=3000`)
      req.on('error', () => resolve())
      req.end()
      setTimeout(() => {
        req.destroy()
        resolve()
      }, 100)
    })
    const waited = await until(async () => (await get('/f/waited')).json() as string[], (w) => w.length > 0)
    expect(waited).toEqual(['aborted'])
  })
})
