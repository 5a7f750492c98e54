/**
 * A mutex and a counter over shared memory, usable from the loop and from every worker.
 *
 * Written by hand because no maintained npm package offers a futex-style lock over a
 * caller-supplied `SharedArrayBuffer` cell (the well-known ones allocate their own buffer, which
 * workers that load the app module independently could not agree on). The algorithm is the
 * three-state mutex from Drepper, "Futexes Are Tricky": 0 free, 1 locked, 2 locked with waiters.
 */

const FREE = 0
const LOCKED = 1
const CONTENDED = 2

export class Mutex {
  readonly #cells: Int32Array
  readonly #i: number

  /** `cells[index]` must be a cell of a `SharedArrayBuffer`-backed `Int32Array`, initially 0. */
  constructor(cells: Int32Array, index: number) {
    this.#cells = cells
    this.#i = index
  }

  /**
   * Acquire, blocking the calling thread while another holds the lock. Fine in workers; on the
   * loop, keep critical sections tiny or use `lockAsync`.
   */
  lock(): void {
    const a = this.#cells
    const i = this.#i
    let c = Atomics.compareExchange(a, i, FREE, LOCKED)
    if (c === FREE) return
    if (c !== CONTENDED) c = Atomics.exchange(a, i, CONTENDED)
    while (c !== FREE) {
      Atomics.wait(a, i, CONTENDED)
      c = Atomics.exchange(a, i, CONTENDED)
    }
  }

  /** Acquire without blocking the event loop (waits with `Atomics.waitAsync`). */
  async lockAsync(): Promise<void> {
    const a = this.#cells
    const i = this.#i
    let c = Atomics.compareExchange(a, i, FREE, LOCKED)
    if (c === FREE) return
    if (c !== CONTENDED) c = Atomics.exchange(a, i, CONTENDED)
    while (c !== FREE) {
      const w = Atomics.waitAsync(a, i, CONTENDED)
      if (w.async) await w.value
      c = Atomics.exchange(a, i, CONTENDED)
    }
  }

  tryLock(): boolean {
    return Atomics.compareExchange(this.#cells, this.#i, FREE, LOCKED) === FREE
  }

  unlock(): void {
    if (Atomics.sub(this.#cells, this.#i, 1) !== LOCKED) {
      Atomics.store(this.#cells, this.#i, FREE)
      Atomics.notify(this.#cells, this.#i, 1)
    }
  }

  /** Run `fn` holding the lock; the lock is released even when `fn` throws. */
  withLock<T>(fn: () => T): T {
    this.lock()
    try {
      return fn()
    } finally {
      this.unlock()
    }
  }
}

/** A 32-bit integer cell in shared memory. `add` is atomic; `load`/`store` are single atomic steps. */
export class SharedInt {
  readonly #cells: Int32Array
  readonly #i: number

  constructor(cells: Int32Array, index: number) {
    this.#cells = cells
    this.#i = index
  }

  load(): number {
    return Atomics.load(this.#cells, this.#i)
  }

  store(value: number): void {
    Atomics.store(this.#cells, this.#i, value)
  }

  /** Atomically add `delta`; returns the new value. */
  add(delta: number): number {
    return Atomics.add(this.#cells, this.#i, delta) + delta
  }
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4))

/**
 * Block the calling thread for `ms` milliseconds without spinning (a sleeping worker holds no
 * core). On the event loop this is exactly the mistake the framework exists to prevent.
 */
export function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(sleepCell, 0, 0, ms)
}
