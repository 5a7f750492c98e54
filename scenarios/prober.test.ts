import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import type { Reply, RequestOptions } from './client.ts'
import { PING_DEADLINE_MS, probeDuring } from './prober.ts'
import { TargetClient, TransportError } from './client.ts'

const instant: Reply = { status: 200, headers: {}, body: Buffer.alloc(0), ms: 0 }

/** A client whose requests answer at once (or fail when `fail` says so). */
function fakeClient(fail: (n: number) => boolean = () => false): TargetClient {
  let n = 0
  return {
    request: async () => {
      if (fail(n++)) throw new TransportError('reset', 'connection reset')
      return instant
    },
  } as unknown as TargetClient
}

function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

describe('open-loop prober', () => {
  it('measures from the scheduled send time: a stall in the sender still counts (no coordinated omission)', async () => {
    const { probe } = await probeDuring(fakeClient(), async () => {
      await new Promise((r) => setTimeout(r, 30))
      blockFor(120) // nothing can be sent while this thread is blocked
      await new Promise((r) => setTimeout(r, 30))
    })
    // A closed-loop measurement would see only instant replies; pings scheduled during the stall
    // were sent late, and their latency includes the wait.
    expect(probe.worstMs).toBeGreaterThanOrEqual(100)
    expect(probe.p50Ms).toBeLessThan(probe.worstMs)
    expect(probe.sent).toBeGreaterThanOrEqual(15) // every 10 ms over ≥ 180 ms, late ones included
  })

  it('schedules at a fixed interval and records failures with their reason', async () => {
    const { probe, result } = await probeDuring(fakeClient((n) => n === 2), async () => {
      await new Promise((r) => setTimeout(r, 100))
      return 'done'
    }, { intervalMs: 20 })
    expect(result).toEqual({ status: 'fulfilled', value: 'done' })
    expect(probe.intervalMs).toBe(20)
    const ats = probe.samples.map((s) => s.at)
    expect(ats.slice(0, 4)).toEqual([0, 20, 40, 60])
    expect(probe.failed).toBe(1)
    expect(probe.failures).toEqual(['connection reset'])
  })

  it('keeps probing for minDurationMs and reports a failed work as rejected', async () => {
    const { probe, result } = await probeDuring(fakeClient(), async () => { throw new Error('boom') }, { minDurationMs: 50 })
    expect(result.status).toBe('rejected')
    expect(probe.sent).toBeGreaterThanOrEqual(5)
  })
})

describe('the ping deadline (contract v2: a ping unanswered after 2 s is failed)', () => {
  it('sends every ping with a 2 s total deadline by default', async () => {
    const seen: (RequestOptions | undefined)[] = []
    const client = { request: async (_: string, opts?: RequestOptions) => (seen.push(opts), instant) } as unknown as TargetClient
    await probeDuring(client, () => new Promise((r) => setTimeout(r, 30)))
    expect(PING_DEADLINE_MS).toBe(2_000)
    expect(seen.length).toBeGreaterThan(0)
    for (const opts of seen) expect(opts?.timeoutMs).toBe(2_000)
  })

  it('regression: pings to a target that never answers fail at the deadline, count at least its latency, and end the probe', async () => {
    const server = createServer(() => {}) // accepts, never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const client = new TargetClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 30_000)
    try {
      const t0 = performance.now()
      const { probe } = await probeDuring(client, () => new Promise((r) => setTimeout(r, 100)), { deadlineMs: 300 })
      // Without the deadline the probe would wait for the client's 30 s timeout.
      expect(performance.now() - t0).toBeLessThan(5_000)
      expect(probe.sent).toBeGreaterThan(0)
      expect(probe.failed).toBe(probe.sent)
      for (const s of probe.samples) expect(s.ms).toBeGreaterThanOrEqual(300)
      expect(probe.worstMs).toBeGreaterThanOrEqual(300)
      expect(probe.failures[0]).toMatch(/^no complete answer within 300 ms/)
    } finally {
      await client.close()
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    }
  })
})
