import { describe, expect, it } from 'vitest'
import { poolPings } from './pings.ts'
import { PooledPingSchema, type Ping } from './schema.ts'

// HDR histograms keep 3 significant digits: values come back within 0.1%.
const near = (x: number, want: number) => expect(Math.abs(x - want)).toBeLessThanOrEqual(want * 0.001 + 0.001)

/** A trial's pings with the given waits (ms), every 10 ms; the summary fields as a trial would hold them. */
function trialPings(waits: readonly number[], extra: Partial<Ping> = {}): Ping {
  return {
    intervalMs: 10,
    scheduled: waits.length,
    served: waits.length,
    failed: 0,
    unanswered: 0,
    // Deliberately not the waits' own summary: pooling must recompute from the timelines.
    latency: { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 },
    stallMaxMs: Math.max(...waits),
    blockedMs: 0,
    blockThresholdMs: 50,
    timeline: waits.map((w, i) => [i * 10, w, 1]),
    ...extra,
  }
}

describe('pooling a cell’s pings over its trials', () => {
  it('takes percentiles over every ping together: p99 of 1,000 pings is the 10th worst', () => {
    // Ten trials of 100 pings; one slow ping (100 ms) in each. Per trial, p99 is the worst value
    // (100 ms); pooled, the 10 slow pings are the top 1% and p99 (the 990th value) is 1 ms.
    const trials = Array.from({ length: 10 }, () => trialPings([...Array.from({ length: 99 }, () => 1), 100]))
    const pooled = poolPings(trials)
    expect(pooled.scheduled).toBe(1000)
    near(pooled.latency.p99, 1)
    near(pooled.latency.p999, 100)
    near(pooled.latency.max, 100)
    near(pooled.latency.mean, (990 + 1000) / 1000)
  })

  it('sums the counts and the time blocked, keeps the longest stall', () => {
    const a = trialPings([1, 2, 300], { served: 1, failed: 1, unanswered: 1, blockedMs: 250, stallMaxMs: 300 })
    const b = trialPings([1, 120], { served: 2, blockedMs: 70.5, stallMaxMs: 120 })
    const pooled = poolPings([a, b])
    expect(pooled).toMatchObject({ intervalMs: 10, scheduled: 5, served: 3, failed: 1, unanswered: 1, stallMaxMs: 300, blockedMs: 320.5, blockThresholdMs: 50 })
    near(pooled.latency.p50, 2)
    expect(PooledPingSchema.safeParse(pooled).success).toBe(true)
  })

  it('a failed or unanswered ping stays in the pooled latency', () => {
    const failing = trialPings([2000, 2000], { served: 0, unanswered: 2 })
    near(poolPings([trialPings([1, 1]), failing]).latency.p50, 1)
    near(poolPings([trialPings([1]), failing]).latency.p50, 2000)
  })

  it('refuses to pool pings taken at different intervals or thresholds, or none', () => {
    expect(() => poolPings([trialPings([1]), trialPings([1], { intervalMs: 20 })])).toThrow(/cannot pool pings every 20 ms/)
    expect(() => poolPings([trialPings([1]), trialPings([1], { blockThresholdMs: 10 })])).toThrow(/over 10 ms/)
    expect(() => poolPings([])).toThrow(/at least one/)
  })
})
