/**
 * The loop's heartbeat: an event-loop delay histogram (`perf_hooks.monitorEventLoopDelay`), and a
 * timer that notices when the loop was held longer than the threshold. It tells a blocked loop
 * from a starved one by the loop thread's scheduler clock, and shares each beat with the
 * watchdog thread (watchdog.ts), which samples the stack while a stall is still going on.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'
import type { ThreadTimes } from '../shared/thread-clock.ts'
import { ms1 } from './events.ts'

export const HEARTBEAT_MS = 10

/** What the monitor needs of a thread clock. */
export interface LoopClock {
  read(): ThreadTimes | undefined
  close(): void
}

/** The loop was held: no beat for `ms` beyond the beat interval. */
export interface Stall {
  /** The beat before the stall (epoch ms): the watchdog names the stall it sampled by it. */
  readonly since: number
  /** When the stall ended (epoch ms). */
  readonly at: number
  readonly ms: number
  /** Of `ms`, how long the loop thread was runnable but waiting for a CPU (NaN without a clock). */
  readonly waitedMs: number
}

export interface LoopDelay {
  p50: number
  p99: number
  max: number
  mean: number
}

export class Heartbeat {
  /** [0]: the last heartbeat (epoch ms); [1]: the loop thread's run-queue wait then (ms; NaN without a clock), read by the watchdog too. */
  readonly buffer = new SharedArrayBuffer(16)
  readonly #beat = new Float64Array(this.buffer)
  readonly #thresholdMs: number
  /** The loop thread's scheduler clock (Linux), to tell a blocked loop from one waiting for a CPU. */
  readonly #openClock: () => LoopClock | undefined
  readonly #onStall: (stall: Stall) => void
  #clock: LoopClock | undefined
  #histogram: IntervalHistogram | undefined
  #timer: NodeJS.Timeout | undefined
  #lastBeat = 0
  readonly #starved = { count: 0, totalMs: 0 }

  constructor(thresholdMs: number, openClock: () => LoopClock | undefined, onStall: (stall: Stall) => void) {
    this.#thresholdMs = thresholdMs
    this.#openClock = openClock
    this.#onStall = onStall
  }

  get running(): boolean {
    return this.#timer !== undefined
  }

  start(): void {
    if (this.#timer !== undefined) return
    this.#histogram = monitorEventLoopDelay({ resolution: 10 })
    this.#histogram.enable()
    this.#clock ??= this.#openClock()
    this.#lastBeat = Date.now()
    this.#beat[1] = this.#clock?.read()?.waitMs ?? Number.NaN
    this.#beat[0] = this.#lastBeat
    this.#timer = setInterval(() => this.#onBeat(), HEARTBEAT_MS)
    this.#timer.unref()
  }

  /** Stop beating; the histogram keeps what it saw until the next `start`. */
  stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
    this.#histogram?.disable()
    this.#clock?.close()
    this.#clock = undefined
  }

  #onBeat(): void {
    const now = Date.now()
    const prev = this.#lastBeat
    const wait = this.#clock?.read()?.waitMs ?? Number.NaN
    const waited = wait - (this.#beat[1] as number)
    this.#lastBeat = now
    this.#beat[1] = wait
    this.#beat[0] = now
    const stalled = now - prev - HEARTBEAT_MS
    if (stalled < this.#thresholdMs) return
    // Runnable but not running is not blocked: on a busy machine the loop thread can wait for a
    // CPU longer than the threshold while no code holds it (seen under CPU-bound pool load).
    if (waited > 0 && stalled - waited < this.#thresholdMs) {
      this.#starved.count++
      this.#starved.totalMs += stalled
      return
    }
    this.#onStall({ since: prev, at: now, ms: stalled, waitedMs: waited })
  }

  loopDelay(): LoopDelay {
    const h = this.#histogram
    const ms = (ns: number): number => ms1(ns / 1e6)
    return h && h.count > 0 ? { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) } : { p50: 0, p99: 0, max: 0, mean: 0 }
  }

  /**
   * Stalls of at least the threshold that were not blocks: the loop thread was runnable but
   * waited for a CPU. Not events — no code held the loop.
   */
  starved(): { count: number; totalMs: number } {
    return { count: this.#starved.count, totalMs: ms1(this.#starved.totalMs) }
  }
}
