/**
 * The statistics every verdict rests on: a seeded random source (a run's `settings.seed`, so its
 * analysis replays exactly), percentile-bootstrap intervals, the Mann–Whitney U and Wilcoxon
 * signed-rank tests, Holm's step-down correction and the Hodges–Lehmann shift.
 *
 * Written here rather than taken from a package: simple-statistics 7.12 has the rank-sum
 * statistic but no p-value and no seeded bootstrap (it draws from Math.random unless handed a
 * source), jstat 1.9 has distributions but none of these tests, and @stdlib has the signed-rank
 * test but not the rank-sum one. Each piece below is short and checked against scipy 1.17 in
 * stats.test.ts.
 */
/** A source of uniform numbers in [0, 1). */
export type Random = () => number

/** FNV-1a of a string: names a stream, so each use of one seed draws its own numbers. */
function hash(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/**
 * mulberry32 (the generator harness/bench/schedule.ts shuffles with), seeded by `seed` and a
 * stream name: one requirement's bootstrap draws the same numbers whatever else the run
 * evaluates, or in what order. Resampling needs nothing stronger, and Math.random cannot be seeded.
 */
export function seededRandom(seed: number, stream = ''): Random {
  let a = (seed ^ hash(stream)) >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// -- bootstrap -----------------------------------------------------------------------------------

/**
 * The fewest samples a 95% interval of a median is given from. Below it no interval can honestly
 * claim 95%: even the whole range [min, max] of n samples covers the median with probability
 * only 1 − 2^(1−n) (87.5% for 4, 93.8% for 5), and a bootstrap interval is never wider than the range.
 */
export const MIN_INTERVAL_SAMPLES = 5

export interface IntervalOptions {
  /** @default 0.95 */
  readonly level?: number
  /** @default 2000 */
  readonly resamples?: number
}

const DEFAULT_RESAMPLES = 2000

/** [low, high] at `level` from the bootstrap statistics (sorted in place). */
function percentiles(stats: Float64Array, level: number): [number, number] {
  stats.sort()
  const b = stats.length
  const tail = (1 - level) / 2
  const lo = stats[Math.min(b - 1, Math.floor(tail * b))] as number
  const hi = stats[Math.max(0, Math.ceil((1 - tail) * b) - 1)] as number
  return [lo, hi]
}

/**
 * Percentile bootstrap: `units` drawn with replacement, `statistic` of each resample, the middle
 * `level` of those. The units are whatever is independent — one number per trial, or a trial's
 * whole list of pings (a cluster bootstrap: pings of one trial share its stalls, so resampling
 * pings one by one would understate the spread). Undefined below MIN_INTERVAL_SAMPLES units.
 *
 * Percentile rather than BCa: BCa's acceleration comes from the jackknife, which is not consistent
 * for a median (its leave-one-out values take only two distinct values), and the percentile
 * interval of a median is equivariant under the log and reciprocal a ratio goes through.
 * Measured coverage of the median with 10–12 samples: 92–95% (stats.test.ts).
 */
export function bootstrapInterval<T>(units: readonly T[], statistic: (resample: readonly T[]) => number, random: Random, options: IntervalOptions = {}): [number, number] | undefined {
  const n = units.length
  if (n < MIN_INTERVAL_SAMPLES) return undefined
  const b = options.resamples ?? DEFAULT_RESAMPLES
  const stats = new Float64Array(b)
  const resample: T[] = new Array<T>(n)
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < n; j++) resample[j] = units[Math.floor(random() * n)] as T
    stats[i] = statistic(resample)
  }
  return percentiles(stats, options.level ?? 0.95)
}

/** Median of a small sample, without allocating a new array each call (the bootstrap's inner loop). */
function sortedMedian(buf: Float64Array): number {
  buf.sort()
  const mid = buf.length >> 1
  return buf.length % 2 === 1 ? (buf[mid] as number) : ((buf[mid - 1] as number) + (buf[mid] as number)) / 2
}

/** The 95% (or `level`) bootstrap interval of the median of `samples`; undefined below MIN_INTERVAL_SAMPLES. */
export function medianInterval(samples: readonly number[], seed: number | Random, options: IntervalOptions = {}): [number, number] | undefined {
  const buf = new Float64Array(samples.length)
  const random = typeof seed === 'number' ? seededRandom(seed, 'median') : seed
  return bootstrapInterval(
    samples,
    (r) => {
      for (let i = 0; i < r.length; i++) buf[i] = r[i] as number
      return sortedMedian(buf)
    },
    random,
    options,
  )
}

/**
 * Two independent samples resampled each on its own (the two sides of a comparison of two runs):
 * the bootstrap interval of `statistic(x*, y*)`. Undefined when either side has fewer than
 * MIN_INTERVAL_SAMPLES.
 */
