/** Number formatting shared by the renderers. */
import type { CellOk, PooledPing, RequirementVerdict } from '../../harness/results/schema.ts'

export function fmt(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—'
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US')
  // Trailing zeros say nothing ("10.400" is 10.4); a whole number loses its point too.
  return x.toFixed(digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')
}

/** A ratio's per-trial values ("0.51 · 0.58 · 0.62"), or — when it has none. */
export function perTrial(xs: readonly number[] | undefined): string {
  return xs === undefined || xs.length === 0 ? '—' : xs.map((x) => fmt(x, 2)).join(' · ')
}

/** Bytes as whole MiB, thousands separated like every other number ("1,000 MiB"), or —. */
export function bytes(n: number | undefined): string {
  if (n === undefined) return '—'
  return `${fmt(n / 2 ** 20, 0)} MiB`
}

export const VERDICT_COLORS: Record<string, string> = {
  PASS: '#2e7d32',
  FAIL: '#c62828',
  WARN: '#ef6c00',
  INFO: '#1565c0',
  UNIMPLEMENTED: '#757575',
  ERROR: '#6a1b9a',
}

/** A requirement's verdict as a short mark and word, the same in every renderer. */
export const REQUIREMENT_MARKS: Record<RequirementVerdict, string> = {
  met: '✅ met',
  'not met': '❌ not met',
  inconclusive: '❔ inconclusive',
  invalid: '⚠️ invalid',
  'not measured': '— not measured',
}

/** "0.97 [0.93–1.01]": a point and its 95% interval (or the point alone). */
export function withInterval(value: number | null | undefined, interval: readonly [number, number] | null | undefined, digits = 2): string {
  if (value === null || value === undefined) return '—'
  return interval === null || interval === undefined ? fmt(value, digits) : `${fmt(value, digits)} [${fmt(interval[0], digits)}–${fmt(interval[1], digits)}]`
}

/** A cell's requests/s: "≥ N" when the load generator's ceiling may be what stopped it. */
export function rpsText(c: CellOk): string {
  const m = c.median
  return c.atCeiling ? `≥ ${fmt(m.rps)}` : withInterval(m.rps, m.rpsInterval, 1)
}

/** The flags a cell carries, in words: what a reader must know before trusting its numbers. */
export function cellFlags(c: CellOk): string[] {
  const n = c.trials.filter((t) => t.state === 'ok').length
  return [
    c.invalid !== undefined && `invalid for ratios: ${c.invalid}`,
    c.atCeiling && "at the load generator's ceiling (a lower bound)",
    c.saturatedTrials > 0 && `load generator saturated in ${c.saturatedTrials}/${n} trials`,
    c.slowedTrials > 0 && `machine slowed in ${c.slowedTrials}/${n} trials`,
  ].filter((x): x is string => typeof x === 'string')
}

/** Pings as "p99 1.2 ms, stall 40 ms, blocked 0.3 s, 998/1000 served". */
export function pingText(p: PooledPing): string {
  return `p99 ${fmt(p.latency.p99, 2)} ms, stall ${fmt(p.stallMaxMs, 1)} ms, blocked ${fmt(p.blockedMs / 1000, 2)} s, ${p.served}/${p.scheduled} served`
}
