import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { GrowthGate } from './growth.ts'
import { isAborted, isQueueFull } from './workers.ts'

/** Workers that are only counted (ids 1…threads): `grow` adds a starting one, which the test declares ready. */
function workers(ready: number) {
  const w = {
    threads: ready,
    grows: 0,
    ids: () => Array.from({ length: w.threads }, (_, i) => i + 1),
    grow() {
      w.threads++
      w.grows++
    },
  }
  return w
}

/** A call the test settles by hand; `started` says whether the gate handed it to a worker. */
function call() {
  let finish!: (v: string) => void
  const c = {
    started: false,
    send: () => {
      c.started = true
      return new Promise<string>((resolve) => (finish = resolve))
    },
    finish: (v = 'ok') => finish(v),
  }
  return c
}

/** Let settled calls' callbacks run. */
const turn = () => vi.advanceTimersByTimeAsync(0)

describe('the blocking lane grows only while calls starve', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  // blockMs 10 here: a call held 10 ms holds its worker (the pool passes the policy's 50).
  function gate(ready: number, options: { maxThreads?: number; maxQueue?: number; growAfterMs?: number; blockMs?: number } = {}) {
    const w = workers(ready)
    const g = new GrowthGate(w, { maxThreads: 4, maxQueue: 64, growAfterMs: 10, quickMs: 0.5, blockMs: 10, ...options })
    for (let id = 1; id <= ready; id++) g.ready(id)
    return { w, g }
  }

  it('hands calls to idle ready workers, and the rest in arrival order as calls finish', async () => {
    const { g } = gate(2)
    const calls = Array.from({ length: 4 }, call)
    const results = calls.map((c) => g.submit(c.send))
    expect(calls.map((c) => c.started)).toEqual([true, true, false, false])
    expect(g.waiting).toBe(2)
    calls[1]?.finish('b')
    await turn()
    expect(calls.map((c) => c.started)).toEqual([true, true, true, false])
    calls[0]?.finish()
    calls[2]?.finish()
    await turn()
    expect(calls[3]?.started).toBe(true)
    calls[3]?.finish()
    expect(await Promise.all(results)).toEqual(['ok', 'b', 'ok', 'ok'])
    expect(g.waiting).toBe(0)
  })

  it('quick calls that drain the queue within growAfterMs start no worker', async () => {
    const { w, g } = gate(2)
    for (let round = 0; round < 50; round++) {
      const calls = Array.from({ length: 6 }, call)
      const all = Promise.all(calls.map((c) => g.submit(c.send)))
      // Each call takes 1 ms: six on two workers are done in 3 ms.
      while (calls.some((c) => !c.started)) {
        await vi.advanceTimersByTimeAsync(1)
        for (const c of calls) if (c.started) c.finish()
        await turn()
      }
      for (const c of calls) c.finish()
      await all
    }
    expect(w.grows).toBe(0)
    expect(g.grown).toBe(0)
  })

  it('quick calls queued behind a busy CPU start no worker, however long they wait: the wait is for the CPU', async () => {
    const { w, g } = gate(1, { blockMs: 50 })
    const calls = Array.from({ length: 30 }, call)
    const all = Promise.all(calls.map((c) => g.submit(c.send, undefined, () => 0.1)))
    // One call finishes every 4 ms (each took 0.1 ms of handler time): the last waits ~120 ms.
    for (const c of calls) {
      await vi.advanceTimersByTimeAsync(4)
      expect(c.started).toBe(true)
      c.finish()
      await turn()
    }
    await all
    expect(w.grows).toBe(0)
  })

  it('slow calls that keep finishing (10 ms each) grow the lane: their workers are held', async () => {
    const { w, g } = gate(2, { blockMs: 50 })
    const calls = Array.from({ length: 40 }, call)
    for (const c of calls) void g.submit(c.send, undefined, () => 10)
    for (let t = 0; t < 60 && w.grows === 0; t += 5) {
      await vi.advanceTimersByTimeAsync(5)
      // the two oldest running calls finish: 10 ms of handler time each
      for (const c of calls.filter((x) => x.started).slice(0, 2)) c.finish()
      await turn()
    }
    expect(w.grows).toBeGreaterThan(0)
  })

  it('a call running blockMs holds its worker before any call has finished: the lane grows', async () => {
    const { w, g } = gate(1, { blockMs: 50 })
    for (const c of Array.from({ length: 3 }, call)) void g.submit(c.send)
    await vi.advanceTimersByTimeAsync(49)
    expect(w.grows).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(w.grows).toBe(1)
  })

  it('calls that hold their workers grow the lane by one worker per growAfterMs, up to maxThreads', async () => {
    const { w, g } = gate(1, { maxThreads: 4 })
    const calls = Array.from({ length: 8 }, call)
    for (const c of calls) void g.submit(c.send)
    await vi.advanceTimersByTimeAsync(9)
    expect(w.grows).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(w.grows).toBe(1)
    await vi.advanceTimersByTimeAsync(9)
    expect(w.grows).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(w.grows).toBe(2)
    await vi.advanceTimersByTimeAsync(200)
    expect(w.threads).toBe(4)
    expect(g.grown).toBe(3)
    // Grown workers take the oldest waiting calls once ready.
    expect(calls.filter((c) => c.started)).toHaveLength(1)
    g.ready(2)
    g.ready(3)
    expect(calls.map((c) => c.started)).toEqual([true, true, true, false, false, false, false, false])
  })

  it('at maxThreads it arms no timer at all (no polling), and grows once a worker is gone', async () => {
    const { w, g } = gate(2, { maxThreads: 2 })
    for (const c of Array.from({ length: 4 }, call)) void g.submit(c.send)
    const timers = vi.spyOn(globalThis, 'setTimeout')
    await vi.advanceTimersByTimeAsync(5_000)
    expect(w.grows).toBe(0)
    expect(timers).not.toHaveBeenCalled()
    timers.mockRestore()
    w.threads--
    g.gone(2)
    await vi.advanceTimersByTimeAsync(10)
    expect(w.grows).toBe(1)
  })

  it('one waiting call starts one worker, not one per growAfterMs while that one boots', async () => {
    const { w, g } = gate(2, { maxThreads: 16 })
    const calls = Array.from({ length: 3 }, call)
    for (const c of calls) void g.submit(c.send)
    await vi.advanceTimersByTimeAsync(300)
    expect(w.grows).toBe(1)
    g.ready(3)
    expect(calls[2]?.started).toBe(true)
  })

  it('workers that die before taking a call are started ever more slowly, and at the usual pace again once one takes calls', async () => {
    const { w, g } = gate(1, { maxThreads: 4 })
    for (const c of Array.from({ length: 3 }, call)) void g.submit(c.send)
    const startedAt: number[] = []
    // Each worker started exits during its boot (Node then reports its id as -1).
    for (let t = 0; t < 1_000; t++) {
      const before = w.grows
      await vi.advanceTimersByTimeAsync(1)
      if (w.grows === before) continue
      startedAt.push(performance.now())
      w.threads--
      g.gone(-1)
    }
    // Every 10 ms for a second would be 100 starts: the pauses double instead.
    expect(startedAt).toEqual([10, 20, 40, 80, 160, 320, 640])
    // The next one boots and takes a call: back to one per 10 ms for the call still waiting.
    await vi.advanceTimersByTimeAsync(640)
    expect(w.grows).toBe(8)
    g.ready(2)
    await vi.advanceTimersByTimeAsync(10)
    expect(w.grows).toBe(9)
  })

  it('a worker gone leaves one call fewer running; the replacement takes the next', async () => {
    const { g } = gate(2, { growAfterMs: 1_000 })
    const [a, b, c, d] = Array.from({ length: 4 }, call)
    for (const x of [a, b, c, d]) void g.submit(x!.send)
    g.gone(2)
    a?.finish()
    b?.finish()
    await turn()
    // Two finished, but one worker is left: one more call runs.
    expect([c?.started, d?.started]).toEqual([true, false])
    g.ready(3)
    expect(d?.started).toBe(true)
  })

  it('a waiting call whose signal aborts is dropped as piscina drops one (AbortError); a full queue is piscina\'s full queue', async () => {
    const { g } = gate(1, { maxQueue: 2, maxThreads: 1 })
    const running = call()
    void g.submit(running.send)
    const stop = new AbortController()
    const waiting = call()
    const dropped = g.submit(waiting.send, stop.signal)
    const kept = call()
    const keptResult = g.submit(kept.send)
    await expect(g.submit(call().send)).rejects.toSatisfy(isQueueFull)
    stop.abort()
    await expect(dropped).rejects.toSatisfy(isAborted)
    expect(g.waiting).toBe(1)
    running.finish()
    await turn()
    expect(waiting.started).toBe(false)
    expect(kept.started).toBe(true)
    kept.finish('kept')
    expect(await keptResult).toBe('kept')
    await expect(g.submit(call().send, AbortSignal.abort())).rejects.toSatisfy(isAborted)
  })

  it('maxQueue counts beyond the workers the lane could still start: with maxQueue 0 it still grows', async () => {
    const { w, g } = gate(1, { maxQueue: 0, maxThreads: 3 })
    const calls = Array.from({ length: 3 }, call)
    const submitted = calls.map((c) => g.submit(c.send))
    await expect(g.submit(call().send)).rejects.toSatisfy(isQueueFull)
    await vi.advanceTimersByTimeAsync(20)
    expect(w.grows).toBe(2)
    g.ready(2)
    g.ready(3)
    expect(calls.every((c) => c.started)).toBe(true)
    for (const c of calls) c.finish()
    await Promise.all(submitted)
  })

  it('abandon refuses every waiting call and every later one, and starts nothing more', async () => {
    const { w, g } = gate(1)
    void g.submit(call().send)
    const waiting = [g.submit(call().send), g.submit(call().send)]
    g.abandon(new Error('the worker pool was destroyed'))
    for (const p of waiting) await expect(p).rejects.toThrow('the worker pool was destroyed')
    await expect(g.submit(call().send)).rejects.toThrow('the worker pool was destroyed')
    await vi.advanceTimersByTimeAsync(100)
    expect(g.waiting).toBe(0)
    expect(w.grows).toBe(0)
  })
})
