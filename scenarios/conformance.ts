/** Run the selected cases against a URL and assemble the report (the programmatic API). */
import { DEFAULT_ATTEMPTS } from './attempts.ts'
import { EXCERPT } from './check.ts'
import { TargetClient } from './client.ts'
import { defaultRunDeadlineMs } from './deadlines.ts'
import { capText } from './one-line.ts'
import { countVerdicts, notRunResult, runCases, type RunEvents } from './runner.ts'
import { CONTRACT_VERSION, type CaseDef, type ConformanceReport, type ContractVersion, type TargetInfo } from './types.ts'
import { round } from './stats.ts'

export interface ConformanceOptions extends RunEvents {
  target: TargetInfo
  /** The contract `cases` were selected from (`selectCases`' `contract`); the report names it. @default CONTRACT_VERSION */
  contract?: ContractVersion
  cases: readonly CaseDef[]
  /** Per-request timeout, ms. @default 5000 */
  timeoutMs?: number
  /** Attempts a failing timing case gets before its failure stands (attempts.ts). @default 3 */
  attempts?: number
  environment?: Record<string, unknown>
  targetGone?: () => string | undefined
  signal?: AbortSignal
  /** The run's deadline, ms (`RunOptions.deadlineMs`). @default defaultRunDeadlineMs(cases, timeoutMs) */
  deadlineMs?: number
}

export async function checkConformance(opts: ConformanceOptions): Promise<ConformanceReport> {
  const timeoutMs = opts.timeoutMs ?? 5_000
  const attempts = opts.attempts ?? DEFAULT_ATTEMPTS
  const deadlineMs = opts.deadlineMs ?? defaultRunDeadlineMs(opts.cases, timeoutMs)
  const client = new TargetClient(opts.target.url, timeoutMs, { ...(opts.signal && { signal: opts.signal }) })
  const startedAt = new Date().toISOString()
  const t0 = performance.now()
  let server: string | undefined
  try {
    const value = (await client.request('/health', { timeoutMs: Math.min(timeoutMs, 2_000) })).headers.server
    // The target's own text: capped like every header value in a report (a 12 KiB one was seen).
    server = value === undefined ? undefined : capText(value, EXCERPT)
  } catch {
    server = undefined // the first case will report the target's failure properly
  }
  try {
    const cases = await runCases(client, opts.cases, {
      timeoutMs,
      attempts,
      deadlineMs,
      ...(opts.onCaseStart && { onCaseStart: opts.onCaseStart }),
      ...(opts.onCaseEnd && { onCaseEnd: opts.onCaseEnd }),
      ...(opts.targetGone && { targetGone: opts.targetGone }),
      ...(opts.signal && { signal: opts.signal }),
    })
    return {
      contract: opts.contract ?? CONTRACT_VERSION,
      target: { ...opts.target, ...(server !== undefined && { server }) },
      startedAt,
      durationMs: round(performance.now() - t0),
      environment: opts.environment ?? {},
      settings: { timeoutMs, attempts, deadlineMs, cases: opts.cases.length },
      cases,
      counts: countVerdicts(cases),
    }
  } finally {
    await client.close()
  }
}

/**
 * The report of a run whose cases were never sent, because nothing answers at the target or it
 * did not start: every case ERROR "not run: `why`", settings as `checkConformance` records them.
 * `startedAt`: when the run began (ISO 8601); `durationMs`: how long it took to find out.
 */
export function notRunReport(opts: Omit<ConformanceOptions, keyof RunEvents | 'targetGone' | 'signal'>, why: string, startedAt: string, durationMs: number): ConformanceReport {
  const timeoutMs = opts.timeoutMs ?? 5_000
  const cases = opts.cases.map((c) => notRunResult(c, why))
  return {
    contract: opts.contract ?? CONTRACT_VERSION,
    target: opts.target,
    startedAt,
    durationMs: round(durationMs),
    environment: opts.environment ?? {},
    settings: { timeoutMs, attempts: opts.attempts ?? DEFAULT_ATTEMPTS, deadlineMs: opts.deadlineMs ?? defaultRunDeadlineMs(opts.cases, timeoutMs), cases: opts.cases.length },
    cases,
    counts: countVerdicts(cases),
  }
}

/** 0 when nothing failed or errored (and, when strict, nothing warned); 1 otherwise. */
export function exitCodeOf(report: ConformanceReport, strict = false): 0 | 1 {
  const c = report.counts
  return c.FAIL > 0 || c.ERROR > 0 || (strict && c.WARN > 0) ? 1 : 0
}
