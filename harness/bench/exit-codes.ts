/**
 * `unblocked bench`'s exit codes, in one place: the command returns what `benchExitCode` says,
 * `bench --help` prints `BENCH_EXIT_CODES`, and the README lists the same table. The anchor is
 * k6: a run that completed but crossed a threshold (for us: a requirement *not met*) exits 99, so
 * CI can tell "the code is slower than required" from "the bench broke" (1) and from a mistake in
 * how it was called (2). A verdict that is not a measured failure does not fail the run:
 * inconclusive (the 95% interval straddles the threshold: more trials would decide), invalid
 * (an input cell saw errors, or is a lower bound at the load generator's ceiling) and not
 * measured are reported, not enforced. Only a type import: `bench --help` reads this without loading
 * the bench.
 */
import type { BenchResults } from '../results/schema.ts'

export const EXIT = {
  /** The run completed; no requirement was not met. */
  ok: 0,
  /** The run failed (something outside a single measurement broke); what was measured is written. */
  failed: 1,
  /** A mistake in how the command was called (harness/usage-error.ts); nothing ran. */
  usage: 2,
  /** k6's code for failed thresholds: the run completed and at least one requirement was not met. */
  requirementNotMet: 99,
  /** 128 + SIGINT (Ctrl-C): interrupted; what was measured is written. */
  interrupted: 130,
  /** 128 + SIGTERM: stopped; what was measured is written. */
  terminated: 143,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** The table `bench --help` prints and the README repeats. */
export const BENCH_EXIT_CODES: readonly { readonly code: ExitCode; readonly meaning: string }[] = [
  { code: EXIT.ok, meaning: 'the run completed; no requirement "not met" (inconclusive, invalid, not measured do not fail)' },
  { code: EXIT.failed, meaning: 'the run failed (results.json records what was measured and the error)' },
  { code: EXIT.usage, meaning: 'usage error: a bad flag or value; nothing ran' },
  { code: EXIT.requirementNotMet, meaning: 'the run completed and at least one requirement was "not met" (as k6 does for thresholds)' },
  { code: EXIT.interrupted, meaning: 'interrupted by Ctrl-C (SIGINT); what was measured is written (a second Ctrl-C quits at once)' },
  { code: EXIT.terminated, meaning: 'stopped by SIGTERM; what was measured is written' },
]

/**
 * The exit code of a finished bench: a run that failed or was interrupted keeps its own code
 * whatever its verdicts say (they rest on part of a run); a complete run exits 99 when any
 * requirement was not met. `signal`: the signal that interrupted it, if one did.
 */
export function benchExitCode(r: Pick<BenchResults, 'state' | 'ratios'>, signal?: 'SIGINT' | 'SIGTERM'): ExitCode {
  if (r.state === 'failed') return EXIT.failed
  if (r.state === 'interrupted') return signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted
  return r.ratios.some((x) => x.verdict === 'not met') ? EXIT.requirementNotMet : EXIT.ok
}

/** The exit codes for `bench --help`, one line each (they fit 100 columns). */
export function exitCodesHelp(): string {
  return ['Exit codes:', ...BENCH_EXIT_CODES.map((e) => `  ${String(e.code).padEnd(5)}${e.meaning}`)].join('\n')
}
