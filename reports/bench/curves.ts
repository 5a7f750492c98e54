/**
 * The open-loop latency curves in the reports: per scenario, each target's latency at fixed
 * shares of its measured maximum (results.json `latencyCurves`). Markdown gets a table per
 * scenario; the HTML page a latency-vs-load chart per scenario (curves-page.js draws it from the
 * data embedded by html.ts). Target text goes through the escapers like everything else.
 */
import { readFileSync } from 'node:fs'
import type { BenchResults, CurvePoint, LatencyCurve } from '../../harness/results/schema.ts'
import { escapeHtml as h, escapeMarkdownCell as cell } from '../escape.ts'
import { fmt } from './format.ts'

type Curves = Pick<BenchResults, 'latencyCurves'>

/** Latency in ms, to the µs under 1 ms, to three significant digits up to 100 ms, whole ms above. */
export function latencyMs(x: number): string {
  const digits = x < 1 ? 3 : x < 10 ? 2 : x < 100 ? 1 : 0
  return fmt(x, digits)
}

/** Scenarios that have curves, in the order the curves are listed. */
const scenariosOf = (r: Curves): string[] => [...new Set(r.latencyCurves.map((c) => c.scenario))]

/** A share of the maximum as a percentage: 0.25 → 25%. */
const share = (fraction: number): string => `${fmt(fraction * 100, 0)}%`

/**
 * A point at which no request completed measured no latency: every wait is the time to a failure
 * or to the deadline. It is an error of that point, listed, never drawn (its achieved rate is 0).
 */
const emptyPoint = (p: CurvePoint): boolean => p.completed === 0

const behindNote = (p: CurvePoint): string => (p.generatorBehind ? `generator behind${p.sendLag ? ` (its own lag p99 ${latencyMs(p.sendLag.p99)} ms)` : ''}` : '')

const notMeasured = (c: Exclude<LatencyCurve, { state: 'ok' }>): string => `${c.state}: ${c.state === 'errored' ? c.error : c.reason}`

const INTRO =
  'Each request scheduled at a constant rate and its latency counted from its scheduled send time (open loop), at fixed shares of the target’s median closed-loop requests/s: a stall or a queue cannot hide. The generator’s own lag (scheduled send → sent) is part of every latency and shown beside it; “generator behind”: that lag exceeded its slack, so the point measures the load generator too.'

// -- Markdown ------------------------------------------------------------------------------------

/** summary.md's section: one table per scenario; empty when the run measured no curve. */
export function curvesMarkdown(r: Curves): string[] {
  if (r.latencyCurves.length === 0) return []
  const L: string[] = ['### Latency under load (open loop)', '', INTRO, '']
  for (const scenario of scenariosOf(r)) {
    L.push(`#### ${cell(scenario)}`, '', '| target | share of max | rate req/s | achieved req/s | p50 ms | p99 ms | max ms | failed | generator lag p99 ms | |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|')
    for (const c of r.latencyCurves.filter((x) => x.scenario === scenario)) {
      if (c.state !== 'ok') {
        L.push(`| ${cell(c.target)} | | | | | | | | | ${cell(notMeasured(c))} |`)
        continue
      }
      for (const p of c.points) {
        if (emptyPoint(p)) {
          L.push(`| ${cell(c.target)} | ${share(p.fraction)} | ${fmt(p.rateRps)} | 0 | | | | ${fmt(p.failed)} / ${fmt(p.scheduled)} | | error: no request completed |`)
          continue
        }
        L.push(`| ${cell(c.target)} | ${share(p.fraction)} | ${fmt(p.rateRps)} | ${fmt(p.achievedRps)} | ${latencyMs(p.latency.p50)} | ${latencyMs(p.latency.p99)} | ${latencyMs(p.latency.max)} | ${fmt(p.failed)} / ${fmt(p.scheduled)} | ${p.sendLag ? latencyMs(p.sendLag.p99) : '—'} | ${p.generatorBehind ? 'generator behind' : ''} |`)
      }
    }
    L.push('')
  }
  return L
}

// -- HTML ----------------------------------------------------------------------------------------

export interface CurvesPageData {
  /** Target order for colours: the same order page.js colours the other charts by. */
  readonly targets: readonly string[]
  readonly scenarios: readonly { readonly id: string; readonly curves: readonly { readonly target: string; readonly points: readonly ChartPoint[] }[] }[]
}

interface ChartPoint {
  /** Achieved requests/s. */
  readonly x: number
  readonly p50: number
  readonly p99: number
  readonly fraction: number
  readonly rate: number
  readonly failed: number
  readonly scheduled: number
  readonly behind: boolean
  /** The generator's own p99 lag, ms (absent in files without it). */
  readonly lagP99?: number
}

/** What curves-page.js draws, embedded in the page as JSON by html.ts. */
export function curvesPageData(r: Curves & Pick<BenchResults, 'targets'>): CurvesPageData {
  return {
    targets: r.targets.map((t) => t.name),
    scenarios: scenariosOf(r).map((id) => ({
      id,
      curves: r.latencyCurves.flatMap((c) =>
        c.scenario === id && c.state === 'ok'
          ? [{ target: c.target, points: c.points.filter((p) => !emptyPoint(p)).map((p) => ({ x: p.achievedRps, p50: p.latency.p50, p99: p.latency.p99, fraction: p.fraction, rate: p.rateRps, failed: p.failed, scheduled: p.scheduled, behind: p.generatorBehind, ...(p.sendLag && { lagP99: p.sendLag.p99 }) })) }]
          : [],
      ),
    })),
  }
}

/** The page's section: a chart per scenario, and what was not measured, with why. */
export function curvesHtml(r: Curves): string {
  const head = '<h2>Latency under load (open loop)</h2>'
  if (r.latencyCurves.length === 0) return `${head}<p class="note">Not measured in this run.</p>`
  const charts = scenariosOf(r)
    .map((id) => `<div><h3>${h(id)}</h3><div class="chart"><canvas id="curve-${h(id)}"></canvas></div></div>`)
    .join('')
  const missing = r.latencyCurves.flatMap((c) =>
    c.state === 'ok'
      ? c.points.filter(emptyPoint).map((p) => `<li>${h(c.scenario)} · ${h(c.target)} at ${share(p.fraction)} of max: error, no request of ${fmt(p.scheduled)} completed (not drawn)</li>`)
      : [`<li>${h(c.scenario)} · ${h(c.target)}: ${h(notMeasured(c))}</li>`],
  )
  const behind = r.latencyCurves.flatMap((c) => (c.state === 'ok' ? c.points.filter((p) => p.generatorBehind).map((p) => `<li>${h(c.scenario)} · ${h(c.target)} at ${share(p.fraction)} of max: ${h(behindNote(p))}</li>`) : []))
  return `${head}
<p class="note">${h(INTRO)} x: requests/s served; y: p50 (solid) and p99 (dashed), ms, log scale; one colour per target. A triangle marks a point where the generator was behind.</p>
<div class="grid">${charts}</div>
${missing.length > 0 ? `<p class="note">Not measured:</p><ul class="note">${missing.join('')}</ul>` : ''}
${behind.length > 0 ? `<p class="note">Generator behind its schedule:</p><ul class="note">${behind.join('')}</ul>` : ''}`
}

/** The client-side script that draws the charts (plain JavaScript, inlined by html.ts after chart.js). */
export function curvesScript(): string {
  return readFileSync(new URL('./curves-page.js', import.meta.url), 'utf8')
}
