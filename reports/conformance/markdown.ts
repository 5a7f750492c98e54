/** A Markdown summary of one conformance run, fit for a CI job summary or a PR comment. */
import { unstableNote } from '../../scenarios/attempts.ts'
import { VERDICTS, type CaseResult, type ConformanceReport } from '../../scenarios/types.ts'
import { escapeMarkdownCell as cell, visibleControls } from '../escape.ts'

const ICON: Record<string, string> = { PASS: '✅', FAIL: '❌', WARN: '⚠️', INFO: 'ℹ️', UNIMPLEMENTED: '➖', ERROR: '💥' }

/** A case id in code style; an id is ours, but a report read back from a file is not checked. */
const code = (id: string): string => `\`${visibleControls(id).replace(/[`|\\]/g, '')}\``

function observed(o: CaseResult['expected']): string {
  return o === undefined ? '' : cell(JSON.stringify(o), 160)
}

export function renderMarkdown(report: ConformanceReport): string {
  const name = report.target.name ?? report.target.url
  const lines: string[] = []
  lines.push(`## unblocked conformance ${report.contract}: ${cell(name)}`, '')
  lines.push(`${cell(report.target.url)} · ${cell(report.startedAt)} · ${(report.durationMs / 1000).toFixed(1)} s · Node ${cell(String(report.environment.node ?? ''))}`, '')
  lines.push(`| ${VERDICTS.join(' | ')} |`, `|${VERDICTS.map(() => '---:').join('|')}|`, `| ${VERDICTS.map((v) => report.counts[v]).join(' | ')} |`, '')
  const notPassing = report.cases.filter((r) => r.verdict !== 'PASS')
  if (notPassing.length > 0) {
    lines.push('### Not passing', '', '| case | level | verdict | reason | expected | actual |', '|---|---|---|---|---|---|')
    for (const r of notPassing) {
      lines.push(`| ${code(r.id)} | ${cell(r.level)} | ${ICON[r.verdict]} ${cell(r.verdict)} | ${cell(r.reason)} | ${observed(r.expected)} | ${observed(r.actual)} |`)
    }
    lines.push('')
  }
  const unstable = report.cases.filter((r) => r.unstable === true)
  if (unstable.length > 0) {
    lines.push('### Unstable', '', 'Timing cases whose attempts disagreed: the verdict is the last attempt\'s.', '', '| case | level | verdict | attempts |', '|---|---|---|---|')
    for (const r of unstable) lines.push(`| ${code(r.id)} | ${cell(r.level)} | ${ICON[r.verdict]} ${cell(r.verdict)} | ${cell(unstableNote(r) ?? '')} |`)
    lines.push('')
  }
  lines.push('<details><summary>All cases</summary>', '', '| case | level | verdict | ms |', '|---|---|---|---:|')
  for (const r of report.cases) lines.push(`| ${code(r.id)} | ${cell(r.level)} | ${ICON[r.verdict]} ${cell(r.verdict)}${r.unstable ? ' (unstable)' : ''} | ${Number(r.durationMs)} |`)
  lines.push('', '</details>', '')
  return lines.join('\n')
}
