/**
 * What follows from the trials: a cell's medians, spreads and state, and a target's state. Pure
 * functions returning new objects; a state is derived here, never set by the runner.
 */
import { median } from '../../scenarios/stats.ts'
import { poolPings } from './pings.ts'
import type { Cell, CellStats, CellTotals, Target, Trial, TrialOk, Verification } from './schema.ts'
import { medianInterval } from './stats.ts'

export const okTrials = (trials: readonly Trial[]): TrialOk[] => trials.filter((t): t is TrialOk => t.state === 'ok')

/** The error of the first trial during which the target's process exited, if one did. */
export function deathOf(trials: readonly Trial[]): string | undefined {
  for (const t of trials) if (t.state === 'crashed') return t.error
  return undefined
}

/** A cell's trials, as the runner recorded them. */
export interface CellTrials {
  readonly target: string
  readonly scenario: string
  readonly trials: readonly Trial[]
}

/** What a cell is judged against beyond its own trials: the run's generator ceiling and machine. */
export interface CellContext {
  /** The load generator's ceiling in this run, requests/s (absent when not measured). */
  readonly ceilingRps?: number
  /** A trial whose machine probe took at least this long ran on a visibly slowed machine, ms. */
  readonly slowProbeMs?: number
  /** Seeds the bootstrap of the requests/s interval. */
  readonly seed?: number
}

/** A median this close to the generator's ceiling is a lower bound: the generator may be what stopped it. */
export const CEILING_SHARE = 0.9

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits
const range = (xs: readonly number[]): [number, number] => [Math.min(...xs), Math.max(...xs)]

/** Medians over `ok` (not empty); peak RSS is the largest. */
function stats(ok: readonly TrialOk[], seed: number): CellStats {
  const m = (f: (t: TrialOk) => number): number => median(ok.map(f))
  const cores = ok.flatMap((t) => (t.target.cpuCores === undefined ? [] : [t.target.cpuCores]))
  const rss = ok.flatMap((t) => (t.target.peakRssBytes === undefined ? [] : [t.target.peakRssBytes]))
  const rpsInterval = ok.length >= 3 ? medianInterval(ok.map((t) => t.rps), seed) : undefined
  return {
    rps: round(m((t) => t.rps), 1),
    ...(rpsInterval !== undefined && { rpsInterval: [round(rpsInterval[0], 1), round(rpsInterval[1], 1)] as [number, number] }),
    closedLoop: {
      p50: m((t) => t.closedLoop.p50),
      p90: m((t) => t.closedLoop.p90),
      p99: m((t) => t.closedLoop.p99),
      p999: m((t) => t.closedLoop.p999),
      max: m((t) => t.closedLoop.max),
      mean: m((t) => t.closedLoop.mean),
    },
    ...(cores.length > 0 && { targetCpuCores: round(median(cores), 2) }),
    ...(rss.length > 0 && { targetPeakRssBytes: Math.max(...rss) }),
  }
}

/** Sums over the ok trials: an error in one trial is an error of the cell. */
function totals(ok: readonly TrialOk[]): CellTotals {
  const sum = (f: (t: TrialOk) => number): number => ok.reduce((a, t) => a + f(t), 0)
  return { requests: sum((t) => t.requests), errors: sum((t) => t.errors), timeouts: sum((t) => t.timeouts), non2xx: sum((t) => t.non2xx), mismatches: sum((t) => t.mismatches) }
}

/**
 * An ok trial that completed no request measured nothing: its latencies are the load generator's
 * zeros, not 0 ms, and its pings saw a server under no load. It counts as a failure of the cell.
 */
const empty = (t: TrialOk): boolean => t.requests === 0

/** Why the cell's requests/s may not enter a ratio: it did not serve every request correctly. */
function invalidity(t: CellTotals, emptyTrials: readonly TrialOk[]): string | undefined {
  const parts = [
    emptyTrials.length > 0 && `trial ${emptyTrials.map((x) => x.trial).join(', ')} completed 0 requests`,
    t.errors > 0 && `${t.errors} connection error(s)`,
    t.timeouts > 0 && `${t.timeouts} timeout(s)`,
    t.non2xx > 0 && `${t.non2xx} non-2xx answer(s)`,
    t.mismatches > 0 && `${t.mismatches} wrong answer(s)`,
  ].filter((x): x is string => typeof x === 'string')
  return parts.length === 0 ? undefined : `${parts.join(', ')} in ${t.requests} requests`
}

/**
 * A cell from its trials: `ok` with medians, sums and min–max spreads over the ok trials that
 * completed requests when any did (a trial that completed none makes the cell invalid); otherwise
 * `errored` with the first failure (an empty trial is one) when any trial ran and failed;
 * otherwise (nothing ran) `skipped` with the first trial's reason.
 */
export function summarizeCell(c: CellTrials, ctx: CellContext = {}): Cell {
  const base = { target: c.target, scenario: c.scenario, trials: c.trials }
  const ran = okTrials(c.trials)
  const ok = ran.filter((t) => !empty(t))
  if (ok.length > 0) {
    const med = stats(ok, ctx.seed ?? 1)
    const sums = totals(ran)
    const targetPings = ok.flatMap((t) => (t.ping === undefined ? [] : [t.ping.target]))
    const controlPings = ok.flatMap((t) => (t.ping?.control === undefined ? [] : [t.ping.control]))
    const why = invalidity(sums, ran.filter(empty))
    const slow = ctx.slowProbeMs
    return {
      ...base,
      state: 'ok',
      median: med,
      totals: sums,
      spread: { rps: range(ok.map((t) => t.rps)) },
      ...(targetPings.length > 0 && { ping: { target: poolPings(targetPings), ...(controlPings.length > 0 && { control: poolPings(controlPings) }) } }),
      atCeiling: ctx.ceilingRps !== undefined && med.rps >= CEILING_SHARE * ctx.ceilingRps,
      saturatedTrials: ok.filter((t) => t.loadgen.saturated).length,
      slowedTrials: slow === undefined ? 0 : ok.filter((t) => t.machine.probeMs !== undefined && t.machine.probeMs >= slow).length,
      ...(why !== undefined && { invalid: why }),
    }
  }
  for (const t of c.trials) {
    if (t.state === 'errored' || t.state === 'crashed') return { ...base, state: 'errored', error: t.error }
    if (t.state === 'ok') return { ...base, state: 'errored', error: `trial ${t.trial} completed 0 requests` }
  }
  const first = c.trials[0]
  return { ...base, state: 'skipped', reason: first?.state === 'skipped' ? first.reason : 'not run: the run ended first' }
}

/** A target as planned, with what happened to it. */
export interface TargetFacts {
  readonly name: string
  readonly command: string
  readonly framework: string
  readonly scenarios: readonly string[]
  readonly start: { readonly state: 'started' } | { readonly state: 'failed-to-start'; readonly error: string }
  readonly verification: Verification
  /** Every trial run in the target's process (a variant's too: it shares its host's process). */
  readonly processTrials: readonly Trial[]
}

/** `failed-to-start`; `died` when a trial in its process crashed (that trial's error); else `ok`. */
export function summarizeTarget(t: TargetFacts): Target {
  const base = { name: t.name, command: t.command, framework: t.framework, scenarios: t.scenarios }
  if (t.start.state === 'failed-to-start') return { ...base, state: 'failed-to-start', error: t.start.error }
  const died = deathOf(t.processTrials)
  return died === undefined ? { ...base, state: 'ok', verification: t.verification } : { ...base, state: 'died', error: died, verification: t.verification }
}
