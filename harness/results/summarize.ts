/**
 * What follows from the trials: a cell's medians, spreads and state, and a target's state. Pure
 * functions returning new objects; a state is derived here, never set by the runner.
 */
import { median } from '../../scenarios/stats.ts'
import type { Cell, CellStats, Target, Trial, TrialOk, Verification } from './schema.ts'

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

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits
const range = (xs: readonly number[]): [number, number] => [Math.min(...xs), Math.max(...xs)]

/** Medians over `ok` (not empty), with the extremes where a median would hide them. */
function stats(ok: readonly TrialOk[]): CellStats {
  const m = (f: (t: TrialOk) => number): number => median(ok.map(f))
  const cores = ok.flatMap((t) => (t.target.cpuCores === undefined ? [] : [t.target.cpuCores]))
  const rss = ok.flatMap((t) => (t.target.peakRssBytes === undefined ? [] : [t.target.peakRssBytes]))
  const pings = ok.flatMap((t) => (t.ping === undefined ? [] : [t.ping]))
  return {
    rps: round(m((t) => t.rps), 1),
    p50: m((t) => t.latency.p50),
    p90: m((t) => t.latency.p90),
    p99: m((t) => t.latency.p99),
    p999: m((t) => t.latency.p999),
    max: m((t) => t.latency.max),
    errors: m((t) => t.errors),
    timeouts: m((t) => t.timeouts),
    non2xx: m((t) => t.non2xx),
    mismatches: m((t) => t.mismatches),
    ...(cores.length > 0 && { targetCpuCores: round(median(cores), 2) }),
    ...(rss.length > 0 && { targetPeakRssBytes: Math.max(...rss) }),
    ...(pings.length > 0 && {
      ping: {
        p50: median(pings.map((p) => p.p50)),
        p90: median(pings.map((p) => p.p90)),
        p99: median(pings.map((p) => p.p99)),
        p999: median(pings.map((p) => p.p999)),
        max: Math.max(...pings.map((p) => p.max)),
        mean: median(pings.map((p) => p.mean)),
        sent: pings.reduce((a, p) => a + p.sent, 0),
        failed: pings.reduce((a, p) => a + p.failed, 0),
      },
    }),
  }
}

/**
 * A cell from its trials: `ok` with medians and min–max spreads over the ok trials when any
 * completed; otherwise `errored` with the first failure when any trial ran and failed; otherwise
 * (nothing ran) `skipped` with the first trial's reason.
 */
export function summarizeCell(c: CellTrials): Cell {
  const base = { target: c.target, scenario: c.scenario, trials: c.trials }
  const ok = okTrials(c.trials)
  if (ok.length > 0) {
    const median = stats(ok)
    const pingP99 = ok.flatMap((t) => (t.ping === undefined ? [] : [t.ping.p99]))
    const spread = { rps: range(ok.map((t) => t.rps)), p99: range(ok.map((t) => t.latency.p99)), ...(median.ping && { pingP99: range(pingP99) }) }
    return { ...base, state: 'ok', median, spread }
  }
  for (const t of c.trials) if (t.state === 'errored' || t.state === 'crashed') return { ...base, state: 'errored', error: t.error }
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
