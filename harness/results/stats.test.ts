/**
 * Reference values: computed with scipy 1.17.1 (scipy.stats.mannwhitneyu with
 * alternative='two-sided' and use_continuity=True, scipy.stats.wilcoxon with correction=True,
 * scipy.stats.norm.sf), and the small ones by hand as noted.
 */
import { describe, expect, it } from 'vitest'
import { median } from '../../scenarios/stats.ts'
import { bootstrapInterval, holm, hodgesLehmann, mannWhitney, mannWhitneyMinP, medianInterval, MIN_INTERVAL_SAMPLES, normalSf, seededRandom, signedRank, signedRankMinP, type Random } from './stats.ts'

/** Standard normal deviates by Box–Muller from a seeded source. */
const gauss = (random: Random): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())

describe('seededRandom', () => {
  it('the same seed and stream give the same numbers; another stream or seed, others', () => {
    const take = (r: Random) => Array.from({ length: 5 }, r)
    expect(take(seededRandom(42, 'a'))).toEqual(take(seededRandom(42, 'a')))
    expect(take(seededRandom(42, 'a'))).not.toEqual(take(seededRandom(42, 'b')))
    expect(take(seededRandom(42, 'a'))).not.toEqual(take(seededRandom(43, 'a')))
  })

  it('uniform in [0, 1): 10,000 draws, each tenth holds 8–12% of them', () => {
    const r = seededRandom(7)
    const bins = new Array<number>(10).fill(0)
    for (let i = 0; i < 10_000; i++) {
      const x = r()
      expect(x >= 0 && x < 1).toBe(true)
      bins[Math.floor(x * 10)]! += 1
    }
    for (const b of bins) expect(b).toBeGreaterThan(800), expect(b).toBeLessThan(1200)
  })
})

describe('normalSf', () => {
  it.each([
    [0, 0.5], [0.5, 0.3085375387259869], [1.96, 0.024997895148220435], [3, 0.0013498980316300933],
    [4.5, 3.3976731247300535e-6], [5, 2.866515718791933e-7], [8, 6.22096057427174e-16], [-1.5, 0.9331927987311419],
  ])('P(Z ≥ %d) matches scipy to 1e-10 relative', (z, p) => {
    expect(Math.abs(normalSf(z) - p) / p).toBeLessThan(1e-10)
  })
})

describe('mannWhitney', () => {
  it('exact, no overlap in 5 + 5: U = 0, p = 2/C(10,5) = 2/252 (by hand)', () => {
    expect(mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])).toEqual({ statistic: 0, p: 2 / 252, method: 'exact' })
    expect(mannWhitney([6, 7, 8, 9, 10], [1, 2, 3, 4, 5])).toEqual({ statistic: 25, p: 2 / 252, method: 'exact' })
  })

  it('exact, interleaved 5 + 4: U = 17, p = 0.1111 (scipy exact)', () => {
    const r = mannWhitney([19, 22, 16, 29, 24], [20, 11, 17, 12])
    expect(r.statistic).toBe(17)
    expect(r.method).toBe('exact')
    expect(r.p).toBeCloseTo(0.1111111111111111, 12)
  })

  it('exact at 25 + 25, the largest exact size: p = 0.000367468 (scipy exact)', () => {
    const a = [100.012, 102.987, 97.259, 91.094, 95.453, 90.084, 100.601, 113.402, 95.078, 93.795, 104.898, 103.569, 101.054, 90.695, 99.707, 106.953, 86.558, 95.424, 80.988, 87.105, 81.583, 97.649, 87.326, 102.713, 101.568]
    const b = [106.131, 82.832, 102.613, 107.515, 109.133, 92.699, 103.222, 98.215, 99.912, 118.609, 99.925, 107.675, 116.844, 102.164, 106.883, 109.105, 108.638, 95.749, 108.761, 121.588, 92.529, 116.594, 109.194, 101.585, 128.004]
    const r = mannWhitney(a, b)
    expect(r).toMatchObject({ statistic: 134, method: 'exact' })
    expect(Math.abs(r.p - 0.0003674679006375476) / 0.0003674679006375476).toBeLessThan(1e-9)
  })

  it('ties: the normal approximation with tie and continuity corrections, U = 13, p = 0.029473 (scipy asymptotic)', () => {
    const r = mannWhitney([1, 2, 2, 3, 4, 5, 5, 6], [3, 3, 4, 6, 7, 8, 8, 9, 10])
    expect(r).toMatchObject({ statistic: 13, method: 'normal' })
    expect(r.p).toBeCloseTo(0.02947289220529699, 10)
  })

  it('above 50 observations, the normal approximation: 30 + 31, U = 345, p = 0.084719 (scipy asymptotic)', () => {
    const a = [107.623, 88.007, 100.745, 105.767, 98.112, 106.829, 99.335, 106.672, 114.385, 93.243, 102.031, 95.367, 101.273, 88.128, 94.207, 98.038, 108.988, 111.452, 86.765, 92.054, 106.469, 80.076, 95.368, 99.027, 112.57, 106.894, 96.728, 96.314, 97.498, 115.235]
    const b = [100.72, 101.963, 108.526, 103.792, 103.027, 93.859, 104.885, 100.564, 116.661, 111.531, 104.759, 111.684, 101.601, 115.521, 104.946, 110.834, 92.091, 108.467, 88.118, 84.647, 101.955, 96.001, 106.641, 127.448, 96.683, 98.761, 107.054, 109.93, 103.236, 102.941, 112.025]
    const r = mannWhitney(a, b)
    expect(r).toMatchObject({ statistic: 345, method: 'normal' })
    expect(r.p).toBeCloseTo(0.08471934702766704, 10)
  })

  it('identical samples: p = 1', () => {
    expect(mannWhitney([1, 2, 3], [1, 2, 3]).p).toBe(1)
  })

  it('the smallest p a size can reach: 2/C(m+n, m) (by hand)', () => {
    expect(mannWhitneyMinP(3, 3)).toBeCloseTo(2 / 20, 15)
    expect(mannWhitneyMinP(6, 6)).toBeCloseTo(2 / 924, 15)
    expect(mannWhitneyMinP(7, 7)).toBeCloseTo(2 / 3432, 15)
    expect(mannWhitneyMinP(5, 8)).toBeCloseTo(2 / 1287, 15)
    expect(mannWhitneyMinP(1, 1)).toBe(1)
    expect(mannWhitneyMinP(30, 30)).toBeLessThan(1e-10)
  })
})

