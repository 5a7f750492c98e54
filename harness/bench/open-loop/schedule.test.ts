import { describe, expect, it } from 'vitest'
import { achievedRps, dueAt, dueBy, generatorBehind, scheduleOf } from './schedule.ts'

describe('the open-loop schedule', () => {
  it('rate × duration requests, one every 1000/rate ms, covering the duration', () => {
    const s = scheduleOf(200, 1.5, 1_000_000)
    expect(s).toEqual({ count: 300, intervalMs: 5, windowMs: 1500, capped: false })
    expect([0, 1, 2, 299].map((i) => dueAt(i, s))).toEqual([0, 5, 10, 1495])
  })

  it('counts exactly where floating point would lose a request (100/s × 0.3 s is 30, not 29)', () => {
    expect(scheduleOf(100, 0.3, 1000).count).toBe(30)
    expect(scheduleOf(3, 1, 1000).count).toBe(3)
  })

  it('a rate too low for the duration still sends one request; a cap cuts the run and says so', () => {
    expect(scheduleOf(0.5, 1, 1000)).toMatchObject({ count: 1, intervalMs: 2000, capped: false })
    const capped = scheduleOf(50_000, 5, 200_000)
    expect(capped).toMatchObject({ count: 200_000, capped: true })
    expect(capped.windowMs).toBeCloseTo(4000, 6) // 200,000 at 50,000/s cover 4 s, not 5
  })

  it('due times come from the index, not from adding intervals: no drift over a long run', () => {
    const s = scheduleOf(3, 1_000_000, 10_000_000) // interval 333.33… ms
    expect(dueAt(2_999_999, s)).toBeCloseTo(999_999_666.667, 2)
  })

  it('dueBy counts the requests whose time has come, up to the run`s size', () => {
    const s = scheduleOf(100, 1, 1000) // due at 0, 10, …, 990
    expect(dueBy(-1, s)).toBe(0)
    expect(dueBy(0, s)).toBe(1)
    expect(dueBy(9.99, s)).toBe(1)
    expect(dueBy(10, s)).toBe(2)
    expect(dueBy(995, s)).toBe(100)
    expect(dueBy(50_000, s)).toBe(100)
    expect(dueBy(1000, scheduleOf(3, 2, 100))).toBe(4) // 3 × 333.33… = 1000 counts as due at 1000
  })

  it('rejects rates, durations and caps that would make an unbounded or empty run', () => {
    expect(() => scheduleOf(0, 1, 10)).toThrow('rateRps must be a positive number (got 0)')
    expect(() => scheduleOf(Number.POSITIVE_INFINITY, 1, 10)).toThrow('rateRps must be a positive number (got Infinity)')
    expect(() => scheduleOf(10, Number.NaN, 10)).toThrow('durationSec must be a positive number (got NaN)')
    expect(() => scheduleOf(10, 1, 0)).toThrow('maxRequests must be a positive integer (got 0)')
  })
})

describe('achieved requests/s', () => {
  it('a server that kept up: the completed requests over the schedule`s window', () => {
    expect(achievedRps(100, 1000, 1010)).toBeCloseTo(99.01, 2) // the last one finished 10 ms after the window
    expect(achievedRps(100, 1000, 900)).toBe(100)
  })
  it('a server that fell behind: what it managed over the time it took, not the rate asked', () => {
    expect(achievedRps(100, 1000, 2000)).toBe(50)
  })
  it('nothing completed is 0, not NaN', () => {
    expect(achievedRps(0, 1000, undefined)).toBe(0)
  })
})

describe('whether the generator fell behind', () => {
  it('a p99 lag up to the slack (scheduler jitter) is not behind; beyond it is', () => {
    expect(generatorBehind({ lagP99Ms: 6.2, unsent: 0 })).toBe(false)
    expect(generatorBehind({ lagP99Ms: 10, unsent: 0 })).toBe(false)
    expect(generatorBehind({ lagP99Ms: 10.1, unsent: 0 })).toBe(true)
  })
  it('requests the generator never sent are behind by definition', () => {
    expect(generatorBehind({ lagP99Ms: 0, unsent: 1 })).toBe(true)
  })
})
