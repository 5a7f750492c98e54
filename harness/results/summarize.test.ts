import { describe, expect, it } from 'vitest'
import { okTrial } from '../../test/fixtures/trials.ts'
import type { Ping, Trial } from './schema.ts'
import { deathOf, summarizeCell, summarizeTarget, type TargetFacts } from './summarize.ts'

describe('cell summaries', () => {
  it('medians and min–max spread over the successful trials only; errors summed, not medianed', () => {
    const trials: Trial[] = [okTrial(1, 100, 10), okTrial(2, 300, 30), okTrial(3, 200, 20), { trial: 4, state: 'errored', error: 'x' }]
    const c = summarizeCell({ target: 't', scenario: 's', trials })
    expect(c.state).toBe('ok')
    if (c.state !== 'ok') return
    expect(c.median).toMatchObject({ rps: 200, closedLoop: { p99: 20 } })
    expect(c.spread).toEqual({ rps: [100, 300] })
    // Trial 2 had 3 mismatches: the median trial had none, the sum has them, and the cell may not enter a ratio.
    expect(c.totals).toEqual({ requests: 600, errors: 0, timeouts: 0, non2xx: 0, mismatches: 3 })
    expect(c.invalid).toBe('3 wrong answer(s) in 600 requests')
    expect(c.trials).toBe(trials)
  })

  it('a 95% interval of the median requests/s from 5 trials up; none below', () => {
    const five = summarizeCell({ target: 't', scenario: 's', trials: [1, 3, 4, 5, 6].map((n, i) => okTrial(n, 100 + 10 * i, 1)) })
    if (five.state !== 'ok') throw new Error(five.state)
    expect(five.median.rpsInterval?.[0]).toBeGreaterThanOrEqual(100)
    expect(five.median.rpsInterval?.[1]).toBeLessThanOrEqual(140)
    const three = summarizeCell({ target: 't', scenario: 's', trials: [okTrial(1, 100, 1), okTrial(3, 110, 1), okTrial(4, 120, 1)] })
    if (three.state !== 'ok') throw new Error(three.state)
    expect(three.median.rpsInterval).toBeUndefined()
  })

  it('at the ceiling, saturated and slowed trials are counted from the run context', () => {
    const sat = (n: number) => okTrial(n, 950, 1, { loadgen: { driver: 'autocannon', cpuMs: 990, cpuPct: 99, busyPct: 99, saturated: true }, machine: { probeMs: n === 3 ? 20 : 8 } })
    const c = summarizeCell({ target: 't', scenario: 's', trials: [sat(1), okTrial(3, 900, 1, { machine: { probeMs: 20 } })] }, { ceilingRps: 1000, slowProbeMs: 12 })
    expect(c).toMatchObject({ state: 'ok', atCeiling: true, saturatedTrials: 1, slowedTrials: 1 })
    expect(summarizeCell({ target: 't', scenario: 's', trials: [okTrial(1, 800, 1)] }, { ceilingRps: 1000 })).toMatchObject({ atCeiling: false })
  })

  it('target CPU is the median of the trials, peak RSS the largest, pings pooled over every sample', () => {
    const ping = (waits: number[]): Ping => ({
      intervalMs: 10, scheduled: waits.length, served: waits.length - 1, failed: 1, unanswered: 0,
      latency: { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 }, stallMaxMs: Math.max(...waits), blockedMs: 5, blockThresholdMs: 20,
      timeline: waits.map((w, i) => [i * 10, w, i === 0 ? 0 : 1] as [number, number, number]),
    })
    const c = summarizeCell({
      target: 't',
      scenario: 's',
      trials: [
        okTrial(1, 100, 10, { target: { cpuMs: 900, cpuCores: 0.9, peakRssBytes: 100 }, ping: { target: ping([1, 2, 3]) } }),
        okTrial(2, 100, 10, { target: { cpuMs: 1500, cpuCores: 1.5, peakRssBytes: 300 }, ping: { target: ping([4, 90, 6]) } }),
        okTrial(3, 100, 10, { target: { peakRssBytes: 200 }, ping: { target: ping([7, 8, 9]) } }),
      ],
    })
    if (c.state !== 'ok') throw new Error(c.state)
    expect(c.median).toMatchObject({ targetCpuCores: 1.2, targetPeakRssBytes: 300 })
    expect(c.ping?.target).toMatchObject({ scheduled: 9, served: 6, failed: 3, stallMaxMs: 90, blockedMs: 15 })
    expect(c.ping?.target.latency.max).toBeCloseTo(90, 1)
    expect(c.ping?.control).toBeUndefined()
  })

  it('a cell with no successful trial is errored, with the first failure', () => {
    const c = summarizeCell({ target: 't', scenario: 's', trials: [{ trial: 1, state: 'crashed', error: 'the target process exited (code 3) during s trial 1' }, { trial: 2, state: 'skipped', reason: 'not run: the target died earlier' }] })
    expect(c).toMatchObject({ state: 'errored', error: 'the target process exited (code 3) during s trial 1' })
    expect(c).not.toHaveProperty('median')
  })

  it('a trial that completed 0 requests is an error: not in the medians (its latencies are zeros, not 0 ms), and the cell is invalid', () => {
    const zero = okTrial(3, 0, 0, { requests: 0, errors: 40, statusCodes: {} })
    const c = summarizeCell({ target: 't', scenario: 's', trials: [okTrial(1, 100, 10), zero, okTrial(4, 300, 30)] })
    if (c.state !== 'ok') throw new Error(c.state)
    expect(c.median).toMatchObject({ rps: 200, closedLoop: { p50: 10, p99: 20 } })
    expect(c.spread).toEqual({ rps: [100, 300] })
    expect(c.totals).toMatchObject({ requests: 400, errors: 40 })
    expect(c.invalid).toBe('trial 3 completed 0 requests, 40 connection error(s) in 400 requests')
    // Every trial empty: no measurement at all, so the cell is errored, not a cell of 0 ms latencies.
    expect(summarizeCell({ target: 't', scenario: 's', trials: [zero] })).toMatchObject({ state: 'errored', error: 'trial 3 completed 0 requests' })
  })

  it('a cell none of whose trials ran is skipped, with the reason; one with no trials at all too', () => {
    expect(summarizeCell({ target: 't', scenario: 's', trials: [{ trial: 1, state: 'skipped', reason: 'not run: the target did not start' }] })).toMatchObject({ state: 'skipped', reason: 'not run: the target did not start' })
    expect(summarizeCell({ target: 't', scenario: 's', trials: [] })).toMatchObject({ state: 'skipped', reason: 'not run: the run ended first' })
  })
})