describe('signedRank', () => {
  it('exact: W+ = 33 of 36, p = 2·5/256 = 0.0390625 (by hand; scipy exact agrees)', () => {
    expect(signedRank([1.5, -0.5, 2, 3, 4, -1, 2.5, 3.5])).toEqual({ statistic: 33, p: 0.0390625, method: 'exact', n: 8 })
  })

  it('ties and a zero: the zero dropped, the normal approximation, p = 0.036292 (scipy approx, correction=True)', () => {
    const r = signedRank([1, 2, 2, -3, 4, 5, 5, 6, -1, 7, 0])
    expect(r).toMatchObject({ n: 10, method: 'normal', statistic: 48.5 })
    expect(r.p).toBeCloseTo(0.03629242015146564, 10)
  })

  it('the smallest p n pairs can reach: 2/2^n', () => {
    expect(signedRankMinP(5)).toBe(2 / 32)
    expect(signedRankMinP(11)).toBe(2 / 2048)
    expect(signedRank([1, 2, 3, 4, 5]).p).toBe(2 / 32)
  })
})

describe('holm', () => {
  it('step-down adjusted p-values in the input order (by hand: 4 × 0.005, 3 × 0.01, 2 × 0.03, then held at 0.06)', () => {
    const adjusted = holm([0.01, 0.04, 0.03, 0.005])
    expect(adjusted.map((p) => Math.round(p * 1e9) / 1e9)).toEqual([0.03, 0.06, 0.06, 0.02])
  })

  it('capped at 1; empty in, empty out', () => {
    expect(holm([0.5, 0.6])).toEqual([1, 1])
    expect(holm([])).toEqual([])
  })
})

describe('hodgesLehmann', () => {
  it('the median of all y − x differences (by hand: −1, 0, 1, 1, 2, 3, 3, 4, 5 → 2)', () => {
    expect(hodgesLehmann([1, 2, 3], [2, 4, 6])).toBe(2)
  })

  it('one wild value moves it little where the difference of means moves a lot', () => {
    const x = [100, 101, 99, 100, 102, 98]
    const y = [110, 111, 109, 110, 112, 500]
    expect(hodgesLehmann(x, y)).toBeGreaterThan(9)
    expect(hodgesLehmann(x, y)).toBeLessThan(12)
  })
})

describe('bootstrap intervals', () => {
  it('seeded: the same samples and seed give the same interval, and it holds the median', () => {
    const xs = [0.91, 0.97, 1.02, 0.95, 1.1, 0.99, 0.93, 1.04, 0.98, 1.0]
    const a = medianInterval(xs, 3)
    expect(a).toEqual(medianInterval(xs, 3))
    const [lo, hi] = a as [number, number]
    expect(lo).toBeLessThanOrEqual(median(xs))
    expect(hi).toBeGreaterThanOrEqual(median(xs))
    expect(lo).toBeGreaterThanOrEqual(Math.min(...xs))
    expect(hi).toBeLessThanOrEqual(Math.max(...xs))
  })

  it(`no interval below ${MIN_INTERVAL_SAMPLES} samples: none could honestly claim 95%`, () => {
    expect(medianInterval([1, 2, 3, 4], 1)).toBeUndefined()
    expect(medianInterval([1, 2, 3, 4, 5], 1)).toBeDefined()
  })

  it('a 95% interval of the median covers the true median in 90–99% of 1,000 seeded simulations (n = 12, heavy-tailed)', () => {
    // Log-normal trials (σ = 0.3, a long right tail): the true median is exactly 1. 1,000 runs,
    // not 200: the coverage is about 93.5% (2,000 runs each at n = 5…20 read 92–95%), and 200
    // runs estimate it only to ±3.4%, so a sound interval could fall under 90% by chance (one
    // seed read 88.5%).
    const gen = seededRandom(2024, 'coverage')
    const sims = 1000
    let covered = 0
    for (let sim = 0; sim < sims; sim++) {
      const xs = Array.from({ length: 12 }, () => Math.exp(0.3 * gauss(gen)))
      const [lo, hi] = medianInterval(xs, seededRandom(sim), { resamples: 1000 }) as [number, number]
      if (lo <= 1 && 1 <= hi) covered++
    }
    expect(covered / sims).toBeGreaterThanOrEqual(0.9)
    expect(covered / sims).toBeLessThanOrEqual(0.99)
  })

  it('a cluster bootstrap resamples whole units: the statistic sees each unit intact', () => {
    const units = [[1, 1], [2, 2], [3, 3], [4, 4], [5, 5]]
    const seen = new Set<string>()
    const iv = bootstrapInterval(units, (r) => {
      for (const u of r) seen.add(u.join(','))
      return median(r.flat())
    }, seededRandom(1), { resamples: 200 })
    expect([...seen].sort()).toEqual(['1,1', '2,2', '3,3', '4,4', '5,5'])
    expect(iv?.[0]).toBeLessThanOrEqual(3)
    expect(iv?.[1]).toBeGreaterThanOrEqual(3)
  })
})
