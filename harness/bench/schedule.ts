/**
 * The order trials run in. A block is one scenario, or every scenario of one `group`; within a
 * block, trial 1 of every cell runs before trial 2 of any. Within a trial, a target's cells run
 * back to back, so a requirement that compares two scenarios of one target (json-sync against
 * json-async) or one scenario on two targets compares measurements seconds apart. The order of
 * targets, and of a target's scenarios, is shuffled afresh for each trial (seeded: the run
 * records its seed), so no cell systematically goes first after a switch, or always follows the
 * same neighbour, and a slow drift cannot line up with one side of a ratio.
 */
import { seededRandom } from '../results/stats.ts'
import type { Scenario } from './scenarios.ts'

/** Scenarios in run order, grouped: a group runs where its first member stands. */
export function scenarioBlocks(scenarios: readonly Scenario[]): Scenario[][] {
  const blocks: Scenario[][] = []
  const byGroup = new Map<string, Scenario[]>()
  for (const s of scenarios) {
    const existing = s.group === undefined ? undefined : byGroup.get(s.group)
    if (existing !== undefined) existing.push(s)
    else {
      const block = [s]
      blocks.push(block)
      if (s.group !== undefined) byGroup.set(s.group, block)
    }
  }
  return blocks
}

/** Fisher–Yates with the given random source. */
export function shuffled<T>(xs: readonly T[], random: () => number): T[] {
  const out = [...xs]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

/**
 * The cells of one block in the order trial `trial` (1-based) runs them, shuffled by `seed` and
 * the trial number. `unitOf` groups targets whose cells must run back to back: a variant with the
 * target whose process it runs in. Cells whose trial count is below `trial` are left out.
 */
export function trialOrder<C extends { readonly target: string }>(cells: readonly C[], trial: number, seed: number, unitOf: (target: string) => string = (t) => t): C[] {
  const random = seededRandom((seed ^ Math.imul(trial, 0x9e3779b1)) >>> 0)
  const units = shuffled([...new Set(cells.map((c) => unitOf(c.target)))], random)
  return units.flatMap((u) => shuffled(cells.filter((c) => unitOf(c.target) === u), random))
}
