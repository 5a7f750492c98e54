/**
 * Error logging with a bound: a route that fails on every request must not write the same stack
 * for each (a 60 s soak of failing requests wrote 15.6 MB of identical stacks). The first few
 * failures of each kind (error code and route) per interval are logged in full, with their
 * stacks; the rest are counted, and the count is logged once the interval ends.
 */
import { UnblockedError } from './errors.ts'
import type { Logger } from './log.ts'

export interface ErrorLogLimit {
  /** Failures of one kind (error code and route) logged in full per interval. @default 5 */
  perInterval?: number
  /** The interval, ms. @default 60000 */
  intervalMs?: number
}

export type ResolvedErrorLogLimit = Readonly<Required<ErrorLogLimit>>

export const DEFAULT_ERROR_LOG_LIMIT: ResolvedErrorLogLimit = Object.freeze({ perInterval: 5, intervalMs: 60_000 })

/** Kinds tracked per interval; beyond them, new kinds share one count (a bound on the map, not a limit anyone should reach). */
const MAX_KINDS = 1_000
const OTHER = '(other kinds)'

const invalid = (message: string): UnblockedError => new UnblockedError('UNB_ERR_OPTIONS_INVALID', [message])

/** Fill in the defaults and check; throws `UNB_ERR_OPTIONS_INVALID` naming the bad option. */
export function resolveErrorLogLimit(options: ErrorLogLimit = {}): ResolvedErrorLogLimit {
  const perInterval = options.perInterval ?? DEFAULT_ERROR_LOG_LIMIT.perInterval
  if (!Number.isSafeInteger(perInterval) || perInterval < 1) throw invalid(`options.errorLogLimit.perInterval must be a positive integer, got ${perInterval}`)
  const intervalMs = options.intervalMs ?? DEFAULT_ERROR_LOG_LIMIT.intervalMs
  if (!Number.isSafeInteger(intervalMs) || intervalMs < 1) throw invalid(`options.errorLogLimit.intervalMs must be a positive integer, got ${intervalMs}`)
  return Object.freeze({ perInterval, intervalMs })
}

interface Kind {
  logged: number
  suppressed: number
  /** The message of the first failure of this kind in the interval, for the summary line. */
  readonly msg: string
}

export class ErrorLog {
  readonly #log: Logger
  readonly #limit: ResolvedErrorLogLimit
  readonly #kinds = new Map<string, Kind>()
  #timer: NodeJS.Timeout | undefined

  constructor(log: Logger, limit: ResolvedErrorLogLimit = DEFAULT_ERROR_LOG_LIMIT) {
    this.#log = log
    this.#limit = limit
  }

  /**
   * Log `obj` and `msg` at error level, unless `perInterval` failures of `kind` were logged in
   * this interval already: then it is only counted.
   * @example errors.error(`${failure.code} ${failure.route}`, { failure }, failure.message)
   */
  error(kind: string, obj: object, msg: string): void {
    const key = this.#kinds.has(kind) || this.#kinds.size < MAX_KINDS ? kind : OTHER
    let k = this.#kinds.get(key)
    if (k === undefined) {
      k = { logged: 0, suppressed: 0, msg }
      this.#kinds.set(key, k)
      // The interval starts with its first failure; no timer runs while nothing fails.
      this.#timer ??= setTimeout(() => this.flush(), this.#limit.intervalMs).unref()
    }
    if (k.logged < this.#limit.perInterval) {
      k.logged++
      this.#log.error(obj, msg)
    } else {
      k.suppressed++
    }
  }

  /** Log how many failures of each kind were not logged, and start a new interval. */
  flush(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    const seconds = Math.round(this.#limit.intervalMs / 100) / 10
    for (const [kind, k] of this.#kinds) {
      if (k.suppressed === 0) continue
      const suppressed = { kind, count: k.suppressed, logged: k.logged, intervalMs: this.#limit.intervalMs }
      this.#log.error({ suppressed }, `${k.suppressed} more failures like "${k.msg}" (${kind}) were not logged, within ${seconds} s of the first`)
    }
    this.#kinds.clear()
  }
}
