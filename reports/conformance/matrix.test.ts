import { describe, expect, it } from 'vitest'
import type { CaseResult, ConformanceReport, Verdict } from '../../scenarios/types.ts'
import { verdictMatrix } from './matrix.ts'

function report(cases: [string, CaseResult['suite'], Verdict][]): ConformanceReport {
  const counts = { PASS: 0, FAIL: 0, WARN: 0, INFO: 0, UNIMPLEMENTED: 0, ERROR: 0 }
  for (const [, , v] of cases) counts[v]++
  return {
    contract: 'v2',
    target: { url: 'http://127.0.0.1:1' },
    startedAt: '2026-11-21T00:00:00.000Z',
    durationMs: 1,
    environment: {},
    settings: {},
    cases: cases.map(([id, suite, verdict]) => ({ id, suite, level: 'MUST', description: '', verdict, reason: '', durationMs: 1 })),
    counts,
  }
}

describe('verdictMatrix', () => {
  it('counts verdicts per suite, failures first, and gives each run its exit code', () => {
    const good = report([['a.1', 'deps', 'PASS'], ['b.1', 'capacity', 'PASS'], ['b.2', 'capacity', 'INFO']])
    const bad = report([['a.1', 'deps', 'FAIL'], ['b.1', 'capacity', 'PASS'], ['b.2', 'capacity', 'WARN'], ['b.3', 'capacity', 'UNIMPLEMENTED']])
    expect(verdictMatrix([{ name: 'good', report: good }, { name: 'bad|one', report: bad }], ['deps', 'capacity', 'context'])).toBe(
      [
        '| target | deps | capacity | context | exit |',
        '|---|---|---|---|---|',
        '| good | 1 pass | 1 pass, 1 info | — | 0 |',
        '| bad\\|one | 1 FAIL | 1 WARN, 1 pass, 1 n/i | — | 1 |',
        '',
      ].join('\n'),
    )
  })
})
