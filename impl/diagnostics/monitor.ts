/**
 * Blocking detection for the loop side of an app, cheap enough to leave on. `BlockingMonitor`
 * composes its parts and turns what they see into events:
 * - the heartbeat (heartbeat.ts): the event-loop delay histogram, always on, and a timer that
 *   notices when the loop was blocked longer than the threshold — not when it only waited for a CPU;
 * - the watchdog (watchdog.ts): a thread that, while the loop is blocked, reads the stack at the
 *   blocking call, which names the handler even when it blocks after an `await`;
 * - in-flight tracking (in-flight.ts): the routes running on the loop, and the timing of each
 *   loop-side handler's synchronous part (exact attribution before the first `await`, and the
 *   runtime warning for `@inline` handlers);
 * - sync-API tripwires (tripwires.ts).
 */
import { HttpError } from '../errors.ts'
import type { Logger } from '../log.ts'
import type { CompiledRoute } from '../routing/compile.ts'
import { ThreadClock } from '../shared/thread-clock.ts'
import { callSite, HandlerIndex } from './attribution.ts'
import { EventLog, formatFrame, ms1, type BlockingEvent } from './events.ts'
import { Heartbeat, type LoopClock, type LoopDelay, type Stall } from './heartbeat.ts'
import { InFlight } from './in-flight.ts'
import { resolveBlockingOptions, type BlockingOptions, type ResolvedBlockingOptions } from './options.ts'
import { installTripwires, type TripwireMode } from './tripwires.ts'
import { Watchdog, type StackSample } from './watchdog.ts'

// The constructor's parameter types, importable from here as before the split.
export type { BlockingOptions } from './options.ts'
export type { LoopClock } from './heartbeat.ts'

export interface BlockingSnapshot {
  events: readonly BlockingEvent[]
  totalEvents: number
  thresholdMs: number
  loopDelay: LoopDelay
  /**
   * Stalls of at least the threshold that were not blocks: the loop thread was runnable but
   * waited for a CPU (more runnable threads than cores, e.g. CPU-bound workers). Not events —
   * no code held the loop — but worth knowing: the loop's latency suffers all the same.
   */
  starved: { count: number; totalMs: number }
}

export class BlockingMonitor {
  readonly thresholdMs: number
  readonly tripwireMode: TripwireMode
  readonly endpoint: string | undefined
  readonly switchable: boolean
  readonly #opts: ResolvedBlockingOptions
  readonly #index: HandlerIndex
  readonly #events: EventLog
  readonly #inFlight: InFlight
  readonly #heartbeat: Heartbeat
  readonly #watchdog: Watchdog
  readonly #log: Logger
  #uninstall: (() => void) | undefined
  /** The event each recent stall was attributed to, by the heartbeat value when it began. */
  readonly #byStall = new Map<number, BlockingEvent>()

  /** `clock`: the loop thread's scheduler clock; tests pass a scripted one. Throws on invalid options. */
  constructor(routes: readonly CompiledRoute[], logger: Logger, options: BlockingOptions = {}, clock: () => LoopClock | undefined = () => ThreadClock.open()) {
    const o = resolveBlockingOptions(options)
    this.#opts = o
    this.thresholdMs = o.thresholdMs
    this.tripwireMode = o.tripwires
    this.endpoint = o.endpoint
    this.switchable = o.switchable
    this.#log = logger
    this.#index = new HandlerIndex(routes)
    this.#events = new EventLog(o.maxEvents, logger)
    this.#inFlight = new InFlight(routes, o.thresholdMs, this.#events, logger)
    this.#heartbeat = new Heartbeat(o.thresholdMs, clock, (stall) => this.#onStall(stall))
    this.#watchdog = new Watchdog(logger)
  }

  get enabled(): boolean {
    return this.#opts.enabled
  }

