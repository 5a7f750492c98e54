/**
 * Comparing two bench runs (`unblocked report --compare base.json head.json`). Only requests/s
 * is judged: closed-loop latency restates throughput (and the ping stall is shown, never judged).
 * Per cell, a Mann–Whitney U test on the per-trial requests/s of base against head, Holm's
 * correction over every cell compared (so a run of 30 cells of identical code flags nothing in
 * about 95 comparisons of 100), and the change as a Hodges–Lehmann ratio with a bootstrap
 * interval. A cell with too few trials for the test ever to reach the corrected level says so
 * instead of giving a verdict. Runs made with different settings or on different machines are
 * refused unless forced. Both runs come validated (`parseResults`, in `unblocked report`).
 *
 * Two runs are two states of the machine. Whole runs of identical code differed by about 20% on
 * this project's machine (every cell of a second run, a few minutes later, was 10–27% slower, and
 * the plain test flagged 11 of 30 cells). So with enough cells the comparison models the machine:
 * the run-wide shift is the median change over the cells, and how far cells of identical code
 * scatter around it between runs is estimated from the cells themselves (a robust spread, 1.4826
 * × the median absolute deviation: most cells are unchanged in a code change, so most of the
 * scatter is the runs'). A cell is flagged only when both hold: its trials differ beyond their
 * own noise once the shift is taken out (Mann–Whitney on log requests/s), and its change stands
 * out from the other cells' scatter, and from a process's own luck (PROCESS_LUCK_SD), whichever is
 * larger (a normal test against that spread) — an intersection of two tests, so its p is the
 * larger of the two. A change every cell shares cannot be told from the machine between two runs,
 * nor a change smaller than a process's luck; `bench --baseline` measures both builds in one run,
 * in fresh processes for every trial, for that.
 */
import type { BenchResults, CellOk } from '../results/schema.ts'
import { bootstrapTwoSample, hodgesLehmann, mannWhitney, mannWhitneyMinP, normalSf, seededRandom } from '../results/stats.ts'
import { median } from '../../scenarios/stats.ts'
import { judgeFamily, minTrialsFor, notesOf, type CellChange, type Comparison, type NotCompared } from './verdicts.ts'

export type { CellChange, ChangeVerdict, Comparison } from './verdicts.ts'
export { minTrialsFor, renderComparison } from './verdicts.ts'

/** Two runs that differ in what was measured, or on what machine: comparing them would measure the difference. */
export class RunsDifferError extends Error {
  override readonly name = 'RunsDifferError'
  constructor(readonly differences: readonly string[]) {
    super(`refusing to compare runs that differ in ${differences.join('; ')} (--force compares them anyway)`)
  }
}

const show = (v: unknown): string => (v === undefined ? '(unset)' : Array.isArray(v) ? v.join(',') : String(v))

/**
 * Every setting and machine fact that makes requests/s of one run incomparable with another's,
 * as "where: base → head". The seed is left out on purpose: it only orders the trials.
 */
export function runDifferences(base: BenchResults, head: BenchResults): string[] {
  const out: string[] = []
  const check = (where: string, a: unknown, b: unknown): void => {
    if (show(a) !== show(b)) out.push(`${where}: ${show(a)} → ${show(b)}`)
  }
  for (const k of ['profile', 'durationSec', 'warmupSec', 'trials', 'connections', 'driver', 'scenarios'] as const) check(`settings.${k}`, base.settings[k], head.settings[k])
  for (const s of head.scenarios) {
    const b = base.scenarios.find((x) => x.id === s.id)
    if (b === undefined) continue
    check(`scenario ${s.id} connections`, b.connections, s.connections)
    check(`scenario ${s.id} trials`, b.trials, s.trials)
  }
  for (const k of ['hostname', 'cpuModel', 'cores', 'node'] as const) check(`environment.${k}`, base.environment[k], head.environment[k])
  return out
}

export interface CompareOptions {
  /** Smallest change, %, that counts as a regression or improvement, however significant. @default 5 */
  readonly minChangePct?: number
  /** Family-wise error rate over all cells. @default 0.05 */
  readonly alpha?: number
  /** Compare runs whose settings or machines differ (the differences are listed in the result). @default false */
  readonly force?: boolean
  /** Bootstrap resamples for each interval. @default 1000 */
  readonly resamples?: number
}

/** Below this many cells the runs' shift and scatter cannot be estimated from the cells. */
export const MIN_CELLS_FOR_SHIFT = 8

/**
 * The least scatter a cell's change between two runs is judged against: a process's own luck, as
 * a standard deviation of log requests/s. Each run starts its targets afresh, and on this
 * project's machine two processes of identical code differed by 10–15% for their whole lifetime
 * (ten interleaved pairs); an A/A `--baseline` with one process a side read +11.8%; and two
 * default runs of identical code read fastify-piscina +12.9% while the other 29 cells scattered
 * by ±2%. The cells cannot show it (most targets are lucky alike), so it is a floor: ±7%, which
 * puts 10–15% at 1.5–2 standard deviations.
 */
export const PROCESS_LUCK_SD = 0.07

/** The machine between two runs, as the cells show it: see the file comment. */
export interface RunShift {
  /** head / base over the whole run: the median of the cells' ratios. */
  readonly ratio: number
  /** The scatter of cells' log ratios around it (robust standard deviation). */
  readonly spread: number
  readonly cells: number
}