export function bootstrapTwoSample(x: readonly number[], y: readonly number[], statistic: (x: Float64Array, y: Float64Array) => number, random: Random, options: IntervalOptions = {}): [number, number] | undefined {
  if (x.length < MIN_INTERVAL_SAMPLES || y.length < MIN_INTERVAL_SAMPLES) return undefined
  const b = options.resamples ?? DEFAULT_RESAMPLES
  const stats = new Float64Array(b)
  const xs = new Float64Array(x.length)
  const ys = new Float64Array(y.length)
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < x.length; j++) xs[j] = x[Math.floor(random() * x.length)] as number
    for (let j = 0; j < y.length; j++) ys[j] = y[Math.floor(random() * y.length)] as number
    stats[i] = statistic(xs, ys)
  }
  return percentiles(stats, options.level ?? 0.95)
}

// -- the normal distribution -----------------------------------------------------------------------

/**
 * erfc(x) for x ≥ 0: the all-positive series erf(x) = 2/√π · e^(−x²) · Σ 2ⁿx^(2n+1) / (1·3·…·(2n+1))
 * up to 3 (no cancellation between terms), Lentz's continued fraction beyond (where 1 − erf
 * would lose the digits). Relative error below 1e-12 where a p-value is read (stats.test.ts).
 */
function erfc(x: number): number {
  if (x < 3) {
    let term = x
    let sum = x
    for (let n = 1; n < 200 && term > sum * 1e-17; n++) {
      term *= (2 * x * x) / (2 * n + 1)
      sum += term
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum
  }
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated bottom-up enough terms deep.
  let f = x
  for (let k = 80; k >= 1; k--) f = x + k / 2 / f
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f
}

/** P(Z ≥ z) for a standard normal Z. */
export function normalSf(z: number): number {
  return z >= 0 ? erfc(z / Math.SQRT2) / 2 : 1 - erfc(-z / Math.SQRT2) / 2
}

// -- rank tests ------------------------------------------------------------------------------------

export interface RankTest {
  /** The statistic: U of the first sample (Mann–Whitney), W+ (signed-rank). */
  readonly statistic: number
  /** Two-sided. */
  readonly p: number
  /** exact: the permutation distribution, without ties; normal: the approximation with tie and continuity corrections. */
  readonly method: 'exact' | 'normal'
}

/**
 * The exact null distribution is computed in doubles: exact while every count stays below 2^53,
 * which C(50, 25) ≈ 1.3e14 (Mann–Whitney) and 2^50 (signed-rank) do. Beyond 50 observations the
 * normal approximation is within a few % of the exact p anyway.
 */
const EXACT_MAX = 50

/** Mid-ranks (1-based) of `values`, and Σ(t³ − t) over groups of t tied values. */
function rank(values: readonly number[]): { ranks: Float64Array; tieTerm: number } {
  const at = (i: number): number => values[i] as number
  const order = values.map((_, i) => i).sort((a, b) => at(a) - at(b))
  const ranks = new Float64Array(values.length)
  let tieTerm = 0
  for (let i = 0; i < order.length; ) {
    let j = i
    while (j + 1 < order.length && at(order[j + 1] as number) === at(order[i] as number)) j++
    const t = j - i + 1
    tieTerm += t * t * t - t
    for (let k = i; k <= j; k++) ranks[order[k] as number] = (i + j) / 2 + 1
    i = j + 1
  }
  return { ranks, tieTerm }
}

/** 2·min(P(S ≤ s), P(S ≥ s)) from the counts of each value of S, capped at 1. */
function twoSidedFromCounts(counts: Float64Array, s: number): number {
  let total = 0
  let below = 0
  let above = 0
  for (let v = 0; v < counts.length; v++) {
    const c = counts[v] as number
    total += c
    if (v <= s) below += c
    if (v >= s) above += c
  }
  return Math.min(1, (2 * Math.min(below, above)) / total)
}

/**
 * Counts of each value of U for samples of m and n without ties: the coefficients of the Gaussian
 * binomial [m+n choose m](q) = Π_{k=1..m} (1 − q^(n+k)) / (1 − q^k), built one factor at a time.
 */
function mannWhitneyCounts(m: number, n: number): Float64Array {
  const c = new Float64Array(m * n + 1)
  c[0] = 1
  for (let k = 1; k <= m; k++) {
    for (let i = c.length - 1; i >= n + k; i--) c[i] = (c[i] as number) - (c[i - n - k] as number)
    for (let i = k; i < c.length; i++) c[i] = (c[i] as number) + (c[i - k] as number)
  }
  return c
}

/**
 * Mann–Whitney U (the Wilcoxon rank-sum test) of x against y, two-sided: exact without ties up
 * to 50 observations in all, else the normal approximation with the tie correction of the
 * variance and a continuity correction of ½ (as scipy.stats.mannwhitneyu and R's wilcox.test).
 * `statistic` is U of x: the number of (x, y) pairs with x > y, ties counting ½.
 */
export function mannWhitney(x: readonly number[], y: readonly number[]): RankTest {
  const m = x.length
  const n = y.length
  if (m === 0 || n === 0) return { statistic: Number.NaN, p: Number.NaN, method: 'normal' }
  const { ranks, tieTerm } = rank([...x, ...y])
  let r1 = 0
  for (let i = 0; i < m; i++) r1 += ranks[i] as number
  const u = r1 - (m * (m + 1)) / 2
  if (tieTerm === 0 && m + n <= EXACT_MAX) return { statistic: u, p: twoSidedFromCounts(mannWhitneyCounts(m, n), u), method: 'exact' }
  const N = m + n
  const sd = Math.sqrt(((m * n) / 12) * (N + 1 - tieTerm / (N * (N - 1))))
  const z = (Math.abs(u - (m * n) / 2) - 0.5) / sd
  return { statistic: u, p: sd === 0 ? 1 : Math.min(1, 2 * normalSf(Math.max(0, z))), method: 'normal' }
}

/**
 * The smallest two-sided p Mann–Whitney can give samples of m and n (no overlap, no ties):
 * 2 / C(m+n, m) where the test is exact. A comparison whose smallest p is above its corrected
 * level cannot flag anything, whatever the data.
 */
export function mannWhitneyMinP(m: number, n: number): number {
  if (m === 0 || n === 0) return 1
  if (m + n <= EXACT_MAX) {
    let c = 1
    for (let k = 1; k <= m; k++) c = (c * (n + k)) / k
    return Math.min(1, 2 / c)
  }
  return mannWhitney(Array.from({ length: m }, (_, i) => i), Array.from({ length: n }, (_, i) => m + i)).p
}

/** Counts of each value of W+ for n untied, non-zero differences: the coefficients of Π_{k=1..n} (1 + q^k). */
function signedRankCounts(n: number): Float64Array {
  const c = new Float64Array((n * (n + 1)) / 2 + 1)
  c[0] = 1
  for (let k = 1; k <= n; k++) for (let i = c.length - 1; i >= k; i--) c[i] = (c[i] as number) + (c[i - k] as number)
  return c
}

/**
 * The Wilcoxon signed-rank test of paired differences `d` against 0, two-sided. Zero differences
 * are dropped (Wilcoxon's convention); exact without ties among |d| up to 50 pairs, else the
 * normal approximation with tie and continuity corrections. `statistic` is W+, the rank sum of
 * the positive differences. It assumes the differences are symmetric about 0 when nothing
 * changed — which holds when the two sides of each pair are exchangeable (identical code, the
 * order within a pair randomised).
 */
export function signedRank(d: readonly number[]): RankTest & { readonly n: number } {
  const nz = d.filter((x) => x !== 0)
  const n = nz.length
  if (n === 0) return { statistic: 0, p: 1, method: 'exact', n }
  const { ranks, tieTerm } = rank(nz.map(Math.abs))
  let w = 0
  for (let i = 0; i < n; i++) if ((nz[i] as number) > 0) w += ranks[i] as number
  if (tieTerm === 0 && n <= EXACT_MAX) return { statistic: w, p: twoSidedFromCounts(signedRankCounts(n), w), method: 'exact', n }
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48)
  const z = (Math.abs(w - (n * (n + 1)) / 4) - 0.5) / sd
  return { statistic: w, p: sd === 0 ? 1 : Math.min(1, 2 * normalSf(Math.max(0, z))), method: 'normal', n }
}

