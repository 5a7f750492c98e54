/** summary.md: verdicts and key numbers as Markdown tables, for a CI job summary or a PR comment. */
import type { BenchResults } from '../../harness/results/schema.ts'
import { VERDICTS } from '../../scenarios/types.ts'
import { escapeMarkdownCell as cell } from '../escape.ts'
import type { Renderer } from '../renderer.ts'
import { curvesMarkdown } from './curves.ts'
import { startupMarkdown } from './startup.ts'
import { bytes, cellFlags, fmt, pingText, REQUIREMENT_MARKS, rpsText, withInterval } from './format.ts'
import { headline } from './headline.ts'
import { headlineMarkdown } from './headline-render.ts'
import { conformanceOf, mustFailuresOf, verificationOf } from './verification.ts'

/**
 * How the run's instruments fared: the generator's ceiling, the prober's noise, the machine.
 * `esc` escapes what came from the run for Markdown; the HTML page passes plain text through and
 * escapes it for HTML itself (escaping twice showed `\(` and `&#39;` on the page).
 */
export function runConditions(r: BenchResults, esc: (s: string) => string = cell): string[] {
  const L: string[] = []
  const c = r.ceiling
  L.push(c.state === 'ok' ? `- **Load generator ceiling** (${esc(c.driver)} against a no-op server, ${c.connections} connections): ${fmt(c.rps)} req/s (trials ${c.perTrial.map((x) => fmt(x)).join(', ')}). A cell within 90% of it reads "≥ N": the generator may be what stopped it.` : `- **Load generator ceiling**: ${c.state} — ${esc(c.state === 'errored' ? c.error : c.reason)}`)
  const m = r.machine
  const probe = m.probeMs === undefined ? 'not measured' : `median ${fmt(m.probeMs.median, 2)} ms, ${fmt(m.probeMs.min, 2)}–${fmt(m.probeMs.max, 2)} ms`
  L.push(`- **Machine speed** (${esc(m.probe)}): ${probe}; ${m.slowedTrials} trial(s) at ≥ ${m.slowFactor}× the median (slowed machine)${m.loadavg1 ? `; load average ${fmt(m.loadavg1[0], 2)}–${fmt(m.loadavg1[1], 2)}` : ''}${m.stealPctMax !== undefined ? `; steal up to ${fmt(m.stealPctMax, 1)}%` : ''}.`)
  const controls = r.cells.flatMap((x) => (x.state === 'ok' && x.ping?.control ? [{ target: x.target, control: x.ping.control }] : []))
  if (controls.length > 0) L.push(`- **Prober noise** (an idle control server pinged at the same moments as each target): control p99 ${controls.map((x) => `${fmt(x.control.latency.p99, 2)} ms beside ${esc(x.target)}`).join(', ')}.`)
  return L
}

