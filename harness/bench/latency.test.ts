import { describe, expect, it } from 'vitest'
import { correctedSummary, latenciesFromSchedule, summarizeMs } from './latency.ts'

// HDR histograms keep 3 significant digits: values come back within 0.1%.
const near = (x: number, want: number) => expect(Math.abs(x - want)).toBeLessThanOrEqual(want * 0.001 + 0.001)

describe('latency statistics against hand-computed values', () => {
  it('percentiles of 1..100 ms: p50 50, p90 90, p99 99, p99.9 100, max 100, mean 50.5', () => {
    const s = summarizeMs(Array.from({ length: 100 }, (_, i) => i + 1))
    near(s.p50, 50)
    near(s.p90, 90)
    near(s.p99, 99)
    near(s.p999, 100)
    near(s.max, 100)
    near(s.mean, 50.5)
  })

  it('no percentile reads above the max (a percentile is the top of its bucket: 4.742 ms would read 4.743)', () => {
    const s = summarizeMs([1, 2, 4.742])
    expect(s.max).toBe(4.742)
    expect([s.p50, s.p90, s.p99, s.p999].every((p) => p <= s.max)).toBe(true)
    expect(s.p999).toBe(4.742)
  })

  it('open loop: pings scheduled every 10 ms during a 100 ms stall count from their scheduled time', () => {
    // Scheduled at 0, 10, …, 90; the server answers nothing until t = 100, then everything at once.
    const scheduled = Array.from({ length: 10 }, (_, i) => i * 10)
    const completed = scheduled.map(() => 100)
    const lat = latenciesFromSchedule(scheduled, completed)
    expect(lat).toEqual([100, 90, 80, 70, 60, 50, 40, 30, 20, 10])
    const s = summarizeMs(lat)
    near(s.p50, 50)
    near(s.max, 100)
    // Measured from the actual send (a closed loop sends the next ping only after the stall),
    // only one ping would have seen the stall: 1 of 10 instead of all 10.
  })

  it('closed loop with HdrHistogram correction: one 100 ms stall stands for the requests it held back', () => {
    // 9 requests of 1 ms and one of 100 ms, expected every 10 ms. The correction adds 90, 80, …, 10:
    // 19 values [1×9, 10, 20, …, 100]; the median (10th) is 10 ms, p90 (ceil(17.1) = 18th) 90 ms.
    const s = correctedSummary([1, 1, 1, 1, 1, 1, 1, 1, 1, 100], 10)
    near(s.p50, 10)
    near(s.p90, 90)
    near(s.max, 100)
    const uncorrected = summarizeMs([1, 1, 1, 1, 1, 1, 1, 1, 1, 100])
    near(uncorrected.p90, 1) // what coordinated omission hides
  })
})
