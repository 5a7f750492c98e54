/**
 * index.html: one self-contained page (chart.js and the page script inlined, no network), readable
 * on a laptop and printable. Everything a target sent is escaped: tables are built here with
 * escapeHtml, and the data the charts read is embedded as JSON that cannot close its <script>.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { BenchResults, CaseResult, Ratio } from '../../harness/results/schema.ts'
import { escapeHtml as h } from '../escape.ts'
import type { Renderer } from '../renderer.ts'
import { curvesHtml, curvesPageData, curvesScript } from './curves.ts'
import { bytes, cellFlags, fmt, perTrial, pingText, REQUIREMENT_MARKS, rpsText, VERDICT_COLORS, withInterval } from './format.ts'
import { runConditions } from './markdown.ts'
import { startupHtml } from './startup.ts'
import { conformanceOf, mustFailuresOf } from './verification.ts'

const require = createRequire(import.meta.url)

function chartJsSource(): string {
  const dir = dirname(require.resolve('chart.js'))
  return readFileSync(join(dir, 'chart.umd.min.js'), 'utf8')
}

/** JSON safe inside <script>: no `<`, `>`, `&` or line separators can end the element. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** Script text that cannot close its own <script> element early. */
const inlineScript = (src: string): string => src.replace(/<\/script/gi, '<\\/script')


interface PageData {
  targets: string[]
  cores: number
  scenarios: { id: string }[]
  cells: { target: string; scenario: string; median?: unknown; spread?: unknown }[]
  pingTimelines: { target: string; label: string; points: [number, number][]; control: boolean }[]
  cpu: { target: string; rps: number | null; cores: number | null }[]
  memory: { target: string; mib: number }[]
  micro: { name: string; group: string; p50Us: number }[]
  cases: Record<string, Omit<CaseResult, 'durationMs' | 'suite'> & { target: string }>
}

function pageData(r: BenchResults): PageData {
  const targets = r.targets.map((t) => t.name)
  const cases: PageData['cases'] = {}
  for (const t of r.targets) {
    for (const c of conformanceOf(t)?.cases ?? []) {
      cases[`${t.name}|${c.id}`] = { target: t.name, id: c.id, level: c.level, description: c.description, verdict: c.verdict, reason: c.reason, ...(c.expected && { expected: c.expected }), ...(c.actual && { actual: c.actual }), ...(c.data && { data: { ...c.data, pingTimeline: undefined } }) }
    }
  }
  const medianOf = (c: BenchResults['cells'][number]) => (c.state === 'ok' ? c.median : undefined)
  // Each target's first probed trial, and the control server's pings of that same trial.
  const pingTimelines = r.cells.flatMap((c) => {
    if (c.state !== 'ok' || c.ping === undefined) return []
    const first = c.trials.flatMap((t) => (t.state === 'ok' && t.ping ? [t.ping] : []))[0]
    if (first === undefined) return []
    const points = (p: { timeline: readonly (readonly [number, number, number])[] }) => p.timeline.map(([at, ms]) => [at, ms] as [number, number])
    const own = { target: c.target, label: `${c.target}: ${c.scenario} (stall ${fmt(first.target.stallMaxMs)} ms, ${first.target.served}/${first.target.scheduled} served)`, points: points(first.target), control: false }
    return first.control === undefined ? [own] : [own, { target: c.target, label: `control beside ${c.target} (p99 ${fmt(first.control.latency.p99, 2)} ms)`, points: points(first.control), control: true }]
  })
  const cpu = r.cells.filter((c) => c.scenario === 'cpu-sync').map((c) => ({ target: c.target, rps: medianOf(c)?.rps ?? null, cores: medianOf(c)?.targetCpuCores ?? null }))
  const memory = targets
    .map((t) => ({ target: t, mib: Math.max(0, ...r.cells.filter((c) => c.target === t).map((c) => (medianOf(c)?.targetPeakRssBytes ?? 0) / 2 ** 20)) }))
    .filter((m) => m.mib > 0)
    .map((m) => ({ ...m, mib: Math.round(m.mib) }))
  const micro = r.micro.state === 'ok' ? r.micro.results.flatMap((m) => (m.state === 'ok' ? [{ name: m.name, group: m.group, p50Us: m.p50Us }] : [])) : []
  return {
    targets,
    cores: r.environment.cores,
    scenarios: r.scenarios.map((s) => ({ id: s.id })),
    cells: r.cells.map((c) => ({ target: c.target, scenario: c.scenario, ...(c.state === 'ok' && { median: c.median, spread: c.spread }) })),
    pingTimelines,
    cpu,
    memory,
    micro,
    cases,
  }
}

