/**
 * Comparing two bench runs. A change is a regression only when it exceeds the trial-to-trial
 * noise: the head's median must be worse than the base's by more than the larger of the two
 * runs' min–max spreads (and by at least `minChangePct`, so a run whose trials happen to agree
 * closely does not flag a 1% change). Both runs come validated (`parseResults`, in
 * `unblocked report`); only ok cells are compared.
 */
import type { BenchResults, CellOk } from '../harness/results/schema.ts'
import { escapeMarkdownCell as cell } from './escape.ts'

export interface MetricChange {
  readonly target: string
  readonly scenario: string
  readonly metric: 'rps' | 'p99' | 'ping p99'
  readonly base: number
  readonly head: number
  /** head vs base, %. Positive = larger. */
  readonly changePct: number
  /** The noise band the change had to exceed, in the metric's unit. */
  readonly noise: number
  readonly verdict: 'regression' | 'improvement' | 'within noise'
}

interface Metric {
  name: MetricChange['metric']
  value: (c: CellOk) => number | undefined
  spread: (c: CellOk) => readonly [number, number] | undefined
  higherIsBetter: boolean
}

const METRICS: Metric[] = [
  { name: 'rps', value: (c) => c.median.rps, spread: (c) => c.spread.rps, higherIsBetter: true },
  { name: 'p99', value: (c) => c.median.p99, spread: (c) => c.spread.p99, higherIsBetter: false },
  { name: 'ping p99', value: (c) => c.median.ping?.p99, spread: (c) => c.spread.pingP99, higherIsBetter: false },
]

const width = (s: readonly [number, number] | undefined): number => (s === undefined ? 0 : Math.abs(s[1] - s[0]))

export function compareRuns(base: BenchResults, head: BenchResults, minChangePct = 5): MetricChange[] {
  const out: MetricChange[] = []
  for (const h of head.cells) {
    const b = base.cells.find((c) => c.target === h.target && c.scenario === h.scenario)
    if (b === undefined || b.state !== 'ok' || h.state !== 'ok') continue
    for (const m of METRICS) {
      const bv = m.value(b)
      const hv = m.value(h)
      if (bv === undefined || hv === undefined || bv === 0) continue
      const noise = Math.max(width(m.spread(b)), width(m.spread(h)))
      const delta = hv - bv
      const changePct = Math.round((delta / bv) * 1000) / 10
      const worse = m.higherIsBetter ? delta < 0 : delta > 0
      const beyondNoise = Math.abs(delta) > noise && Math.abs(changePct) >= minChangePct
      out.push({ target: h.target, scenario: h.scenario, metric: m.name, base: bv, head: hv, changePct, noise: Math.round(noise * 100) / 100, verdict: beyondNoise ? (worse ? 'regression' : 'improvement') : 'within noise' })
    }
  }
  return out
}

export function renderComparison(changes: readonly MetricChange[], base: BenchResults, head: BenchResults): string {
  const L = [`## unblocked bench comparison`, '', `base ${base.createdAt} → head ${head.createdAt}`, '']
  const regressions = changes.filter((c) => c.verdict === 'regression')
  L.push(regressions.length === 0 ? 'No regression beyond the trial-to-trial noise.' : `**${regressions.length} regression(s)** beyond the trial-to-trial noise.`, '')
  L.push('| scenario | target | metric | base | head | change | noise band | verdict |', '|---|---|---|---:|---:|---:|---:|---|')
  for (const c of changes) {
    const mark = c.verdict === 'regression' ? '❌ regression' : c.verdict === 'improvement' ? '✅ improvement' : 'within noise'
    L.push(`| ${c.scenario} | ${cell(c.target)} | ${c.metric} | ${c.base} | ${c.head} | ${c.changePct > 0 ? '+' : ''}${c.changePct}% | ±${c.noise} | ${mark} |`)
  }
  return `${L.join('\n')}\n`
}
