/**
 * One run of a case, stopped when its deadline passes, the run's does, or the run is interrupted:
 * its signal aborts (its requests end at once, its idles too), it gets `ABORT_GRACE_MS` to wind
 * down, and the run moves on whether it did or not — a case that ignores its signal cannot hold
 * the run (an abandoned case can send nothing more: its client's requests fail at once).
 */
import { caseClient, type Activity } from './case-client.ts'
import type { TargetClient } from './client.ts'
import { ABORT_GRACE_MS } from './deadlines.ts'
import { sleep } from './sleep.ts'
import type { CaseDef, Outcome } from './types.ts'

/** Why a case was stopped. */
export type StopReason = 'case-deadline' | 'run-deadline' | 'interrupted'

export interface Ran {
  /** What the case returned or threw; absent when it was stopped and did not wind down within the grace. */
  readonly settled?: { readonly outcome: Outcome } | { readonly error: unknown }
  /** Set when the case was stopped: why, and what it had sent by then. */
  readonly stopped?: { readonly why: StopReason; readonly activity: Activity }
  readonly durationMs: number
}

export interface OnceOptions {
  timeoutMs: number
  /** This case's deadline, ms (`caseDeadlineMs`). */
  deadlineMs: number
  /** What is left of the run's deadline, ms (Infinity: none). */
  runLeftMs: number
  /** The run's interrupt. */
  signal?: AbortSignal
}

type Settled = NonNullable<Ran['settled']>

export async function runOnce(c: CaseDef, client: TargetClient, opts: OnceOptions): Promise<Ran> {
  const t0 = performance.now()
  const stop = new AbortController()
  const watched = caseClient(client, stop.signal)
  let stopped: Ran['stopped']
  const halt = (why: StopReason): void => {
    if (stopped !== undefined) return
    stopped = { why, activity: watched.activity() }
    stop.abort(new Error(`stopped: ${why}`))
  }
  const runCut = opts.runLeftMs < opts.deadlineMs
  const timer = setTimeout(() => halt(runCut ? 'run-deadline' : 'case-deadline'), Math.max(0, runCut ? opts.runLeftMs : opts.deadlineMs))
  const onInterrupt = (): void => halt('interrupted')
  if (opts.signal?.aborted) halt('interrupted')
  else opts.signal?.addEventListener('abort', onInterrupt, { once: true })
  try {
    const running: Promise<Settled> = Promise.resolve()
      .then(() => c.run({ client: watched.client, timeoutMs: opts.timeoutMs, signal: stop.signal }))
      .then((outcome) => ({ outcome }), (error: unknown) => ({ error }))
    const halted = new Promise<undefined>((resolve) => {
      if (stop.signal.aborted) resolve(undefined)
      stop.signal.addEventListener('abort', () => resolve(undefined), { once: true })
    })
    let settled = await Promise.race([running, halted])
    if (settled === undefined) {
      // Stopped: the case's requests and idles were aborted; give it a moment to return what it had.
      // The grace's own timer ends with it: a pending timer would hold the CLI's exit.
      const grace = new AbortController()
      settled = await Promise.race([running, sleep(ABORT_GRACE_MS, grace.signal).then(() => undefined, () => undefined)])
      grace.abort()
    }
    return { ...(settled !== undefined && { settled }), ...(stopped !== undefined && { stopped }), durationMs: performance.now() - t0 }
  } finally {
    clearTimeout(timer)
    opts.signal?.removeEventListener('abort', onInterrupt)
  }
}
