/**
 * The phases of a graceful shutdown and their bounds, in order, so that whoever forces an exit
 * (`unblocked serve`) can wait for all of them: before, `serve`'s forced exit (30 s) fired while
 * the pool's own close (30 s) could still be waiting.
 *
 * 1. the grace (`graceMs`): the listener is closed; requests in flight may finish; a request that
 *    arrives on an open connection is answered 503 (`UNB_ERR_POOL_CLOSED`, `Connection: close`);
 * 2. the cut-off (`CUT_OFF_MS`): every request still unanswered is answered the same 503 — never
 *    reset — and those answers get this long to be written before the connections are closed;
 * 3. the pool (`poolCloseMs`): running and queued calls may finish; past it the workers are
 *    terminated.
 */
import { UnblockedError } from '../errors.ts'

export interface ShutdownOptions {
  /** How long requests in flight may take to finish once `close()` is called, ms. @default 10000 */
  graceMs?: number
  /** How long the worker pool may take to finish its calls after the grace, ms, before its workers are terminated. @default 10000 */
  poolCloseMs?: number
}

export type ResolvedShutdown = Readonly<Required<ShutdownOptions>>

export const DEFAULT_SHUTDOWN: ResolvedShutdown = Object.freeze({ graceMs: 10_000, poolCloseMs: 10_000 })

/** Time the 503s written at the end of the grace get before their connections are closed, ms. */
export const CUT_OFF_MS = 1_000

/** Terminating the workers after `poolCloseMs`: quick, unless a worker is stuck in a native call. */
export const TERMINATE_MS = 2_000

const invalid = (message: string): UnblockedError => new UnblockedError('UNB_ERR_OPTIONS_INVALID', [message])

export function resolveShutdown(options: ShutdownOptions = {}): ResolvedShutdown {
  const graceMs = options.graceMs ?? DEFAULT_SHUTDOWN.graceMs
  if (!Number.isSafeInteger(graceMs) || graceMs < 0) throw invalid(`options.shutdown.graceMs must be a non-negative integer, got ${graceMs}`)
  const poolCloseMs = options.poolCloseMs ?? DEFAULT_SHUTDOWN.poolCloseMs
  if (!Number.isSafeInteger(poolCloseMs) || poolCloseMs < 0) throw invalid(`options.shutdown.poolCloseMs must be a non-negative integer, got ${poolCloseMs}`)
  return Object.freeze({ graceMs, poolCloseMs })
}

/** The longest `App.close()` takes with these bounds: every phase at its limit. */
export function closeWithinMs(s: ResolvedShutdown): number {
  return s.graceMs + CUT_OFF_MS + s.poolCloseMs + TERMINATE_MS
}

/** Resolves after `ms`; cancel it once what it bounds is done. */
export function after(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms)
  })
  return { promise, cancel: () => clearTimeout(timer) }
}
