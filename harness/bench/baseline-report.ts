/**
 * What `bench --baseline` adds around the run: a warning before it when some cells will have too
 * few paired trials to be judged, and compare.md after it, beside results.json.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { compareBaseline } from '../compare/baseline.ts'
import { minTrialsFor, renderComparison } from '../compare/verdicts.ts'
import type { BenchResults } from '../results/schema.ts'
import { signedRankMinP } from '../results/stats.ts'
import type { TargetPlan } from './plan.ts'
import { trialsFor, type BenchSettings } from './profiles.ts'

/**
 * The cells head and base are compared in, and the scenarios whose trial count is below the
 * pairs the signed-rank test needs to reach α / (cells compared) at all; undefined when every
 * cell can be judged.
 */
export function pairedTrialsWarning(settings: Pick<BenchSettings, 'trials' | 'trialsByScenario' | 'restartEvery'>, plans: readonly TargetPlan[], alpha = 0.05): string | undefined {
  const twins = plans.filter((p) => p.baselineOf !== undefined)
  const cells = twins.reduce((n, p) => n + p.scenarios.length, 0)
  if (cells === 0) return undefined
  // The test counts generations of processes when the run restarts them (compare/baseline.ts).
  const per = Math.max(1, settings.restartEvery)
  const needed = minTrialsFor(alpha, cells, signedRankMinP) * per
  const short = [...new Set(twins.flatMap((p) => p.scenarios))].filter((s) => trialsFor(settings, s) < needed)
  if (short.length === 0) return undefined
  const unit = per > 1 ? ` (${needed / per} generations of processes, restarted every ${per} trials)` : ''
  return `--baseline compares ${cells} cells: with Holm's correction a cell needs at least ${needed} paired trials${unit} to be judged, and ${short.map((s) => `${s} gets ${trialsFor(settings, s)}`).join(', ')} (those will read "not enough trials to judge"; use --trials ${needed}, or fewer --targets or --scenarios)`
}

/** The head-vs-base comparison as Markdown, written as compare.md into each of `dirs`. */
export async function writeBaselineComparison(results: BenchResults, baseLabel: string, dirs: readonly string[]): Promise<string> {
  const md = renderComparison(compareBaseline(results, { baseLabel }))
  await Promise.all(dirs.map((d) => writeFile(join(d, 'compare.md'), md)))
  return md
}
