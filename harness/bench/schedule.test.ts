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

  it('every cell runs exactly once per trial, and the same seed gives the same order', () => {
    for (let t = 1; t <= 7; t++) {
      expect(names(trialOrder(cells, t, 42)).sort()).toEqual(names(cells).sort())
      expect(names(trialOrder(cells, t, 42))).toEqual(names(trialOrder(cells, t, 42)))
    }
  })

  it("runs a target's cells back to back, in an order that varies from trial to trial", () => {
    const orders = new Set<string>()
    for (let t = 1; t <= 20; t++) {
      const order = names(trialOrder(cells, t, 7))
      orders.add(order.join())
      const ref = order.flatMap((n, i) => (n.startsWith('ref/') ? [i] : []))
      expect(Math.abs((ref[0] as number) - (ref[1] as number))).toBe(1)
    }
    // 3 targets × 2 scenario orders each: 20 trials see several of the 24 orders, not one.
    expect(orders.size).toBeGreaterThan(4)
  })

  it('each target goes first about as often as the others (no systematic position)', () => {
    const first = new Map<string, number>()
    for (let t = 1; t <= 300; t++) {
      const target = (trialOrder(cells, t, 3)[0] as Cell).target
      first.set(target, (first.get(target) ?? 0) + 1)
    }
    for (const name of ['ref', 'fast', 'nodetect']) expect(first.get(name)).toBeGreaterThan(60)
  })

  it('a variant runs back to back with the target whose process it shares, in every trial', () => {
    const withVariant = [cell('ref', 'x'), cell('ref', 'y'), cell('other', 'x'), cell('ref-off', 'x')]
    const unitOf = (t: string) => (t === 'ref-off' ? 'ref' : t)
    for (let t = 1; t <= 12; t++) {
      const other = names(trialOrder(withVariant, t, 9, unitOf)).indexOf('other/x')
      expect(other === 0 || other === 3).toBe(true) // never between two of ref's cells
    }
  })
})
