import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { SlotPool } from './slot-pool.ts'

describe('SlotPool', () => {
  it('gives out its slots, then refuses after the timeout, and takes one again once released', () => {
    const pool = new SlotPool(2)
    expect([pool.acquire(0), pool.acquire(0)]).toEqual([true, true])
    const t0 = performance.now()
    expect(pool.acquire(50)).toBe(false)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(40)
    pool.release()
    expect(pool.acquire(0)).toBe(true)
    expect(pool.free).toBe(0)
  })

  it('wakes a blocked acquire when another thread returns a slot', async () => {
    const pool = new SlotPool(1)
    expect(pool.acquire(0)).toBe(true)
    // The other thread returns the slot after 100 ms, as a piscina worker or the loop would.
    const releaser = new Worker(
      `const { workerData } = require('node:worker_threads');
       const free = new Int32Array(workerData);
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
       Atomics.add(free, 0, 1); Atomics.notify(free, 0, 1);`,
      { eval: true, workerData: pool.buffer },
    )
    try {
      const t0 = performance.now()
      expect(pool.acquire(10_000)).toBe(true)
      expect(performance.now() - t0).toBeLessThan(5000)
    } finally {
      await releaser.terminate()
    }
  })

  it('refuses a size that is not a positive integer', () => {
    expect(() => new SlotPool(0)).toThrow('size must be a positive integer, got 0')
  })
})
