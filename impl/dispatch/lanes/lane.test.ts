/** The contract every lane keeps, run against each lane with a stub worker (stub-worker.mjs). */
import { setImmediate as turn } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { RouteCall, RouteResult } from '../protocol.ts'
import { BlockingLane, type BlockingLaneSize } from './blocking.ts'
import { CpuLane } from './cpu.ts'
import { FastLane } from './fast.ts'
import type { Lane } from './lane.ts'
import type { LaneWorkers } from './workers.ts'

const HOLD = -1
const EXIT = -2

/** Workers running the stub, and the gate that releases calls held with `HOLD`. */
function stub(): LaneWorkers & { release(): void } {
  const sharedBuffer = new SharedArrayBuffer(4)
  const gate = new Int32Array(sharedBuffer)
  return {
    filename: new URL('../../../test/fixtures/stub-lane-worker.mjs', import.meta.url).href,
    workerData: { appModule: 'unused', sharedBuffer },
    onError: () => {},
    release() {
      Atomics.store(gate, 0, 1)
      Atomics.notify(gate, 0)
    },
  }
}

const call = (index: number): RouteCall => ({ index, req: { method: 'GET', path: '/', params: {}, query: '', headers: {}, body: null } })
const indexOf = (r: RouteResult) => (JSON.parse(r.response.body as string) as { index: number }).index

const lanes: Record<string, (w: LaneWorkers) => Lane> = {
  blocking: (w) => new BlockingLane(w, { minThreads: 2, maxThreads: 2, maxQueue: 64, idleTimeout: 30_000, growAfterMs: 10, quickMs: 0.5, blockMs: 50 }),
  fast: (w) => new FastLane(w, { threads: 2, maxQueue: 64, idleTimeout: 30_000 }),
  cpu: (w) => new CpuLane(w, { threads: 2, maxQueue: 64, idleTimeout: 30_000 }),
}

describe.each(Object.entries(lanes))('the %s lane', (name, make) => {
  let lane: Lane
  beforeAll(() => {
    lane = make(stub())
  })
  afterAll(() => lane.destroy())

  it('is named, and warm-up runs one task per started worker', async () => {
    expect(lane.name).toBe(name)
    await lane.warm('routes')
    expect(lane.stats).toEqual({ threads: 2, queueSize: 0, completed: 2 })
  })

  it('answers each of many concurrent calls with its own result, and accepts calls while idle', async () => {
    const ns = Array.from({ length: 40 }, (_, i) => i)
    expect((await Promise.all(ns.map((n) => lane.run(call(n))))).map(indexOf)).toEqual(ns)
    expect(lane.accepting).toBe(true)
  })

  it('a call whose worker dies rejects; the next call is answered', async () => {
    await expect(lane.run(call(EXIT))).rejects.toThrow()
    expect(indexOf(await lane.run(call(7)))).toBe(7)
  })

  it('close lets a running call finish, then stops', async () => {
    const workers = stub()
    const own = make(workers)
    const held = own.run(call(HOLD))
    await turn()
    const closed = own.close()
    workers.release()
    expect(indexOf(await held)).toBe(HOLD)
    await closed
  })
})

