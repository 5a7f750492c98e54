/** summary.md: verdicts and key numbers as Markdown tables, for a CI job summary or a PR comment. */
import type { BenchResults } from '../../harness/results/schema.ts'
import { VERDICTS } from '../../scenarios/types.ts'
import { escapeMarkdownCell as cell } from '../escape.ts'
import type { Renderer } from '../renderer.ts'
import { curvesMarkdown } from './curves.ts'
import { bytes, fmt, perTrial } from './format.ts'
import { conformanceOf, mustFailuresOf, verificationOf } from './verification.ts'

export function renderSummary(r: BenchResults): string {
  const L: string[] = []
  const e = r.environment
  L.push(`## unblocked bench — ${r.createdAt.slice(0, 16).replace('T', ' ')} UTC`, '')
  L.push(`${cell(e.cpuModel)}, ${e.cores} cores, ${Math.round(e.memoryBytes / 2 ** 30)} GiB · Node ${cell(e.node)} · ${r.settings.profile} profile: ${r.settings.trials} trial(s) × ${r.settings.durationSec} s, ${r.settings.warmupSec} s warm-up per cell · ${cell(r.settings.pinning.note)}${r.state === 'complete' ? '' : ` · **run ${r.state}**`}`, '')

  L.push('### Requirements', '', '| requirement | measured | per trial | |', '|---|---:|---:|---|')
  for (const x of r.ratios) L.push(`| ${cell(x.description)} | ${fmt(x.value, 3)} | ${perTrial(x.perTrial)} | ${x.met === null ? '❔ not measured' : x.met ? '✅ met' : '❌ not met'} |`)
  L.push('')

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

  L.push('### Load (median of trials; min–max in brackets)', '', '| scenario | target | req/s | p50 ms | p99 ms | ping p99 ms | errors | non-2xx | mismatches | CPU cores | peak RSS |', '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
  for (const s of r.scenarios) {
    for (const c of r.cells.filter((x) => x.scenario === s.id)) {
      if (c.state !== 'ok') {
        L.push(`| ${s.id} | ${cell(c.target)} | ${c.state}: ${cell(c.state === 'errored' ? c.error : c.reason)} | | | | | | | | |`)
        continue
      }
      const m = c.median
      const rps = `${fmt(m.rps)} [${fmt(c.spread.rps[0])}–${fmt(c.spread.rps[1])}]`
      L.push(`| ${s.id} | ${cell(c.target)} | ${rps} | ${fmt(m.p50)} | ${fmt(m.p99)} | ${m.ping ? fmt(m.ping.p99) : ''} | ${m.errors + m.timeouts} | ${m.non2xx} | ${m.mismatches} | ${fmt(m.targetCpuCores, 2)} | ${bytes(m.targetPeakRssBytes)} |`)
    }
  }
  L.push('')
  L.push(...curvesMarkdown(r))
  if (r.micro.state === 'ok') {
    L.push('### Micro-benchmarks (µs per call)', '', '| benchmark | mean | p99 | ±% |', '|---|---:|---:|---:|')
    for (const m of r.micro.results) L.push(m.state === 'ok' ? `| ${cell(m.name)} | ${fmt(m.meanUs, 3)} | ${fmt(m.p99Us, 3)} | ${fmt(m.rme, 2)} |` : `| ${cell(m.name)} | ${fmt(undefined)} | ${fmt(undefined)} | ${fmt(undefined)} |`)
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
