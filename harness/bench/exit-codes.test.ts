import { describe, expect, it } from 'vitest'
import { fixture } from '../../test/fixtures/results-fixture.ts'
import type { Ratio, RequirementVerdict } from '../results/schema.ts'
import { BENCH_EXIT_CODES, benchExitCode, EXIT, exitCodesHelp } from './exit-codes.ts'

const ratio = (verdict: RequirementVerdict): Ratio => ({ id: verdict, description: verdict, value: 1, interval: [0.9, 1.1], comparator: '>=', threshold: 1, verdict, why: verdict, inputs: {} })
const complete = (...verdicts: RequirementVerdict[]) => ({ state: 'complete' as const, ratios: verdicts.map(ratio) })

describe("bench's exit code (k6's thresholds convention)", () => {
  it('a complete run exits 0 unless a requirement is not met; inconclusive, invalid and not measured do not fail', () => {
    expect(benchExitCode(complete())).toBe(0)
    expect(benchExitCode(complete('met', 'inconclusive', 'invalid', 'not measured'))).toBe(0)
    expect(benchExitCode(complete('met', 'not met', 'inconclusive'))).toBe(99)
  })
  it('a failed or interrupted run keeps its own code, whatever its verdicts', () => {
    expect(benchExitCode({ state: 'failed', ratios: complete('not met').ratios })).toBe(1)
    expect(benchExitCode({ state: 'interrupted', ratios: complete('not met').ratios }, 'SIGINT')).toBe(130)
    expect(benchExitCode({ state: 'interrupted', ratios: [] })).toBe(130)
    expect(benchExitCode({ state: 'interrupted', ratios: [] }, 'SIGTERM')).toBe(143)
  })
  it('the renderers\' fixture, a complete run with a requirement not met, exits 99', () => {
    expect(fixture.ratios.some((x) => x.verdict === 'not met')).toBe(true)
    expect(benchExitCode(fixture)).toBe(EXIT.requirementNotMet)
  })
  it('the help lists every code once, each line within 100 columns', () => {
    expect(BENCH_EXIT_CODES.map((e) => e.code)).toEqual([...new Set(Object.values(EXIT))].sort((a, b) => a - b))
    const help = exitCodesHelp()
    for (const code of Object.values(EXIT)) expect(help).toMatch(new RegExp(`^  ${code} +\\S`, 'm'))
    for (const line of help.split('\n')) expect([...line].length).toBeLessThanOrEqual(100)
    expect(help).toMatch(/^ {2}99 +.*not met.*k6/m)
    expect(help).toMatch(/^ {2}0 +.*inconclusive, invalid, not measured do not fail/m)
  })
})
