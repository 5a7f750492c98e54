/**
 * The open-loop schedule, pure arithmetic: request i of a run at rate R is due at i × 1000/R ms
 * after the run's start, whatever happened to the requests before it. Computed from the index,
 * never by adding intervals up, so a long run does not drift.
 */

export interface Schedule {
  /** Requests in the run: rate × duration, at least 1, at most the cap. */
  readonly count: number
  /** ms between two scheduled sends. */
  readonly intervalMs: number
  /** ms from the first scheduled send to one interval past the last: the time the schedule covers. */
  readonly windowMs: number
  /** The run was cut to the cap: it covers less than the duration asked for. */
  readonly capped: boolean
}

/**
 * The schedule of a run of `durationSec` at `rateRps`, at most `maxRequests` requests (a cap keeps
 * every run bounded in memory and time however high a rate is asked for).
 */
export function scheduleOf(rateRps: number, durationSec: number, maxRequests: number): Schedule {
  if (!(rateRps > 0) || !Number.isFinite(rateRps)) throw new RangeError(`rateRps must be a positive number (got ${rateRps})`)
  if (!(durationSec > 0) || !Number.isFinite(durationSec)) throw new RangeError(`durationSec must be a positive number (got ${durationSec})`)
  if (!Number.isInteger(maxRequests) || maxRequests < 1) throw new RangeError(`maxRequests must be a positive integer (got ${maxRequests})`)
  // The small epsilon keeps 100/s × 0.3 s at 30 requests, not 29 (0.3 × 100 = 29.999…).
  const wanted = Math.max(1, Math.floor(rateRps * durationSec + 1e-9))
  const count = Math.min(wanted, maxRequests)
  const intervalMs = 1000 / rateRps
  return { count, intervalMs, windowMs: count * intervalMs, capped: count < wanted }
}

/** When request `i` is due, ms after the run's start. */
export const dueAt = (i: number, s: Pick<Schedule, 'intervalMs'>): number => i * s.intervalMs

/** How many requests are due by `elapsedMs` after the start (those with dueAt ≤ elapsedMs). */
export function dueBy(elapsedMs: number, s: Pick<Schedule, 'intervalMs' | 'count'>): number {
  if (elapsedMs < 0) return 0
  // A hair of tolerance: 3 × (1000/3) may come out as 999.9999999 and must count as due at 1000.
  return Math.min(s.count, Math.floor(elapsedMs / s.intervalMs + 1e-9) + 1)
}

/**
 * Requests per second served: the requests that completed over the time they took, from the
 * first scheduled send to the last completion, and never less than the schedule's window (a
 * server that kept up finishes about one latency after the window; one that fell behind
 * finishes later, and its rate is what it managed, not what was asked).
 */
export function achievedRps(completed: number, windowMs: number, lastCompletionMs: number | undefined): number {
  if (completed === 0 || lastCompletionMs === undefined) return 0
  return completed / (Math.max(windowMs, lastCompletionMs) / 1000)
}

/**
 * How far behind its schedule the generator may send (its p99 lag, scheduled send → handed to a
 * connection) before a point is flagged. Its timers fire on a 1 ms grid and a tick sends every
 * request then due, so even an idle generator lags 0.6–0.9 ms at the median; on a CPU it shares,
 * a preemption (a scheduler time slice, a few ms) sets its p99. Measured in 24 runs of 4 s
 * (generator pinned to CPU 0, a node:http server on CPU 1, other people's work on the machine,
 * load average 3–8): p99 lag 2.8–9.3 ms in 15 runs from 1,000 to 36,000 requests/s (its CPU 90%
 * busy at 36,000), and 11–71 ms in the other 9: runs without a warm-up, runs whose thread waited
 * longest for its CPU (up to 2.8 s of run-queue wait in 4 s), and rates past what the server
 * could take (42,000/s and up). 10 ms lets the usual jitter through and errs towards flagging.
 * A jitter under it can still be a visible part of a fast target's p99: the lag is reported
 * beside the latency (CurvePoint.sendLag) for that. A share-of-latency rule was tried and
 * dropped: a generator that falls behind sends bursts, the target queues them, and the latency
 * grows with the lag, hiding it (22,000/s: lag p99 48 ms under a p99 latency of 521 ms).
 */
export const LAG_SLACK_MS = 10

/** The generator fell behind: its p99 lag exceeds the slack, or it never sent some requests. */
export function generatorBehind(o: { readonly lagP99Ms: number; readonly unsent: number }): boolean {
  return o.unsent > 0 || o.lagP99Ms > LAG_SLACK_MS
}
