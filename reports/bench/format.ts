/** Number formatting shared by the renderers. */

export function fmt(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—'
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US')
  return x.toFixed(digits).replace(/\.0+$/, '')
}

/** A ratio's per-trial values ("0.51 · 0.58 · 0.62"), or — when it has none. */
export function perTrial(xs: readonly number[] | undefined): string {
  return xs === undefined || xs.length === 0 ? '—' : xs.map((x) => fmt(x, 2)).join(' · ')
}

export function bytes(n: number | undefined): string {
  if (n === undefined) return '—'
  return `${Math.round(n / (1024 * 1024))} MiB`
}

export const VERDICT_COLORS: Record<string, string> = {
  PASS: '#2e7d32',
  FAIL: '#c62828',
  WARN: '#ef6c00',
  INFO: '#1565c0',
  UNIMPLEMENTED: '#757575',
  ERROR: '#6a1b9a',
}
