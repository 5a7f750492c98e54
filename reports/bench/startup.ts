/**
 * The start-up and memory section: each target's time from spawn to a healthy /health, its idle
 * memory and its peak under load (results.json `startup`, absent in runs made before it existed).
 * The medians are the start-up phase's own; the ranges are over its samples.
 */
import type { BenchResults, StartupSample } from '../../harness/results/schema.ts'
import { escapeHtml as h } from '../escape.ts'
import { fmt } from './format.ts'

const mib = (bytes: number): string => fmt(bytes / 2 ** 20, 0)

/** "812 (790–840)": a median and the range of the samples, or the median alone for one sample. */
function withRange(median: number, samples: readonly StartupSample[], pick: (s: StartupSample) => number | undefined, show: (x: number) => string): string {
  const xs = samples.flatMap((s) => {
    const x = pick(s)
    return x === undefined ? [] : [x]
  })
  return xs.length < 2 ? show(median) : `${show(median)} <span class="note">(${show(Math.min(...xs))}–${show(Math.max(...xs))})</span>`
}

export function startupHtml(r: Pick<BenchResults, 'startup'>): string {
  if (r.startup === undefined || r.startup.length === 0) return '<p class="note">Not measured in this run (it has no start-up phase). The memory chart shows peak RSS under load.</p>'
  const rows = r.startup.map((s) => {
    if (s.state !== 'ok') return `<tr class="bad"><td class="title">${h(s.target)}</td><td colspan="6">${h(s.state)}: ${h(s.state === 'errored' ? s.error : s.reason)}</td></tr>`
    const m = s.median
    const threads = s.samples.flatMap((x) => (x.threads === undefined ? [] : [x.threads]))
    const cells = [
      ['starts', String(s.samples.length)],
      ['healthy after, ms', withRange(m.healthyMs, s.samples, (x) => x.healthyMs, (x) => fmt(x, 0))],
      ['idle RSS, MiB', withRange(m.idleRssBytes, s.samples, (x) => x.idleRssBytes, mib)],
      ['CPU to idle, ms', m.cpuMs === undefined ? '—' : withRange(m.cpuMs, s.samples, (x) => x.cpuMs, (x) => fmt(x, 0))],
      ['threads at idle', threads.length === 0 ? '—' : `${Math.min(...threads)}–${Math.max(...threads)}`],
      ['peak RSS under load, MiB', s.peakRssBytes === undefined ? '—' : mib(s.peakRssBytes)],
    ]
    return `<tr><td class="title">${h(s.target)}</td>${cells.map(([label, html]) => `<td class="num" data-label="${h(label ?? '')}">${html}</td>`).join('')}</tr>`
  })
  return `<table class="stack"><thead><tr><th>target</th><th>starts</th><th>spawn → healthy /health, ms (median, range)</th><th>idle RSS, MiB</th><th>CPU to idle, ms</th><th>threads at idle</th><th>peak RSS under load, MiB</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
}
