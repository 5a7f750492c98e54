/**
 * Runs cases one after another (blocking cases measure latency, so nothing else may run beside
 * them) and turns each outcome into a verdict. A target that stops answering does not hang the
 * run: once a case errors and `/health` fails too, the remaining cases are reported as ERROR
 * without being sent. Every run of a case has a deadline, and the run has one (deadlines.ts,
 * run-once.ts). A timing case that fails is run again, up to `attempts` times (attempts.ts).
 */
import picomatch from 'picomatch'
import { DEFAULT_ATTEMPTS, callsForAnotherAttempt, settle } from './attempts.ts'
import { describeActivity } from './case-client.ts'
import { TransportError, type TargetClient } from './client.ts'
import { caseDeadlineMs } from './deadlines.ts'
import { capStrings, oneLine, TEXT_MAX } from './one-line.ts'
import { runOnce, type Ran } from './run-once.ts'
import { round } from './stats.ts'
import { SUITES, type CaseDef, type CaseResult, type ContractVersion, type Outcome, type Suite, type Verdict } from './types.ts'
import { V1_CASE_IDS } from './v1-case-ids.ts'

export interface Selection {
  /** Only the cases of this contract version (v1: the frozen list in v1-case-ids.ts). @default CONTRACT_VERSION, every case */
  contract?: ContractVersion
  suites?: readonly string[]
  /** Suites left out (`--exclude-suite invasive`); applied after `suites`. */
  excludeSuites?: readonly string[]
  /** Glob patterns over case ids (`coercion.sync.*`, `*.transient`). */
  cases?: readonly string[]
}

export class SelectionError extends Error {
  override readonly name = 'SelectionError'
}

function checkSuites(names: readonly string[] | undefined, flag: string): Set<Suite> | undefined {
  const unknown = (names ?? []).filter((s) => !(SUITES as readonly string[]).includes(s))
  if (unknown.length > 0) throw new SelectionError(`unknown suite ${unknown.join(', ')}${flag}; suites: ${SUITES.join(', ')}`)
  return names && names.length > 0 ? new Set(names as Suite[]) : undefined
}

export function selectCases(all: readonly CaseDef[], sel: Selection): CaseDef[] {
  const suites = checkSuites(sel.suites, '')
  const excluded = checkSuites(sel.excludeSuites, ' in --exclude-suite') ?? new Set<Suite>()
  const v1 = sel.contract === 'v1' ? new Set(V1_CASE_IDS) : undefined
  const match = sel.cases && sel.cases.length > 0 ? picomatch(sel.cases as string[]) : undefined
  const selected = all.filter((c) => (suites === undefined || suites.has(c.suite)) && !excluded.has(c.suite) && (match === undefined || match(c.id)))
  const chosen = v1 === undefined ? selected : selected.filter((c) => v1.has(c.id))
  if (chosen.length === 0) {
    // Say so when the contract is what left nothing: `--contract v1 --suite context`.
    const of = selected.length > 0 ? ` of contract ${sel.contract}` : ''
    const later = selected.length > 0 ? ` (${selected.length} of a later contract do)` : ''
    throw new SelectionError(`no case${of} matches the given --suite/--exclude-suite/--case selection${later}`)
  }
  return chosen
}

export interface RunEvents {
  onCaseStart?(c: CaseDef, index: number, total: number): void
  onCaseEnd?(r: CaseResult, index: number, total: number): void
}

export interface RunOptions extends RunEvents {
  timeoutMs: number
  /**
   * Attempts a timing case (`CaseDef.timing`) gets when it fails; it fails only if every one
   * does. Other cases run once. A positive integer. @default 3
   */
  attempts?: number
  /** Returns why the target is known to be gone (e.g. its process exited), else undefined. */
  targetGone?: () => string | undefined
  /** The run's interrupt: the case in flight is stopped, the rest are not run. */
  signal?: AbortSignal
  /**
   * The run's deadline, ms from the start of `runCases`: when it passes, the case in flight is
   * stopped and the rest are ERROR "not run: the run's deadline (N s) passed". @default none
   */
  deadlineMs?: number
}

export function verdictOf(c: CaseDef, o: Outcome): Verdict {
  switch (o.kind) {
    case 'pass':
      return c.level === 'INFO' ? 'INFO' : 'PASS'
    case 'info':
      return 'INFO'
    case 'unimplemented':
      // An INFO case has nothing to judge: a missing endpoint leaves nothing to record either.
      return c.optional || c.level === 'INFO' ? 'UNIMPLEMENTED' : 'FAIL'
    case 'fail':
      return o.level === 'MUST' ? 'FAIL' : 'WARN'
  }
}

/** A reason's cap: each piece of target text in it is already capped (one-line.ts); this bounds the whole line. */
const REASON_MAX = TEXT_MAX

/** `expected`, `actual` or `data` of an outcome, every string in it capped: a case may pass target text along. */
const capped = <T>(value: T): T => capStrings(value) as T

function resultOf(c: CaseDef, outcome: Outcome, durationMs: number): CaseResult {
  const base = { id: c.id, suite: c.suite, level: c.level, description: c.description, durationMs: round(durationMs) }
  const verdict = verdictOf(c, outcome)
  const o = 'reason' in outcome ? { ...outcome, reason: oneLine(outcome.reason, REASON_MAX) } : outcome
  switch (o.kind) {
    case 'pass':
      return { ...base, verdict, reason: o.note === undefined ? '' : oneLine(o.note, REASON_MAX), ...(o.data && { data: capped(o.data) }) }
    case 'info':
      return { ...base, verdict, reason: o.reason, data: capped(o.data) }
    case 'unimplemented':
      return { ...base, verdict, reason: o.reason, ...(o.actual && { actual: capped(o.actual) }) }
    case 'fail':
      return { ...base, verdict, reason: o.reason, ...(o.expected && { expected: capped(o.expected) }), ...(o.actual && { actual: capped(o.actual) }), ...(o.data && { data: capped(o.data) }) }
  }
}

