/**
 * When the blocking lane starts another worker. piscina starts one for every call that finds no
 * idle worker — and, when a worker frees up while two calls wait, keeps starting them until
 * `maxThreads` — so in a process seconds old a burst of 50 quick sync calls (a route not yet
 * promoted to the fast lane) started 14 workers at ~0.26 s of CPU each on the cores the event loop
 * needs: json-sync fell to 0.60× of the build before the lean start (measured; see the README).
 *
 * So calls wait here, not in piscina, and go to piscina only when one of its ready workers is
 * idle; the lane grows only when calls starve behind workers that are *held*: the oldest waiting
 * call has waited `growAfterMs`, more calls wait than workers are starting, and the workers are
 * busy with slow calls (the median of the recent calls' handler times is not quick, or every
 * running call has run `blockMs`). Handlers that block (a sleep, blocking I/O) hold their
 * workers, and the lane grows — one worker per `growAfterMs` at most, like the .NET thread pool's
 * starvation-driven thread injection, so a burst of blocking calls reaches `maxThreads` within a
 * fraction of a second. Quick calls do not make it grow even when they queue: on one busy core a
 * queue of quick calls waits for the CPU, not for a worker, and each worker started there took
 * the CPU from the others (measured: 14 req/s for a second while 11 workers started, pinned to
 * one CPU). Written here because piscina has no growth policy to configure.
 */
import { medianOf } from './policy.ts'
import { abortError, queueAtLimit } from './workers.ts'

/** What the gate needs from the lane's workers. */
export interface GrowableWorkers {
  /** Workers that exist, starting ones included. */
  readonly threads: number
  /** Ids of the workers that exist (a worker that has exited has none: Node reports -1). */
  ids(): Iterable<number>
  /** Start one more worker; it reports itself through `GrowthGate.ready` once it takes calls. */
  grow(): void
}

export interface GrowthOptions {
  readonly maxThreads: number
  /**
   * Calls that may wait beyond the workers the lane could still start: with `maxThreads` running,
   * `maxQueue` more wait, as in piscina, and more are refused with piscina's error (503).
   */
  readonly maxQueue: number
  /** How long the oldest waiting call waits before the lane grows by one worker, ms. */
  readonly growAfterMs: number
  /** A call whose handler took less than this is quick, ms (the lane policy's `fastMs`). */
  readonly quickMs: number
  /** A call running this long holds its worker, whatever the others did, ms (the lane policy's `blockMs`). */
  readonly blockMs: number
}

/** How many finished calls the gate remembers for the median of their times. */
const RECENT = 16

/** The longest pause between attempts while started workers die before taking calls, ms. */
const MAX_BACKOFF_MS = 5_000

/** How long a call took, ms, from what its worker answered; undefined: the gate's own clock. */
export type Took<T> = (value: T) => number | undefined

interface Waiting {
  readonly send: () => Promise<unknown>
  readonly took: Took<unknown> | undefined
  readonly since: number
  readonly resolve: (value: unknown) => void
  readonly reject: (err: unknown) => void
  readonly signal: AbortSignal | undefined
  readonly onAbort: () => void
}

export class GrowthGate {
  readonly #o: GrowthOptions
  readonly #workers: GrowableWorkers
  /** Workers ready for calls, by id (piscina's `workerCreate`, until `workerDestroy`). */
  readonly #ready = new Set<number>()
  /** Calls handed to the workers and not settled, with when: each is on a worker of its own. */
  readonly #running = new Set<{ readonly at: number }>()
  /** The last `RECENT` finished calls' times, ms (a ring). */
  readonly #recent: number[] = []
  #nextRecent = 0
  /** When a check last found the workers busy with quick calls: the next is `growAfterMs` later. */
  #quietAt = -Infinity
  readonly #waiting: Waiting[] = []
  #timer: NodeJS.Timeout | undefined
  /** When the lane last grew (performance.now()): it grows again only `#interval()` later. */
  #grewAt = -Infinity
  #grown = 0
  /** Workers this gate started that have not reported ready yet. */
  #unproven = 0
  /** Doubles while started workers die before taking calls (a worker that cannot boot); 0 otherwise. */
  #backoffMs = 0
  /** Set by `abandon`: the lane is destroyed, and calls are refused with this. */
  #closed: Error | undefined

  constructor(workers: GrowableWorkers, options: GrowthOptions) {
    this.#workers = workers
    this.#o = options
  }

  /** Calls waiting for a worker here. */
  get waiting(): number {
    return this.#waiting.length
  }

  /** Workers started because calls starved. */
  get grown(): number {
    return this.#grown
  }

