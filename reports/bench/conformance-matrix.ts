/**
 * The conformance matrix (targets × cases) on the page, collapsed to the cases where some target
 * did not pass: a row every target passed says nothing at a glance, and a full matrix is ~70 rows.
 * A checkbox before the matrix shows every row again, in CSS alone (html.ts), so the control works
 * without script and offline. Clicking a cell opens its detail (page.js).
 */
import type { BenchResults } from '../../harness/results/schema.ts'
import { escapeHtml as h } from '../escape.ts'
import { conformanceOf } from './verification.ts'

export function conformanceMatrix(r: BenchResults): string {
  const verified = r.targets.flatMap((t) => {
    const report = conformanceOf(t)
    return report === undefined ? [] : [{ name: t.name, report }]
  })
  if (verified.length === 0) return '<p>No target was verified.</p>'
  const ids = [...new Set(verified.flatMap((t) => t.report.cases.map((c) => c.id)))]
  const head = `<tr><th>case</th><th>level</th>${verified.map((t) => `<th>${h(t.name)}</th>`).join('')}</tr>`
  let passing = 0
  const rows = ids.map((id) => {
    const first = verified.flatMap((t) => t.report.cases.filter((c) => c.id === id))[0]
    const found = verified.map((t) => t.report.cases.find((x) => x.id === id))
    // A case a target did not run is no PASS either: its row stays in view.
    const allPass = found.every((c) => c?.verdict === 'PASS')
    if (allPass) passing++
    const cells = found.map((c, i) => {
      if (c === undefined) return '<td class="na">—</td>'
      return `<td class="v v-${c.verdict}" data-case="${h(`${verified[i]?.name}|${id}`)}" title="${h(c.reason || c.verdict)}" tabindex="0">${c.verdict}</td>`
    })
    return `<tr${allPass ? ' class="all-pass"' : ''}><td class="id">${h(id)}</td><td>${first?.level ?? ''}</td>${cells.join('')}</tr>`
  })
  const shown = ids.length - passing
  const table = `<div class="matrix"><table class="conf"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>`
  // Nothing to hide: no control that would do nothing.
  if (passing === 0) return `<p class="note conf-summary">All ${ids.length} cases, each with a target that did not pass it.</p>\n${table}`
  const summary = shown === 0 ? `Every target verified passed all ${ids.length} cases.` : `${shown} of ${ids.length} cases where some target did not pass; the ${passing} every target passed are hidden.`
  return `<p class="note conf-summary">${summary}</p>
<input type="checkbox" id="conf-all" class="conf-toggle"><label for="conf-all" class="conf-toggle-label">show all ${ids.length} cases</label>
${table}`
}