/** The smallest two-sided p the signed-rank test can give n pairs (all on one side): 2 / 2^n where exact. */
export function signedRankMinP(n: number): number {
  if (n === 0) return 1
  if (n <= EXACT_MAX) return Math.min(1, 2 / 2 ** n)
  return signedRank(Array.from({ length: n }, (_, i) => i + 1)).p
}

// -- multiple comparisons and effect sizes --------------------------------------------------------

/**
 * Holm's step-down adjustment: sorted ascending, the i-th smallest of k p-values is multiplied by
 * (k − i + 1), made non-decreasing, capped at 1. A hypothesis is rejected at family-wise level α
 * when its adjusted p ≤ α. Returned in the input's order.
 */
export function holm(ps: readonly number[]): number[] {
  const k = ps.length
  const order = ps.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0])
  const adjusted = new Array<number>(k)
  let running = 0
  for (const [rank, [p, i]] of order.entries()) {
    running = Math.max(running, Math.min(1, (k - rank) * p))
    adjusted[i] = running
  }
  return adjusted
}

/**
 * Hodges–Lehmann estimate of the shift of y over x: the median of every difference y_j − x_i.
 * On logs, exp of it is the ratio y/x that a rank test judges. Robust where a difference of
 * medians is not: one outlying trial moves it by at most one of m·n pairs.
 */
export function hodgesLehmann(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const diffs = new Float64Array(x.length * y.length)
  let k = 0
  for (let i = 0; i < x.length; i++) for (let j = 0; j < y.length; j++) diffs[k++] = (y[j] as number) - (x[i] as number)
  return diffs.length === 0 ? Number.NaN : sortedMedian(diffs)
}