function shiftOf(logRatios: readonly number[]): RunShift | undefined {
  if (logRatios.length < MIN_CELLS_FOR_SHIFT) return undefined
  const s = median(logRatios)
  const spread = Math.max(PROCESS_LUCK_SD, 1.4826 * median(logRatios.map((d) => Math.abs(d - s))))
  return { ratio: Math.exp(s), spread, cells: logRatios.length }
}

const rpsOf = (c: CellOk): number[] => c.trials.flatMap((t) => (t.state === 'ok' ? [t.rps] : []))

/** head / base from the Hodges–Lehmann shift of log requests/s, with its bootstrap interval. */
function ratioOf(b: readonly number[], h: readonly number[], seed: number, stream: string, resamples: number): { ratio: number; interval: readonly [number, number] | null } {
  if (![...b, ...h].every((x) => x > 0)) {
    // A trial that served nothing has no logarithm: the ratio of medians, without an interval.
    const mb = median(b)
    const mh = median(h)
    return { ratio: mb > 0 ? mh / mb : mh > 0 ? Number.POSITIVE_INFINITY : 1, interval: null }
  }
  const lb = b.map(Math.log)
  const lh = h.map(Math.log)
  const iv = bootstrapTwoSample(lb, lh, hodgesLehmann, seededRandom(seed, stream), { resamples })
  return { ratio: Math.exp(hodgesLehmann(lb, lh)), interval: iv === undefined ? null : [Math.exp(iv[0]), Math.exp(iv[1])] }
}

/**
 * Every cell ok in both runs, judged. Throws RunsDifferError when the runs' settings or machines
 * differ, unless `force`.
 */
export function compareRuns(base: BenchResults, head: BenchResults, options: CompareOptions = {}): Comparison {
  const differences = runDifferences(base, head)
  if (differences.length > 0 && !options.force) throw new RunsDifferError(differences)
  const alpha = options.alpha ?? 0.05
  const minChangePct = options.minChangePct ?? 5
  const seed = (base.settings.seed ^ head.settings.seed) >>> 0
  const pairs: { b: CellOk; h: CellOk }[] = []
  const notCompared: NotCompared[] = []
  for (const h of head.cells) {
    const b = base.cells.find((c) => c.target === h.target && c.scenario === h.scenario)
    if (b?.state === 'ok' && h.state === 'ok') pairs.push({ b, h })
    else notCompared.push({ target: h.target, scenario: h.scenario, why: b === undefined ? 'not in the base run' : b.state !== 'ok' ? `${b.state} in the base run` : `${h.state} in the head run` })
  }
  for (const b of base.cells) if (!head.cells.some((c) => c.target === b.target && c.scenario === b.scenario)) notCompared.push({ target: b.target, scenario: b.scenario, why: 'not in the head run' })

  const measured = pairs.map(({ b, h }) => {
    const rb = rpsOf(b)
    const rh = rpsOf(h)
    return { b, h, rb, rh, minP: mannWhitneyMinP(rb.length, rh.length), ...ratioOf(rb, rh, seed, `${h.target}/${h.scenario}`, options.resamples ?? 1000) }
  })
  const positive = (xs: readonly number[]): boolean => xs.length > 0 && xs.every((x) => x > 0)
  const shift = shiftOf(measured.filter((t) => positive(t.rb) && positive(t.rh) && Number.isFinite(t.ratio) && t.ratio > 0).map((t) => Math.log(t.ratio)))
  const tests = measured.map((t) => {
    if (!positive(t.rb) || !positive(t.rh) || !(t.ratio > 0)) return { ...t, p: mannWhitney(t.rb, t.rh).p, judgedRatio: t.ratio }
    // Too few cells to see the machine: no shift is taken out, but the process's luck still is.
    const s = shift === undefined ? 0 : Math.log(shift.ratio)
    const spread = shift?.spread ?? PROCESS_LUCK_SD
    const within = mannWhitney(t.rb.map(Math.log), t.rh.map((x) => Math.log(x) - s)).p
    const between = Math.min(1, 2 * normalSf(Math.abs(Math.log(t.ratio) - s) / spread))
    return { ...t, p: Math.max(within, between), judgedRatio: t.ratio / Math.exp(s) }
  })
  const judged = judgeFamily(tests.map((t) => ({ p: t.p, minP: t.minP, ratio: t.judgedRatio, sizes: `${t.rb.length} and ${t.rh.length} trials` })), alpha, minChangePct)
  const cells: CellChange[] = tests.map((t, i) => ({
    target: t.h.target,
    scenario: t.h.scenario,
    base: { rps: t.b.median.rps, trials: t.rb.length },
    head: { rps: t.h.median.rps, trials: t.rh.length },
    ratio: t.ratio,
    interval: t.interval,
    p: t.p,
    ...(judged[i] as (typeof judged)[number]),
    notes: notesOf(t.b, t.h, 'base', 'head'),
    ...(t.b.ping !== undefined && t.h.ping !== undefined && { stallMs: { base: t.b.ping.target.stallMaxMs, head: t.h.ping.target.stallMaxMs } }),
  }))
  return {
    method: 'mann-whitney',
    ...(shift !== undefined && { shift }),
    alpha,
    minChangePct,
    cells,
    notCompared,
    forcedOver: differences,
    minTrials: minTrialsFor(alpha, cells.length, (n) => mannWhitneyMinP(n, n)),
    labels: { base: `base run ${base.createdAt}${base.environment.gitCommit ? ` (${base.environment.gitCommit.slice(0, 10)})` : ''}`, head: `head run ${head.createdAt}${head.environment.gitCommit ? ` (${head.environment.gitCommit.slice(0, 10)})` : ''}` },
  }
}
