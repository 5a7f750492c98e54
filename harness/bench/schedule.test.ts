import { describe, expect, it } from 'vitest'
import { SCENARIOS, type Scenario } from './scenarios.ts'
import { scenarioBlocks, trialOrder } from './schedule.ts'

const scenario = (id: string, group?: string): Scenario => ({ id, description: id, method: 'GET', path: '/', connections: 1, body: '', check: () => true, cpus: 'split', ...(group && { group }) })
interface Cell {
  readonly target: string
  readonly scenario: string
}
const cell = (target: string, scenario: string): Cell => ({ target, scenario })
const names = (cells: Cell[]) => cells.map((c) => `${c.target}/${c.scenario}`)

describe('scenario blocks', () => {
  it('a group runs as one block where its first member stands; the rest alone, in order', () => {
    const blocks = scenarioBlocks([scenario('a', 'g'), scenario('b'), scenario('c', 'g'), scenario('d')])
    expect(blocks.map((b) => b.map((s) => s.id))).toEqual([['a', 'c'], ['b'], ['d']])
  })

  it('the built-in json-async and json-sync share a block, so their ratio compares trials moments apart', () => {
    expect(scenarioBlocks(SCENARIOS)[0]?.map((s) => s.id)).toEqual(['json-async', 'json-sync'])
  })
})

describe('trial order', () => {
  const cells = [cell('ref', 'x'), cell('ref', 'y'), cell('fast', 'x'), cell('fast', 'y'), cell('nodetect', 'x')]

  it("runs a target's cells back to back, and rotates targets and scenarios each trial", () => {
    expect(names(trialOrder(cells, 1))).toEqual(['ref/x', 'ref/y', 'fast/x', 'fast/y', 'nodetect/x'])
    expect(names(trialOrder(cells, 2))).toEqual(['fast/y', 'fast/x', 'nodetect/x', 'ref/y', 'ref/x'])
    expect(names(trialOrder(cells, 3))).toEqual(['nodetect/x', 'ref/x', 'ref/y', 'fast/x', 'fast/y'])
  })

  it('every cell runs exactly once per trial', () => {
    for (let t = 1; t <= 7; t++) expect(names(trialOrder(cells, t)).sort()).toEqual(names(cells).sort())
  })

  it('a variant runs back to back with the target whose process it shares, in every trial', () => {
    const withVariant = [cell('ref', 'x'), cell('ref', 'y'), cell('other', 'x'), cell('ref-off', 'x')]
    const unitOf = (t: string) => (t === 'ref-off' ? 'ref' : t)
    for (let t = 1; t <= 6; t++) {
      const order = names(trialOrder(withVariant, t, unitOf))
      const other = order.indexOf('other/x')
      expect(other === 0 || other === 3).toBe(true) // never between two of ref's cells
    }
    expect(names(trialOrder(withVariant, 2, unitOf))).toEqual(['other/x', 'ref/y', 'ref-off/x', 'ref/x'])
  })

  it('one scenario alone rotates its targets as before', () => {
    const one = [cell('a', 's'), cell('b', 's'), cell('c', 's')]
    expect(names(trialOrder(one, 2))).toEqual(['b/s', 'c/s', 'a/s'])
  })
})