  async start(): Promise<void> {
    if (!this.#opts.enabled) return
    if (this.#opts.tripwires !== 'off') this.#uninstall = installTripwires(this)
    if (this.#opts.watchdog) await this.#watchdog.start(this.#heartbeat.buffer, this.thresholdMs, (m) => this.#onSample(m))
  }

  /**
   * Start watching the loop. Called once the app is ready to serve: start-up (module loading,
   * starting workers) blocks the loop by nature and is not what the events are for.
   */
  arm(): void {
    if (!this.#opts.enabled) return
    this.#armedAt = Date.now()
    this.#heartbeat.start()
  }

  /** When `arm` ran (epoch ms): stalls in the first seconds after, with no request on the loop, are the start-up's. */
  #armedAt = 0

  async stop(): Promise<void> {
    this.#heartbeat.stop()
    this.#uninstall?.()
    this.#uninstall = undefined
    await this.#watchdog.stop()
  }

  // -- what the server tells the monitor --------------------------------------------------

  /** A loop-side (async or inline) request starts running handler code. */
  enter(route: CompiledRoute): void {
    this.#inFlight.enter(route)
  }

  leave(route: CompiledRoute): void {
    this.#inFlight.leave(route)
  }

  /** A handler's synchronous part (up to its first `await`, or all of an inline handler) took `ms`. */
  handlerSegment(route: CompiledRoute, ms: number): void {
    this.#inFlight.handlerSegment(route, ms)
  }

  // -- tripwires ----------------------------------------------------------------------------

  active(): boolean {
    return this.#inFlight.active()
  }

  #pendingTrip: { api: string; route: CompiledRoute | undefined; stack: string[] } | undefined

  tripped(api: string, stack: string): void {
    const handler = this.#index.fromStack(stack)
    const route = handler ?? this.#inFlight.only()
    const site = callSite(stack)
    // Refuse only when a handler is on the stack: a clear culprit, not some unrelated callback.
    if (this.#opts.tripwires === 'throw' && handler !== undefined) {
      throw new HttpError('UNB_ERR_BLOCKING_CALL', [api, route?.id ?? 'a handler', site[0] ?? 'unknown'])
    }
    this.#pendingTrip = { api, route, stack: site }
  }

  finished(api: string, ms: number): void {
    const p = this.#pendingTrip
    this.#pendingTrip = undefined
    if (p === undefined || p.api !== api) return
    const event: BlockingEvent = { source: 'tripwire', api, route: p.route?.path ?? null, handler: p.route?.id ?? null, ms: ms1(ms), stack: p.stack, at: new Date().toISOString() }
    this.#events.record(event, `${api} called on the event loop${p.route ? ` by ${p.route.id}` : ''} (${ms1(ms)} ms) at ${p.stack[0] ?? 'unknown'}`)
  }

  // -- stalls and stack samples -----------------------------------------------------------

  /** The heartbeat saw the loop blocked: an event, unless a handler timing or a tripwire already made one. */
  #onStall(stall: Stall): void {
    if (this.#startUp(stall)) return
    if (this.#events.lastAt >= stall.since) {
      // Already attributed by a handler timing or a tripwire during this stall.
      const last = this.#events.last()
      if (last !== undefined) this.#byStall.set(stall.since, last)
    } else {
      const only = this.#inFlight.only()
      const candidates = only === undefined ? this.#inFlight.candidates() : undefined
      const event: BlockingEvent = {
        source: 'heartbeat',
        route: only?.path ?? null,
        handler: only?.id ?? null,
        ms: stall.ms,
        ...(stall.waitedMs >= 1 && { waitedMs: ms1(stall.waitedMs) }),
        ...(candidates && { candidates }),
        at: new Date(stall.at).toISOString(),
      }
      this.#events.record(event)
      this.#byStall.set(stall.since, event)
    }
    if (this.#byStall.size > 16) this.#byStall.delete(this.#byStall.keys().next().value as number)
  }

  /**
   * A stall in the first seconds after the app started listening, while no request ran on the
   * loop: the start-up settling (workers finishing their boot compete for the CPU), not a handler
   * blocking. Logged once as such, at info, and kept out of the events (measured: a 1,037 ms stall
   * right after listening, 975 ms of it waiting for a CPU, reported as "event loop blocked").
   */
  #startUp(stall: Stall): boolean {
    if (stall.since - this.#armedAt >= this.#opts.startupGraceMs || this.#inFlight.active()) return false
    const waited = Number.isFinite(stall.waitedMs) && stall.waitedMs >= 1 ? `, ${ms1(stall.waitedMs)} ms of it waiting for a CPU` : ''
    this.#log.info({ startUpStall: { ms: stall.ms, waitedMs: stall.waitedMs, at: new Date(stall.at).toISOString() } }, `the event loop stalled ${stall.ms} ms while the app was starting${waited}, with no request in progress; not counted as a blocking event`)
    return true
  }

  /** The watchdog's stack for a stall: added to its event, and naming the handler a heartbeat event could not. */
  #onSample(m: StackSample): void {
    const event = this.#byStall.get(m.stalledSince)
    if (event === undefined) return // a stall shorter than the heartbeat could confirm
    const route = this.#index.fromFrames(m.frames)
    if (event.stack === undefined) event.stack = m.frames.map(formatFrame)
    if (route !== undefined && event.source === 'heartbeat') {
      event.route = route.path
      event.handler = route.id
      delete event.candidates
    }
    this.#log.warn({ blocking: event }, `stack sampled while the event loop was blocked${route ? ` in ${route.id}` : ''}`)
  }

  snapshot(): BlockingSnapshot {
    return {
      events: this.#events.list(),
      totalEvents: this.#events.total,
      thresholdMs: this.thresholdMs,
      loopDelay: this.#heartbeat.loopDelay(),
      starved: this.#heartbeat.starved(),
    }
  }
}