describe('the blocking lane', () => {
  const size = { minThreads: 1, maxThreads: 3, maxQueue: 16, idleTimeout: 30_000, quickMs: 0.5, blockMs: 50 }

  /** A warmed blocking lane of stub workers for `test`, destroyed after it whatever happens. */
  async function withLane(options: Partial<BlockingLaneSize>, test: (lane: BlockingLane, workers: ReturnType<typeof stub>) => Promise<void>): Promise<void> {
    const workers = stub()
    const lane = new BlockingLane(workers, { ...size, growAfterMs: 60_000, ...options })
    try {
      await lane.warm('routes')
      await test(lane, workers)
    } finally {
      await lane.destroy()
    }
  }

  it('calls wait for an idle worker: piscina starts none by itself (it would start one per waiting call)', () =>
    withLane({}, async (lane, workers) => {
      const held = [lane.run(call(HOLD)), lane.run(call(HOLD)), lane.run(call(HOLD))]
      await turn()
      expect(lane.stats).toMatchObject({ threads: 1, queueSize: 2 })
      workers.release()
      expect((await Promise.all(held)).map(indexOf)).toEqual([HOLD, HOLD, HOLD])
      expect(lane.stats.threads).toBe(1)
      expect(lane.grown).toBe(0)
    }))

  it('a worker that exits mid-call is forgotten (Node reports its id as -1): calls then wait for the replacement instead of making piscina start one', () =>
    withLane({ minThreads: 2 }, async (lane, workers) => {
      await expect(lane.run(call(EXIT))).rejects.toThrow()
      // piscina replaces it (minThreads 2); let the replacement boot.
      await vi.waitFor(async () => expect(indexOf(await lane.run(call(7)))).toBe(7), { timeout: 10_000 })
      await new Promise((r) => setTimeout(r, 500))
      const held = [lane.run(call(HOLD)), lane.run(call(HOLD)), lane.run(call(HOLD))]
      await turn()
      expect(lane.stats).toMatchObject({ threads: 2, queueSize: 1 })
      workers.release()
      expect((await Promise.all(held)).map(indexOf)).toEqual([HOLD, HOLD, HOLD])
      expect(lane.stats.threads).toBe(2)
    }))

  it('calls that starve grow it one worker at a time, to maxThreads and no further; the new workers take them', () =>
    withLane({ growAfterMs: 20 }, async (lane, workers) => {
      const held = Array.from({ length: 5 }, () => lane.run(call(HOLD)))
      await vi.waitFor(() => expect(lane.stats).toMatchObject({ threads: 3, queueSize: 2 }), { timeout: 20_000, interval: 20 })
      await new Promise((r) => setTimeout(r, 200))
      expect(lane.stats.threads).toBe(3)
      expect(lane.grown).toBe(2)
      workers.release()
      expect((await Promise.all(held)).map(indexOf)).toEqual([HOLD, HOLD, HOLD, HOLD, HOLD])
    }))

  it('runs offloaded tasks', async () => {
    const lane = new BlockingLane(stub(), { minThreads: 1, maxThreads: 1, maxQueue: 4, idleTimeout: 30_000, growAfterMs: 10, quickMs: 0.5, blockMs: 50 })
    try {
      expect(await lane.runTask({ kind: 'task', module: 'm', name: 'sum', args: [2, 3] })).toBe(5)
      expect(lane.utilization).toBeGreaterThanOrEqual(0)
    } finally {
      await lane.destroy()
    }
  })
})

describe('the fast lane', () => {
  it('concurrent calls share worker messages', async () => {
    const lane = new FastLane(stub(), { threads: 2, maxQueue: 64, idleTimeout: 30_000 })
    try {
      const ns = Array.from({ length: 100 }, (_, i) => i)
      expect((await Promise.all(ns.map((n) => lane.run(call(n))))).map(indexOf)).toEqual(ns)
      expect(lane.stats.completed).toBeLessThan(ns.length)
    } finally {
      await lane.destroy()
    }
  })

  it('stops accepting calls while its queue is not empty (a slow call holds it), and accepts again after', async () => {
    const workers = stub()
    const lane = new FastLane(workers, { threads: 1, maxQueue: 64, idleTimeout: 30_000 })
    try {
      const calls = [lane.run(call(HOLD))]
      // One batch per turn of the loop while the worker is held: 32 fill it, the next one queues.
      for (let i = 0; i < 33 && lane.accepting; i++) {
        calls.push(lane.run(call(i)))
        await turn()
      }
      expect(lane.accepting).toBe(false)
      expect(lane.stats.queueSize).toBeGreaterThan(0)
      workers.release()
      await Promise.all(calls)
      expect(lane.accepting).toBe(true)
    } finally {
      await lane.destroy()
    }
  })
})
