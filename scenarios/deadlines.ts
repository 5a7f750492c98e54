/**
 * How long a case, and a whole run, may take. A target that answers `/health` and hangs otherwise
 * made a run last 420 s with no bound at all, and a case whose requests each stayed just within
 * their timeout could go on for ever (issue 14). Every run of a case now has a deadline — its own
 * (`CaseDef.deadlineMs`) or the default — and the run has one too (`--deadline`), by default the
 * sum of its cases' deadlines (`defaultRunDeadlineMs`).
 */
import type { CaseDef } from './types.ts'

/** A case's deadline when it declares none, ms: three requests that each take the default 5 s timeout. */
export const DEFAULT_CASE_DEADLINE_MS = 15_000
/** A case may always wait this many request timeouts, whatever it declares (a raised `--timeout` raises every deadline). */
export const CASE_DEADLINE_TIMEOUTS = 3
/** Added to the sum of the cases' deadlines for a run's default: the health check before the run and between cases. */
export const RUN_DEADLINE_SLACK_MS = 30_000
/** After a case's deadline passes, how long it gets to wind down (its requests are aborted) before the run moves on without it, ms. */
export const ABORT_GRACE_MS = 2_000

/** The deadline of one run of `c` (one attempt), ms: its own or the default, and at least 3 request timeouts. */
export function caseDeadlineMs(c: Pick<CaseDef, 'deadlineMs'>, timeoutMs: number): number {
  return Math.max(c.deadlineMs ?? DEFAULT_CASE_DEADLINE_MS, CASE_DEADLINE_TIMEOUTS * timeoutMs)
}

/**
 * The run's deadline when `--deadline` is not given, ms: every case's deadline once (`caseDeadlineMs`),
 * plus 30 s. So a run in which every case needs its whole deadline still finishes; the re-runs of
 * a failing timing case (`--attempts`) are not counted: they fit in what the others leave over (a
 * case rarely needs a tenth of its deadline), and a run in which every case runs out its deadline
 * three times is not one to wait for.
 * @example defaultRunDeadlineMs(ALL_CASES, 5_000) // 2,027,000: 33.8 minutes for the 92 cases of contract v2 (the committed runs took 32–318 s)
 */
export function defaultRunDeadlineMs(cases: readonly Pick<CaseDef, 'deadlineMs'>[], timeoutMs: number): number {
  return RUN_DEADLINE_SLACK_MS + cases.reduce((sum, c) => sum + caseDeadlineMs(c, timeoutMs), 0)
}
