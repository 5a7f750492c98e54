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

/** head rps / base rps per trial number both completed. */
function pairedRatios(head: CellOk, base: CellOk): number[] {
  const b = new Map(base.trials.flatMap((t) => (t.state === 'ok' && t.rps > 0 ? [[t.trial, t.rps] as const] : [])))
  return head.trials.flatMap((t) => {
    const rb = t.state === 'ok' ? b.get(t.trial) : undefined
    return t.state === 'ok' && rb !== undefined ? [t.rps / rb] : []
  })
}

/** Every T / T@base cell pair of the run, judged. */
export function compareBaseline(results: BenchResults, options: BaselineCompareOptions = {}): Comparison {
  const alpha = options.alpha ?? 0.05
  const minChangePct = options.minChangePct ?? 5
  const notCompared: NotCompared[] = []
  const pairs: { h: CellOk; b: CellOk; ratios: number[] }[] = []
  for (const b of results.cells) {
    if (!b.target.endsWith(BASELINE_SUFFIX)) continue
    const target = b.target.slice(0, -BASELINE_SUFFIX.length)
    const h = results.cells.find((c) => c.target === target && c.scenario === b.scenario)
    if (b.state !== 'ok' || h?.state !== 'ok') {
      notCompared.push({ target, scenario: b.scenario, why: b.state !== 'ok' ? `the base build's cell ${b.state}` : h === undefined ? 'no head cell' : `the head build's cell ${h.state}` })
      continue
    }
    const ratios = pairedRatios(h, b)
    if (ratios.length === 0) notCompared.push({ target, scenario: b.scenario, why: 'no trial number completed by both builds' })
    else pairs.push({ h, b, ratios })
  }
  const tests = pairs.map((x) => ({ ...x, test: signedRank(x.ratios.map(Math.log)), ratio: median(x.ratios) }))
  const judged = judgeFamily(tests.map((t) => ({ p: t.test.p, minP: signedRankMinP(t.ratios.length), ratio: t.ratio, sizes: `${t.ratios.length} pairs` })), alpha, minChangePct)
  const cells: CellChange[] = tests.map((t, i) => {
    const iv = medianInterval(t.ratios, seededRandom(results.settings.seed, `baseline/${t.h.target}/${t.h.scenario}`), { resamples: options.resamples ?? 2000 })
    return {
      target: t.h.target,
      scenario: t.h.scenario,
      base: { rps: t.b.median.rps, trials: t.b.trials.filter((x) => x.state === 'ok').length },
      head: { rps: t.h.median.rps, trials: t.h.trials.filter((x) => x.state === 'ok').length },
      pairs: t.ratios.length,
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
