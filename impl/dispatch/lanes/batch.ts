/**
 * Micro-batching for the fast lane: quick sync calls that arrive during one turn of the event
 * loop travel to a worker as one message, and their results come back as one.
 *
 * Why: for a trivial handler, the handler is not the cost — the messages are. Each piscina task
 * is a structured clone, a MessagePort hop, a wake-up and a promise each way; on one core that was
 * ~40 µs of CPU per request against ~25 µs for the whole async request (measured on this
 * project's machine). Under load the HTTP parser delivers many requests per loop turn, so they
 * can share one message. No library does this for piscina, hence this file.
 *
 * Latency: a call made while nothing is in flight is sent at once, so an idle server pays nothing.
 * Otherwise it waits only until the loop has read this turn's I/O (`setImmediate`), never for a
 * timer. Batches hold only calls measured to be quick, so no call waits long behind its batch.
 */

export interface BatchOptions {
  /**
   * Batches one flush is split into, at most: the fast lane's workers that can run at once, so
   * every core gets a share. A function is asked at every flush (the CPUs a process may use can
   * change while it runs).
   * @default 1
   */
  readonly split?: number | (() => number)
  /**
   * Calls each of those batches keeps at least: a flush is split no further than this, because
   * a message costs more than a few quick calls (on one core a worker message cost ~30 µs of CPU).
   * @default 1
   */
  readonly minBatch?: number
}

interface Waiting<T, R> {
  readonly item: T
  readonly resolve: (r: R) => void
  readonly reject: (err: unknown) => void
}

export class Batcher<T, R> {
  readonly #send: (items: T[]) => Promise<R[]>
  readonly #split: () => number
  readonly #minBatch: number
  #waiting: Waiting<T, R>[] = []
  #scheduled = false
  #inFlight = 0
  /** When each unanswered batch was sent, oldest first. */
  readonly #sentAt = new Set<{ at: number }>()

  /** `send` runs one batch and resolves with one result per item, in order. */
  constructor(send: (items: T[]) => Promise<R[]>, options: BatchOptions = {}) {
    this.#send = send
    const split = options.split ?? 1
    this.#split = typeof split === 'function' ? () => Math.max(1, split()) : () => Math.max(1, split)
    this.#minBatch = Math.max(1, options.minBatch ?? 1)
  }

  /** Calls sent and not yet answered. */
  get inFlight(): number {
    return this.#inFlight
  }

  /** How long the oldest unanswered batch has been out, in ms (0 when none is). */
  get oldestInFlightMs(): number {
    for (const b of this.#sentAt) return performance.now() - b.at
    return 0
  }

  run(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject })
      if (this.#inFlight === 0 && !this.#scheduled) this.#flush()
      else if (!this.#scheduled) {
        this.#scheduled = true
        setImmediate(() => this.#flush())
      }
    })
  }

  #flush(): void {
    this.#scheduled = false
    const all = this.#waiting
    this.#waiting = []
    const parts = Math.max(1, Math.min(this.#split(), Math.floor(all.length / this.#minBatch)))
    const size = Math.ceil(all.length / parts)
    for (let i = 0; i < all.length; i += size) void this.#dispatch(all.slice(i, i + size))
  }

  async #dispatch(batch: Waiting<T, R>[]): Promise<void> {
    this.#inFlight += batch.length
    const sent = { at: performance.now() }
    this.#sentAt.add(sent)
    try {
      const results = await this.#send(batch.map((w) => w.item))
      if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} came back with ${results.length} results`)
      batch.forEach((w, i) => w.resolve(results[i] as R))
    } catch (err) {
      for (const w of batch) w.reject(err)
    } finally {
      this.#inFlight -= batch.length
      this.#sentAt.delete(sent)
    }
  }
}
