/**
 * Latency statistics for the bench, on HDR histograms (hdr-histogram-js): microsecond
 * resolution, 3 significant digits, values up to 10 minutes.
 */
import * as hdr from 'hdr-histogram-js'
import type { LatencySummary } from './loadgen-protocol.ts'

const round = (x: number): number => Math.round(x * 1000) / 1000

export function newHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false })
}

/**
 * Summary in ms of a histogram recorded in µs. A percentile is the top of its HDR bucket while
 * the max is the exact value recorded, so a percentile could read a few µs above the max (4.743
 * vs 4.742 ms): each is capped at the max.
 */
export function summarizeHistogram(h: hdr.Histogram): LatencySummary {
  const ms = (us: number): number => round(us / 1000)
  const at = (p: number): number => ms(Math.min(h.getValueAtPercentile(p), h.maxValue))
  return {
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  }
}

/** A summary given in µs (wrk's unit), in ms. */
export function summarizeUs(us: LatencySummary): LatencySummary {
  return { p50: round(us.p50 / 1000), p90: round(us.p90 / 1000), p99: round(us.p99 / 1000), p999: round(us.p999 / 1000), max: round(us.max / 1000), mean: round(us.mean / 1000) }
}

/** Summary in ms of latencies given in ms. */
export function summarizeMs(latenciesMs: readonly number[]): LatencySummary {
  const h = newHistogram()
  for (const v of latenciesMs) h.recordValue(Math.max(1, Math.round(v * 1000)))
  return summarizeHistogram(h)
}

/**
 * The coordinated-omission-free latency of requests sent on a fixed schedule: each one counts
 * from the moment it *should* have been sent. `scheduledAt[i]` and `completedAt[i]` in ms.
 */
export function latenciesFromSchedule(scheduledAt: readonly number[], completedAt: readonly number[]): number[] {
  return scheduledAt.map((s, i) => (completedAt[i] as number) - s)
}

/**
 * HdrHistogram's correction for latencies recorded by a *closed* loop (one that waits for each
 * reply before sending the next, like autocannon's clients): a value longer than the expected
 * interval also stands for the requests that would have been sent meanwhile. For comparison
 * with the open-loop numbers; see the tests for the hand-computed case.
 */
export function correctedSummary(latenciesMs: readonly number[], expectedIntervalMs: number): LatencySummary {
  const h = newHistogram()
  const interval = Math.round(expectedIntervalMs * 1000)
  for (const v of latenciesMs) h.recordValueWithExpectedInterval(Math.max(1, Math.round(v * 1000)), interval)
  return summarizeHistogram(h)
}
