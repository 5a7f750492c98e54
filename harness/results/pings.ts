/**
 * A cell's pings pooled over its trials. Percentiles come from every ping of every trial together,
 * not from a median of per-trial percentiles: a p99 of ~100 pings is about the worst value, one of
 * 1,000 the 10th worst. Pure.
 */
import { summarizeMs } from '../bench/latency.ts'
import type { Ping, PooledPing } from './schema.ts'

/** Pool the pings of one server (the target, or the control) over a cell's trials. `pings` must not be empty. */
export function poolPings(pings: readonly Ping[]): PooledPing {
  const first = pings[0]
  if (first === undefined) throw new RangeError('poolPings needs at least one trial’s pings')
  // Pings at another interval or threshold measure something else: pooling them would blur both.
  for (const p of pings) {
    if (p.intervalMs !== first.intervalMs || p.blockThresholdMs !== first.blockThresholdMs) {
      throw new RangeError(`cannot pool pings every ${p.intervalMs} ms over ${p.blockThresholdMs} ms with pings every ${first.intervalMs} ms over ${first.blockThresholdMs} ms`)
    }
  }
  const sum = (f: (p: Ping) => number): number => pings.reduce((a, p) => a + f(p), 0)
  return {
    intervalMs: first.intervalMs,
    scheduled: sum((p) => p.scheduled),
    served: sum((p) => p.served),
    failed: sum((p) => p.failed),
    unanswered: sum((p) => p.unanswered),
    latency: summarizeMs(pings.flatMap((p) => p.timeline.map(([, waited]) => waited))),
    stallMaxMs: Math.max(...pings.map((p) => p.stallMaxMs)),
    // Trials do not overlap in time, so their blocked times add up.
    blockedMs: Math.round(sum((p) => p.blockedMs) * 1000) / 1000,
    blockThresholdMs: first.blockThresholdMs,
  }
}