  /** A worker takes calls now (started with the lane, grown, or replacing one that died). */
  ready(id: number): void {
    if (this.#closed !== undefined || this.#ready.has(id)) return
    this.#ready.add(id)
    if (this.#unproven > 0) this.#unproven--
    if (this.#backoffMs > 0) {
      // A worker booted: whatever was armed at the slow pace is re-armed at the usual one (by #pump).
      this.#backoffMs = 0
      this.#clearTimer()
    }
    this.#pump()
  }

  /**
   * A worker is gone (retired when idle, terminated, crashed). A worker that exited reports id -1,
   * so the ready set also keeps only workers that still exist: a stale id would be an idle worker
   * that is not there, and a call sent to it would make piscina start one.
   */
  gone(id: number): void {
    this.#ready.delete(id)
    const live = new Set(this.#workers.ids())
    for (const r of this.#ready) if (!live.has(r)) this.#ready.delete(r)
    // piscina forgets the worker right after this event: look at the count once it has.
    queueMicrotask(() => this.#schedule())
  }

  /** Run `send` (which hands one call to a worker) as soon as a ready worker is idle. */
  /** `took` reads the handler's own time from the answer (a route call's `ms`). */
  submit<T>(send: () => Promise<T>, signal?: AbortSignal, took?: Took<T>): Promise<T> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed)
    if (signal?.aborted) return Promise.reject(abortError())
    if (this.#waiting.length === 0 && this.#running.size < this.#ready.size) return this.#start(send, took)
    if (this.#waiting.length >= this.#o.maxQueue + Math.max(0, this.#o.maxThreads - this.#ready.size)) return Promise.reject(queueAtLimit())
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.#waiting.indexOf(entry)
        if (i >= 0) this.#waiting.splice(i, 1)
        if (this.#waiting.length === 0) this.#clearTimer()
        reject(abortError())
      }
      const entry: Waiting = { send, took: took as Took<unknown> | undefined, since: performance.now(), resolve: resolve as (v: unknown) => void, reject, signal, onAbort }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#waiting.push(entry)
      this.#schedule()
    })
  }

  /** Refuse every waiting call, and every later one, with `err` (the lane is being destroyed). */
  abandon(err: Error): void {
    this.#closed = err
    for (const w of this.#waiting.splice(0)) {
      w.signal?.removeEventListener('abort', w.onAbort)
      w.reject(err)
    }
    this.#clearTimer()
  }

  #start<T>(send: () => Promise<T>, took: Took<T> | undefined): Promise<T> {
    const call = { at: performance.now() }
    this.#running.add(call)
    const p = send()
    p.then(
      (value) => this.#finished(call, took?.(value)),
      () => this.#finished(call, undefined),
    )
    return p
  }

  #finished(call: { readonly at: number }, ms: number | undefined): void {
    this.#running.delete(call)
    this.#recent[this.#nextRecent] = ms ?? performance.now() - call.at
    this.#nextRecent = (this.#nextRecent + 1) % RECENT
    this.#pump()
  }

  /**
   * Whether the workers are held by slow calls, so another worker would take a waiting one sooner:
   * none is busy (calls wait, yet no worker runs one), every running call has run `blockMs`, or
   * the recent calls' median time is not quick.
   */
  #held(now: number): boolean {
    if (this.#running.size === 0) return true
    let youngest = 0
    for (const c of this.#running) youngest = Math.max(youngest, c.at)
    if (now - youngest >= this.#o.blockMs) return true
    if (this.#recent.length === 0) return false
    return medianOf(this.#recent) >= this.#o.quickMs
  }

  /** Hand waiting calls to idle ready workers. */
  #pump(): void {
    while (this.#running.size < this.#ready.size && this.#waiting.length > 0) {
      const w = this.#waiting.shift() as Waiting
      w.signal?.removeEventListener('abort', w.onAbort)
      this.#start(w.send, w.took).then(w.resolve, w.reject)
    }
    if (this.#waiting.length === 0) this.#clearTimer()
    else this.#schedule()
  }

  /** Workers that exist but do not take calls yet. */
  #starting(): number {
    return Math.max(0, this.#workers.threads - this.#ready.size)
  }

  /**
   * Whether another worker would help: calls wait, more of them than workers are starting (each
   * starting one will take a waiting call), and the lane is below `maxThreads`. When not, nothing
   * is armed: a new call, a worker ready or a worker gone looks again.
   */
  #mayGrow(): boolean {
    return this.#closed === undefined && this.#waiting.length > this.#starting() && this.#workers.threads < this.#o.maxThreads
  }

  /**
   * When the lane may grow next: the oldest call has waited `growAfterMs` (counted from the last
   * look that found only quick calls, if later), and the last growth is `#interval()` old.
   */
  #dueAt(head: Waiting): number {
    return Math.max(Math.max(head.since, this.#quietAt) + this.#o.growAfterMs, this.#grewAt + this.#interval())
  }

  #interval(): number {
    return Math.max(this.#o.growAfterMs, this.#backoffMs)
  }

  /** Check for starvation when the oldest waiting call will have waited `growAfterMs`, and the last growth is as old. */
  #schedule(): void {
    if (this.#timer !== undefined || !this.#mayGrow()) return
    const delay = this.#dueAt(this.#waiting[0] as Waiting) - performance.now()
    this.#timer = setTimeout(() => this.#check(), Math.max(0, delay))
    // A waiting call keeps its request's socket, hence the process, alive; the timer need not.
    this.#timer.unref()
  }

  #check(): void {
    this.#timer = undefined
    const head = this.#waiting[0]
    if (head === undefined || !this.#mayGrow()) return
    const now = performance.now()
    if (now >= this.#dueAt(head)) {
      if (!this.#held(now)) {
        // Busy with quick calls: they will drain the queue; look again later.
        this.#quietAt = now
        this.#schedule()
        return
      }
      // Workers this gate started are gone without taking a call: they could not boot. Try
      // again, but ever more slowly, rather than start one every `growAfterMs` for as long as calls wait.
      if (this.#unproven > 0 && this.#starting() === 0) {
        this.#unproven = 0
        this.#backoffMs = Math.min(MAX_BACKOFF_MS, 2 * Math.max(1, this.#backoffMs === 0 ? this.#o.growAfterMs : this.#backoffMs))
      }
      this.#grewAt = now
      this.#grown++
      this.#unproven++
      this.#workers.grow()
    }
    this.#schedule()
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }
}
