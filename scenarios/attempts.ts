/**
 * Stable timing verdicts: a case whose verdict depends on a time bound (`CaseDef.timing`) and that
 * FAILs or WARNs is run again, up to `attempts` times, and fails only if every attempt fails.
 * Every attempt is kept in `data.attempts`; a case whose attempts disagree is marked `unstable`.
 *
 * Why: a time bound judges the target, but a ping also measures the prober's process and the
 * machine. On this project's 2-core VM, with an idle control server pinged from the same process
 * at the same time (blocking suite, 8 runs each against fastify-piscina and the reference), every
 * failed attempt (6 of 22 cpu-case attempts, in a batch where the control was pinged through the
 * digest too) came with the control stalling as well and a GC pause of the prober of 30–384 ms in
 * the probe window — a cause now fixed (suites/heavy-digest.ts).
 * What remains is the machine: the control alone reads p99 4.6–35 ms, and a VM's CPU taken by the
 * host looks, from inside, like running time. A loop that really blocks fails every attempt; a
 * hiccup does not come back on cue.
 */
import { round } from './stats.ts'
import type { CaseResult, Verdict } from './types.ts'

/** @default 3 — the CLI's `--attempts`. */
export const DEFAULT_ATTEMPTS = 3

/** One attempt of a case: its verdict, its reason and its key numbers (the scalar numbers of its `data`). */
export interface Attempt {
  readonly verdict: Verdict
  readonly reason: string
  readonly durationMs: number
  readonly [key: string]: unknown
}

/** Whether a timing case's result calls for another attempt. */
export function callsForAnotherAttempt(r: CaseResult): boolean {
  return r.verdict === 'FAIL' || r.verdict === 'WARN'
}

function attemptOf(r: CaseResult): Attempt {
  const numbers = Object.entries(r.data ?? {}).filter(([k, v]) => k !== 'attempts' && typeof v === 'number')
  return { verdict: r.verdict, reason: r.reason, ...Object.fromEntries(numbers), durationMs: r.durationMs }
}

/**
 * The result of a case run `tries.length` times (in order; every try but the last called for another):
 * the last try's result — the one that held, or the last failure — with every attempt in
 * `data.attempts`, `unstable` when they disagree, and the duration of all of them.
 */
export function settle(tries: readonly CaseResult[]): CaseResult {
  const last = tries.at(-1)
  if (last === undefined) throw new RangeError('settle needs at least one attempt')
  if (tries.length === 1) return last
  const unstable = tries.some((t) => t.verdict !== last.verdict)
  return {
    ...last,
    durationMs: round(tries.reduce((sum, t) => sum + t.durationMs, 0)),
    data: { ...last.data, attempts: tries.map(attemptOf) },
    ...(unstable && { unstable: true as const }),
  }
}

/** The attempts of a result, as `settle` recorded them (empty when the case ran once). */
export function attemptsOf(r: CaseResult): readonly Attempt[] {
  const a = r.data?.attempts
  return Array.isArray(a) ? (a as Attempt[]) : []
}

/** One line for an unstable result: `unstable: 1 of 2 attempts failed: pings waited up to 124 ms (bound 100 ms) while …`. */
export function unstableNote(r: CaseResult): string | undefined {
  if (r.unstable !== true) return undefined
  const attempts = attemptsOf(r)
  const failed = attempts.filter((a) => a.verdict !== r.verdict)
  const first = failed[0]
  const verb = r.verdict === 'PASS' ? 'failed' : `gave another verdict than ${r.verdict}`
  return `unstable: ${failed.length} of ${attempts.length} attempts ${verb}${first ? `: ${first.verdict === 'PASS' ? 'PASS' : first.reason}` : ''}`
}
