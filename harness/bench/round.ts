/**
 * Numbers for the terminal: three significant figures with thousands separators, so a column
 * reads at a glance ("12,300 req/s", "4.12 ms", "0.872") and does not claim a precision the
 * trials do not have (1 s trials of identical code differ by up to ±15% on this project's
 * machine). The reports keep their own formatting (reports/bench/format.ts).
 */

/** `x` to `digits` significant figures, thousands separated; "—" when there is no number. */
export function sig(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—'
  if (x === 0) return '0'
  // Round first: 999.7 becomes 1,000, whose magnitude then decides the decimals (none).
  const rounded = Number(x.toPrecision(digits))
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(rounded))))
  return rounded.toLocaleString('en-US', { maximumFractionDigits: decimals, useGrouping: true })
}

/** A 95% interval as "low–high" (each to 3 significant figures), or "—" when there is none. */
export function span(interval: readonly [number, number] | null | undefined): string {
  return interval === null || interval === undefined ? '—' : `${sig(interval[0])}–${sig(interval[1])}`
}

/** Bytes as MiB to 3 significant figures ("1,020 MiB"), or "—". */
export function mib(bytes: number | null | undefined): string {
  return bytes === null || bytes === undefined ? '—' : `${sig(bytes / 2 ** 20)} MiB`
}