export function renderSummary(r: BenchResults): string {
  const L: string[] = []
  const e = r.environment
  L.push(`## unblocked bench — ${r.createdAt.slice(0, 16).replace('T', ' ')} UTC`, '')
  const trials = [...new Set(r.scenarios.map((s) => s.trials))].sort((a, b) => b - a).join(' or ')
  L.push(`${cell(e.cpuModel)}, ${e.cores} cores, ${Math.round(e.memoryBytes / 2 ** 30)} GiB · Node ${cell(e.node)} · ${r.settings.profile} profile: ${trials} trials × ${r.settings.durationSec} s per cell, shuffled (seed ${r.settings.seed}), ${r.settings.warmupSec} s warm-up per cell, ${cell(r.settings.driver)} · ${cell(r.settings.pinning.note)}${r.state === 'complete' ? '' : ` · **run ${r.state}**`}`, '')

  const glance = headlineMarkdown(headline(r))
  if (glance.length > 0) L.push('### At a glance', '', ...glance, '')
  L.push('### Requirements', '', 'Each value with its 95% interval; met or not met only when the whole interval is on one side.', '', '| requirement | measured [95% interval] | verdict | how |', '|---|---:|---|---|')
  for (const x of r.ratios) L.push(`| ${cell(x.description)} | ${withInterval(x.value, x.interval, 3)} | ${REQUIREMENT_MARKS[x.verdict]} | ${cell(x.why)} |`)
  L.push('')
  L.push('### Run conditions', '', ...runConditions(r), '')

  L.push('### Conformance', '', `| target | ${VERDICTS.join(' | ')} | MUST failures |`, `|---|${VERDICTS.map(() => '---:').join('|')}|---|`)
  for (const t of r.targets) {
    const report = conformanceOf(t)
    if (report === undefined) {
      const v = verificationOf(t)
      const why = t.state !== 'ok' ? cell(t.state) : v?.state === 'errored' ? cell(`verification failed: ${v.error}`) : 'not verified'
      L.push(`| ${cell(t.name)} | ${VERDICTS.map(() => '—').join(' | ')} | ${why} |`)
      continue
    }
    const c = report.counts
    const must = mustFailuresOf(t) ?? []
    L.push(`| ${cell(t.name)} | ${VERDICTS.map((v) => c[v]).join(' | ')} | ${must.length > 0 ? must.map((id) => `\`${id}\``).join(', ') : 'none'} |`)
  }
  L.push('')

  L.push('### Load (median of trials [95% interval]; closed-loop latency restates throughput, see pings for stalls)', '', '| scenario | target | req/s | closed-loop p50 / p99 ms | pings | errors / timeouts / non-2xx / mismatches (sums) | CPU cores | peak RSS | flags |', '|---|---|---:|---:|---|---:|---:|---:|---|')
  for (const s of r.scenarios) {
    for (const c of r.cells.filter((x) => x.scenario === s.id)) {
      if (c.state !== 'ok') {
        L.push(`| ${s.id} | ${cell(c.target)} | ${c.state}: ${cell(c.state === 'errored' ? c.error : c.reason)} | | | | | | |`)
        continue
      }
      const m = c.median
      const t = c.totals
      const ping = c.ping === undefined ? '' : `${pingText(c.ping.target)}${c.ping.control ? `; control p99 ${fmt(c.ping.control.latency.p99, 2)} ms` : ''}`
      L.push(`| ${s.id} | ${cell(c.target)} | ${rpsText(c)} | ${fmt(m.closedLoop.p50)} / ${fmt(m.closedLoop.p99)} | ${ping} | ${t.errors} / ${t.timeouts} / ${t.non2xx} / ${t.mismatches} | ${fmt(m.targetCpuCores, 2)} | ${bytes(m.targetPeakRssBytes)} | ${cellFlags(c).map((f) => cell(f)).join('; ')} |`)
    }
  }
  L.push('')
  L.push(...curvesMarkdown(r))
  L.push(...startupMarkdown(r))
  if (r.micro.state === 'ok') {
    const pinned = r.micro.process ? ` · ${r.micro.process.pinned === null ? 'not pinned' : `pinned to CPU ${r.micro.process.pinned}`}, ${cell(r.micro.process.flags)}` : ''
    L.push(`### Micro-benchmarks (µs per call; ${r.micro.rounds} rounds${pinned})`, '', '| benchmark | median | p99 | median per round (min–max) |', '|---|---:|---:|---:|')
    for (const m of r.micro.results) {
      if (m.state !== 'ok') {
        L.push(`| ${cell(m.name)} | errored: ${cell(m.error)} | | |`)
        continue
      }
      const rounds = m.roundsP50Us === undefined ? '—' : `${fmt(Math.min(...m.roundsP50Us), 3)}–${fmt(Math.max(...m.roundsP50Us), 3)}`
      L.push(`| ${cell(m.name)} | ${fmt(m.p50Us, 3)} | ${fmt(m.p99Us, 3)} | ${rounds} |`)
    }
    L.push('')
  }
  const failed = r.targets.flatMap((t) => (t.state === 'ok' ? [] : [t]))
  if (failed.length > 0) {
    L.push('### Targets that did not run to the end', '')
    for (const t of failed) L.push(`- **${cell(t.name)}**: ${t.state} — ${cell(t.error)}`)
    L.push('')
  }
  return L.join('\n')
}

export const markdownRenderer: Renderer = {
  name: 'markdown',
  render: (r) => [{ name: 'summary.md', content: renderSummary(r) }],
}
