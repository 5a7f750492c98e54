/**
 * A load driver: one closed-loop load job (each connection sends its next request once the
 * previous one is answered) against one URL, for a fixed time, measured. autocannon runs in this
 * process; wrk is a separate program. Both report the same shape, and both report what they
 * themselves used (CPU and run-queue wait), so saturation can be judged the same way for each.
 */
import type { LatencySummary } from '../loadgen-protocol.ts'

export const DRIVER_NAMES = ['autocannon', 'wrk'] as const
export type DriverName = (typeof DRIVER_NAMES)[number]

export interface DriverJob {
  /** Base URL, e.g. http://127.0.0.1:8000. */
  readonly url: string
  readonly method: 'GET' | 'POST'
  /** Path and query, e.g. /block/sync?ms=10. */
  readonly path: string
  readonly connections: number
  /** Whole seconds (both tools count whole seconds). */
  readonly durationSec: number
  /** Per-request timeout, s. */
  readonly timeoutSec: number
  /** Body pattern (body-pattern.ts) every response must match; absent: bodies are not checked. */
  readonly body?: string
}

/** What the driver's own process(es) used while the job ran. */
export interface DriverUse {
  readonly cpuMs: number
  /** Run-queue wait, ms; absent where /proc/<pid>/task/<tid>/schedstat is unreadable. */
  readonly waitMs?: number
  /** Time the hypervisor stole from the CPUs the driver runs on (proc-machine.ts cpuStealMeter), ms; absent where /proc/stat is unreadable. */
  readonly stealMs?: number
  /** Wall time over which cpuMs and waitMs were counted, ms. */
  readonly wallMs: number
}

export interface DriverResult {
  /** Answered requests, any status. */
  readonly requests: number
  /** Measured seconds, as the driver counted them. */
  readonly durationSec: number
  readonly rps: number
  /** Closed-loop latency of answered requests, ms (µs resolution); what it includes: LoadDriver.closedLoopLatency. */
  readonly latency: LatencySummary
  /** Connection errors (refused, reset, closed mid-answer), not counting timeouts. */
  readonly errors: number
  /** Requests not answered within the timeout (how each tool counts them: LoadDriver.timeouts). */
  readonly timeouts: number
  readonly non2xx: number
  /** Answered requests whose body failed `body`. */
  readonly mismatches: number
  /** Answered requests by status code. */
  readonly statusCodes: Record<string, number>
  readonly use: DriverUse
}

export interface LoadDriver {
  readonly name: DriverName
  /** Why this driver cannot run here (one line, for the user), or undefined when it can. */
  unavailable(): string | undefined
  /** What its closed-loop latency is, in a sentence for the report. */
  readonly closedLoopLatency: string
  /** How it counts timeouts, in a sentence for the report. */
  readonly timeouts: string
  /** The tool's version, e.g. "8.0.0"; "unknown" where it does not say. */
  version(): string
  /** Run one job; rejects when the tool fails (not when the target answers badly: that is counted). */
  run(job: DriverJob): Promise<DriverResult>
}
