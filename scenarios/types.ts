/**
 * The conformance model: cases with stable ids and levels, and the verdicts they produce.
 * Language-neutral: a case only speaks HTTP to the target.
 */
import type { TargetClient } from './client.ts'

/** Every contract version this CLI can run (`--contract`); a report names the one it ran. */
export const CONTRACT_VERSIONS = ['v1', 'v2'] as const
export type ContractVersion = (typeof CONTRACT_VERSIONS)[number]
/** The newest contract: what runs unless `--contract` picks an older one. */
export const CONTRACT_VERSION: ContractVersion = 'v2'

export type Level = 'MUST' | 'SHOULD' | 'INFO'
export type Verdict = 'PASS' | 'FAIL' | 'WARN' | 'INFO' | 'UNIMPLEMENTED' | 'ERROR'
export const VERDICTS: readonly Verdict[] = ['PASS', 'FAIL', 'WARN', 'INFO', 'UNIMPLEMENTED', 'ERROR']

/** In run order; `invasive` (cases that can wedge a target) runs last. */
export const SUITES = ['coercion', 'extraction', 'errors', 'thread-safety', 'deps', 'context', 'background', 'streaming', 'cancellation', 'capacity', 'blocking', 'invasive'] as const
export type Suite = (typeof SUITES)[number]

/** What was expected or seen: status, the headers that matter, a body excerpt. */
export interface Observed {
  status?: number
  headers?: Record<string, string>
  body?: string
  [key: string]: unknown
}

/** What a case's `run` reports. Transport failures are thrown (`TransportError`) and become ERROR. */
export type Outcome =
  /** `note`: what a passing case measured, when the number is the point (capacity's parallelism); shown with the PASS. */
  | { readonly kind: 'pass'; readonly data?: Record<string, unknown>; readonly note?: string }
  /** INFO cases: an outcome recorded with its numbers, not judged. */
  | { readonly kind: 'info'; readonly reason: string; readonly data: Record<string, unknown> }
  /** `level` says which part failed: a MUST part → FAIL, a SHOULD part → WARN. */
  | {
      readonly kind: 'fail'
      readonly level: 'MUST' | 'SHOULD'
      readonly reason: string
      readonly expected?: Observed
      readonly actual?: Observed
      readonly data?: Record<string, unknown>
    }
  /** The endpoint answered 404: UNIMPLEMENTED for an optional endpoint or an INFO case, else FAIL (runner.ts). */
  | { readonly kind: 'unimplemented'; readonly reason: string; readonly actual?: Observed }

export interface CaseContext {
  /** The run's client, for this case: its requests end (kind 'interrupted') when `signal` aborts. */
  readonly client: TargetClient
  /** Per-request timeout in ms. */
  readonly timeoutMs: number
  /**
   * Aborted when the case must stop: its deadline (`CaseDef.deadlineMs`) or the run's passed, or the
   * run was interrupted. `client` already honours it; pass it to every other wait (an idle, a poll's
   * pause: `sleep(ms, signal)`), so that an aborted case ends at once.
   */
  readonly signal: AbortSignal
}

export interface CaseDef {
  readonly id: string
  readonly suite: Suite
  readonly level: Level
  readonly description: string
  /** The endpoint is optional in the contract: a 404 gives UNIMPLEMENTED. */
  readonly optional?: boolean
  /**
   * The verdict depends on a time bound (a ping latency, a finishing time): a FAIL or WARN is
   * run again, up to the run's attempts, and stands only if every attempt fails (attempts.ts).
   */
  readonly timing?: true
  /**
   * The longest one run of the case may take, ms (a timing case's attempts get it each): past it
   * the case is aborted and gets ERROR "the case did not finish within N s", with what it saw, and
   * the run goes on. Declared by the cases that wait by design (idles, bursts, recovery); the rest
   * get `DEFAULT_CASE_DEADLINE_MS` (deadlines.ts). Either way at least 3 request timeouts.
   * @default DEFAULT_CASE_DEADLINE_MS
   */
  readonly deadlineMs?: number
  run(ctx: CaseContext): Promise<Outcome>
}

export interface CaseResult {
  readonly id: string
  readonly suite: Suite
  readonly level: Level
  readonly description: string
  readonly verdict: Verdict
  /** One line; empty for a PASS, unless the case noted what it measured. */
  readonly reason: string
  readonly expected?: Observed
  readonly actual?: Observed
  /** For a case run more than once (a timing case that failed): every attempt in `attempts`. */
  readonly data?: Record<string, unknown>
  /** All attempts together, ms. */
  readonly durationMs: number
  /** A timing case whose attempts disagreed (e.g. FAIL, then PASS): the verdict held, but not every time. */
  readonly unstable?: true
}

export interface TargetInfo {
  readonly url: string
  readonly name?: string
  readonly command?: string
  /** What `GET /health` answered before the run (server header etc.), if anything. */
  readonly server?: string
}

export interface ConformanceReport {
  /** The contract whose cases were selected from (`--contract`). */
  readonly contract: ContractVersion
  readonly target: TargetInfo
  readonly startedAt: string
  readonly durationMs: number
  readonly environment: Record<string, unknown>
  readonly settings: Record<string, unknown>
  readonly cases: readonly CaseResult[]
  readonly counts: Record<Verdict, number>
}
