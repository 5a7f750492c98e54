/**
 * Two builds compared within one run (`unblocked bench --baseline`): each head target T against
 * its base build's twin `T@base`, cell by cell, paired by trial number — the two ran seconds
 * apart, in an order shuffled afresh each trial, so whatever the machine did in between hits
 * both sides of a pair alike and the per-trial ratio head / base cancels it.
 *
 * The test is the Wilcoxon signed-rank test on the log ratios, exact for up to 50 pairs, with
 * Holm's correction over the cells, and a verdict also needs the median ratio to have moved by
 * at least the minimum change. Chosen over "the whole bootstrap interval below 1 − minimum
 * change": that asks whether the change is larger than the minimum, which a real change of
 * about that size fails half the time, and a percentile bootstrap interval cannot be widened
 * for Holm's levels (α / k of a dozen pairs is beyond its resolution; measured coverage at 95%
 * is already 92–95%). The signed-rank test's level is exact whatever the distribution, provided
 * a ratio is as likely above 1 as below when nothing changed — which the shuffled order within
 * each pair gives. The median paired ratio and its 95% bootstrap interval show the size.
 */
import { BASELINE_SUFFIX } from '../bench/plan.ts'
import type { BenchResults, CellOk } from '../results/schema.ts'
import { medianInterval, seededRandom, signedRank, signedRankMinP } from '../results/stats.ts'
import { median } from '../../scenarios/stats.ts'
import { judgeFamily, minTrialsFor, notesOf, type CellChange, type Comparison, type NotCompared } from './verdicts.ts'

export interface BaselineCompareOptions {
  /** @default 5 */
  readonly minChangePct?: number
  /** @default 0.05 */
  readonly alpha?: number
  /** What the base build is (the ref and commit), for the heading. @default 'base build' */
  readonly baseLabel?: string
  /** @default 2000 */
  readonly resamples?: number
}

/** head rps / base rps per trial number both completed, with the generation of processes that ran it. */
function pairedRatios(head: CellOk, base: CellOk): { ratio: number; generation: number }[] {
  const b = new Map(base.trials.flatMap((t) => (t.state === 'ok' && t.rps > 0 ? [[t.trial, t.rps] as const] : [])))
  return head.trials.flatMap((t) => {
    const rb = t.state === 'ok' ? b.get(t.trial) : undefined
    return t.state === 'ok' && rb !== undefined ? [{ ratio: t.rps / rb, generation: t.generation ?? 1 }] : []
  })
}

/**
 * The units the test counts. When the run restarted its processes (settings.restartEvery), a
 * unit is one generation: the geometric mean of its paired ratios. A process keeps its own luck
 * for its lifetime (two processes of identical code differed by 10–15%, and an A/A run of
 * `--baseline` with one process a side read +11.8%, "significant" over 12 pairs), so pairs within
 * one generation are not independent evidence about the code; generations are.
 */
function unitsOf(pairs: readonly { ratio: number; generation: number }[]): { ratios: number[]; noun: string } {
  const generations = [...new Set(pairs.map((p) => p.generation))]
  if (generations.length < 2) return { ratios: pairs.map((p) => p.ratio), noun: 'pairs' }
  if (generations.length === pairs.length) return { ratios: pairs.map((p) => p.ratio), noun: 'pairs, each in fresh processes' }
  const ratios = generations.map((g) => {
    const logs = pairs.filter((p) => p.generation === g).map((p) => Math.log(p.ratio))
    return Math.exp(logs.reduce((a, x) => a + x, 0) / logs.length)
  })
  return { ratios, noun: `process generations (${pairs.length} pairs)` }
}

/** Every T / T@base cell pair of the run, judged. */
export function compareBaseline(results: BenchResults, options: BaselineCompareOptions = {}): Comparison {
  const alpha = options.alpha ?? 0.05
  const minChangePct = options.minChangePct ?? 5
  const notCompared: NotCompared[] = []
  const pairs: { h: CellOk; b: CellOk; ratios: number[]; noun: string; pairCount: number }[] = []
  for (const b of results.cells) {
    if (!b.target.endsWith(BASELINE_SUFFIX)) continue
    const target = b.target.slice(0, -BASELINE_SUFFIX.length)
    const h = results.cells.find((c) => c.target === target && c.scenario === b.scenario)
    if (b.state !== 'ok' || h?.state !== 'ok') {
      notCompared.push({ target, scenario: b.scenario, why: b.state !== 'ok' ? `the base build's cell ${b.state}` : h === undefined ? 'no head cell' : `the head build's cell ${h.state}` })
      continue
    }
    const paired = pairedRatios(h, b)
    if (paired.length === 0) notCompared.push({ target, scenario: b.scenario, why: 'no trial number completed by both builds' })
    else pairs.push({ h, b, ...unitsOf(paired), pairCount: paired.length })
  }
  const tests = pairs.map((x) => ({ ...x, test: signedRank(x.ratios.map(Math.log)), ratio: median(x.ratios) }))
  const judged = judgeFamily(tests.map((t) => ({ p: t.test.p, minP: signedRankMinP(t.ratios.length), ratio: t.ratio, sizes: `${t.ratios.length} ${t.noun}` })), alpha, minChangePct)
  const cells: CellChange[] = tests.map((t, i) => {
    const iv = medianInterval(t.ratios, seededRandom(results.settings.seed, `baseline/${t.h.target}/${t.h.scenario}`), { resamples: options.resamples ?? 2000 })
    return {
      target: t.h.target,
      scenario: t.h.scenario,
      base: { rps: t.b.median.rps, trials: t.b.trials.filter((x) => x.state === 'ok').length },
      head: { rps: t.h.median.rps, trials: t.h.trials.filter((x) => x.state === 'ok').length },
      pairs: t.pairCount,
      ratio: t.ratio,
      interval: iv ?? null,
      p: t.test.p,
      ...(judged[i] as (typeof judged)[number]),
      notes: notesOf(t.b, t.h, 'base build', 'head build'),
      ...(t.b.ping !== undefined && t.h.ping !== undefined && { stallMs: { base: t.b.ping.target.stallMaxMs, head: t.h.ping.target.stallMaxMs } }),
    }
  })
  return {
    method: 'signed-rank',
    alpha,
    minChangePct,
    cells,
    notCompared,
    forcedOver: [],
    minTrials: minTrialsFor(alpha, cells.length, signedRankMinP),
    labels: { base: options.baseLabel ?? 'base build', head: `head build${results.environment.gitCommit ? ` (${results.environment.gitCommit.slice(0, 10)})` : ''}, run ${results.createdAt}` },
  }
}
