/**
 * What one probed server's pings add up to (results.json's `Ping`). Pure arithmetic over the
 * samples, apart from the I/O that produced them, so the counting rules are tested on their own:
 * every scheduled ping is counted and in the latency, whatever became of it.
 */
import type { Ping } from '../../results/schema.ts'
import { summarizeMs } from '../latency.ts'

/** served: answered 200. failed: answered otherwise, or the connection failed. unanswered: nothing by the deadline. */
export type PingOutcome = 'served' | 'failed' | 'unanswered'

export interface PingSample {
  /** Scheduled send time, ms after the schedule started. */
  readonly at: number
  /** Scheduled send time → answered, failed or given up, ms. */
  readonly waitedMs: number
  readonly outcome: PingOutcome
}

/** µs resolution, as results.json keeps it. */
const micro = (ms: number): number => Math.round(ms * 1000) / 1000

/**
 * The total time during which at least one ping had been waiting longer than `thresholdMs`: the
 * measure of the union, over pings, of [scheduled + threshold, scheduled + waited]. A server that
 * stalls once for 300 ms reads ≈ 300 − threshold however many pings piled up meanwhile; two
 * separate stalls add up. Unlike a percentile it does not depend on how long the trial was.
 */
export function blockedMs(samples: readonly Pick<PingSample, 'at' | 'waitedMs'>[], thresholdMs: number): number {
  const spans = samples
    .filter((s) => s.waitedMs > thresholdMs)
    .map((s) => [s.at + thresholdMs, s.at + s.waitedMs] as const)
    .sort((a, b) => a[0] - b[0])
  let total = 0
  let start = Number.NEGATIVE_INFINITY
  let end = Number.NEGATIVE_INFINITY
  for (const [from, to] of spans) {
    if (from > end) {
      if (end > start) total += end - start
      start = from
      end = to
    } else if (to > end) {
      end = to
    }
  }
  if (end > start) total += end - start
  return micro(total)
}

export interface PingSettings {
  readonly intervalMs: number
  readonly blockThresholdMs: number
}

/** One server's pings over one probe, as results.json records them. `samples` must not be empty. */
export function pingOf(samples: readonly PingSample[], settings: PingSettings): Ping {
  if (samples.length === 0) throw new RangeError('pingOf needs at least one sample: a probe schedules a ping at its start')
  // Rounded first, so every figure below can be recomputed from the timeline written out.
  const rounded = [...samples].map((s) => ({ ...s, at: micro(s.at), waitedMs: micro(s.waitedMs) })).sort((a, b) => a.at - b.at)
  const waits = rounded.map((s) => s.waitedMs)
  const count = (o: PingOutcome): number => rounded.filter((s) => s.outcome === o).length
  return {
    intervalMs: settings.intervalMs,
    scheduled: rounded.length,
    served: count('served'),
    failed: count('failed'),
    unanswered: count('unanswered'),
    latency: summarizeMs(waits),
    stallMaxMs: Math.max(...waits),
    blockedMs: blockedMs(rounded, settings.blockThresholdMs),
    blockThresholdMs: settings.blockThresholdMs,
    timeline: rounded.map((s) => [s.at, s.waitedMs, s.outcome === 'served' ? 1 : 0] as [number, number, number]),
  }
}
