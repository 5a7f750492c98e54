/**
 * index.html: one self-contained page (chart.js and the page script inlined, no network), readable
 * on a laptop and printable. Everything a target sent is escaped: tables are built here with
 * escapeHtml, and the data the charts read is embedded as JSON that cannot close its <script>.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { BenchResults, Ratio } from '../../harness/results/schema.ts'
import { escapeHtml as h } from '../escape.ts'
import type { Renderer } from '../renderer.ts'
import { conformanceMatrix } from './conformance-matrix.ts'
import { curvesHtml, curvesPageData, curvesScript } from './curves.ts'
import { bytes, cellFlags, fmt, perTrial, pingText, rpsText, VERDICT_COLORS, withInterval } from './format.ts'
import { ANCHORS, headline } from './headline.ts'
import { headlineCss, headlineHtml, LEGEND } from './headline-render.ts'
import { runConditions } from './markdown.ts'
import { pageData } from './page-data.ts'
import { startupHtml } from './startup.ts'
import { mustFailuresOf } from './verification.ts'

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


const VERDICT_CLASS: Record<Ratio['verdict'], string> = { met: 'met', 'not met': 'unmet', inconclusive: 'unsure', invalid: 'unmet', 'not measured': 'unknown' }

/** The page's verdict marks: typographic rather than emoji, which a browser without an emoji font (CI's Chromium) draws as boxes. */
const VERDICT_MARKS: Record<Ratio['verdict'], string> = { met: '✓ met', 'not met': '✗ not met', inconclusive: '? inconclusive', invalid: '! invalid', 'not measured': '— not measured' }

/** A cell of a table that becomes one card per row on a phone (class "stack"): its column name goes with it. */
const td = (label: string, html: string, cls = ''): string => `<td data-label="${h(label)}"${cls ? ` class="${cls}"` : ''}>${html}</td>`

function ratiosTable(r: BenchResults): string {
  const rows = r.ratios.map(
    (x) =>
      `<tr id="${h(ANCHORS.requirement(x.id))}" class="${VERDICT_CLASS[x.verdict]}">${td('requirement', h(x.description), 'title')}${td('measured [95% interval]', withInterval(x.value, x.interval, 3), 'num')}${td('needs', `${x.comparator} ${x.threshold}`)}<td data-label="n" class="num" title="${h(perTrial(x.perTrial))}">${x.perTrial?.length ?? 0}</td>${td('how', h(x.why))}${td('verdict', h(VERDICT_MARKS[x.verdict]), 'verdict')}</tr>`,
  )
  return `<table class="stack"><thead><tr><th>requirement</th><th>measured [95% interval]</th><th>needs</th><th title="paired trials or rounds the interval comes from; hover for the values">n</th><th>how</th><th>verdict</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
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
  return `<div class="scroll"><table class="wide"><thead><tr><th>scenario</th><th>target</th><th>req/s [95% interval]</th><th>min–max</th><th>closed-loop p50 / p99 ms</th><th>pings</th><th>errors / timeouts / non-2xx / mismatches (sums)</th><th>CPU cores</th><th>peak RSS</th><th>flags</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`
}

/** The run conditions as HTML list items (the Markdown renderer's lines, which carry no HTML). */
function conditionsList(r: BenchResults): string {
  return `<ul class="note">${runConditions(r, (x) => x).map((line) => `<li>${h(line.replace(/^- /, '').replace(/\*\*/g, ''))}</li>`).join('')}</ul>`
}

/** The pings behind the timeline, per target: what the headline's first column reads. */
function pingTable(r: BenchResults): string {
  const rows = r.cells.flatMap((c) => {
    if (c.scenario !== 'ping-under-sync-blocking') return []
    if (c.state !== 'ok') return [`<tr class="bad">${td('target', h(c.target), 'title')}<td colspan="6">${h(c.state)}: ${h(c.state === 'errored' ? c.error : c.reason)}</td></tr>`]
    const p = c.ping?.target
    if (p === undefined) return [`<tr>${td('target', h(c.target), 'title')}<td colspan="6">no pings</td></tr>`]
    const control = c.ping?.control
    return [
      `<tr>${td('target', h(c.target), 'title')}${td('p99, ms', fmt(p.latency.p99, 2), 'num')}${td('control p99, ms', control ? fmt(control.latency.p99, 2) : '—', 'num')}${td('longest wait, ms', fmt(p.stallMaxMs), 'num')}${td('blocked, s', fmt(p.blockedMs / 1000, 2), 'num')}${td('answered', `${p.served.toLocaleString('en-US')} / ${p.scheduled.toLocaleString('en-US')}`, 'num')}${td('flags', c.invalid ? `<span class="warn">${h(c.invalid)}</span>` : '')}</tr>`,
    ]
  })
  if (rows.length === 0) return ''
  return `<table class="stack"><thead><tr><th>target</th><th>p99, ms</th><th>control p99, ms</th><th>longest wait, ms</th><th>blocked, s</th><th>answered / scheduled</th><th>flags</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
}

