/**
 * Blocking detection for the loop side of an app, cheap enough to leave on:
 * - an event-loop delay histogram (`perf_hooks.monitorEventLoopDelay`), always on;
 * - a heartbeat timer that notices when the loop was blocked longer than the threshold;
 * - a watchdog thread that, while the loop is blocked, pauses it through the inspector and
 *   reads the stack at the blocking call — which names the handler even when it blocks after
 *   an `await` (no async_hooks: on this project's machine they cost 15–45% of throughput);
 * - timing of each loop-side handler's synchronous part (exact attribution before the first
 *   `await`, and the runtime warning for `@inline` handlers);
 * - sync-API tripwires (see tripwires.ts).
 */
import { readlinkSync } from 'node:fs'
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import { HttpError, UnblockedError } from '../errors.ts'
import type { Logger } from '../log.ts'
import type { CompiledRoute } from '../routing/compile.ts'
import { callSite, HandlerIndex } from './attribution.ts'
import { EventRing, formatFrame, type BlockingEvent, type StackFrame } from './events.ts'
import { installTripwires, type TripwireMode } from './tripwires.ts'
import { ThreadClock, type ThreadTimes } from '../shared/thread-clock.ts'

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
  /** Serve `{events, loopDelay}` at this path (GET), e.g. `/diagnostics/blocking`. @default undefined (not served) */
  endpoint?: string
  /**
   * Also accept `PUT <endpoint>` with `{"enabled": false | true}` to switch detection off and on
   * while the server runs. For measuring what detection costs within one process (two processes
   * of the same code differ by more than that cost on a shared machine). Leave it off in
   * production: whoever can reach the endpoint could switch detection off. @default false
   */
  switchable?: boolean
}

export interface BlockingSnapshot {
  events: readonly BlockingEvent[]
  totalEvents: number
  thresholdMs: number
  loopDelay: { p50: number; p99: number; max: number; mean: number }
  /**
   * Stalls of at least the threshold that were not blocks: the loop thread was runnable but
   * waited for a CPU (more runnable threads than cores, e.g. CPU-bound workers). Not events —
   * no code held the loop — but worth knowing: the loop's latency suffers all the same.
   */
  starved: { count: number; totalMs: number }
}

const HEARTBEAT_MS = 10

/** What the monitor needs of a thread clock. */
export interface LoopClock {
  read(): ThreadTimes | undefined
  close(): void
}

/** The loop thread's schedstat file as another thread can open it (`/proc/thread-self` names the reader). */
function loopSchedstatPath(): string | undefined {
  try {
    return `/proc/${readlinkSync('/proc/thread-self')}/schedstat`
  } catch {
    return undefined
  }
}
const ms1 = (x: number): number => Math.round(x * 10) / 10

export class BlockingMonitor {
  readonly thresholdMs: number
  readonly tripwireMode: TripwireMode
  readonly endpoint: string | undefined
  readonly switchable: boolean
  readonly #opts: Required<Omit<BlockingOptions, 'endpoint' | 'switchable'>>
  readonly #log: Logger
  readonly #index: HandlerIndex
  readonly #ring: EventRing
  readonly #routes: readonly CompiledRoute[]
  /** Loop-side requests in flight, by route index: counters, not a map — this runs on every request. */
  readonly #activeBy: Int32Array
  /** Routes with at least one request in flight. */
  #activeRoutes = 0
  #activeCount = 0
  #histogram: IntervalHistogram | undefined
  #heartbeat: NodeJS.Timeout | undefined
  /** [0]: the last heartbeat (epoch ms); [1]: the loop thread's run-queue wait then (ms; NaN without a clock), read by the watchdog too. */
  #beatBuffer = new SharedArrayBuffer(16)
  #beat = new Float64Array(this.#beatBuffer)
  #lastBeat = 0
  /** The loop thread's scheduler clock (Linux), to tell a blocked loop from one waiting for a CPU. */
  readonly #openClock: () => LoopClock | undefined
  #clock: LoopClock | undefined
  readonly #starved = { count: 0, totalMs: 0 }
  #watchdog: Worker | undefined
  #uninstall: (() => void) | undefined
  /** The event each recent stall was attributed to, by the heartbeat value when it began. */
  readonly #byStall = new Map<number, BlockingEvent>()
  #lastEventAt = 0
  #inlineWarned = new Set<CompiledRoute>()

