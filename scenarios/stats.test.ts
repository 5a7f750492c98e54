import { describe, expect, it } from 'vitest'
import { median, percentile, summarize } from './stats.ts'

describe('statistics against hand-computed values', () => {
  // 1..10: nearest rank p50 = ceil(0.5*10)=5th → 5; p90 = 9th → 9; p99 = ceil(9.9)=10th → 10.
  const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
  it('nearest-rank percentiles', () => {
    expect(percentile(s, 50)).toBe(5)
    expect(percentile(s, 90)).toBe(9)
    expect(percentile(s, 99)).toBe(10)
    expect(percentile(s, 0)).toBe(1)
    expect(percentile(s, 100)).toBe(10)
    expect(percentile([7], 99)).toBe(7)
    expect(percentile([], 50)).toBeNaN()
  })
  it('medians of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })
  it('summaries sort first', () => {
    expect(summarize([10, 1, 5])).toEqual({ n: 3, min: 1, p50: 5, p90: 10, p99: 10, max: 10 })
  })
})