const CSS = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:1180px;padding:16px 24px;color:#222;overflow-wrap:break-word}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:14px;margin:8px 0}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid #e0e0e0;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f5f5f5}
.scroll{overflow-x:auto;max-width:100%}
td.num{text-align:right;font-variant-numeric:tabular-nums}.met td.verdict{color:#2e7d32;font-weight:600}.unmet td.verdict{color:#c62828;font-weight:600}.unsure td.verdict{color:#ef6c00;font-weight:600}tr.flagged td:last-child{color:#ef6c00}tr.bad td{color:#c62828}.warn{color:#ef6c00}
tr:target td{outline:2px solid #1565c0;outline-offset:-2px}
.env{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 16px}.env div:nth-child(odd){color:#666}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(340px,100%),1fr));gap:16px}.grid>div{min-width:0}.wide-charts .grid{grid-template-columns:repeat(auto-fill,minmax(min(560px,100%),1fr))}.wide-charts .chart{height:340px}.chart{position:relative;height:260px}.chart.tall{height:340px}
.matrix{max-height:520px;overflow:auto;border:1px solid #ddd}.conf td.v{cursor:pointer;color:#fff;font-weight:600;font-size:11px;text-align:center}.conf td.id{font-family:ui-monospace,monospace;font-size:12px}
.conf-toggle-label{margin-left:4px;cursor:pointer}#conf-all:not(:checked)~.matrix tr.all-pass{display:none}
${Object.entries(VERDICT_COLORS).map(([v, c]) => `.v-${v}{background:${c}}`).join('')}
#case-detail{border:1px solid #bbb;background:#fafafa;padding:8px 12px;margin-top:8px}#case-detail pre{white-space:pre-wrap;word-break:break-all;font-size:12px;max-height:220px;overflow:auto;background:#fff;border:1px solid #eee;padding:4px}
.note{color:#555;font-size:13px}
${headlineCss()}
table.headline{table-layout:fixed}table.headline thead th:first-child{width:12%}table.headline th{font-size:13px}.headline th.hl-target{background:#fafafa;font-weight:600}
td.hl{background:var(--bg);border-left:4px solid var(--fg);padding:5px 8px}td.hl a{color:inherit;text-decoration:none;display:block}td.hl a:hover .hl-word{text-decoration:underline}
.hl-word{display:block;color:var(--fg);font-size:16px}.hl-value{display:block;font-size:12px;color:#333;font-variant-numeric:tabular-nums}.hl-note{display:inline-block;margin-top:2px;font-size:12px;color:var(--fg);background:var(--bg);border:1px solid var(--fg);border-radius:3px;padding:0 4px}
@media (max-width:720px){
body{padding:10px 12px}
table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}table.stack thead{display:none}
table.stack tr{margin:0 0 10px;border:1px solid #ddd}table.stack td{border:0;border-bottom:1px solid #eee;display:grid;grid-template-columns:34% minmax(0,1fr);gap:0 8px;text-align:left}
table.stack td::before{content:attr(data-label);color:#555;font-size:12px}table.stack td.title{display:block;font-weight:600;background:#fafafa}table.stack td.title::before{content:none}
table.stack td[colspan]{display:block}table.stack td:empty{display:none}
.scroll>table.wide{min-width:860px}
table.headline,table.headline tbody,table.headline tr,table.headline td,table.headline th{display:block;width:100%}
table.headline thead{display:none}table.headline tr{margin:0 0 10px;border:1px solid #ddd}
table.headline td.hl{display:grid;grid-template-columns:42% 1fr;gap:0 8px;border-width:0 0 1px 4px}
table.headline td.hl::before{content:attr(data-label);color:#555;font-size:12px;grid-row:span 2}
table.headline td.hl a,table.headline .hl-note{grid-column:2}
.chart{height:240px}.chart.tall{height:300px}
}
@media print{.matrix{max-height:none;overflow:visible}.chart{break-inside:avoid}h2{break-after:avoid}body{max-width:none}}
`

export function renderHtml(r: BenchResults): string {
  const e = r.environment
  const targetRows = r.targets.map((t) => {
    const must = mustFailuresOf(t)
    const error = t.state === 'ok' ? '' : t.error
    return `<tr>${td('target', h(t.name), 'title')}${td('framework', h(t.framework))}${td('state', `${h(t.state)}${error ? `: ${h(error.split('\n')[0] ?? '')}` : ''}`)}${td('MUST failures', must === undefined ? 'not verified' : must.length === 0 ? 'none' : h(must.join(', ')))}</tr>`
  })
  const scenarioCharts = r.scenarios
    .map((s) => `<div><h3>${h(s.id)}</h3><p class="note">${h(s.description)} · ${s.connections} connections</p><div class="chart"><canvas id="rps-${h(s.id)}"></canvas></div></div>`)
    .join('')
  const latencyCharts = r.scenarios.map((s) => `<div><h3>${h(s.id)}</h3><div class="chart"><canvas id="lat-${h(s.id)}"></canvas></div></div>`).join('')
  const trials = [...new Set(r.scenarios.map((s) => s.trials))].sort((a, b) => b - a).join(' or ')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>unblocked bench ${h(r.createdAt)}</title><style>${CSS}</style></head>
<body>
<h1>unblocked — sync/async dispatch bench</h1>
<p class="note">Run ${h(r.createdAt)} (${h(r.state)}, ${Math.round(r.durationMs / 1000)} s), ${h(r.settings.profile)} profile, ${h(trials)} trials of ${r.settings.durationSec} s per cell, on ${h(e.cpuModel)} (${e.cores} cores), Node ${h(e.node)}. Every number below comes from results.json next to this file; <a href="#environment">environment and settings</a>.</p>

<section id="headline">
<h2>At a glance</h2>
<p class="note">Each answer is a word and the measurement it follows from; hover for how it follows, click for the evidence. The reference is judged by its requirements (95% intervals), the other targets by the same bounds in every trial. ${h(LEGEND)}.</p>
${headlineHtml(headline(r))}
</section>

<section id="pings">
<h2>Does the event loop stay free? Pings while sync handlers block</h2>
<p class="note">ping-under-sync-blocking, one trial per target: /ping every 10 ms from the prober's own process, each measured from its scheduled send time (no coordinated omission), with an idle control server pinged at the same moments (dashed): the prober's own noise. A flat line near the control is a free event loop; a sawtooth climbing to hundreds of ms is a loop blocked by sync handlers. Failed and unanswered pings count with the time they waited. The table pools every trial.</p>
<div class="chart tall"><canvas id="ping-timeline"></canvas></div>
${pingTable(r)}
</section>

<section id="requirements">
<h2>Requirements</h2>
<p class="note">Met or not met only when the whole 95% interval is on one side of the bound; otherwise inconclusive, with the trials that would resolve it.</p>
${ratiosTable(r)}
<h3>Run conditions</h3>
${conditionsList(r)}
</section>

<section id="conformance">
<h2>Conformance</h2>
<p class="note">Targets × cases from the verification before loading. Click a cell for expected vs actual.</p>
${conformanceMatrix(r)}
<div id="case-detail" hidden><strong class="d-title"></strong><p class="d-desc note"></p><p><b>reason:</b> <span class="d-reason"></span></p>
<div class="grid"><div><b>expected</b><pre class="d-expected"></pre></div><div><b>actual</b><pre class="d-actual"></pre></div></div><b>data</b><pre class="d-data"></pre></div>
</section>

<section id="rps">
<h2>Requests per second</h2>
<p class="note">Median of the trials; whiskers span the fastest and slowest trial. A target whose cell has no measurement is marked on the axis (error, skipped), never drawn as 0.</p>
<div class="grid">${scenarioCharts}</div>
</section>

<section id="latency">
<h2>Closed-loop latency percentiles</h2>
<p class="note">From the load generator's closed-loop connections (p50 … max, log scale): each connection waits for its reply before sending again, so these restate throughput and hide stalls. For the latency other requests see, read the pings and the open-loop curves.</p>
<div class="grid">${latencyCharts}</div>
</section>

<section id="curves" class="wide-charts">
${curvesHtml(r)}
</section>

<div class="grid">
<section id="cpu-scaling"><h2>CPU scaling (cpu-sync)</h2><p class="note">Requests/s and CPU cores the target used; the target gets every CPU here.</p><div class="chart"><canvas id="cpu-scaling-chart"></canvas></div></section>
<section id="memory"><h2>Memory</h2><p class="note">Peak resident memory of each target and its workers under load${r.startup ? ', and idle after start-up' : ''}.</p><div class="chart"><canvas id="memory-chart"></canvas></div></section>
</div>

<section id="startup-memory">
${startupHtml(r)}
</section>

<section id="micro">
<h2>Micro-benchmarks</h2>
<p class="note">Per-call cost, measured in one run (tinybench) in a child process pinned like the targets and run with their V8 flags: median µs per call of dispatch paths against their floors (grey), coercion and extraction; round trips over several rounds, whose spread the Markdown summary lists.</p>
<div class="chart" id="micro-box"><canvas id="micro-chart"></canvas></div>
</section>

<section id="environment">
<h2>Environment and settings</h2>
<div class="env">
<div>CPU</div><div>${h(e.cpuModel)} · ${e.cores} cores · ${Math.round(e.memoryBytes / 2 ** 30)} GiB</div>
<div>OS / Node</div><div>${h(e.platform)} ${h(e.osRelease)} · Node ${h(e.node)}</div>
<div>unblocked</div><div>${h(e.unblocked)}${e.gitCommit ? ` · commit ${h(e.gitCommit.slice(0, 12))}` : ''}</div>
<div>load generator</div><div>${h(e.loadGenerator.tool)} ${h(e.loadGenerator.version)}, ${h(e.loadGenerator.process)}</div>
<div>profile</div><div>${h(r.settings.profile)}: ${h(trials)} trials of ${r.settings.durationSec} s per cell, ${r.settings.warmupSec} s warm-up before each cell's first trial, the target drained before every trial, trials interleaved across targets (and json-async with json-sync) in a shuffled order (seed ${r.settings.seed}); a ratio is the median of its per-trial ratios, with a bootstrap 95% interval</div>
<div>CPU placement</div><div>${h(r.settings.pinning.note)}</div>
</div>
<table class="stack"><thead><tr><th>target</th><th>framework</th><th>state</th><th>MUST failures in verification</th></tr></thead><tbody>${targetRows.join('')}</tbody></table>
</section>

<section id="cells">
<h2>All cells</h2>
${cellsTable(r)}
</section>

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
