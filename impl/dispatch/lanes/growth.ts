/**
 * When the blocking lane starts another worker. piscina starts one for every call that finds no
 * idle worker — and, when a worker frees up while two calls wait, keeps starting them until
 * `maxThreads` — so in a process seconds old a burst of 50 quick sync calls (a route not yet
 * promoted to the fast lane) started 14 workers at ~0.26 s of CPU each on the cores the event loop
 * needs: json-sync fell to 0.60× of the build before the lean start (measured; see the README).
 *
 * So calls wait here, not in piscina, and go to piscina only when one of its ready workers is
 * idle; the lane grows only when calls starve: the oldest waiting call has waited `growAfterMs`.
 * Quick calls drain the queue before that. Handlers that block (a sleep, blocking I/O) hold their
 * workers, the queue stalls, and the lane grows — one worker per `growAfterMs` at most, like the
 * .NET thread pool's starvation-driven thread injection, so a burst of blocking calls still
 * reaches `maxThreads` within a fraction of a second. Written here because piscina has no growth
 * policy to configure.
 */
import { abortError, queueAtLimit } from './workers.ts'

/** What the gate needs from the lane's workers. */
export interface GrowableWorkers {
  /** Workers that exist, starting ones included. */
  readonly threads: number
  /** Start one more worker; it reports itself through `GrowthGate.ready` once it takes calls. */
  grow(): void
}

export interface GrowthOptions {
  readonly maxThreads: number
  /** Calls waiting here beyond this many are refused (piscina's message for it, so the pool answers 503). */
  readonly maxQueue: number
  /** How long the oldest waiting call waits before the lane grows by one worker, ms. */
  readonly growAfterMs: number
}

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
  /** When the lane last grew (performance.now()): it grows again only `growAfterMs` later. */
  #grewAt = -Infinity
  #grown = 0

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
    this.#ready.add(id)
    this.#pump()
  }

  /** A worker is gone (retired when idle, terminated, crashed). */
  gone(id: number): void {
    this.#ready.delete(id)
  }

  /** Run `send` (which hands one call to a worker) as soon as a ready worker is idle. */
  submit<T>(send: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortError())
    if (this.#waiting.length === 0 && this.#running < this.#ready.size) return this.#start(send)
    if (this.#waiting.length >= this.#o.maxQueue) return Promise.reject(queueAtLimit())
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.#waiting.indexOf(entry)
        if (i >= 0) this.#waiting.splice(i, 1)
        reject(abortError())
      }
      const entry: Waiting = { send, since: performance.now(), resolve: resolve as (v: unknown) => void, reject, signal, onAbort }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#waiting.push(entry)
      this.#schedule()
    })
  }

  /** Refuse every waiting call with `err` (the lane is being destroyed). */
  abandon(err: Error): void {
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
  }

  /** Check for starvation when the oldest waiting call will have waited `growAfterMs`, and the last growth is as old. */
  #schedule(): void {
    if (this.#timer !== undefined || this.#waiting.length === 0) return
    const head = this.#waiting[0] as Waiting
    const due = Math.max(head.since, this.#grewAt) + this.#o.growAfterMs - performance.now()
    // At maxThreads the lane cannot grow now, but may once a worker is gone: look again later, not at once.
    const atMost = this.#workers.threads >= this.#o.maxThreads ? Math.max(this.#o.growAfterMs, 1) : 0
    this.#timer = setTimeout(() => this.#check(), Math.max(due, atMost, 0))
    // A waiting call keeps its request's socket, hence the process, alive; the timer need not.
    this.#timer.unref()
  }

  #check(): void {
    this.#timer = undefined
    const head = this.#waiting[0]
    if (head === undefined) return
    const now = performance.now()
    if (now - Math.max(head.since, this.#grewAt) >= this.#o.growAfterMs && this.#workers.threads < this.#o.maxThreads) {
      this.#grewAt = now
      this.#grown++
      this.#workers.grow()
    }
    this.#schedule()
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }
}
