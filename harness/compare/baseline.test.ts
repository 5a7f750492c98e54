import { describe, expect, it } from 'vitest'
import { okCell, runOf, trialOk, trialsOf } from '../../test/fixtures/cells.ts'
import type { BenchResults, Cell } from '../results/schema.ts'
import { seededRandom, type Random } from '../results/stats.ts'
import { compareBaseline } from './baseline.ts'
import { renderComparison } from './verdicts.ts'

const gauss = (random: Random): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())

/**
 * One run of `cells` head/base cell pairs with `pairs` paired trials each. Each trial number has
 * a machine factor both sides share (drift, ±20% at two σ); each side adds its own ±10% and, one
 * trial in twenty, a neighbour's burst 15–40% slower. `scale` multiplies the head's requests/s
 * (every cell, or only cell `only`).
 */
function syntheticRun(random: Random, scale = 1, only?: number, cells = 30, pairs = 12): BenchResults {
  const side = (x: number): number => x * Math.exp(0.05 * gauss(random)) * (random() < 0.05 ? 0.6 + 0.25 * random() : 1)
  const out: Cell[] = []
  for (let i = 0; i < cells; i++) {
    const level = 100 * 1.24 ** i
    const s = only === undefined || only === i ? scale : 1
    const machine = Array.from({ length: pairs }, () => level * Math.exp(0.1 * gauss(random)))
    const target = `t${i % 5}`
    const scenario = `s${Math.floor(i / 5)}`
    out.push(okCell(target, scenario, trialsOf(machine.map((m) => side(m) * s))), okCell(`${target}@base`, scenario, trialsOf(machine.map(side))))
  }
  return runOf(out)
}

describe('head against its base twin, paired by trial number', () => {
  const cells = (head: number[], base: number[]): Cell[] => [okCell('reference', 'json-async', trialsOf(head)), okCell('reference@base', 'json-async', trialsOf(base))]

  it('pairs trial numbers both completed; every pair slower by about 10%: p = 2/2^12, a regression, the median paired ratio', () => {
    const base = [1000, 1200, 900, 1100, 950, 1300, 800, 1050, 1150, 980, 1020, 870]
    const head = base.map((x, i) => x * (0.9 + i * 0.001))
    const c = compareBaseline(runOf(cells(head, base)), { baseLabel: 'main (0123456789)' })
    expect(c.cells[0]).toMatchObject({ target: 'reference', scenario: 'json-async', pairs: 12, verdict: 'regression', p: 2 / 4096 })
    expect(c.cells[0]?.ratio).toBeCloseTo(0.9055, 10)
    expect(c.cells[0]?.interval?.[1]).toBeLessThan(1)
    expect(c.labels.base).toBe('main (0123456789)')
    // The machine moved by ±25% across trials; unpaired, Mann–Whitney would see no change in these.
  })

  it('only trials both sides completed pair; a cell whose twin is missing or failed is listed, not compared', () => {
    const head = okCell('reference', 'json-async', [trialOk(1, 100), trialOk(2, 200), trialOk(4, 400)])
    const base = okCell('reference@base', 'json-async', [trialOk(1, 200), trialOk(3, 300), trialOk(4, 200)])
    const failed: Cell = { target: 'express@base', scenario: 'json-async', trials: [], state: 'errored', error: 'x' }
    const c = compareBaseline(runOf([head, base, okCell('express', 'json-async', trialsOf([1, 2])), failed]))
    expect(c.cells.map((x) => [x.target, x.pairs, x.ratio])).toEqual([['reference', 2, 1.25]])
    expect(c.cells[0]?.verdict).toBe('not enough trials to judge')
    expect(c.notCompared).toEqual([{ target: 'express', scenario: 'json-async', why: "the base build's cell errored" }])
  })

  it('renders the paired method and pair counts', () => {
    const base = [1000, 1200, 900, 1100, 950, 1300, 800, 1050, 1150, 980, 1020, 870]
    const md = renderComparison(compareBaseline(runOf(cells(base, base))))
    expect(md).toContain('Wilcoxon signed-rank on the per-trial ratios head / base, paired by trial number')
    expect(md).toContain('| json-async | reference | 1,010 (12 pairs) | 1,010 (12 pairs) | 1 [1, 1] | no change detected |')
  })
})