describe('target summaries', () => {
  const facts = (processTrials: Trial[], start: TargetFacts['start'] = { state: 'started' }): TargetFacts => ({
    name: 't', command: 'c', framework: 'f', scenarios: ['s'], start, verification: { state: 'skipped', reason: 'r' }, processTrials,
  })

  it('a target whose process exited during a trial died, with that trial\'s error', () => {
    const t = summarizeTarget(facts([okTrial(1, 1, 1), { trial: 2, state: 'crashed', error: 'gone during s trial 2' }, { trial: 3, state: 'skipped', reason: 'not run' }]))
    expect(t).toMatchObject({ state: 'died', error: 'gone during s trial 2', verification: { state: 'skipped' } })
  })

  it('errored trials do not kill a target; one that never started failed to start', () => {
    expect(summarizeTarget(facts([{ trial: 1, state: 'errored', error: 'could not switch' }])).state).toBe('ok')
    expect(summarizeTarget(facts([], { state: 'failed-to-start', error: 'exit 7' }))).toEqual({ name: 't', command: 'c', framework: 'f', scenarios: ['s'], state: 'failed-to-start', error: 'exit 7' })
  })

  it('deathOf finds the first crash only', () => {
    expect(deathOf([{ trial: 1, state: 'errored', error: 'e' }, { trial: 2, state: 'crashed', error: 'first' }, { trial: 3, state: 'crashed', error: 'second' }])).toBe('first')
    expect(deathOf([okTrial(1, 1, 1)])).toBeUndefined()
  })
})
