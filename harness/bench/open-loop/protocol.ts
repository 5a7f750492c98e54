/** An open-loop run as the bench asks the load-generator child for it, and what comes back. */
import type { LatencySummary } from '../loadgen-protocol.ts'

export interface OpenLoopJob {
  readonly kind: 'open-loop'
  /** Origin of the target, e.g. http://127.0.0.1:3000. */
  readonly url: string
  readonly method: 'GET' | 'POST'
  readonly path: string
  /** Requests per second, each one scheduled at start + i / rate. */
  readonly rateRps: number
  readonly durationSec: number
  /** Keep-alive connections (pipelining 1); a request due while all are busy waits, and its wait counts. */
  readonly connections: number
  /** Scenario id: its check validates every response body. */
  readonly scenario: string
}

export interface OpenLoopResult {
  readonly rateRps: number
  /** Requests the run scheduled (rate × duration, capped). */
  readonly scheduled: number
  /** Answered 2xx with a body that passed the scenario's check, before the deadline. */
  readonly completed: number
  /** Answered otherwise, failed the check, the connection failed, or unanswered by the deadline. */
  readonly failed: number
  /** Of `failed`: no answer by the end of the schedule plus the drain deadline. */
  readonly unanswered: number
  readonly achievedRps: number
  /** ms from each request's scheduled send time to the end of its response (or its failure, or the deadline), over every scheduled request. */
  readonly latency: LatencySummary
  /** The generator's own lag: ms from each request's scheduled send time to the moment it was handed to the connection pool. */
  readonly sendLag: { readonly p50: number; readonly p99: number; readonly max: number }
  /** The generator's p99 lag exceeded its slack (schedule.ts, LAG_SLACK_MS), or it never sent some requests: it, not only the target, is in these latencies. */
  readonly generatorBehind: boolean
  /** The schedule was cut to the per-run cap. */
  readonly capped: boolean
  /** CPU the generator's process used over the run (schedule plus drain), and its share of the wall time. */
  readonly cpu: { readonly ms: number; readonly pct: number }
  /** Wall time from the first scheduled send to the last request settled, ms. */
  readonly wallMs: number
}

export const isOpenLoopJob = (job: object): job is OpenLoopJob => 'kind' in job && job.kind === 'open-loop'
