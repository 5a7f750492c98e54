/**
 * The README's "Measured" section, made from a committed results.json (docs/results/bench.json)
 * rather than typed by hand: a test keeps the README equal to this rendering of that file, so
 * every number a newcomer reads there came from one real run, with its intervals and verdicts.
 */
import type { BenchResults } from '../../harness/results/schema.ts'
import { escapeMarkdownCell as cell } from '../escape.ts'
import { cellFlags, fmt, pingText, REQUIREMENT_MARKS, rpsText, withInterval } from './format.ts'
import { runConditions } from './markdown.ts'
import { startupMeasured } from './startup.ts'

/** The cells a reader compares first: throughput per target, and what pings saw under blocking. */
const KEY_SCENARIOS = ['json-async', 'json-sync', 'cpu-sync', 'io-wait-sync', 'ping-under-sync-blocking'] as const

export function measuredSection(r: BenchResults): string {
  const e = r.environment
  const trials = [...new Set(r.scenarios.map((s) => s.trials))].sort((a, b) => b - a).join(' or ')
  const L: string[] = []
  L.push(
    `From \`docs/results/bench.json\`: a ${r.settings.profile}-profile run of ${r.createdAt.slice(0, 16).replace('T', ' ')} UTC${e.gitCommit ? ` at commit ${e.gitCommit.slice(0, 12)}` : ''}, ${Math.round(r.durationMs / 1000)} s, on ${cell(e.cpuModel)} (${e.cores} cores), Node ${cell(e.node)}. ${trials} trials of ${r.settings.durationSec} s per cell, shuffled (seed ${r.settings.seed}), the target drained before each; ${cell(r.settings.pinning.note)}.`,
    '',
    'Each requirement is a ratio measured side by side in the run, with its 95% bootstrap interval over the paired trials. It is met or not met only when the whole interval is on one side of the bound.',
    '',
    '| requirement | measured [95% interval] | verdict | how |',
    '|---|---:|---|---|',
  )
  for (const x of r.ratios) L.push(`| ${cell(x.description)} | ${withInterval(x.value, x.interval, 3)} | ${REQUIREMENT_MARKS[x.verdict]} | ${cell(x.why)} |`)
  L.push('', ...runConditions(r), '')
  L.push('| scenario | target | req/s [95% interval] | pings (scheduled-time latency, failures counted) | flags |', '|---|---|---:|---|---|')
  for (const id of KEY_SCENARIOS) {
    for (const c of r.cells.filter((x) => x.scenario === id)) {
      if (c.state !== 'ok') {
        L.push(`| ${id} | ${cell(c.target)} | ${c.state} | | ${cell(c.state === 'errored' ? c.error : c.reason)} |`)
        continue
      }
      const ping = c.ping === undefined ? '' : `${pingText(c.ping.target)}${c.ping.control ? `; control p99 ${fmt(c.ping.control.latency.p99, 2)} ms` : ''}`
      L.push(`| ${id} | ${cell(c.target)} | ${rpsText(c)} | ${ping} | ${cellFlags(c).map((f) => cell(f)).join('; ')} |`)
    }
  }
  L.push(...startupMeasured(r))
  return `${L.join('\n')}\n`
}
