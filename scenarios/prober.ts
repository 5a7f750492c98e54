/**
 * The open-loop ping prober. Pings are scheduled at fixed times (every `intervalMs`) and each
 * latency is measured from its *scheduled* send time, not from when it was actually sent: if the
 * client falls behind, or the server stalls and replies pile up, the delay still counts. A closed
 * loop (send, wait, send) would hide exactly the stall being measured (coordinated omission).
 *
 * A ping unanswered after `deadlineMs` (2 s, contract v2) is failed, and counts as at least that
 * much latency: a wedged target then ends the probe within the deadline of the work, not the
 * client's request timeout, and a ping that never answered cannot read as a fast one.
 */
import { TransportError, type TargetClient } from './client.ts'
import { round, summarize } from './stats.ts'

export interface PingSample {
  /** Scheduled send time, ms after the probe started. */
  readonly at: number
  /** Scheduled send → end of the response, ms. */
  readonly ms: number
  readonly ok: boolean
  readonly error?: string
}

export interface ProbeResult {
  readonly intervalMs: number
  readonly sent: number
  readonly failed: number
  readonly worstMs: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly samples: readonly PingSample[]
  /** First few failure reasons. */
  readonly failures: readonly string[]
}

/** A ping unanswered after this is failed (contract v2). */
export const PING_DEADLINE_MS = 2_000

export interface ProbeOptions {
  /** @default 10 */
  intervalMs?: number
  /** @default '/ping' */
  path?: string
  /** Keep probing at least this long even if the work finishes sooner. @default 0 */
  minDurationMs?: number
  /** A ping unanswered after this many ms is failed and counts as at least this latency. @default PING_DEADLINE_MS */
  deadlineMs?: number
}

/** Probe while `work` runs; returns the probe and the work's result (or its error). */
export async function probeDuring<T>(
  client: TargetClient,
  work: () => Promise<T>,
  opts: ProbeOptions = {},
): Promise<{ probe: ProbeResult; result: PromiseSettledResult<T> }> {
  const interval = opts.intervalMs ?? 10
  const path = opts.path ?? '/ping'
  const deadline = opts.deadlineMs ?? PING_DEADLINE_MS
  const samples: PingSample[] = []
  const inFlight: Promise<void>[] = []
  const t0 = performance.now()
  let k = 0
  let stop = false
  let timer: NodeJS.Timeout | undefined

  const send = (scheduled: number): void => {
    const p = client.request(path, { timeoutMs: deadline }).then(
      (r) => {
        const ok = r.status === 200
        samples.push({ at: scheduled - t0, ms: performance.now() - scheduled, ok, ...(ok ? {} : { error: `status ${r.status}` }) })
      },
      (err: unknown) => {
        const ms = performance.now() - scheduled
        // Measured from the scheduled send it is already ≥ the deadline; a timer firing a hair early must not make it less.
        const timedOut = err instanceof TransportError && err.kind === 'timeout'
        samples.push({ at: scheduled - t0, ms: timedOut ? Math.max(ms, deadline) : ms, ok: false, error: (err as Error).message })
      },
    )
    inFlight.push(p)
  }
  const tick = (): void => {
    const now = performance.now()
    // Send every ping whose time has come, even several at once if this timer fired late.
    while (!stop && t0 + k * interval <= now) send(t0 + k++ * interval)
    if (!stop) timer = setTimeout(tick, Math.max(0, t0 + k * interval - performance.now()))
  }
  tick()
  const workDone = work()
  const result = (await Promise.allSettled([workDone]))[0] as PromiseSettledResult<T>
  const minEnd = t0 + (opts.minDurationMs ?? 0)
  if (performance.now() < minEnd) await new Promise((r) => setTimeout(r, minEnd - performance.now()))
  stop = true
  clearTimeout(timer)
  await Promise.all(inFlight)
  samples.sort((a, b) => a.at - b.at)
  const s = summarize(samples.map((x) => x.ms))
  const failures = samples.filter((x) => !x.ok)
  return {
    probe: {
      intervalMs: interval,
      sent: samples.length,
      failed: failures.length,
      worstMs: round(s.max),
      p50Ms: round(s.p50),
      p99Ms: round(s.p99),
      samples: samples.map((x) => ({ ...x, at: round(x.at), ms: round(x.ms) })),
      failures: [...new Set(failures.map((f) => f.error ?? 'failed'))].slice(0, 3),
    },
    result,
  }
}
