/**
 * Runs cases one after another (blocking cases measure latency, so nothing else may run beside
 * them) and turns each outcome into a verdict. A target that stops answering does not hang the
 * run: once a case errors and `/health` fails too, the remaining cases are reported as ERROR
 * without being sent. A timing case that fails is run again, up to `attempts` times (attempts.ts).
 */
import picomatch from 'picomatch'
import { DEFAULT_ATTEMPTS, callsForAnotherAttempt, settle } from './attempts.ts'
import { TransportError, type TargetClient } from './client.ts'
import { oneLine } from './one-line.ts'
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
  signal?: AbortSignal
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
const REASON_MAX = 1000

function resultOf(c: CaseDef, outcome: Outcome, durationMs: number): CaseResult {
  const base = { id: c.id, suite: c.suite, level: c.level, description: c.description, durationMs: round(durationMs) }
  const verdict = verdictOf(c, outcome)
  const o = 'reason' in outcome ? { ...outcome, reason: oneLine(outcome.reason, REASON_MAX) } : outcome
  switch (o.kind) {
    case 'pass':
      return { ...base, verdict, reason: o.note === undefined ? '' : oneLine(o.note, REASON_MAX), ...(o.data && { data: o.data }) }
    case 'info':
      return { ...base, verdict, reason: o.reason, data: o.data }
    case 'unimplemented':
      return { ...base, verdict, reason: o.reason, ...(o.actual && { actual: o.actual }) }
    case 'fail':
      return { ...base, verdict, reason: o.reason, ...(o.expected && { expected: o.expected }), ...(o.actual && { actual: o.actual }), ...(o.data && { data: o.data }) }
  }
}

function errorResult(c: CaseDef, reason: string, durationMs: number, data?: Record<string, unknown>): CaseResult {
  return { id: c.id, suite: c.suite, level: c.level, description: c.description, verdict: 'ERROR', reason: oneLine(reason, REASON_MAX), durationMs: round(durationMs), ...(data && { data }) }
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
  const results: CaseResult[] = []
  let down: string | undefined
  /** One run of `c`; a thrown error is an ERROR result, and marks the target down if it no longer answers. */
  const once = async (c: CaseDef): Promise<CaseResult> => {
    const t0 = performance.now()
    try {
      return resultOf(c, await c.run({ client, timeoutMs: opts.timeoutMs }), performance.now() - t0)
    } catch (err) {
      const transport = err instanceof TransportError
      const message = err instanceof Error ? err.message : String(err)
      const result = errorResult(c, transport ? message : `the case could not complete: ${message}`, performance.now() - t0, transport ? { transport: err.kind } : undefined)
      if (opts.signal?.aborted) {
        down = 'the run was interrupted'
      } else {
        const why = opts.targetGone?.() ?? (await stillAnswers(client, opts.timeoutMs))
        if (why !== undefined) down = `the target stopped answering during ${c.id} (${why})`
      }
      return result
    }
  }
  const stopped = (): boolean => down !== undefined || opts.signal?.aborted === true || opts.targetGone?.() !== undefined
  for (const [i, c] of cases.entries()) {
    opts.onCaseStart?.(c, i, cases.length)
    const gone = opts.targetGone?.()
    if (opts.signal?.aborted) down ??= 'the run was interrupted'
    if (gone !== undefined) down ??= gone
    let result: CaseResult
    if (down !== undefined) {
      result = errorResult(c, `not run: ${down}`, 0)
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
