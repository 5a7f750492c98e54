import { setImmediate as turn } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { Batcher } from './batch.ts'

/** A send that records each batch and answers when told to. */
function recorder() {
  const batches: number[][] = []
  const answer: (() => void)[] = []
  const send = (items: number[]): Promise<string[]> => {
    batches.push(items)
    return new Promise((resolve) => answer.push(() => resolve(items.map((i) => `r${i}`))))
  }
  return { batches, answer, send }
}

describe('Batcher', () => {
  it('sends a call made while idle at once, alone', async () => {
    const r = recorder()
    const b = new Batcher(r.send)
    const p = b.run(1)
    expect(r.batches).toEqual([[1]]) // before any turn of the loop
    r.answer[0]?.()
    expect(await p).toBe('r1')
    expect(b.inFlight).toBe(0)
  })

  it('gathers calls made while others are in flight into one batch after the turn', async () => {
    const r = recorder()
    const b = new Batcher(r.send)
    const first = b.run(0)
    const rest = [1, 2, 3, 4].map((i) => b.run(i))
    expect(r.batches).toEqual([[0]])
    await turn()
    expect(r.batches).toEqual([[0], [1, 2, 3, 4]])
    expect(b.inFlight).toBe(5)
    for (const a of r.answer) a()
    expect(await first).toBe('r0')
    expect(await Promise.all(rest)).toEqual(['r1', 'r2', 'r3', 'r4'])
  })

  it('splits a flush into at most `split` batches, each call answered by its own result', async () => {
    const r = recorder()
    const b = new Batcher(r.send, { split: 2 })
    const all = [0, 1, 2, 3, 4, 5].map((i) => b.run(i))
    await turn()
    expect(r.batches).toEqual([[0], [1, 2, 3], [4, 5]])
    for (const a of r.answer) a()
    expect(await Promise.all(all)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5'])
  })

  it('splits no further than `minBatch` calls per batch', async () => {
    const r = recorder()
    const b = new Batcher(r.send, { split: 2, minBatch: 4 })
    const all = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map((i) => b.run(i))
    await turn()
    expect(r.batches).toEqual([[0], [1, 2, 3, 4, 5, 6, 7], [8, 9, 10, 11, 12, 13]]) // 13 gathered: two batches
    for (const a of r.answer) a()
    await Promise.all(all)
    r.answer.length = 0
    const few = [20, 21, 22, 23, 24].map((i) => b.run(i))
    await turn()
    expect(r.batches.at(-1)).toEqual([21, 22, 23, 24]) // 4 gathered: one batch, not two of 2
    for (const a of r.answer) a()
    await Promise.all(few)
  })

  it('asks a `split` function at every flush (the CPUs a process may use change while it runs)', async () => {
    const r = recorder()
    let cpus = 2
    const b = new Batcher(r.send, { split: () => cpus })
    const first = [0, 1, 2, 3, 4].map((i) => b.run(i))
    await turn()
    expect(r.batches).toEqual([[0], [1, 2], [3, 4]])
    cpus = 1
    const second = [5, 6, 7, 8].map((i) => b.run(i))
    await turn()
    expect(r.batches.slice(3)).toEqual([[5, 6, 7, 8]])
    for (const a of r.answer) a()
    await Promise.all([...first, ...second])
  })

  it('reports how long its oldest unanswered batch has been out', async () => {
    const r = recorder()
    const b = new Batcher(r.send)
    expect(b.oldestInFlightMs).toBe(0)
    const p = b.run(1)
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(b.oldestInFlightMs).toBeGreaterThanOrEqual(25)
    r.answer[0]?.()
    await p
    expect(b.oldestInFlightMs).toBe(0)
  })

  it('a failed batch rejects its own calls only, and later calls still go through', async () => {
    let n = 0
    const b = new Batcher<number, number>(async (items) => {
      if (n++ === 1) throw new Error('worker died')
      return items.map((i) => i * 10)
    })
    const ok = b.run(1)
    const doomed = [2, 3].map((i) => b.run(i))
    await expect(ok).resolves.toBe(10)
    for (const d of doomed) await expect(d).rejects.toThrow('worker died')
    await expect(b.run(4)).resolves.toBe(40)
  })

  it('a batch answered with the wrong number of results rejects its calls rather than misroute answers', async () => {
    const b = new Batcher<number, number>(async () => [1])
    const first = b.run(1)
    const second = [2, 3].map((i) => b.run(i))
    await expect(first).resolves.toBe(1)
    for (const d of second) await expect(d).rejects.toThrow('a batch of 2 came back with 1 results')
  })
})
