/**
 * Loop-side requests in flight, by route — so a block can be pinned on the only route running
 * when nothing better names it — and the timing of each handler's synchronous part, which names
 * the culprit exactly when it blocks before its first `await` (all of an `@inline` handler).
 */
import type { Logger } from '../log.ts'
import type { CompiledRoute } from '../routing/compile.ts'
import { ms1, type EventLog } from './events.ts'

export class InFlight {
  readonly #routes: readonly CompiledRoute[]
  readonly #thresholdMs: number
  readonly #events: EventLog
  readonly #log: Logger
  /** Loop-side requests in flight, by route index: counters, not a map — this runs on every request. */
  readonly #activeBy: Int32Array
  /** Routes with at least one request in flight. */
  #activeRoutes = 0
  #activeCount = 0
  readonly #inlineWarned = new Set<CompiledRoute>()

  constructor(routes: readonly CompiledRoute[], thresholdMs: number, events: EventLog, log: Logger) {
    this.#routes = routes
    this.#thresholdMs = thresholdMs
    this.#events = events
    this.#log = log
    this.#activeBy = new Int32Array(routes.length)
  }

  /** A loop-side (async or inline) request starts running handler code. */
  enter(route: CompiledRoute): void {
    this.#activeCount++
    const n = (this.#activeBy[route.index] as number) + 1
    this.#activeBy[route.index] = n
    if (n === 1) this.#activeRoutes++
  }

  leave(route: CompiledRoute): void {
    this.#activeCount--
    const n = (this.#activeBy[route.index] as number) - 1
    this.#activeBy[route.index] = n
    if (n === 0) this.#activeRoutes--
  }

  /** Whether handler code may be running on the loop right now. */
  active(): boolean {
    return this.#activeCount > 0
  }

  /** The route in flight when exactly one is: the culprit of a block nothing else names. */
  only(): CompiledRoute | undefined {
    return this.#activeRoutes === 1 ? this.#list()[0] : undefined
  }

  /** The ids of the routes in flight when more than one is (the culprit cannot be told apart). */
  candidates(): string[] | undefined {
    return this.#activeRoutes > 1 ? this.#list().map((r) => r.id) : undefined
  }

  /** The routes with requests in flight on the loop (only read when something went wrong). */
  #list(): CompiledRoute[] {
    return this.#routes.filter((r) => (this.#activeBy[r.index] ?? 0) > 0)
  }

  /** A handler's synchronous part (up to its first `await`, or all of an inline handler) took `ms`. */
  handlerSegment(route: CompiledRoute, ms: number): void {
    if (ms < this.#thresholdMs) return
    const last = this.#events.last()
    const tripwireCoversIt = last?.source === 'tripwire' && last.handler === route.id && this.#events.lastAt >= Date.now() - ms
    if (!tripwireCoversIt) this.#events.record({ source: 'handler', route: route.path, handler: route.id, ms: ms1(ms), at: new Date().toISOString() })
    if (route.kind === 'inline' && !this.#inlineWarned.has(route)) {
      this.#inlineWarned.add(route)
      this.#log.warn(
        { route: route.path, handler: route.id, ms: ms1(ms), thresholdMs: this.#thresholdMs },
        `@inline handler ${route.id} ran ${ms1(ms)} ms on the event loop; remove @inline so it runs in the worker pool`,
      )
    }
  }
}
