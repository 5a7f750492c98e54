import { describe, expect, it } from 'vitest'
import { okTrial } from '../../test/fixtures/trials.ts'
import { evaluateRequirements, REQUIREMENTS, type Requirement } from './requirements.ts'
import type { Cell, Micro } from './schema.ts'
import { summarizeCell } from './summarize.ts'

const pingOf = (p99: number) => ({ p50: 1, p90: 1, p99, p999: p99, max: p99, mean: 1, sent: 10, failed: 0, timeline: [] })
const cell = (target: string, scenario: string, rps: number, pingP99?: number): Cell =>
  summarizeCell({ target, scenario, trials: [okTrial(1, rps, 5, pingP99 === undefined ? {} : { ping: pingOf(pingP99) })] })
const series = (target: string, scenario: string, rps: number[]): Cell => summarizeCell({ target, scenario, trials: rps.map((x, i) => okTrial(i + 1, x, 5)) })
const micro: Micro = { state: 'ok', rounds: 1, results: [], offloadVsPiscina: 1.3, offloadVsPiscinaRounds: [1.3], offloadVsPiscinaSpread: [1.3, 1.3] }
const skipped: Micro = { state: 'skipped', reason: 'off' }

describe('the requirements, as data', () => {
  it('the same ids, thresholds and comparators as before the move', () => {
    expect(REQUIREMENTS.map((r) => [r.id, r.comparator, r.threshold])).toEqual([
      ['json-async-vs-fastify', '>=', 0.8],
      ['json-sync-vs-json-async', '>=', 0.4],
      ['ping-p99-reference', '<=', 20],
      ['ping-p99-express', '>=', 100],
      ['cpu-sync-vs-express', '>=', 1.5],
      ['offload-vs-piscina', '<=', 1.5],
      ['detection-overhead', '>=', 0.95],
    ])
  })

  it('a requirement list other than the built-in one is evaluated the same way', () => {
    const own: Requirement = { id: 'x', description: 'a over b', kind: 'rps-ratio', numerator: { target: 'a', scenario: 's', input: 'a' }, denominator: { target: 'b', scenario: 's', input: 'b' }, comparator: '>=', threshold: 2 }
    expect(evaluateRequirements({ cells: [cell('a', 's', 300), cell('b', 's', 100)], micro: skipped }, [own])).toEqual([{ id: 'x', description: 'a over b', value: 3, comparator: '>=', threshold: 2, met: true, inputs: { a: 300, b: 100 }, perTrial: [3] }])
  })
})

describe('requirement ratios', () => {
  const cells = [
    cell('reference', 'json-async', 900), cell('fastify', 'json-async', 1000), cell('reference', 'json-sync', 300),
    cell('reference', 'ping-under-sync-blocking', 10, 12), cell('express', 'ping-under-sync-blocking', 10, 800),
    cell('reference', 'cpu-sync', 100), cell('express', 'cpu-sync', 80), cell('reference-nodetect', 'json-async', 920),
  ]
  const ratios = Object.fromEntries(evaluateRequirements({ cells, micro }).map((r) => [r.id, r]))

  it('computes each ratio from medians and marks it met or not', () => {
    expect(ratios['json-async-vs-fastify']).toMatchObject({ value: 0.9, met: true, inputs: { reference: 900, fastify: 1000 } })
    expect(ratios['json-sync-vs-json-async']).toMatchObject({ value: 0.333, met: false })
    expect(ratios['ping-p99-reference']).toMatchObject({ value: 12, met: true, inputs: { referencePingP99Ms: 12 }, perTrial: [12] })
    expect(ratios['ping-p99-express']).toMatchObject({ value: 800, met: true })
    expect(ratios['cpu-sync-vs-express']).toMatchObject({ value: 1.25, met: false })
    expect(ratios['offload-vs-piscina']).toMatchObject({ value: 1.3, met: true, inputs: { ratio: 1.3 }, perTrial: [1.3] })
    expect(ratios['detection-overhead']).toMatchObject({ value: 0.978, met: true, inputs: { on: 900, off: 920 } })
  })

  it('a ratio of two cells is the median of its per-trial ratios, paired by trial number', () => {
    // Trial 3 of json-async ran in a fast moment that json-sync's trial 3 did not share: the
    // ratio of medians (200 / 600) would read 0.333; trial by trial the ratio is 0.5, 0.5, 0.2.
    const paired = evaluateRequirements({ cells: [series('reference', 'json-sync', [100, 300, 200]), series('reference', 'json-async', [200, 600, 1000])], micro: skipped })
    expect(paired.find((x) => x.id === 'json-sync-vs-json-async')).toMatchObject({ value: 0.5, met: true, perTrial: [0.5, 0.5, 0.2], inputs: { jsonSync: 200, jsonAsync: 600 } })

    // No trial number completed on both sides: the ratio of the medians, and no per-trial list.
    const a = series('reference', 'json-sync', [100])
    const b = summarizeCell({ target: 'reference', scenario: 'json-async', trials: [okTrial(2, 300, 5)] })
    const unpaired = evaluateRequirements({ cells: [a, b], micro: skipped }).find((x) => x.id === 'json-sync-vs-json-async')
    expect(unpaired).toMatchObject({ value: 0.333 })
    expect(unpaired?.perTrial).toBeUndefined()
  })

  it('only ok trials pair: a trial errored on one side drops that pair', () => {
    const a = summarizeCell({ target: 'reference', scenario: 'json-sync', trials: [okTrial(1, 100, 5), { trial: 2, state: 'errored', error: 'x' }, okTrial(3, 300, 5)] })
    const b = series('reference', 'json-async', [200, 400, 400])
    expect(evaluateRequirements({ cells: [a, b], micro: skipped }).find((x) => x.id === 'json-sync-vs-json-async')).toMatchObject({ perTrial: [0.5, 0.75], value: 0.625 })
  })

  it('a missing or not-ok cell gives null, not a guess', () => {
    const r = evaluateRequirements({ cells: [], micro: skipped })
    expect(r.every((x) => x.value === null && x.met === null)).toBe(true)
    const errored = summarizeCell({ target: 'fastify', scenario: 'json-async', trials: [{ trial: 1, state: 'errored', error: 'x' }] })
    expect(evaluateRequirements({ cells: [cell('reference', 'json-async', 900), errored], micro: { state: 'errored', error: 'x' } }).find((x) => x.id === 'json-async-vs-fastify')).toMatchObject({ value: null, met: null, inputs: { reference: 900, fastify: null } })
  })
})
