/**
 * The open-loop load generator (wrk2's idea): requests go out at a constant rate, request i due
 * at start + i / rate, and each one's latency counts from the moment it was *due*, not from when
 * it was sent. A server that stalls, a connection pool with every connection busy, or a generator
 * that falls behind its own schedule therefore all show up in the latencies; a closed loop (send,
 * wait, send) would stop sending during exactly those moments and never see them (coordinated
 * omission).
 *
 * Written here on undici because no well-kept Node library does this: autocannon's `-R` sends
 * each second's requests in a burst and corrects with a fixed 1 ms expected interval; loadtest's
 * `--rps` starts each request's clock when its timer actually fires (a late timer hides its own
 * lag), keeps whole-ms latencies, and drops requests still in flight when the time is up;
 * artillery's arrivals are open, but it is a scenario tool whose maintainers send single-endpoint
 * constant-rate tests to wrk2 and the like. Only the scheduling and the bookkeeping are ours:
 * undici's Pool keeps the keep-alive connections (pipelining 1) and queues what they cannot take
 * yet, and HDR histograms (latency.ts) keep microsecond resolution (3 significant digits).
 */
import { Pool, type Dispatcher } from 'undici'
import { newHistogram, summarizeHistogram } from '../latency.ts'
import type { OpenLoopResult } from './protocol.ts'
import { achievedRps, dueAt, dueBy, generatorBehind, scheduleOf } from './schedule.ts'

/**
 * At most this many requests per run, whatever the rate: 200,000 is 5 s at 40,000 requests/s,
 * above what this generator sent on schedule here (36,000/s on one CPU of this 2-core machine),
 * and keeps a run's bookkeeping small (a byte per request, plus the requests in flight).
 */
export const MAX_REQUESTS_PER_RUN = 200_000

/**
 * A request still unanswered this long after the schedule's end is failed, and counts as having
 * waited until then. 2 s is the contract's deadline for a ping (scenarios/prober.ts): a request
 * that waits longer is a failure for any latency a user would accept.
 */
export const DRAIN_MS = 2_000

/** Requests sent in one go before yielding to the event loop, so replies are read while far behind. */
const BATCH = 256

export interface OpenLoopOptions {
  /** e.g. http://127.0.0.1:3000 (traffic only to 127.0.0.1 in this project). */
  readonly origin: string
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly rateRps: number
  readonly durationSec: number
  /** Keep-alive connections, pipelining 1. */
  readonly connections: number
  /** Validates each 2xx body; a body that fails counts as failed. */
  readonly check?: (body: string) => boolean
  /** Open every connection (with one request each, not measured) before the schedule starts. @default true */
  readonly preconnect?: boolean
  /** @default DRAIN_MS */
  readonly drainMs?: number
  /** @default MAX_REQUESTS_PER_RUN */
  readonly maxRequests?: number
  /** Told of every request as it settles (in-process only: for tests and timelines). */
  readonly observe?: (sample: OpenLoopSample) => void
}

export interface OpenLoopSample {
  readonly index: number
  /** ms after the run's start. */
  readonly dueMs: number
  /** ms from dueMs to the end of the response, its failure, or the deadline. */
  readonly latencyMs: number
  readonly ok: boolean
  readonly unanswered: boolean
}

const toUs = (ms: number): number => Math.max(1, Math.round(ms * 1000))
const round3 = (x: number): number => Math.round(x * 1000) / 1000

/** One request's handler: collects the status and (when checked) the body, then reports once. */
class Exchange implements Dispatcher.DispatchHandler {
  #status = 0
  #chunks: Buffer[] | undefined
  readonly #done: (ok: boolean) => void
  readonly #check: ((body: string) => boolean) | undefined

  constructor(check: ((body: string) => boolean) | undefined, done: (ok: boolean) => void) {
    this.#check = check
    this.#done = done
    if (check !== undefined) this.#chunks = []
  }

  // undici tells a handler of its current API from its old one by this method.
  onRequestStart(): void {}

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number): void {
    if (statusCode >= 200) this.#status = statusCode // 1xx are interim
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#chunks?.push(chunk)
  }

  onResponseEnd(): void {
    const ok2xx = this.#status >= 200 && this.#status < 300
    this.#done(ok2xx && (this.#check === undefined || this.#check(Buffer.concat(this.#chunks ?? []).toString())))
  }

  onResponseError(): void {
    this.#done(false)
  }
}

