/**
 * A process-wide pool of slots with a *blocking* acquire: the contract's stand-in for a sync
 * driver's connection pool (`/resources/sync/pool`, contract v2). The count of free slots lives in
 * shared memory, so a piscina worker can take a slot (see ../fastify-piscina/worker-v2.mjs, which
 * implements the same acquire over `buffer`) and the loop can return it. An acquire that waits on
 * the event loop blocks the loop: that is what a blocking pool does there.
 */

/** The contract's pool: 4 slots, and an acquire that gives up after 2 s (the endpoint then answers 503). */
export const POOL_SLOTS = 4
export const ACQUIRE_TIMEOUT_MS = 2000

export class SlotPool {
  /** The free-slot count (one Int32), to hand to threads that acquire from the same pool. */
  readonly buffer: SharedArrayBuffer
  readonly #free: Int32Array

  constructor(size: number = POOL_SLOTS) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be a positive integer, got ${size}`)
    this.buffer = new SharedArrayBuffer(4)
    this.#free = new Int32Array(this.buffer)
    Atomics.store(this.#free, 0, size)
  }

  /** Take a slot, blocking the calling thread up to `timeoutMs`; false when none came free in time. */
  acquire(timeoutMs: number = ACQUIRE_TIMEOUT_MS): boolean {
    const deadline = performance.now() + timeoutMs
    // Bounded by the deadline: each pass either takes a slot, loses a race and retries, or waits.
    for (;;) {
      const free = Atomics.load(this.#free, 0)
      if (free > 0) {
        if (Atomics.compareExchange(this.#free, 0, free, free - 1) === free) return true
        continue
      }
      const left = deadline - performance.now()
      if (left <= 0) return false
      Atomics.wait(this.#free, 0, 0, left)
    }
  }

  /** Return a slot and wake one waiter (on any thread). */
  release(): void {
    Atomics.add(this.#free, 0, 1)
    Atomics.notify(this.#free, 0, 1)
  }

  /** Free slots now (for tests and diagnostics). */
  get free(): number {
    return Atomics.load(this.#free, 0)
  }
}