function conformanceMatrix(r: BenchResults): string {
  const verified = r.targets.flatMap((t) => {
    const report = conformanceOf(t)
    return report === undefined ? [] : [{ name: t.name, report }]
  })
  if (verified.length === 0) return '<p>No target was verified.</p>'
  const ids = [...new Set(verified.flatMap((t) => t.report.cases.map((c) => c.id)))]
  const head = `<tr><th>case</th><th>level</th>${verified.map((t) => `<th>${h(t.name)}</th>`).join('')}</tr>`
  const rows = ids.map((id) => {
    const first = verified[0]?.report.cases.find((c) => c.id === id)
    const cells = verified.map((t) => {
      const c = t.report.cases.find((x) => x.id === id)
      if (c === undefined) return '<td class="na">—</td>'
      return `<td class="v v-${c.verdict}" data-case="${h(`${t.name}|${id}`)}" title="${h(c.reason || c.verdict)}" tabindex="0">${c.verdict}</td>`
    })
    return `<tr><td class="id">${h(id)}</td><td>${first?.level ?? ''}</td>${cells.join('')}</tr>`
  })
  return `<div class="matrix"><table class="conf"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>`
}

const VERDICT_CLASS: Record<Ratio['verdict'], string> = { met: 'met', 'not met': 'unmet', inconclusive: 'unsure', invalid: 'unmet', 'not measured': 'unknown' }

function ratiosTable(r: BenchResults): string {
  const rows = r.ratios.map(
    (x) =>
      `<tr class="${VERDICT_CLASS[x.verdict]}"><td>${h(x.description)}</td><td class="num">${withInterval(x.value, x.interval, 3)}</td><td>${x.comparator} ${x.threshold}</td><td class="num" title="${h(perTrial(x.perTrial))}">${x.perTrial?.length ?? 0}</td><td>${h(x.why)}</td><td class="verdict">${h(REQUIREMENT_MARKS[x.verdict])}</td></tr>`,
  )
  return `<table><thead><tr><th>requirement</th><th>measured [95% interval]</th><th>needs</th><th title="paired trials or rounds the interval comes from; hover for the values">n</th><th>how</th><th>verdict</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
}

function cellsTable(r: BenchResults): string {
  const rows = r.cells.map((c) => {
    if (c.state !== 'ok') return `<tr class="bad"><td>${h(c.scenario)}</td><td>${h(c.target)}</td><td colspan="9">${h(c.state)}: ${h(c.state === 'errored' ? c.error : c.reason)}</td></tr>`
    const m = c.median
    const t = c.totals
    const flags = cellFlags(c)
    const ping = c.ping === undefined ? '' : `${h(pingText(c.ping.target))}${c.ping.control ? `<br><span class="note">control p99 ${fmt(c.ping.control.latency.p99, 2)} ms</span>` : ''}`
    return `<tr${flags.length > 0 ? ' class="flagged"' : ''}><td>${h(c.scenario)}</td><td>${h(c.target)}</td><td class="num">${h(rpsText(c))}</td><td class="num">${fmt(c.spread.rps[0])}–${fmt(c.spread.rps[1])}</td><td class="num">${fmt(m.closedLoop.p50)} / ${fmt(m.closedLoop.p99)}</td><td>${ping}</td><td class="num">${t.errors} / ${t.timeouts} / ${t.non2xx} / ${t.mismatches}</td><td class="num">${fmt(m.targetCpuCores, 2)}</td><td class="num">${bytes(m.targetPeakRssBytes)}</td><td>${flags.map(h).join('<br>')}</td></tr>`
  })
  return `<table><thead><tr><th>scenario</th><th>target</th><th>req/s [95% interval]</th><th>min–max</th><th>closed-loop p50 / p99 ms</th><th>pings</th><th>errors / timeouts / non-2xx / mismatches (sums)</th><th>CPU cores</th><th>peak RSS</th><th>flags</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
}

