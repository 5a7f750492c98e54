/**
 * The open-loop phase, after the closed-loop trials: each measured cell's latency at fixed
 * fractions of the most it served (its median closed-loop requests/s), one constant-rate run
 * per fraction. A cell that was not measured gets a skipped curve, with the reason.
 *
 * Runs are interleaved: the lowest fraction of every cell, then the next, … so slow drift on a
 * shared machine touches every target's curve alike rather than one target's all at once.
 */
import { describeIssues, listProblems } from '../../results/parse.ts'
import { LatencyCurveSchema, type Cell, type CurvePoint, type LatencyCurve } from '../../results/schema.ts'
import type { LoadGenerator } from '../loadgen.ts'
import type { Scenario } from '../scenarios.ts'
import { DRAIN_MS } from './generator.ts'
import type { OpenLoopResult } from './protocol.ts'

/** Seconds a run may take beyond its schedule and drain (connecting, the preconnect round) before it counts as hung. */
const RUN_GRACE_SEC = 30

export interface LatencyCurvesOptions {
  /** The load-generator child (the runs go there, on its CPU). */
  readonly loadgen: Pick<LoadGenerator, 'runOpenLoop'>
  /** The run's summarized cells; a cell's maximum is its `median.rps`. */
  readonly cells: readonly Cell[]
  /** Measure the cells of these scenarios (every target that ran them). */
  readonly scenarios: readonly Scenario[]
  /** Shares of each cell's maximum requests/s, e.g. [0.25, 0.5, 0.75]. */
  readonly fractions: readonly number[]
  /** Scheduled seconds per run (the drain, ≤ 2 s, comes on top). */
  readonly durationSec: number
  /**
   * Readies a cell's target for one run of this scenario (pins it as the scenario's trials did,
   * switches a variant's state) and says where it listens, or why it cannot run (it did not
   * start, it died).
   */
  readonly prepare: (target: string, scenario: Scenario) => Promise<{ readonly url: string } | { readonly reason: string }>
  /** Overrides every scenario's connection count, as `--connections` does for the trials. */
  readonly connections?: number
  readonly signal?: AbortSignal
  /** Told before each run. */
  readonly onRun?: (info: { target: string; scenario: string; fraction: number; rateRps: number; done: number; total: number }) => void
}

/** One measured point as results.json holds it. */
export function curvePoint(fraction: number, r: OpenLoopResult): CurvePoint {
  return {
    fraction,
    rateRps: r.rateRps,
    achievedRps: r.achievedRps,
    scheduled: r.scheduled,
    completed: r.completed,
    failed: r.failed,
    latency: r.latency,
    generatorBehind: r.generatorBehind,
    sendLag: r.sendLag,
  }
}

type Work = { readonly cell: Extract<Cell, { state: 'ok' }>; readonly scenario: Scenario; readonly maxRps: number; readonly points: CurvePoint[]; failure?: { readonly state: 'errored' | 'skipped'; readonly why: string } }

/** Why a cell gets no curve, or undefined when it can be measured. */
function skipReason(cell: Cell): string | undefined {
  if (cell.state === 'skipped') return `not measured: the cell was not run (${cell.reason})`
  if (cell.state === 'errored') return `not measured: the cell's trials failed (${cell.error.split('\n')[0]})`
  if (!(cell.median.rps > 0)) return 'not measured: the cell served 0 requests/s'
  return undefined
}

/**
 * One discarded run before the first measured one. The generator's open-loop code is cold when
 * the phase starts (the closed-loop trials before it ran another driver): the first point measured
 * read p99 81 ms with the generator behind its schedule, against 5–25 ms for the points after it.
 * Errors are ignored here: the measured runs meet the same target and report them.
 */
async function warmUp(o: LatencyCurvesOptions, w: Work | undefined, fraction: number | undefined): Promise<void> {
  if (w === undefined || fraction === undefined || o.signal?.aborted) return
  try {
    const ready = await o.prepare(w.cell.target, w.scenario)
    if ('reason' in ready) return
    const s = w.scenario
    const job = { kind: 'open-loop', url: ready.url, method: s.method, path: s.path, rateRps: w.maxRps * fraction, durationSec: o.durationSec, connections: o.connections ?? s.connections, scenario: s.id } as const
    await o.loadgen.runOpenLoop(job, (o.durationSec + (2 * DRAIN_MS) / 1000 + RUN_GRACE_SEC) * 1000)
  } catch {
    // see above
  }
}

/** The latency-vs-load curve of every cell of the chosen scenarios, in cell order. */
export async function latencyCurves(o: LatencyCurvesOptions): Promise<LatencyCurve[]> {
  const fractions = [...new Set(o.fractions)].sort((a, b) => a - b)
  for (const f of fractions) if (!(f > 0) || !Number.isFinite(f)) throw new RangeError(`fractions must be positive numbers (got ${f})`)
  if (!(o.durationSec > 0)) throw new RangeError(`durationSec must be positive (got ${o.durationSec})`)
  const chosen = o.cells.filter((c) => o.scenarios.some((s) => s.id === c.scenario))
  const work = new Map<Cell, Work>()
  for (const cell of chosen) {
    if (cell.state !== 'ok' || skipReason(cell) !== undefined) continue
    work.set(cell, { cell, scenario: o.scenarios.find((s) => s.id === cell.scenario) as Scenario, maxRps: cell.median.rps, points: [] })
  }
  const total = work.size * fractions.length
  let done = 0
  await warmUp(o, [...work.values()][0], fractions[0])
  for (const fraction of fractions) {
    for (const w of work.values()) {
      if (w.failure !== undefined) continue
      if (o.signal?.aborted) {
        w.failure = { state: 'skipped', why: 'not measured: the run was interrupted' }
        continue
      }
      const rateRps = w.maxRps * fraction
      o.onRun?.({ target: w.cell.target, scenario: w.scenario.id, fraction, rateRps, done: done++, total })
      try {
        const ready = await o.prepare(w.cell.target, w.scenario)
        if ('reason' in ready) {
          w.failure = w.points.length === 0 ? { state: 'skipped', why: ready.reason } : { state: 'errored', why: `at ${fraction} × max: ${ready.reason}` }
          continue
        }
        const s = w.scenario
        const job = { kind: 'open-loop', url: ready.url, method: s.method, path: s.path, rateRps, durationSec: o.durationSec, connections: o.connections ?? s.connections, scenario: s.id } as const
        const r = await o.loadgen.runOpenLoop(job, (o.durationSec + (2 * DRAIN_MS) / 1000 + RUN_GRACE_SEC) * 1000)
        w.points.push(curvePoint(fraction, r))
      } catch (err) {
        w.failure = { state: 'errored', why: `at ${fraction} × max: ${(err as Error).message}` }
      }
    }
  }
  return chosen.map((cell): LatencyCurve => {
    const base = { target: cell.target, scenario: cell.scenario }
    const w = work.get(cell)
    if (w === undefined) return { ...base, state: 'skipped', reason: skipReason(cell) ?? 'not measured' }
    if (w.failure !== undefined) return w.failure.state === 'skipped' ? { ...base, state: 'skipped', reason: w.failure.why } : { ...base, state: 'errored', error: w.failure.why }
    const curve: LatencyCurve = { ...base, state: 'ok', maxRps: w.maxRps, points: w.points }
    // What results.json holds must read back (a NaN would be written as null): otherwise an errored curve, named.
    const checked = LatencyCurveSchema.safeParse(curve)
    return checked.success ? curve : { ...base, state: 'errored', error: `the measurement is not valid results.json data: ${listProblems(describeIssues(checked.error))}` }
  })
}
