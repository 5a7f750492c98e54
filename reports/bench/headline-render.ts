/**
 * The headline (headline.ts) as the page's first panel and as summary.md's first table. On the
 * page each answer is a link to its evidence, its `why` the link's title; below 720 px the table
 * becomes one card per target (CSS in html.ts), so a phone shows it without scrolling sideways.
 */
import { escapeHtml as h, escapeMarkdownCell as md } from '../escape.ts'
import { COLUMNS, type HeadlineCell, type HeadlineRow, type Tone } from './headline.ts'

export const TONE_COLORS: Record<Tone, { fg: string; bg: string }> = {
  good: { fg: '#1b5e20', bg: '#e8f5e9' },
  bad: { fg: '#b71c1c', bg: '#ffebee' },
  unclear: { fg: '#e65100', bg: '#fff3e0' },
  info: { fg: '#0d47a1', bg: '#e3f2fd' },
  none: { fg: '#616161', bg: '#f5f5f5' },
}

/** The same in Markdown, where there is no colour. */
const TONE_MARKS: Record<Tone, string> = { good: '✅ ', bad: '❌ ', unclear: '❔ ', info: '', none: '' }

export const LEGEND = 'green: as the bound requires · red: not · orange: unclear (the trials disagree, or a measurement is a lower bound or saw errors) · blue: measured, nothing to hold it to · grey: not measured'

function htmlCell(question: string, c: HeadlineCell): string {
  const note = c.note === undefined ? '' : `<span class="hl-note t-${c.note.tone}">${h(c.note.text)}</span>`
  const value = c.value === '' ? '' : `<span class="hl-value">${h(c.value)}</span>`
  return `<td class="hl t-${c.tone}" data-label="${h(question)}"><a href="#${h(c.anchor)}" title="${h(c.why)}"><b class="hl-word">${h(c.word)}</b>${value}</a>${note}</td>`
}

/** The panel: a table, one row per target and a column per question. */
export function headlineHtml(rows: readonly HeadlineRow[]): string {
  if (rows.length === 0) return '<p>No target in this run.</p>'
  const head = `<tr><th>target</th>${COLUMNS.map((q) => `<th>${h(q.question)}</th>`).join('')}</tr>`
  const body = rows.map((r) => `<tr><th scope="row" class="hl-target">${h(r.target)}</th>${COLUMNS.map((q) => htmlCell(q.question, r.cells[q.key])).join('')}</tr>`)
  return `<table class="headline"><thead>${head}</thead><tbody>${body.join('')}</tbody></table>`
}

/** CSS for the panel's tones, from TONE_COLORS. */
export const headlineCss = (): string => Object.entries(TONE_COLORS).map(([tone, c]) => `.t-${tone}{--fg:${c.fg};--bg:${c.bg}}`).join('')

/** summary.md's first table: the same words and numbers, marked instead of coloured. */
export function headlineMarkdown(rows: readonly HeadlineRow[]): string[] {
  if (rows.length === 0) return []
  const L = [`| target | ${COLUMNS.map((q) => q.question).join(' | ')} |`, `|---|${COLUMNS.map(() => '---').join('|')}|`]
  for (const r of rows) {
    const cells = COLUMNS.map((q) => {
      const c = r.cells[q.key]
      const note = c.note === undefined ? '' : `; ${TONE_MARKS[c.note.tone]}${c.note.text}`
      return `${TONE_MARKS[c.tone]}**${md(c.word)}**${c.value === '' ? '' : ` ${md(c.value)}`}${md(note)}`
    })
    L.push(`| ${md(r.target)} | ${cells.join(' | ')} |`)
  }
  return L
}
