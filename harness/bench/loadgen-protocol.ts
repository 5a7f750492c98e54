/** Messages between the bench and its load-generator child process. */
import type { OpenLoopJob, OpenLoopResult } from './open-loop/protocol.ts'

export interface LoadJob {
  readonly url: string
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly connections: number
  readonly durationSec: number
  readonly warmupSec: number
  /** Scenario id; the child looks its response check up by id (functions do not cross processes). */
  readonly scenario: string
  /** Per-request timeout, s. */
  readonly timeoutSec: number
}

export interface LatencySummary {
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly p999: number
  readonly max: number
  readonly mean: number
}

export interface LoadResult {
  readonly requests: number
  readonly durationSec: number
  readonly rps: number
  /** ms, from autocannon's closed-loop clients. */
  readonly latency: LatencySummary
  readonly errors: number
  readonly timeouts: number
  readonly non2xx: number
  readonly mismatches: number
  readonly statusCodes: Record<string, number>
  /** CPU the load generator itself used during the measured run. */
  readonly loadgen: { cpuMs: number; cpuPct: number }
}

/** A closed-loop job (no `kind`) or an open-loop one (harness/bench/open-loop/). */
export type Job = LoadJob | OpenLoopJob

export type ChildMessage = { kind: 'ready' } | { kind: 'result'; result: LoadResult } | { kind: 'open-loop-result'; result: OpenLoopResult } | { kind: 'error'; message: string }
