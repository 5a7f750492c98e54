/**
 * Start-up and memory in the reports: per target, spawn to a healthy `/health`, resident memory
 * idle after start and at its peak under load, CPU time to start, threads (results.json
 * `startup`). The HTML page and summary.md get a table each; the README's Measured section the
 * same table. A run without the phase (older files, `--startup-rounds 0`) renders nothing in
 * Markdown and says so on the page. Target text goes through the escapers like everything else.
 */
import type { BenchResults, Startup } from '../../harness/results/schema.ts'
import { median } from '../../scenarios/stats.ts'
import { escapeHtml as h, escapeMarkdownCell as cell } from '../escape.ts'
import { bytes, fmt } from './format.ts'

type Run = Pick<BenchResults, 'startup' | 'settings'>
type Ok = Extract<Startup, { state: 'ok' }>

/** One target's row, as text: the same numbers in every renderer. */
interface Row {
  readonly target: string
  /** "1,234 [1,100–1,400]", or why there is no number. */
  readonly healthy: string
  readonly idleRss: string
  readonly peakRss: string
  readonly cpu: string
  readonly threads: string
  readonly starts: string
}

const HEAD = ['target', 'to healthy, ms: median [min–max]', 'idle RSS', 'peak RSS under load', 'CPU to start, s', 'threads idle', 'starts'] as const

function rowOf(e: Ok): Row {
  const healthy = e.samples.map((s) => s.healthyMs)
  const threads = e.samples.flatMap((s) => (s.threads === undefined ? [] : [s.threads]))
  return {
    target: e.target,
    healthy: `${fmt(e.median.healthyMs, 0)} [${fmt(Math.min(...healthy), 0)}–${fmt(Math.max(...healthy), 0)}]`,
    idleRss: bytes(e.median.idleRssBytes),
    peakRss: bytes(e.peakRssBytes),
    cpu: e.median.cpuMs === undefined ? '—' : fmt(e.median.cpuMs / 1000, 2),
    threads: threads.length === 0 ? '—' : fmt(median(threads), 0),
    starts: String(e.samples.length),
  }
}

const notOk = (e: Exclude<Startup, { state: 'ok' }>): string => `${e.state}: ${e.state === 'errored' ? e.error : e.reason}`

/** How the numbers were taken, from the run's own settings where it recorded them. */
function intro(r: Run): string {
  const s = r.settings.startup
  const times = s === undefined ? '' : ` ${s.rounds} time${s.rounds === 1 ? '' : 's'}`
  const idle = s === undefined ? 'idle' : `${fmt(s.idleMs, 0)} ms idle`
  return `Each target started alone${times} before the load trials, in a shuffled order: from its spawn to its first 2xx GET /health (polled every 20 ms), then its whole process tree's resident memory, threads and CPU time after ${idle}, then stopped. Peak RSS: the highest the tree reached in any load trial.`
}

// -- Markdown ------------------------------------------------------------------------------------

/** The table alone (the README's Measured section puts it under its own sentence); empty without entries. */
export function startupTable(r: Run): string[] {
  const entries = r.startup ?? []
  if (entries.length === 0) return []
  const L = [`| ${HEAD.join(' | ')} |`, '|---|---:|---:|---:|---:|---:|---:|']
  for (const e of entries) {
    if (e.state !== 'ok') {
      L.push(`| ${cell(e.target)} | ${cell(notOk(e))} | | | | | |`)
      continue
    }
    const x = rowOf(e)
    L.push(`| ${cell(x.target)} | ${x.healthy} | ${x.idleRss} | ${x.peakRss} | ${x.cpu} | ${x.threads} | ${x.starts} |`)
  }
  return L
}

/** summary.md's section; empty when the run has no start-up entries. */
export function startupMarkdown(r: Run): string[] {
  const table = startupTable(r)
  return table.length === 0 ? [] : ['### Start-up and memory', '', intro(r), '', ...table, '']
}

/** The README's lines: the same table under one sentence; empty when the run has no start-up entries. */
export function startupMeasured(r: Run): string[] {
  const table = startupTable(r)
  return table.length === 0 ? [] : ['', `Start-up and memory. ${intro(r)}`, '', ...table]
}

// -- HTML ----------------------------------------------------------------------------------------

/** The page's section: the table, or why there is none. */
export function startupHtml(r: Run): string {
  const head = '<h2 id="startup">Start-up and memory</h2>'
  const entries = r.startup ?? []
  if (entries.length === 0) {
    const s = r.settings.startup
    const why = s === undefined ? 'the run was made before the bench had a start-up phase' : s.rounds === 0 ? 'the start-up phase was off (--startup-rounds 0)' : 'the run ended before its start-up phase'
    return `${head}<p class="note">Not measured: ${h(why)}.</p>`
  }
  const rows = entries.map((e) => {
    if (e.state !== 'ok') return `<tr class="bad"><td class="title">${h(e.target)}</td><td colspan="${HEAD.length - 1}">${h(notOk(e))}</td></tr>`
    const x = rowOf(e)
    const perStart = e.samples.map((s) => `round ${s.round}: ${fmt(s.healthyMs, 0)} ms, ${bytes(s.idleRssBytes)}`).join('; ')
    // data-label: the column's name, shown beside each value where the table becomes cards (phone width).
    const values = [x.healthy, x.idleRss, x.peakRss, x.cpu, x.threads, x.starts]
    return `<tr><td class="title">${h(x.target)}</td>${values.map((v, i) => `<td class="num" data-label="${h(HEAD[i + 1] ?? '')}"${i === 0 ? ` title="${h(perStart)}"` : ''}>${v}</td>`).join('')}</tr>`
  })
  return `${head}
<p class="note">${h(intro(r))} Hover a start-up time for each start.</p>
<table class="startup stack"><thead><tr>${HEAD.map((c) => `<th>${h(c)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`
}
