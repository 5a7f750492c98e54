/** Messages between the bench and its load-generator child process. */
import type { OpenLoopJob, OpenLoopResult } from './open-loop/protocol.ts'
import type { LoadgenUse } from '../results/schema.ts'
import type { DriverName, DriverResult } from './drivers/driver.ts'

export interface LoadJob {
  /** Which tool makes the load (drivers/). */
  readonly driver: DriverName
  readonly url: string
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly connections: number
  readonly durationSec: number
  readonly warmupSec: number
  /** Body pattern every answer must match (body-pattern.ts; Scenario.body); absent: not checked. */
  readonly body?: string
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

/** A driver's result (drivers/driver.ts) as the bench receives it: its own use replaced by what it means. */
export type LoadResult = Omit<DriverResult, 'use'> & {
  /** What the load generator itself used during the measured run, and whether it was saturated. */
  readonly loadgen: LoadgenUse
}

/** A closed-loop job (no `kind`) or an open-loop one (harness/bench/open-loop/). */
export type Job = LoadJob | OpenLoopJob

export type ChildMessage = { kind: 'ready' } | { kind: 'result'; result: LoadResult } | { kind: 'open-loop-result'; result: OpenLoopResult } | { kind: 'error'; message: string }
