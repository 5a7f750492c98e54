import { describe, expect, it } from 'vitest'
import { WorkRecord } from './task-status.ts'
import { awaitedChunks, blockingChunks, workAsync, workSync } from './work-steps.ts'

describe('work in steps', () => {
  it('sync and async twins count one step per started 10 ms and end done', async () => {
    const sync = new WorkRecord()
    workSync(25, sync)
    const async = new WorkRecord()
    await workAsync(25, async, new AbortController().signal)
    expect(sync.status()).toEqual({ state: 'done', steps: 3 })
    expect(async.status()).toEqual(sync.status())
  })

  it('async work stops at the next step once its signal aborts, and says cancelled', async () => {
    const record = new WorkRecord()
    const stop = new AbortController()
    setTimeout(() => stop.abort(), 50)
    await workAsync(10_000, record, stop.signal)
    const { state, steps } = record.status()
    expect(state).toBe('cancelled')
    expect(steps).toBeLessThan(100) // far fewer than the 1000 steps of the whole work
  })
})

describe('stream chunks', () => {
  it('sync and async iterators yield the same "<i>\\n" chunks', async () => {
    const fromAsync: string[] = []
    for await (const c of awaitedChunks(3, 1)) fromAsync.push(c)
    expect([...blockingChunks(3, 1)]).toEqual(['0\n', '1\n', '2\n'])
    expect(fromAsync).toEqual(['0\n', '1\n', '2\n'])
  })
})
