import { describe, expect, it } from 'vitest'
import { estimateParallelism, histogram } from './parallelism.ts'

/** `waves` waves of `p` completions each `sleep` ms apart, the first wave spread by `skew` ms. */
function waves(p: number, total: number, sleep: number, skew = 0): number[] {
  return Array.from({ length: total }, (_, i) => sleep * (1 + Math.floor(i / p)) + ((i % p) / p) * skew)
}

describe('estimateParallelism: completions within 250 ms of the first', () => {
  it.each([
    [2, 64],
    [8, 64],
    [40, 64],
    [7, 64],
  ])('%i at once of %i → %i', (p, total) => {
    expect(estimateParallelism(waves(p, total, 500), total)).toEqual({ parallelism: p, shown: String(p), firstMs: 500 })
  })

  it('the whole burst in the first window → "≥ 64": more might have run at once', () => {
    expect(estimateParallelism(waves(64, 64, 500, 40), 64)).toMatchObject({ parallelism: 64, shown: '≥ 64' })
  })

  it('regression: start-up skew does not split the first wave (64 / waves would read 32 here)', () => {
    // 40 at once, threads started one by one over 200 ms: two "waves" of completion times, one estimate.
    const times = waves(40, 64, 500, 200)
    expect(estimateParallelism(times, 64).parallelism).toBe(40)
  })

  it('counts from the first completion, not from the send, and in any order', () => {
    expect(estimateParallelism([1600, 900, 1000, 1100, 1150, 1151, 2000], 7)) // 1150 is in, 1151 is not.toEqual({ parallelism: 4, shown: '4', firstMs: 900 })
  })

  it('nothing completed → 0, no first completion', () => {
    expect(estimateParallelism([], 64)).toEqual({ parallelism: 0, shown: '0' })
  })
})

describe('histogram: completions per 100 ms', () => {
  it('counts non-empty buckets in time order, a bucket being [start, start + 100)', () => {
    expect(histogram([1020, 510, 530, 599.9, 600])).toEqual([[500, 3], [600, 1], [1000, 1]])
  })
  it('empty → empty; another bucket size', () => {
    expect(histogram([])).toEqual([])
    expect(histogram([10, 260, 270], 250)).toEqual([[0, 1], [250, 2]])
  })
})
