/**
 * The order trials run in. A block is one scenario, or every scenario of one `group`; within a
 * block, trial 1 of every cell runs before trial 2 of any. Within a trial, a target's cells run
 * back to back, so a requirement that compares two scenarios of one target (json-sync against
 * json-async) or one scenario on two targets compares measurements seconds apart. Targets, and a
 * target's scenarios, rotate each trial, so no cell always goes first after a switch.
 */
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

const rotate = <T>(xs: readonly T[], by: number): T[] => xs.map((_, i) => xs[(i + by) % xs.length] as T)

/**
 * The cells of one block in the order trial `trial` (1-based) runs them. `unitOf` groups targets
 * whose cells must run back to back: a variant with the target whose process it runs in.
 */
export function trialOrder<C extends { readonly target: string }>(cells: readonly C[], trial: number, unitOf: (target: string) => string = (t) => t): C[] {
  const units = [...new Set(cells.map((c) => unitOf(c.target)))]
  return rotate(units, trial - 1).flatMap((u) => rotate(cells.filter((c) => unitOf(c.target) === u), trial - 1))
}
