/** Small, exact statistics over raw samples (the bench uses HDR histograms for large runs). */

/** Nearest-rank percentile of `sorted` (ascending), `p` in [0, 100]. Empty → NaN. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  if (p <= 0) return sorted[0] as number
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, rank) - 1] as number
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

export function summarize(values: readonly number[]): { n: number; min: number; p50: number; p90: number; p99: number; max: number } {
  const s = [...values].sort((a, b) => a - b)
  return { n: s.length, min: s[0] ?? Number.NaN, p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s[s.length - 1] ?? Number.NaN }
}

export const round = (x: number, digits = 1): number => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x)
