/**
 * When the blocking lane starts another worker. piscina starts one for every call that finds no
 * idle worker — and, when a worker frees up while two calls wait, keeps starting them until
 * `maxThreads` — so in a process seconds old a burst of 50 quick sync calls (a route not yet
 * promoted to the fast lane) started 14 workers at ~0.26 s of CPU each on the cores the event loop
 * needs: json-sync fell to 0.60× of the build before the lean start (measured; see the README).
 *
 * So calls wait here, not in piscina, and go to piscina only when one of its ready workers is
 * idle; the lane grows only when calls starve: the oldest waiting call has waited `growAfterMs`,
 * and more calls wait than workers are starting. Quick calls drain the queue before that. Handlers
 * that block (a sleep, blocking I/O) hold their workers, the queue stalls, and the lane grows — one
 * worker per `growAfterMs` at most, like the .NET thread pool's starvation-driven thread
 * injection, so a burst of blocking calls still reaches `maxThreads` within a fraction of a
 * second. Written here because piscina has no growth policy to configure.
 */
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
}

/** The longest pause between attempts while started workers die before taking calls, ms. */
const MAX_BACKOFF_MS = 5_000

interface Waiting {
  readonly send: () => Promise<unknown>
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
  /** Calls handed to the workers and not settled: each is on a worker of its own. */
  #running = 0
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
  submit<T>(send: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed)
    if (signal?.aborted) return Promise.reject(abortError())
    if (this.#waiting.length === 0 && this.#running < this.#ready.size) return this.#start(send)
    if (this.#waiting.length >= this.#o.maxQueue + Math.max(0, this.#o.maxThreads - this.#ready.size)) return Promise.reject(queueAtLimit())
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.#waiting.indexOf(entry)
        if (i >= 0) this.#waiting.splice(i, 1)
        if (this.#waiting.length === 0) this.#clearTimer()
        reject(abortError())
      }
      const entry: Waiting = { send, since: performance.now(), resolve: resolve as (v: unknown) => void, reject, signal, onAbort }
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

  #start<T>(send: () => Promise<T>): Promise<T> {
    this.#running++
    const p = send()
    const settled = (): void => {
      this.#running--
      this.#pump()
    }
    p.then(settled, settled)
    return p
  }

  /** Hand waiting calls to idle ready workers. */
  #pump(): void {
    while (this.#running < this.#ready.size && this.#waiting.length > 0) {
      const w = this.#waiting.shift() as Waiting
      w.signal?.removeEventListener('abort', w.onAbort)
      this.#start(w.send).then(w.resolve, w.reject)
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

  #interval(): number {
    return Math.max(this.#o.growAfterMs, this.#backoffMs)
  }

  /** Check for starvation when the oldest waiting call will have waited `growAfterMs`, and the last growth is as old. */
  #schedule(): void {
    if (this.#timer !== undefined || !this.#mayGrow()) return
    const head = this.#waiting[0] as Waiting
    const due = Math.max(head.since + this.#o.growAfterMs, this.#grewAt + this.#interval()) - performance.now()
    this.#timer = setTimeout(() => this.#check(), Math.max(0, due))
    // A waiting call keeps its request's socket, hence the process, alive; the timer need not.
    this.#timer.unref()
  }

  #check(): void {
    this.#timer = undefined
    const head = this.#waiting[0]
    if (head === undefined || !this.#mayGrow()) return
    const now = performance.now()
    if (now - head.since >= this.#o.growAfterMs && now - this.#grewAt >= this.#interval()) {
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
