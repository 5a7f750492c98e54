/**
 * A verdict matrix: several targets' conformance reports side by side, one row per target and one
 * cell per suite, counting the verdicts ("39 pass", "2 FAIL, 3 pass, 1 info") — what a team
 * choosing a framework compares. Markdown, so it goes in a README or a job summary as is.
 */
import { exitCodeOf } from '../../scenarios/conformance.ts'
import { VERDICTS, type ConformanceReport, type Suite, type Verdict } from '../../scenarios/types.ts'
import { escapeMarkdownCell as cell } from '../escape.ts'

/** Failures first: the eye goes to what matters. */
const ORDER: readonly Verdict[] = ['FAIL', 'ERROR', 'WARN', 'PASS', 'INFO', 'UNIMPLEMENTED']
const WORD: Record<Verdict, string> = { FAIL: 'FAIL', ERROR: 'ERROR', WARN: 'WARN', PASS: 'pass', INFO: 'info', UNIMPLEMENTED: 'n/i' }

export interface NamedReport {
  readonly name: string
  readonly report: ConformanceReport
}

function countsIn(report: ConformanceReport, suite: Suite): string {
  const n = new Map<Verdict, number>(VERDICTS.map((v) => [v, 0]))
  for (const c of report.cases) if (c.suite === suite) n.set(c.verdict, (n.get(c.verdict) ?? 0) + 1)
  const parts = ORDER.filter((v) => (n.get(v) ?? 0) > 0).map((v) => `${n.get(v)} ${WORD[v]}`)
  return parts.length === 0 ? '—' : parts.join(', ')
}

/** A Markdown table: targets × `suites`, and the exit code `conformance` gave each run. */
export function verdictMatrix(reports: readonly NamedReport[], suites: readonly Suite[]): string {
  const lines = [`| target | ${suites.join(' | ')} | exit |`, `|---|${suites.map(() => '---').join('|')}|---|`]
  for (const { name, report } of reports) lines.push(`| ${cell(name)} | ${suites.map((s) => countsIn(report, s)).join(' | ')} | ${exitCodeOf(report)} |`)
  return `${lines.join('\n')}\n`
}