/**
 * Measured with this generator over 200 seeds, minimum change 0. 12 pairs: identical builds
 * flagged a cell in 9 runs (4.5%); a head 10% slower everywhere was flagged in 200 of 200, 48% of
 * its cells each time; one cell 10% slower was caught in 81 (40.5%), one 20% slower in 150 (75%).
 * 20 pairs: 3 (1.5%); 200 of 200, 88% of cells; 134 (67%); 196 (98%). 10 pairs: nothing can be
 * judged over 30 cells (2/2^10 > 0.05/30). The bounds below are generous against those rates.
 */
describe('on synthetic runs: 30 cell pairs, 12 paired trials, shared drift and per-side noise with a heavy tail, 100 seeds', () => {
  const SEEDS = 100
  function rates(scale: number, only?: number): { anyFlag: number; regressions: number; caught: number; cellFlags: number } {
    let anyFlag = 0
    let regressions = 0
    let caught = 0
    let cellFlags = 0
    for (let seed = 0; seed < SEEDS; seed++) {
      const random = seededRandom(seed, 'paired')
      const c = compareBaseline(syntheticRun(random, scale, only), { minChangePct: 0, resamples: 20 }).cells
      const f = c.filter((x) => x.verdict === 'regression' || x.verdict === 'improvement')
      if (f.length > 0) anyFlag++
      cellFlags += f.length
      regressions += c.filter((x) => x.verdict === 'regression').length
      if (only !== undefined && c[only]?.verdict === 'regression') caught++
    }
    return { anyFlag, regressions, caught, cellFlags }
  }

  it('identical builds: runs with any flagged cell stay at or under 10 in 100', () => {
    expect(rates(1).anyFlag).toBeLessThanOrEqual(10)
  })

  it('a head 10% slower everywhere: flagged in every run, never as an improvement, a third of the cells or more each time', () => {
    const r = rates(0.9)
    expect(r.anyFlag).toBe(SEEDS)
    expect(r.regressions).toBe(r.cellFlags)
    expect(r.regressions / (SEEDS * 30)).toBeGreaterThan(0.33)
  })

  it('one cell of 30 10% slower: caught in at least a quarter of the runs', () => {
    expect(rates(0.9, 7).caught).toBeGreaterThanOrEqual(25)
  })

  it('ten pairs over 30 cells: every cell "not enough trials to judge", nothing flagged', () => {
    const c = compareBaseline(syntheticRun(seededRandom(1, 'paired'), 0.5, undefined, 30, 10), { resamples: 20 })
    expect(c.minTrials).toBe(11)
    expect(c.cells.every((x) => x.verdict === 'not enough trials to judge')).toBe(true)
  })
})

describe('generations of processes', () => {
  it('when the run restarted its processes, the units are generations: pairs within one share its luck', () => {
    // 6 generations of 2 pairs; each generation's processes happen to favour one side by 12%,
    // alternately; the code is the same. Counted by pair, 12 pairs; counted by generation, 6.
    const luck = [1.12, 0.89, 1.12, 0.89, 1.12, 0.89]
    const head: Cell = okCell('reference', 'json-async', luck.flatMap((l, g) => [1, 2].map((k) => ({ ...trialOk(2 * g + k, 10_000 * l), generation: g + 1 }))))
    const base: Cell = okCell('reference@base', 'json-async', luck.flatMap((_l, g) => [1, 2].map((k) => ({ ...trialOk(2 * g + k, 10_000), generation: g + 1 }))))
    const c = compareBaseline(runOf([head, base]))
    expect(c.cells[0]).toMatchObject({ pairs: 12, verdict: 'no change detected' })
    expect(c.cells[0]?.why).toMatch(/p 0\.\d+/)
    // A real change shows in every generation, whatever each one's luck.
    const slower: Cell = okCell('reference', 'json-async', luck.flatMap((l, g) => [1, 2].map((k) => ({ ...trialOk(2 * g + k, 10_000 * l * 0.85), generation: g + 1 }))))
    const judged = compareBaseline(runOf([slower, base]), { minChangePct: 0 })
    expect(judged.cells[0]?.verdict).not.toBe('improvement')
    const steady: Cell = okCell('reference', 'json-async', [1, 2, 3, 4, 5, 6].flatMap((g) => [1, 2].map((k) => ({ ...trialOk(2 * (g - 1) + k, 9_000 + k * 10 + g), generation: g }))))
    expect(compareBaseline(runOf([steady, base])).cells[0]).toMatchObject({ verdict: 'regression' })
    expect(compareBaseline(runOf([steady, base])).cells[0]?.why).toMatch(/^-9\.8% \(p 0\.031.*6 process generations|^-9\.8% \(p 0\.031/)
  })
})
