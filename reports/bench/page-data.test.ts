import { describe, expect, it } from 'vitest'
import type { Cell } from '../../harness/results/schema.ts'
import { okCell, pingOf, runOf, trialOk } from '../../test/fixtures/cells.ts'
import { pageData } from './page-data.ts'

describe('what the charts are given', () => {
  it('a cell without a measurement goes in with its state and no numbers: the chart names it instead of drawing a 0', () => {
    const errored: Cell = { target: 'broken', scenario: 'cpu-sync', trials: [{ trial: 1, state: 'errored', error: 'trial 1 completed 0 requests' }], state: 'errored', error: 'trial 1 completed 0 requests' }
    const data = pageData(runOf([errored, okCell('fine', 'cpu-sync', [trialOk(1, 100, { target: { cpuCores: 1.9 } })])]))
    expect(data.cells).toEqual([{ target: 'broken', scenario: 'cpu-sync', state: 'errored' }, expect.objectContaining({ target: 'fine', state: 'ok', median: expect.objectContaining({ rps: 100 }) })])
    expect(data.cpu).toEqual([{ target: 'broken', state: 'errored', rps: null, cores: null }, { target: 'fine', state: 'ok', rps: 100, cores: null }])
  })

  it('the ping timeline is of a trial that completed requests: an empty one measured a server under no load', () => {
    const quiet = pingOf([1, 1, 1])
    const loaded = pingOf([300, 5, 300])
    const cell = okCell('t', 'ping-under-sync-blocking', [trialOk(1, 0, { requests: 0, ping: { target: quiet } }), trialOk(2, 300, { ping: { target: loaded, control: quiet } })])
    const [own, control] = pageData(runOf([cell])).pingTimelines
    expect(own).toEqual({ target: 't', label: 't', trial: 2, points: [[0, 300], [10, 5], [20, 300]], control: false })
    expect(control).toMatchObject({ label: 'control · t', trial: 2, control: true })
  })
})
