/** Number formatting shared by the renderers. */

export function fmt(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—'
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US')
  return x.toFixed(digits).replace(/\.0+$/, '')
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