/** The run conditions as HTML list items (the Markdown renderer's lines, which carry no HTML). */
function conditionsList(r: BenchResults): string {
  return `<ul class="note">${runConditions(r).map((line) => `<li>${h(line.replace(/^- /, '').replace(/\*\*/g, ''))}</li>`).join('')}</ul>`
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:1180px;padding:16px 24px;color:#222}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:14px;margin:8px 0}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid #e0e0e0;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f5f5f5}
td.num{text-align:right;font-variant-numeric:tabular-nums}.met td.verdict{color:#2e7d32;font-weight:600}.unmet td.verdict{color:#c62828;font-weight:600}.unsure td.verdict{color:#ef6c00;font-weight:600}tr.flagged td:last-child{color:#ef6c00}tr.bad td{color:#c62828}
.env{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px}.env div:nth-child(odd){color:#666}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:16px}.chart{position:relative;height:240px}.chart.tall{height:320px}
.matrix{max-height:520px;overflow:auto;border:1px solid #ddd}.conf td.v{cursor:pointer;color:#fff;font-weight:600;font-size:11px;text-align:center}.conf td.id{font-family:ui-monospace,monospace;font-size:12px}
${Object.entries(VERDICT_COLORS).map(([v, c]) => `.v-${v}{background:${c}}`).join('')}
#case-detail{border:1px solid #bbb;background:#fafafa;padding:8px 12px;margin-top:8px}#case-detail pre{white-space:pre-wrap;word-break:break-all;font-size:12px;max-height:220px;overflow:auto;background:#fff;border:1px solid #eee;padding:4px}
.note{color:#555;font-size:13px}
@media print{.matrix{max-height:none;overflow:visible}.chart{break-inside:avoid}h2{break-after:avoid}body{max-width:none}}
`

export function renderHtml(r: BenchResults): string {
  const e = r.environment
  const targetRows = r.targets.map((t) => {
    const must = mustFailuresOf(t)
    const error = t.state === 'ok' ? '' : t.error
    return `<tr><td>${h(t.name)}</td><td>${h(t.framework)}</td><td>${h(t.state)}${error ? `: ${h(error.split('\n')[0] ?? '')}` : ''}</td><td>${must === undefined ? 'not verified' : must.length === 0 ? 'none' : h(must.join(', '))}</td></tr>`
  })
  const scenarioCharts = r.scenarios
    .map((s) => `<div><h3>${h(s.id)}</h3><p class="note">${h(s.description)} · ${s.connections} connections</p><div class="chart"><canvas id="rps-${h(s.id)}"></canvas></div></div>`)
    .join('')
  const latencyCharts = r.scenarios.map((s) => `<div><h3>${h(s.id)}</h3><div class="chart"><canvas id="lat-${h(s.id)}"></canvas></div></div>`).join('')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>unblocked bench ${h(r.createdAt)}</title><style>${CSS}</style></head>
<body>
<h1>unblocked — sync/async dispatch bench</h1>
<p class="note">Run ${h(r.createdAt)} (${h(r.state)}, ${Math.round(r.durationMs / 1000)} s). Every number below comes from results.json next to this file.</p>
<h2>Environment and settings</h2>
<div class="env">
<div>CPU</div><div>${h(e.cpuModel)} · ${e.cores} cores · ${Math.round(e.memoryBytes / 2 ** 30)} GiB</div>
<div>OS / Node</div><div>${h(e.platform)} ${h(e.osRelease)} · Node ${h(e.node)}</div>
<div>unblocked</div><div>${h(e.unblocked)}${e.gitCommit ? ` · commit ${h(e.gitCommit.slice(0, 12))}` : ''}</div>
<div>load generator</div><div>${h(e.loadGenerator.tool)} ${h(e.loadGenerator.version)}, ${h(e.loadGenerator.process)}</div>
<div>profile</div><div>${h(r.settings.profile)}: ${h([...new Set(r.scenarios.map((s) => s.trials))].sort((a, b) => b - a).join(' or '))} trials of ${r.settings.durationSec} s per cell, ${r.settings.warmupSec} s warm-up before each cell's first trial, the target drained before every trial, trials interleaved across targets (and json-async with json-sync) in a shuffled order (seed ${r.settings.seed}); a ratio is the median of its per-trial ratios, with a bootstrap 95% interval</div>
<div>CPU placement</div><div>${h(r.settings.pinning.note)}</div>
</div>
<table><thead><tr><th>target</th><th>framework</th><th>state</th><th>MUST failures in verification</th></tr></thead><tbody>${targetRows.join('')}</tbody></table>

<h2>Requirements</h2>
<p class="note">Met or not met only when the whole 95% interval is on one side of the bound; otherwise inconclusive, with the trials that would resolve it.</p>
${ratiosTable(r)}
<h3>Run conditions</h3>
${conditionsList(r)}

<h2>Conformance</h2>
<p class="note">Targets × cases from the verification before loading. Click a cell for expected vs actual.</p>
${conformanceMatrix(r)}
<div id="case-detail" hidden><strong class="d-title"></strong><p class="d-desc note"></p><p><b>reason:</b> <span class="d-reason"></span></p>
<div class="grid"><div><b>expected</b><pre class="d-expected"></pre></div><div><b>actual</b><pre class="d-actual"></pre></div></div><b>data</b><pre class="d-data"></pre></div>

<h2>Requests per second</h2>
<p class="note">Median of the trials; whiskers span the fastest and slowest trial.</p>
<div class="grid">${scenarioCharts}</div>

<h2>Closed-loop latency percentiles</h2>
<p class="note">From the load generator's closed-loop connections (p50 … max, log scale): each connection waits for its reply before sending again, so these restate throughput and hide stalls. For the latency other requests see, read the pings and the open-loop curves.</p>
<div class="grid">${latencyCharts}</div>

<h2>Ping latency while sync handlers block</h2>
<p class="note">ping-under-sync-blocking: /ping every 10 ms from the prober's own process, each measured from its scheduled send time (no coordinated omission), with an idle control server pinged at the same moments (dashed): the prober's own noise. A flat line near the control is a free event loop; a sawtooth climbing to hundreds of ms is a loop blocked by sync handlers. Failed and unanswered pings count with the time they waited.</p>
<div class="chart tall"><canvas id="ping-timeline"></canvas></div>

${curvesHtml(r)}

<div class="grid">
<div><h2>CPU scaling (cpu-sync)</h2><p class="note">Requests/s and CPU cores the target used; the target gets every CPU here.</p><div class="chart"><canvas id="cpu-scaling"></canvas></div></div>
<div><h2>Memory</h2><p class="note">Peak resident memory of each target over all scenarios.</p><div class="chart"><canvas id="memory"></canvas></div></div>
</div>

${startupHtml(r)}

<h2>Micro-benchmarks</h2>
<p class="note">Per-call cost, measured in one run (tinybench) in a child process pinned like the targets and run with their V8 flags: median µs per call of dispatch paths against their floors (grey), coercion and extraction; round trips over several rounds, whose spread the Markdown summary lists.</p>
<div class="chart tall"><canvas id="micro"></canvas></div>

<h2>All cells</h2>
${cellsTable(r)}

<script type="application/json" id="unblocked-data">${embedJson(pageData(r))}</script>
<script>${inlineScript(chartJsSource())}</script>
<script>${inlineScript(readFileSync(new URL('./page.js', import.meta.url), 'utf8'))}</script>
<script type="application/json" id="unblocked-curves">${embedJson(curvesPageData(r))}</script>
<script>${inlineScript(curvesScript())}</script>
</body></html>
`
}

export const htmlRenderer: Renderer = {
  name: 'html',
  render: (r) => [{ name: 'index.html', content: renderHtml(r) }],
}
