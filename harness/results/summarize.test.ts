import { describe, expect, it } from 'vitest'
import { okTrial } from '../../test/fixtures/trials.ts'
import type { Trial } from './schema.ts'
import { deathOf, summarizeCell, summarizeTarget, type TargetFacts } from './summarize.ts'

describe('cell summaries', () => {
  it('medians and min–max spread over the successful trials only', () => {
    const trials: Trial[] = [okTrial(1, 100, 10), okTrial(2, 300, 30), okTrial(3, 200, 20), { trial: 4, state: 'errored', error: 'x' }]
    const c = summarizeCell({ target: 't', scenario: 's', trials })
    expect(c.state).toBe('ok')
    if (c.state !== 'ok') return
    expect(c.median).toMatchObject({ rps: 200, p99: 20, mismatches: 0 })
    expect(c.spread).toEqual({ rps: [100, 300], p99: [10, 30] })
    expect(c.trials).toBe(trials)
  })

  it('target CPU is the median of the trials, peak RSS the largest, ping pooled', () => {
    const ping = (p99: number, sent: number) => ({ p50: 1, p90: 2, p99, p999: p99, max: p99 * 2, mean: 1, sent, failed: 1, timeline: [] })
    const c = summarizeCell({
      target: 't',
      scenario: 's',
      trials: [
        okTrial(1, 100, 10, { target: { cpuMs: 900, cpuCores: 0.9, peakRssBytes: 100 }, ping: ping(5, 10) }),
        okTrial(2, 100, 10, { target: { cpuMs: 1500, cpuCores: 1.5, peakRssBytes: 300 }, ping: ping(9, 20) }),
        okTrial(3, 100, 10, { target: { peakRssBytes: 200 }, ping: ping(7, 30) }),
      ],
    })
    if (c.state !== 'ok') throw new Error(c.state)
    expect(c.median).toMatchObject({ targetCpuCores: 1.2, targetPeakRssBytes: 300, ping: { p99: 7, max: 18, sent: 60, failed: 3 } })
    expect(c.spread.pingP99).toEqual([5, 9])
  })

  it('a cell with no successful trial is errored, with the first failure', () => {
    const c = summarizeCell({ target: 't', scenario: 's', trials: [{ trial: 1, state: 'crashed', error: 'the target process exited (code 3) during s trial 1' }, { trial: 2, state: 'skipped', reason: 'not run: the target died earlier' }] })
    expect(c).toMatchObject({ state: 'errored', error: 'the target process exited (code 3) during s trial 1' })
    expect(c).not.toHaveProperty('median')
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
