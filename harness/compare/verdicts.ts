/**
 * What a comparison of requests/s concludes, cell by cell, and how it reads — shared by the
 * comparison of two runs (compare.ts, Mann–Whitney) and of two builds in one run
 * (compare-baseline.ts, signed-rank on paired trials). A verdict needs both a significant test
 * after Holm's correction over every cell compared and a change of at least the minimum size;
 * a cell whose test could not reach the corrected level with any data says so.
 */
import type { CellOk } from '../results/schema.ts'
import { holm } from '../results/stats.ts'
import { fmt } from '../results/requirements.ts'
import { escapeMarkdownCell as cell } from '../../reports/escape.ts'

export type ChangeVerdict = 'regression' | 'improvement' | 'no change detected' | 'not enough trials to judge'

export interface CellChange {
  readonly target: string
  readonly scenario: string
  /** Median requests/s and the ok trials it is over, each side. */
  readonly base: { readonly rps: number; readonly trials: number }
  readonly head: { readonly rps: number; readonly trials: number }
  /** Paired comparisons: trials both sides completed with the same number. */
  readonly pairs?: number
  /** head / base: the Hodges–Lehmann ratio (two runs) or the median paired ratio (one run). */
  readonly ratio: number
  /** 95% bootstrap interval of `ratio`; null with too few trials. */
  readonly interval: readonly [number, number] | null
  /** Two-sided p of the cell's test, and after Holm over every cell compared. */
  readonly p: number
  readonly adjustedP: number
  readonly verdict: ChangeVerdict
  /** One line: how the verdict follows from the numbers. */
  readonly why: string
  /** What qualifies the numbers (a lower bound at the generator's ceiling, errors, a slowed machine). */
  readonly notes: readonly string[]
  /** The ping prober's longest wait on each side, ms: shown, never judged. */
  readonly stallMs?: { readonly base: number; readonly head: number }
}

export interface NotCompared {
  readonly target: string
  readonly scenario: string
  readonly why: string
}

export interface Comparison {
  readonly method: 'mann-whitney' | 'signed-rank'
  /** Two runs with enough cells: the machine's shift between them, as the cells show it (runs.ts). */
  readonly shift?: { readonly ratio: number; readonly spread: number; readonly cells: number }
  readonly alpha: number
  readonly minChangePct: number
  readonly cells: readonly CellChange[]
  readonly notCompared: readonly NotCompared[]
  /** Settings or machine differences the comparison was forced over (empty when none). */
  readonly forcedOver: readonly string[]
  /** The fewest trials a side (pairs, for signed-rank) with which a cell can be flagged in this family. */
  readonly minTrials: number
  readonly labels: { readonly base: string; readonly head: string }
}

export interface Tested {
  readonly p: number
  /** The smallest p the test can give these sample sizes. */
  readonly minP: number
  readonly ratio: number
  /** "12 and 11 trials", "10 pairs": the sample sizes, for the why line. */
  readonly sizes: string
}

const pv = (p: number): string => (p >= 0.001 ? String(Number(p.toPrecision(2))) : p.toExponential(1))
const pct = (ratio: number): string => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%`

/** Holm over the family, then each cell's verdict and why. */
export function judgeFamily(tested: readonly Tested[], alpha: number, minChangePct: number): Pick<CellChange, 'adjustedP' | 'verdict' | 'why'>[] {
  const adjusted = holm(tested.map((t) => t.p))
  const k = tested.length
  const level = alpha / Math.max(1, k)
  return tested.map((t, i) => {
    const adj = adjusted[i] as number
    const stat = `p ${pv(t.p)}, ${pv(adj)} after Holm over ${k} cell${k === 1 ? '' : 's'}`
    if (adj <= alpha) {
      if (Math.abs(t.ratio - 1) * 100 >= minChangePct) return { adjustedP: adj, verdict: t.ratio < 1 ? 'regression' : 'improvement', why: `${pct(t.ratio)} (${stat} ≤ ${alpha})` }
      return { adjustedP: adj, verdict: 'no change detected', why: `${pct(t.ratio)}: significant (${stat}) but smaller than the minimum change of ${minChangePct}%` }
    }
    if (t.minP > level) return { adjustedP: adj, verdict: 'not enough trials to judge', why: `${t.sizes}: the test's smallest possible p, ${pv(t.minP)}, is above ${pv(level)} (${alpha} over ${k} cells)` }
    return { adjustedP: adj, verdict: 'no change detected', why: `${pct(t.ratio)} (${stat} > ${alpha})` }
  })
}

/** The fewest trials (a side, or pairs) whose smallest reachable p is within α / k: below it, nothing can be flagged. */
export function minTrialsFor(alpha: number, k: number, minP: (n: number) => number): number {
  const level = alpha / Math.max(1, k)
  for (let n = 1; n <= 200; n++) if (minP(n) <= level) return n
  return Number.POSITIVE_INFINITY
}

