/**
 * What the pool needs from a lane: a set of workers that runs sync handler calls. The pool asks
 * the lane policy (policy.ts) which lane a route's next call goes to, and runs it there.
 */
import type { RouteCall, RouteResult } from '../protocol.ts'

/**
 * `blocking`: the big pool, one task per worker, so handlers that wait overlap; every call can go
 * there. `fast`: quick handlers, one worker per core with tasks queued per worker. `cpu`: handlers
 * measured CPU-bound, at most one running per core.
 */
export type LaneName = 'blocking' | 'fast' | 'cpu'

export interface LaneStats {
  readonly threads: number
  readonly queueSize: number
  readonly completed: number
}

export interface Lane {
  readonly name: LaneName
  /**
   * Whether a call sent now starts without waiting behind a slow one. When it does not, the pool
   * sends the call to the blocking lane instead.
   */
  readonly accepting: boolean
  /**
   * Run one sync handler call. Rejects when a worker dies or the queue is full (see workers.ts),
   * or when `signal` aborts: a queued call is dropped, a running one's worker is terminated and
   * replaced (piscina). A lane that sends calls in batches may ignore `signal` (fast.ts).
   */
  run(call: RouteCall, signal?: AbortSignal): Promise<RouteResult>
  readonly stats: LaneStats
  /** Load the app in the lane's workers; `routes` is the loop's route signature they check. */
  warm(routes: string): Promise<void>
  /** Finish queued and running calls, then stop the workers. */
  close(): Promise<void>
  /** Stop now, abandoning calls. */
  destroy(): Promise<void>
}
