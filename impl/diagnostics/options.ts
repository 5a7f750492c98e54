/** Blocking detection's options, and their validation — pure, so `createApp` checks them before it starts anything. */
import { UnblockedError } from '../errors.ts'
import type { TripwireMode } from './tripwires.ts'

export interface BlockingOptions {
  /** Turn all detection off (the loop-delay histogram included). @default true */
  enabled?: boolean
  /** A loop block at least this long is an event, ms. @default 50 */
  thresholdMs?: number
  /** What a sync-API call on the loop does: nothing, a reported event, or a refusal (500). @default 'warn' */
  tripwires?: TripwireMode
  /** Events kept, most recent last. @default 100 */
  maxEvents?: number
  /** Sample the blocking call's stack from a watchdog thread. @default true */
  watchdog?: boolean
  /**
   * Serve `{enabled, events, totalEvents, thresholdMs, loopDelay, starved, pool}` at this path (GET).
   * @default undefined (not served)
   * @example '/diagnostics/blocking'
   */
  endpoint?: string
  /**
   * Also accept `PUT <endpoint>` with `{"enabled": false | true}` to switch detection off and on
   * while the server runs. For measuring what detection costs within one process (two processes
   * of the same code differ by more than that cost on a shared machine). Leave it off in
   * production: whoever can reach the endpoint could switch detection off. @default false
   */
  switchable?: boolean
  /**
   * After the app starts listening, stalls while no request runs on the loop are the start-up's
   * (workers finishing their boot compete for the CPU): for this long they are logged once at
   * info and not counted as events, ms. 0 counts every stall. @default 5000
   */
  startupGraceMs?: number
}

export interface ResolvedBlockingOptions {
  readonly enabled: boolean
  readonly thresholdMs: number
  readonly tripwires: TripwireMode
  readonly maxEvents: number
  readonly watchdog: boolean
  readonly endpoint: string | undefined
  readonly switchable: boolean
  readonly startupGraceMs: number
}

const invalid = (message: string): UnblockedError => new UnblockedError('UNB_ERR_OPTIONS_INVALID', [message])

/** Fill in the defaults and check every option; throws `UNB_ERR_OPTIONS_INVALID` naming the first bad one. */
export function resolveBlockingOptions(options: BlockingOptions = {}): ResolvedBlockingOptions {
  const thresholdMs = options.thresholdMs ?? 50
  if (!(thresholdMs > 0)) throw invalid(`options.blocking.thresholdMs must be a positive number, got ${thresholdMs}`)
  const maxEvents = options.maxEvents ?? 100
  if (!Number.isInteger(maxEvents) || maxEvents < 1) throw invalid(`options.blocking.maxEvents must be a positive integer, got ${maxEvents}`)
  const tripwires = options.tripwires ?? 'warn'
  if (!['off', 'warn', 'throw'].includes(tripwires)) throw invalid(`options.blocking.tripwires must be 'off', 'warn' or 'throw', got ${String(tripwires)}`)
  const endpoint = options.endpoint
  if (endpoint !== undefined && (typeof endpoint !== 'string' || !/^\/[^?#]*$/.test(endpoint))) {
    throw invalid(`options.blocking.endpoint must be a path starting with '/' (no query), got ${String(endpoint)}`)
  }
  if (options.switchable === true && endpoint === undefined) throw invalid('options.blocking.switchable needs options.blocking.endpoint (it is switched there)')
  const startupGraceMs = options.startupGraceMs ?? 5_000
  if (!Number.isInteger(startupGraceMs) || startupGraceMs < 0) throw invalid(`options.blocking.startupGraceMs must be a non-negative integer, got ${startupGraceMs}`)
  return { enabled: options.enabled ?? true, thresholdMs, tripwires, maxEvents, watchdog: options.watchdog ?? true, endpoint, switchable: options.switchable === true, startupGraceMs }
}
