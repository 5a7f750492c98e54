import { describe, expect, it } from 'vitest'
import { computeRatios, summarizeCell, type Cell, type Trial } from './results.ts'

const trial = (n: number, rps: number, p99: number, extra: Partial<Trial> = {}): Trial => ({
  trial: n, state: 'ok', rps, requests: rps, durationSec: 1,
  latency: { p50: p99 / 2, p90: p99 * 0.9, p99, p999: p99, max: p99 * 2, mean: p99 / 2 },
  errors: 0, timeouts: 0, non2xx: 0, mismatches: n === 2 ? 3 : 0, statusCodes: { 200: rps }, ...extra,
})

describe('cell summaries', () => {
  it('medians and min–max spread over the successful trials only', () => {
    const c: Cell = { target: 't', scenario: 's', state: 'ok', trials: [trial(1, 100, 10), trial(2, 300, 30), trial(3, 200, 20), { trial: 4, state: 'errored', error: 'x' }] }
    summarizeCell(c)
    expect(c.median).toMatchObject({ rps: 200, p99: 20, mismatches: 0 })
    expect(c.spread).toEqual({ rps: [100, 300], p99: [10, 30] })
    expect(c.state).toBe('ok')
  })

  it('a cell with no successful trial is errored, with the first error', () => {
    const c: Cell = { target: 't', scenario: 's', state: 'ok', trials: [{ trial: 1, state: 'errored', error: 'the target process exited (code 3) during s trial 1' }] }
    summarizeCell(c)
    expect(c.state).toBe('errored')
    expect(c.error).toBe('the target process exited (code 3) during s trial 1')
    expect(c.median).toBeUndefined()
  })
})

describe('requirement ratios', () => {
  const cell = (target: string, scenario: string, rps: number, pingP99?: number): Cell => {
    const c: Cell = { target, scenario, state: 'ok', trials: [trial(1, rps, 5, pingP99 === undefined ? {} : { ping: { p50: 1, p90: 1, p99: pingP99, p999: pingP99, max: pingP99, mean: 1, sent: 10, failed: 0, timeline: [] } })] }
    summarizeCell(c)
    return c
  }
  const cells = [
    cell('reference', 'json-async', 900), cell('fastify', 'json-async', 1000), cell('reference', 'json-sync', 300),
    cell('reference', 'ping-under-sync-blocking', 10, 12), cell('express', 'ping-under-sync-blocking', 10, 800),
    cell('reference', 'cpu-sync', 100), cell('express', 'cpu-sync', 80), cell('reference-nodetect', 'json-async', 920),
  ]
  const ratios = Object.fromEntries(computeRatios({ cells, micro: { state: 'ok', rounds: 1, results: [], offloadVsPiscina: 1.3, offloadVsPiscinaRounds: [1.3], offloadVsPiscinaSpread: [1.3, 1.3] } }).map((r) => [r.id, r]))

  it('computes each ratio from medians and marks it met or not', () => {
    expect(ratios['json-async-vs-fastify']).toMatchObject({ value: 0.9, met: true })
    expect(ratios['json-sync-vs-json-async']).toMatchObject({ value: 0.333, met: false })
    expect(ratios['ping-p99-reference']).toMatchObject({ value: 12, met: true })
    expect(ratios['ping-p99-express']).toMatchObject({ value: 800, met: true })
    expect(ratios['cpu-sync-vs-express']).toMatchObject({ value: 1.25, met: false })
    expect(ratios['offload-vs-piscina']).toMatchObject({ value: 1.3, met: true })
    expect(ratios['detection-overhead']).toMatchObject({ value: 0.978, met: true })
  })

  it('a ratio of two cells is the median of its per-trial ratios, paired by trial number', () => {
    const series = (target: string, scenario: string, rps: number[]): Cell => {
      const c: Cell = { target, scenario, state: 'ok', trials: rps.map((x, i) => trial(i + 1, x, 5)) }
      summarizeCell(c)
      return c
    }
    // Trial 3 of json-async ran in a fast moment that json-sync's trial 3 did not share: the
    // ratio of medians (200 / 600) would read 0.333; trial by trial the ratio is 0.5, 0.5, 0.2.
    const paired = computeRatios({ cells: [series('reference', 'json-sync', [100, 300, 200]), series('reference', 'json-async', [200, 600, 1000])], micro: { state: 'skipped' } })
    expect(paired.find((x) => x.id === 'json-sync-vs-json-async')).toMatchObject({ value: 0.5, met: true, perTrial: [0.5, 0.5, 0.2], inputs: { jsonSync: 200, jsonAsync: 600 } })

    // No trial number completed on both sides: the ratio of the medians, and no per-trial list.
    const a = series('reference', 'json-sync', [100])
    const b: Cell = { target: 'reference', scenario: 'json-async', state: 'ok', trials: [trial(2, 300, 5)] }
    summarizeCell(b)
    const unpaired = computeRatios({ cells: [a, b], micro: { state: 'skipped' } }).find((x) => x.id === 'json-sync-vs-json-async')
    expect(unpaired).toMatchObject({ value: 0.333 })
    expect(unpaired?.perTrial).toBeUndefined()
  })

  it('a missing cell gives null, not a guess', () => {
    const r = computeRatios({ cells: [], micro: { state: 'skipped' } })
    expect(r.every((x) => x.value === null && x.met === null)).toBe(true)
  })
})