/** What qualifies a cell's numbers on either side. */
export function notesOf(b: CellOk, h: CellOk, baseLabel: string, headLabel: string): string[] {
  const out: string[] = []
  for (const [label, c] of [[baseLabel, b], [headLabel, h]] as const) {
    if (c.atCeiling) out.push(`${label}: at the load generator's ceiling (requests/s a lower bound; a gain cannot show)`)
    if (c.invalid !== undefined) out.push(`${label}: ${c.invalid}`)
    if (c.saturatedTrials > 0) out.push(`${label}: the load generator was saturated in ${c.saturatedTrials} trial(s)`)
    if (c.slowedTrials > 0) out.push(`${label}: ${c.slowedTrials} trial(s) on a visibly slowed machine`)
  }
  return out
}

const MARK: Record<ChangeVerdict, string> = {
  regression: '❌ regression',
  improvement: '✅ improvement',
  'no change detected': 'no change detected',
  'not enough trials to judge': '⚠ not enough trials to judge',
}

const rps = (x: number): string => Math.round(x).toLocaleString('en-US')

/** The comparison as Markdown: the method, a one-line tally, a row per cell, then notes. */
export function renderComparison(c: Comparison): string {
  const k = c.cells.length
  const test =
    c.method === 'mann-whitney'
      ? `Mann–Whitney U on the per-trial requests/s of each run; the change is the Hodges–Lehmann ratio head / base with a 95% bootstrap interval. A cell needs at least ${c.minTrials} trials a side to be judged.`
      : `Wilcoxon signed-rank on the per-trial ratios head / base, paired by trial number (the two builds ran seconds apart, in random order); the change is the median paired ratio with a 95% bootstrap interval. A cell needs at least ${c.minTrials} pairs to be judged.`
  const L = ['## unblocked bench comparison', '', `base: ${c.labels.base}  `, `head: ${c.labels.head}`, '']
  if (c.forcedOver.length > 0) L.push(`**Forced over differences** (the numbers compare these too): ${c.forcedOver.map((d) => cell(d)).join('; ')}`, '')
  if (c.shift !== undefined) {
    const sp = (Math.exp(c.shift.spread) - 1) * 100
    L.push(
      `**The machine between the runs**: over the ${c.shift.cells} cells, head / base is ${fmt(c.shift.ratio)} (median), and each cell's change is judged against a scatter of ±${sp.toFixed(1)}% (a robust standard deviation of the cells around it, or a process's own luck between two runs, ±7%, whichever is larger). A change every cell shares cannot be told from the machine between two runs, nor one within a process's luck: each cell is judged relative to the shift and must stand out from that scatter (\`bench --baseline\` compares two builds in one run, in fresh processes). The verdict's percentage is the change relative to the shift.`,
      '',
    )
  } else if (c.method === 'mann-whitney') {
    L.push(`**Fewer than 8 cells**: the machine's shift between the runs cannot be estimated from the cells, so a change of the whole machine reads as a change of every cell; each cell must still stand out from a process's own luck between two runs (±7%). Prefer \`bench --baseline\`.`, '')
  }
  L.push(
    `Requests/s only, cell by cell: ${test} Holm's correction over the ${k} cells compared keeps the chance of any false flag at ${c.alpha * 100}%; a flag also needs a change of at least ${c.minChangePct}%. Closed-loop latency is not judged (it restates throughput).`,
    '',
  )
  const count = (v: ChangeVerdict): number => c.cells.filter((x) => x.verdict === v).length
  const tally = (['regression', 'improvement', 'no change detected', 'not enough trials to judge'] as const).map((v) => `${count(v)} ${v}`).join(', ')
  L.push(count('regression') > 0 ? `**${count('regression')} regression(s).** ${tally}.` : `No regression detected. ${tally}.`, '')
  if (k > 0) {
    const n = (x: { trials: number }, pairs?: number): string => (pairs === undefined ? `${x.trials}` : `${pairs} pairs`)
    L.push('| scenario | target | base req/s (trials) | head req/s (trials) | head / base [95%] | verdict | why |', '|---|---|---:|---:|---:|---|---|')
    for (const x of c.cells) {
      const iv = x.interval === null ? '' : ` [${fmt(x.interval[0])}, ${fmt(x.interval[1])}]`
      L.push(`| ${cell(x.scenario)} | ${cell(x.target)} | ${rps(x.base.rps)} (${n(x.base, x.pairs)}) | ${rps(x.head.rps)} (${n(x.head, x.pairs)}) | ${fmt(x.ratio)}${iv} | ${MARK[x.verdict]} | ${cell(x.why)} |`)
    }
    L.push('')
  }
  const notes = c.cells.flatMap((x) => x.notes.map((n) => `- ${cell(x.scenario)} / ${cell(x.target)}: ${cell(n)}`))
  if (notes.length > 0) L.push('Notes:', '', ...notes, '')
  const stalls = c.cells.filter((x) => x.stallMs !== undefined)
  if (stalls.length > 0) {
    L.push('Ping stall, the longest a ping waited (shown, not judged):', '', '| scenario | target | base | head |', '|---|---|---:|---:|')
    for (const x of stalls) L.push(`| ${cell(x.scenario)} | ${cell(x.target)} | ${fmt(x.stallMs?.base ?? 0)} ms | ${fmt(x.stallMs?.head ?? 0)} ms |`)
    L.push('')
  }
  if (c.notCompared.length > 0) L.push(`Not compared: ${c.notCompared.map((x) => `${cell(x.scenario)} / ${cell(x.target)} (${cell(x.why)})`).join('; ')}.`, '')
  return `${L.join('\n')}\n`
}