function errorResult(c: CaseDef, reason: string, durationMs: number, data?: Record<string, unknown>): CaseResult {
  return { id: c.id, suite: c.suite, level: c.level, description: c.description, verdict: 'ERROR', reason: oneLine(reason, REASON_MAX), durationMs: round(durationMs), ...(data && { data: capped(data) }) }
}

/** A case that was never sent: ERROR "not run: <why>". */
export function notRunResult(c: CaseDef, why: string): CaseResult {
  return errorResult(c, `not run: ${why}`, 0)
}

const seconds = (ms: number): string => `${round(ms / 1000)} s`

/** The message of what a case threw: a transport error's own, anything else "the case could not complete: …". */
function thrownReason(err: unknown): { reason: string; data?: Record<string, unknown> } {
  const message = err instanceof Error ? err.message : String(err)
  return err instanceof TransportError ? { reason: message, data: { transport: err.kind } } : { reason: `the case could not complete: ${message}` }
}

async function stillAnswers(client: TargetClient, timeoutMs: number): Promise<string | undefined> {
  try {
    await client.request('/health', { timeoutMs: Math.min(timeoutMs, 2_000) })
    return undefined
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  }
}

export async function runCases(client: TargetClient, cases: readonly CaseDef[], opts: RunOptions): Promise<CaseResult[]> {
  const attempts = opts.attempts ?? DEFAULT_ATTEMPTS
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`options.attempts must be a positive integer, got ${attempts}`)
  const runDeadline = opts.deadlineMs === undefined ? undefined : { ms: opts.deadlineMs, at: performance.now() + opts.deadlineMs }
  const deadlinePassed = runDeadline === undefined ? undefined : `the run's deadline (${seconds(runDeadline.ms)}) passed`
  const results: CaseResult[] = []
  let down: string | undefined
  /** One run of `c`: a thrown error or a stop is an ERROR result, and marks the target down if it no longer answers. */
  const once = async (c: CaseDef): Promise<CaseResult> => {
    const deadlineMs = caseDeadlineMs(c, opts.timeoutMs)
    const ran: Ran = await runOnce(c, client, {
      timeoutMs: opts.timeoutMs,
      deadlineMs,
      runLeftMs: runDeadline === undefined ? Infinity : runDeadline.at - performance.now(),
      ...(opts.signal && { signal: opts.signal }),
    })
    const { settled, stopped, durationMs } = ran
    if (stopped?.why === 'interrupted') {
      down = 'the run was interrupted'
      // What the case threw when its requests were aborted says where it was: `interrupted: GET …`.
      const thrown = settled !== undefined && 'error' in settled ? thrownReason(settled.error) : undefined
      return errorResult(c, thrown?.reason.startsWith('interrupted') ? thrown.reason : `interrupted: ${describeActivity(stopped.activity)}`, durationMs, { stopped: 'interrupted', activity: stopped.activity })
    }
    if (stopped?.why === 'run-deadline') {
      down = deadlinePassed
      return errorResult(c, `${deadlinePassed} while the case ran: ${describeActivity(stopped.activity)}`, durationMs, { stopped: 'run-deadline', activity: stopped.activity })
    }
    let result: CaseResult
    if (stopped?.why === 'case-deadline') {
      result = errorResult(c, `the case did not finish within ${seconds(deadlineMs)}: ${describeActivity(stopped.activity)}`, durationMs, { stopped: 'case-deadline', deadlineMs, activity: stopped.activity })
    } else if (settled !== undefined && 'outcome' in settled) {
      return resultOf(c, settled.outcome, durationMs)
    } else {
      const thrown = thrownReason(settled?.error)
      result = errorResult(c, thrown.reason, durationMs, thrown.data)
    }
    const why = opts.targetGone?.() ?? (await stillAnswers(client, opts.timeoutMs))
    if (why !== undefined) down = `the target stopped answering during ${c.id} (${why})`
    return result
  }
  const stopped = (): boolean => down !== undefined || opts.signal?.aborted === true || opts.targetGone?.() !== undefined || (runDeadline !== undefined && performance.now() >= runDeadline.at)
  for (const [i, c] of cases.entries()) {
    opts.onCaseStart?.(c, i, cases.length)
    const gone = opts.targetGone?.()
    if (opts.signal?.aborted) down ??= 'the run was interrupted'
    if (gone !== undefined) down ??= gone
    if (runDeadline !== undefined && performance.now() >= runDeadline.at) down ??= deadlinePassed
    let result: CaseResult
    if (down !== undefined) {
      result = notRunResult(c, down)
    } else {
      const tries = [await once(c)]
      while (c.timing && tries.length < attempts && callsForAnotherAttempt(tries.at(-1) as CaseResult) && !stopped()) tries.push(await once(c))
      result = settle(tries)
    }
    results.push(result)
    opts.onCaseEnd?.(result, i, cases.length)
  }
  return results
}

export function countVerdicts(results: readonly CaseResult[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { PASS: 0, FAIL: 0, WARN: 0, INFO: 0, UNIMPLEMENTED: 0, ERROR: 0 }
  for (const r of results) counts[r.verdict]++
  return counts
}
