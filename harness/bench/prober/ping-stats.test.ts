import { describe, expect, it } from 'vitest'
import { PingSchema } from '../../results/schema.ts'
import { blockedMs, pingOf, type PingSample } from './ping-stats.ts'

// HDR histograms keep 3 significant digits: values come back within 0.1%.
const near = (x: number, want: number) => expect(Math.abs(x - want)).toBeLessThanOrEqual(want * 0.001 + 0.001)

const served = (at: number, waitedMs: number): PingSample => ({ at, waitedMs, outcome: 'served' })

describe('time blocked: the union of [scheduled + threshold, answered]', () => {
  it('one 100 ms stall seen by ten pings every 10 ms counts once: 100 − 50 = 50 ms over a 50 ms threshold', () => {
    // Scheduled at 0, 10, …, 90; nothing answers until t = 100.
    const pile = Array.from({ length: 10 }, (_, i) => served(i * 10, 100 - i * 10))
    expect(blockedMs(pile, 50)).toBe(50)
  })

  it('two separate stalls add up; overlapping waits are not counted twice', () => {
    // [0+20, 0+100] ∪ [50+20, 50+90] = [20, 140] → 120; [500+20, 500+80] → 60.
    expect(blockedMs([served(0, 100), served(50, 90), served(500, 80)], 20)).toBe(180)
  })

  it('a ping that waited exactly the threshold, or less, is not blocked', () => {
    expect(blockedMs([served(0, 50), served(10, 3)], 50)).toBe(0)
  })

  it('sorts its spans itself: samples in completion order give the same total', () => {
    expect(blockedMs([served(500, 80), served(50, 90), served(0, 100)], 20)).toBe(180)
  })
})

describe('pingOf: every scheduled ping is counted and in the latency', () => {
  it('a server that answers every ping 503 serves none, and its pings keep their real wait (not p99 0.001 ms)', () => {
    const samples = Array.from({ length: 100 }, (_, i): PingSample => ({ at: i * 10, waitedMs: 4, outcome: 'failed' }))
    const p = pingOf(samples, { intervalMs: 10, blockThresholdMs: 50 })
    expect([p.scheduled, p.served, p.failed, p.unanswered]).toEqual([100, 0, 100, 0])
    near(p.latency.p99, 4)
    expect(p.timeline.every(([, , ok]) => ok === 0)).toBe(true)
  })

  it('unanswered pings count with their wait (≥ the deadline), and the stall is their longest wait', () => {
    const samples: PingSample[] = [served(0, 1), { at: 10, waitedMs: 2000.4, outcome: 'unanswered' }, served(20, 2), { at: 30, waitedMs: 7, outcome: 'failed' }]
    const p = pingOf(samples, { intervalMs: 10, blockThresholdMs: 50 })
    expect([p.scheduled, p.served, p.failed, p.unanswered]).toEqual([4, 2, 1, 1])
    expect(p.stallMaxMs).toBe(2000.4)
    near(p.latency.max, 2000.4)
    expect(p.blockedMs).toBe(1950.4)
    expect(p.timeline).toEqual([[0, 1, 1], [10, 2000.4, 0], [20, 2, 1], [30, 7, 0]])
  })

  it('keeps µs resolution, orders the timeline by schedule, and fits the results.json schema', () => {
    const p = pingOf([served(20, 0.0123456), served(0, 1.23456), served(10, 0.5)], { intervalMs: 10, blockThresholdMs: 25 })
    expect(p.timeline).toEqual([[0, 1.235, 1], [10, 0.5, 1], [20, 0.012, 1]])
    expect([p.intervalMs, p.blockThresholdMs, p.blockedMs]).toEqual([10, 25, 0])
    expect(PingSchema.safeParse(p).success).toBe(true)
  })

  it('p99 of 1,000 pings is the 10th worst, not the worst', () => {
    // 990 pings of 1 ms, then 10 of 100 ms: p99 is 1 ms (the 990th value), p99.9 100 ms.
    const samples = Array.from({ length: 1000 }, (_, i) => served(i * 10, i < 990 ? 1 : 100))
    const p = pingOf(samples, { intervalMs: 10, blockThresholdMs: 50 })
    near(p.latency.p99, 1)
    near(p.latency.p999, 100)
  })

  it('refuses an empty probe rather than inventing a latency', () => {
    expect(() => pingOf([], { intervalMs: 10, blockThresholdMs: 50 })).toThrow(/at least one sample/)
  })
})