  /** `clock`: the loop thread's scheduler clock; tests pass a scripted one. */
  constructor(routes: readonly CompiledRoute[], logger: Logger, options: BlockingOptions = {}, clock: () => LoopClock | undefined = () => ThreadClock.open()) {
    this.#openClock = clock
    const thresholdMs = options.thresholdMs ?? 50
    if (!(thresholdMs > 0)) throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`options.blocking.thresholdMs must be a positive number, got ${thresholdMs}`])
    const maxEvents = options.maxEvents ?? 100
    if (!Number.isInteger(maxEvents) || maxEvents < 1) throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`options.blocking.maxEvents must be a positive integer, got ${maxEvents}`])
    const tripwires = options.tripwires ?? 'warn'
    if (!['off', 'warn', 'throw'].includes(tripwires)) throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`options.blocking.tripwires must be 'off', 'warn' or 'throw', got ${String(tripwires)}`])
    this.#opts = { enabled: options.enabled ?? true, thresholdMs, tripwires, maxEvents, watchdog: options.watchdog ?? true }
    this.thresholdMs = thresholdMs
    this.tripwireMode = tripwires
    this.endpoint = options.endpoint
    if (options.switchable === true && options.endpoint === undefined) throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', ['options.blocking.switchable needs options.blocking.endpoint (it is switched there)'])
    this.switchable = options.switchable === true
    this.#log = logger
    this.#index = new HandlerIndex(routes)
    this.#routes = routes
    this.#activeBy = new Int32Array(routes.length)
    this.#ring = new EventRing(maxEvents)
  }

  get enabled(): boolean {
    return this.#opts.enabled
  }

  async start(): Promise<void> {
    if (!this.#opts.enabled) return
    if (this.#opts.tripwires !== 'off') this.#uninstall = installTripwires(this)
    if (this.#opts.watchdog) await this.#startWatchdog()
  }

  /**
   * Start watching the loop. Called once the app is ready to serve: start-up (module loading,
   * starting workers) blocks the loop by nature and is not what the events are for.
   */
  arm(): void {
    if (!this.#opts.enabled || this.#heartbeat !== undefined) return
    this.#histogram = monitorEventLoopDelay({ resolution: 10 })
    this.#histogram.enable()
    this.#clock ??= this.#openClock()
    this.#lastBeat = Date.now()
    this.#beat[1] = this.#clock?.read()?.waitMs ?? Number.NaN
    this.#beat[0] = this.#lastBeat
    this.#heartbeat = setInterval(() => this.#onBeat(), HEARTBEAT_MS)
    this.#heartbeat.unref()
  }

  async #startWatchdog(): Promise<void> {
    const w = new Worker(new URL('./watchdog-worker.mjs', import.meta.url), {
      workerData: { buffer: this.#beatBuffer, thresholdMs: this.thresholdMs, maxFrames: 16, loopSchedstat: loopSchedstatPath() },
    })
    this.#watchdog = w
    await new Promise<void>((resolve, reject) => {
      w.once('message', () => resolve())
      w.once('error', reject)
    })
    w.on('message', (m: { stalledSince: number; frames: StackFrame[] }) => this.#onSample(m))
    w.on('error', (err) => this.#log.warn({ err }, 'blocking watchdog failed; stacks are no longer sampled'))
    w.unref()
  }

  async stop(): Promise<void> {
    clearInterval(this.#heartbeat)
    this.#heartbeat = undefined
    this.#histogram?.disable()
    this.#clock?.close()
    this.#clock = undefined
    this.#uninstall?.()
    this.#uninstall = undefined
    await this.#watchdog?.terminate()
    this.#watchdog = undefined
  }

  // -- what the server tells the monitor --------------------------------------------------

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

  /** The routes with requests in flight on the loop (only read when something went wrong). */
  #inFlight(): CompiledRoute[] {
    return this.#routes.filter((r) => (this.#activeBy[r.index] ?? 0) > 0)
  }

  /** A handler's synchronous part (up to its first `await`, or all of an inline handler) took `ms`. */
  handlerSegment(route: CompiledRoute, ms: number): void {
    if (ms < this.thresholdMs) return
    const last = this.#ring.list().at(-1)
    const tripwireCoversIt = last?.source === 'tripwire' && last.handler === route.id && this.#lastEventAt >= Date.now() - ms
    if (!tripwireCoversIt) this.#record({ source: 'handler', route: route.path, handler: route.id, ms: ms1(ms), at: new Date().toISOString() })
    if (route.kind === 'inline' && !this.#inlineWarned.has(route)) {
      this.#inlineWarned.add(route)
      this.#log.warn(
        { route: route.path, handler: route.id, ms: ms1(ms), thresholdMs: this.thresholdMs },
        `@inline handler ${route.id} ran ${ms1(ms)} ms on the event loop; remove @inline so it runs in the worker pool`,
      )
    }
  }

  // -- tripwires ----------------------------------------------------------------------------

  active(): boolean {
    return this.#activeCount > 0
  }

  #pendingTrip: { api: string; route: CompiledRoute | undefined; stack: string[] } | undefined

  tripped(api: string, stack: string): void {
    const handler = this.#index.fromStack(stack)
    const route = handler ?? this.#onlyActive()
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
    this.#record(event, `${api} called on the event loop${p.route ? ` by ${p.route.id}` : ''} (${ms1(ms)} ms) at ${p.stack[0] ?? 'unknown'}`)
  }

  // -- heartbeat and watchdog -------------------------------------------------------------

  #onBeat(): void {
    const now = Date.now()
    const prev = this.#lastBeat
    const wait = this.#clock?.read()?.waitMs ?? Number.NaN
    const waited = wait - (this.#beat[1] as number)
    this.#lastBeat = now
    this.#beat[1] = wait
    this.#beat[0] = now
    const stalled = now - prev - HEARTBEAT_MS
    if (stalled < this.thresholdMs) return
    // Runnable but not running is not blocked: on a busy machine the loop thread can wait for a
    // CPU longer than the threshold while no code holds it (seen under CPU-bound pool load).
    if (waited > 0 && stalled - waited < this.thresholdMs) {
      this.#starved.count++
      this.#starved.totalMs += stalled
      return
    }
    if (this.#lastEventAt >= prev) {
      // Already attributed by a handler timing or a tripwire during this stall.
      const last = this.#ring.list().at(-1)
      if (last !== undefined) this.#byStall.set(prev, last)
    } else {
      const only = this.#onlyActive()
      const candidates = only === undefined && this.#activeRoutes > 1 ? this.#inFlight().map((r) => r.id) : undefined
      const event: BlockingEvent = {
        source: 'heartbeat',
        route: only?.path ?? null,
        handler: only?.id ?? null,
        ms: stalled,
        ...(waited >= 1 && { waitedMs: ms1(waited) }),
        ...(candidates && { candidates }),
        at: new Date(now).toISOString(),
      }
      this.#record(event)
      this.#byStall.set(prev, event)
    }
    if (this.#byStall.size > 16) this.#byStall.delete(this.#byStall.keys().next().value as number)
  }

  #onSample(m: { stalledSince: number; frames: StackFrame[] }): void {
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

  #onlyActive(): CompiledRoute | undefined {
    return this.#activeRoutes === 1 ? this.#inFlight()[0] : undefined
  }

  #record(event: BlockingEvent, message?: string): void {
    this.#lastEventAt = Date.now()
    this.#ring.push(event)
    this.#log.warn({ blocking: event }, message ?? `event loop blocked ${event.ms} ms${event.handler ? ` by ${event.handler}` : ''}`)
  }

  snapshot(): BlockingSnapshot {
    const h = this.#histogram
    const ms = (ns: number): number => ms1(ns / 1e6)
    return {
      events: this.#ring.list(),
      totalEvents: this.#ring.total,
      thresholdMs: this.thresholdMs,
      loopDelay: h && h.count > 0 ? { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) } : { p50: 0, p99: 0, max: 0, mean: 0 },
      starved: { count: this.#starved.count, totalMs: ms1(this.#starved.totalMs) },
    }
  }
}
