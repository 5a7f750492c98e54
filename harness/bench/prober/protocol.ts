/** Messages between the bench and its prober child process, and the job they carry. */
import type { Ping } from '../../results/schema.ts'

/** A ping unanswered after this is given up and counted unanswered (contract v2's ping deadline). */
export const DEFAULT_DEADLINE_MS = 2_000

export interface ProbeJob {
  /** The server under load, e.g. `http://127.0.0.1:3000`. */
  readonly targetUrl: string
  /** An idle server pinged at the same moments (control-server.ts): the prober's own noise. */
  readonly controlUrl?: string
  /** @default '/ping' */
  readonly path?: string
  /** A ping is scheduled every `intervalMs`, from the start. @example 10 */
  readonly intervalMs: number
  /** Pings are scheduled during this long: the load's measured duration. */
  readonly durationMs: number
  /**
   * A ping without an answer this long after its scheduled send time is given up and counted
   * unanswered, with its wait. The probe therefore ends at most this long after the schedule.
   * @default DEFAULT_DEADLINE_MS
   */
  readonly deadlineMs?: number
  /** A ping waiting longer than this counts toward `blockedMs`. @example 50 */
  readonly blockThresholdMs: number
}

export interface ProbeResult {
  readonly target: Ping
  readonly control?: Ping
}

/** Connections opened ahead of the schedule, per server. */
export interface Connected {
  readonly target: number
  readonly control?: number
}

export type ProberCommand = { kind: 'connect'; job: ProbeJob } | { kind: 'probe'; job: ProbeJob }

export type ProberMessage =
  | { kind: 'ready' }
  | { kind: 'connected'; connected: Connected }
  | { kind: 'result'; result: ProbeResult }
  | { kind: 'error'; message: string }

const positive = (x: number): boolean => Number.isFinite(x) && x > 0

/** Why `job` cannot run, or undefined when it can. */
export function jobProblem(job: ProbeJob): string | undefined {
  for (const [name, url] of [['targetUrl', job.targetUrl], ['controlUrl', job.controlUrl]] as const) {
    if (url === undefined && name === 'controlUrl') continue
    if (url === undefined || !URL.canParse(url) || new URL(url).protocol !== 'http:') return `job.${name} must be an http:// URL, got ${String(url)}`
  }
  if (job.path !== undefined && !job.path.startsWith('/')) return `job.path must start with "/", got ${job.path}`
  if (!positive(job.intervalMs)) return `job.intervalMs must be a positive number, got ${job.intervalMs}`
  if (!positive(job.durationMs)) return `job.durationMs must be a positive number, got ${job.durationMs}`
  if (job.deadlineMs !== undefined && !positive(job.deadlineMs)) return `job.deadlineMs must be a positive number, got ${job.deadlineMs}`
  if (!(Number.isFinite(job.blockThresholdMs) && job.blockThresholdMs >= 0)) return `job.blockThresholdMs must be a number ≥ 0, got ${job.blockThresholdMs}`
  return undefined
}
