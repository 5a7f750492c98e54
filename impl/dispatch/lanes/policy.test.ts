import { describe, expect, it } from 'vitest'
import { LanePolicy, resolveLanePolicyOptions } from './policy.ts'

describe('LanePolicy', () => {
  it('starts every route in the blocking lane and promotes it after 16 quick calls', () => {
    const r = new LanePolicy()
    expect(r.lane(1)).toBe('blocking')
    for (let i = 0; i < 15; i++) expect(r.observe(1, 0.05)).toBe('blocking')
    expect(r.observe(1, 0.05)).toBe('fast')
  })

  it('never promotes a route that waits, even 1 ms per call', () => {
    const r = new LanePolicy()
    for (let i = 0; i < 100; i++) expect(r.observe(2, 1.05)).toBe('blocking')
  })

  it('ignores preemption outliers: a quick route stays fast through occasional slow calls', () => {
    const r = new LanePolicy()
    for (let i = 0; i < 16; i++) r.observe(3, 0.05)
    for (let i = 0; i < 64; i++) expect(r.observe(3, i % 5 === 0 ? 12 : 0.05)).toBe('fast')
  })

  it('demotes at once on a call that really blocks, and for good after 3 demotions', () => {
    const r = new LanePolicy()
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 16; i++) r.observe(4, 0.05)
      expect(r.lane(4)).toBe('fast')
      expect(r.observe(4, 120)).toBe('blocking')
    }
    for (let i = 0; i < 100; i++) r.observe(4, 0.05)
    expect(r.snapshot()[4]).toMatchObject({ lane: 'blocking', demotions: 3 })
  })

  it('demotes a fast route whose typical call becomes slow', () => {
    const r = new LanePolicy()
    for (let i = 0; i < 16; i++) r.observe(5, 0.05)
    let lane = r.lane(5)
    for (let i = 0; i < 16 && lane === 'fast'; i++) lane = r.observe(5, 3)
    expect(lane).toBe('blocking')
  })
})

describe('the CPU lane', () => {
  it('a slow route that spends its time on the CPU moves to the CPU lane; one that waits stays blocking', () => {
    const r = new LanePolicy()
    for (let i = 0; i < 16; i++) {
      expect(r.wantsCpu(6) || i === 0).toBe(true) // asked to measure CPU once it is known to be slow
      r.observe(6, 15, 14.5)
      r.observe(7, 15, 0.4)
    }
    expect(r.lane(6)).toBe('cpu')
    expect(r.lane(7)).toBe('blocking')
  })

  it('a short CPU-bound route reaches the CPU lane although its thread clock moves in 4 ms ticks (regression)', () => {
    // A 3 ms spin read through a clock that advances in 4 ms steps: most calls read 0 or 4 ms.
    const r = new LanePolicy()
    const reads = [0, 4, 4, 0, 4, 0, 4, 4, 0, 4, 0, 4, 4, 0, 4, 0]
    for (const cpu of reads) r.observe(10, 3, cpu)
    expect(r.lane(10)).toBe('cpu')
  })

  it('quick routes are never asked for CPU samples', () => {
    const r = new LanePolicy()
    for (let i = 0; i < 20; i++) r.observe(8, 0.05)
    expect(r.wantsCpu(8)).toBe(false)
  })

  it('leaves the CPU lane when calls start waiting instead', () => {
    const r = new LanePolicy()
    for (let i = 0; i < 16; i++) r.observe(9, 15, 15)
    expect(r.lane(9)).toBe('cpu')
    for (let i = 0; i < 16; i++) r.observe(9, 15, 1)
    expect(r.lane(9)).toBe('blocking')
  })
})

describe('a lane the pool does not have is never picked', () => {
  it('without a fast lane, a quick route stays in the blocking lane', () => {
    const r = new LanePolicy({}, ['blocking', 'cpu'])
    for (let i = 0; i < 100; i++) expect(r.observe(1, 0.05)).toBe('blocking')
    expect(r.snapshot()[1]).toMatchObject({ lane: 'blocking', demotions: 0 })
  })

  it('without a fast lane, a CPU-bound route still reaches the CPU lane', () => {
    const r = new LanePolicy({}, ['blocking', 'cpu'])
    for (let i = 0; i < 16; i++) r.observe(2, 15, 14.5)
    expect(r.lane(2)).toBe('cpu')
  })

  it('without a CPU lane, a CPU-bound route stays in the blocking lane and is not asked for CPU samples', () => {
    const r = new LanePolicy({}, ['blocking', 'fast'])
    for (let i = 0; i < 32; i++) {
      expect(r.wantsCpu(3)).toBe(false)
      expect(r.observe(3, 15, 14.5)).toBe('blocking')
    }
  })

  it('without a CPU lane, a quick route still reaches the fast lane', () => {
    const r = new LanePolicy({}, ['blocking', 'fast'])
    for (let i = 0; i < 16; i++) r.observe(4, 0.05)
    expect(r.lane(4)).toBe('fast')
  })

  it('with the blocking lane alone, every route stays there whatever its calls', () => {
    const r = new LanePolicy({}, ['blocking'])
    for (let i = 0; i < 32; i++) {
      r.observe(5, 0.05)
      r.observe(6, 15, 15)
    }
    expect([r.lane(5), r.lane(6)]).toEqual(['blocking', 'blocking'])
  })
})

describe('policy options', () => {
  it('defaults: window 16, 0.5 ms to be fast, 50 ms to block, 3 demotions', () => {
    expect(resolveLanePolicyOptions()).toEqual({ window: 16, fastMs: 0.5, blockMs: 50, maxDemotions: 3 })
  })

  it('are used: a shorter window promotes sooner, maxDemotions 0 never promotes', () => {
    const short = new LanePolicy({ window: 4 })
    for (let i = 0; i < 4; i++) short.observe(1, 0.05)
    expect(short.lane(1)).toBe('fast')
    const never = new LanePolicy({ maxDemotions: 0 })
    for (let i = 0; i < 64; i++) never.observe(1, 0.05)
    expect(never.lane(1)).toBe('blocking')
  })

  it.each([
    [{ window: 0 }, 'options.pool.policy.window must be an integer ≥ 1, got 0'],
    [{ maxDemotions: -1 }, 'options.pool.policy.maxDemotions must be an integer ≥ 0, got -1'],
    [{ fastMs: 0 }, 'options.pool.policy.fastMs must be a positive number, got 0'],
    [{ blockMs: Number.NaN }, 'options.pool.policy.blockMs must be a positive number, got NaN'],
    [{ fastMs: 2, blockMs: 1 }, 'options.pool.policy.blockMs (1) is below options.pool.policy.fastMs (2)'],
  ])('%j is rejected with an exact message, also when a policy is built', (opts, message) => {
    expect(() => resolveLanePolicyOptions(opts)).toThrow(message)
    expect(() => new LanePolicy(opts)).toThrow(message)
  })
})
