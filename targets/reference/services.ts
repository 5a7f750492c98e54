/** Services of the reference target, one per DI scope, plus the shared counters. */
import { defineInjectable, injectable, SharedMemory, sleepSync, type Mutex, type SharedInt } from '../../impl/index.ts'

/**
 * A process-wide counter: the cell lives in shared memory, so every worker and the loop see one
 * value, and the increment holds a shared mutex. Singleton per thread; all instances point at the
 * same cells.
 */
@injectable({ deps: [SharedMemory] })
export class LockedCounter {
  readonly #n: SharedInt
  readonly #lock: Mutex

  constructor(mem: SharedMemory) {
    this.#n = mem.int('counter.locked')
    this.#lock = mem.mutex('counter.locked.lock')
  }

  increment(): number {
    return this.#lock.withLock(() => {
      const next = this.#n.load() + 1
      this.#n.store(next)
      return next
    })
  }

  read(): number {
    return this.#n.load()
  }

  reset(): void {
    this.#lock.withLock(() => this.#n.store(0))
  }
}

/**
 * The same kind of shared cell without the lock, and with a 1 ms window between read and write:
 * when sync handlers really run in parallel, concurrent increments overwrite each other.
 */
@injectable({ deps: [SharedMemory] })
export class UnsafeCounter {
  readonly #n: SharedInt

  constructor(mem: SharedMemory) {
    this.#n = mem.int('counter.unsafe')
  }

  increment(): number {
    const seen = this.#n.load()
    sleepSync(1)
    this.#n.store(seen + 1)
    return seen + 1
  }

  read(): number {
    return this.#n.load()
  }

  reset(): void {
    this.#n.store(0)
  }
}

/**
 * One instance per request: every resolution within a request gets this same object. This one
 * and `Stamp` are declared without decorators (`defineInjectable`), as plain JavaScript would.
 */
export class TagStore {
  tag = ''
}

defineInjectable(TagStore, { scope: 'request' })

/** A new instance at every resolution. */
export class Stamp {}

defineInjectable(Stamp, { scope: 'transient' })