/** Open the pool's connections: as many concurrent requests as connections, answers ignored, bounded by the drain deadline. */
async function preconnect(pool: Pool, o: OpenLoopOptions, limitMs: number): Promise<void> {
  const all = Array.from({ length: o.connections }, () => new Promise<void>((resolve) => pool.dispatch({ path: o.path, method: o.method }, new Exchange(undefined, () => resolve()))))
  let timer: NodeJS.Timeout | undefined
  await Promise.race([Promise.all(all), new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs)))])
  clearTimeout(timer)
}

/** One run at one constant rate. Never rejects for the target's failures: they are counted. */
export async function runOpenLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  if (!Number.isInteger(o.connections) || o.connections < 1) throw new RangeError(`connections must be a positive integer (got ${o.connections})`)
  const schedule = scheduleOf(o.rateRps, o.durationSec, o.maxRequests ?? MAX_REQUESTS_PER_RUN)
  const drainMs = o.drainMs ?? DRAIN_MS
  // No undici timeouts: the drain deadline below ends every request, and counts it.
  const pool = new Pool(o.origin, { connections: o.connections, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000, headersTimeout: 0, bodyTimeout: 0 })
  const latency = newHistogram()
  const lag = newHistogram()
  const settled = new Uint8Array(schedule.count)
  let settledCount = 0
  let completed = 0
  let unanswered = 0
  let lastCompletionMs: number | undefined
  let allSettled: () => void = () => {}
  const finished = new Promise<void>((resolve) => (allSettled = resolve))
  let next = 0
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  try {
    if (o.preconnect ?? true) await preconnect(pool, o, drainMs)
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()

    const settle = (i: number, ok: boolean, at: number, late: boolean): void => {
      if (settled[i] === 1) return
      settled[i] = 1
      settledCount++
      const due = dueAt(i, schedule)
      const waited = at - t0 - due
      latency.recordValue(toUs(waited))
      if (ok) {
        completed++
        lastCompletionMs = at - t0
      }
      if (late) unanswered++
      o.observe?.({ index: i, dueMs: due, latencyMs: waited, ok, unanswered: late })
      if (settledCount === schedule.count) allSettled()
    }
    const send = (i: number): void => {
      lag.recordValue(toUs(performance.now() - t0 - dueAt(i, schedule)))
      pool.dispatch({ path: o.path, method: o.method }, new Exchange(o.check, (ok) => settle(i, ok, performance.now(), false)))
    }
    const tick = (): void => {
      timer = undefined
      if (stopped) return
      const due = dueBy(performance.now() - t0, schedule)
      for (let sent = 0; next < due && sent < BATCH; sent++) send(next++)
      if (next >= schedule.count) return
      // Still behind after a batch: yield (replies get read) and go on at once; else sleep until the next is due.
      if (next < due) setImmediate(tick)
      else timer = setTimeout(tick, Math.max(0, t0 + dueAt(next, schedule) - performance.now()))
    }
    tick()

    const deadline = t0 + schedule.windowMs + drainMs
    let deadlineTimer: NodeJS.Timeout | undefined
    await Promise.race([finished, new Promise<void>((resolve) => (deadlineTimer = setTimeout(resolve, Math.max(0, deadline - performance.now()))))])
    clearTimeout(deadlineTimer)
    stopped = true
    // Whatever is unanswered now (or, far behind, never sent) waited until the deadline at least.
    const end = Math.max(deadline, performance.now())
    for (let i = 0; i < schedule.count; i++) if (settled[i] === 0) settle(i, false, end, true)
    const wallMs = performance.now() - t0
    const used = process.cpuUsage(cpu0)
    const cpuMs = (used.user + used.system) / 1000
    // Percentiles capped at the max, as in summarizeHistogram: an HDR percentile is the top of its bucket.
    const lagAt = (p: number): number => Math.min(lag.getValueAtPercentile(p), lag.maxValue) / 1000
    const lagP99 = lagAt(99)
    return {
      rateRps: o.rateRps,
      scheduled: schedule.count,
      completed,
      failed: schedule.count - completed,
      unanswered,
      achievedRps: round3(achievedRps(completed, schedule.windowMs, lastCompletionMs)),
      latency: summarizeHistogram(latency),
      sendLag: { p50: round3(lagAt(50)), p99: round3(lagP99), max: round3(lag.maxValue / 1000) },
      generatorBehind: generatorBehind({ lagP99Ms: lagP99, unsent: schedule.count - next }),
      capped: schedule.capped,
      cpu: { ms: round3(cpuMs), pct: Math.round((cpuMs / wallMs) * 1000) / 10 },
      wallMs: round3(wallMs),
    }
  } finally {
    stopped = true
    clearTimeout(timer)
    // destroy, not close: close would wait for requests the deadline already gave up on.
    await pool.destroy()
  }
}
