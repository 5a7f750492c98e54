/**
 * Process-wide resources of the v2 endpoints, in shared memory so every worker and the loop see
 * one pool and one progress table.
 */
import { httpError, injectable, SharedMemory, type Mutex } from '../../impl/index.ts'

/** The slots of `/resources/sync/pool`: 4 for the whole process (the contract's pool). */
export const SLOTS = 4
/** How long a request waits for a slot before it answers 503. */
export const SLOT_WAIT_MS = 2_000

/**
 * A counting semaphore over one shared cell: `acquire` blocks the calling thread (a worker: the
 * endpoint's handler is sync) until a slot is free or the wait times out.
 */
@injectable({ deps: [SharedMemory] })
export class SlotPool {
  readonly #cell: Int32Array

  constructor(mem: SharedMemory) {
    this.#cell = mem.int32('resources.slots', 1)
  }

  acquire(): void {
    const deadline = performance.now() + SLOT_WAIT_MS
    for (;;) {
      const used = Atomics.load(this.#cell, 0)
      if (used < SLOTS) {
        if (Atomics.compareExchange(this.#cell, 0, used, used + 1) === used) return
        continue
      }
      const left = deadline - performance.now()
      if (left <= 0) throw httpError(503, `no pooled resource free within ${SLOT_WAIT_MS} ms`, { 'retry-after': '1' })
      Atomics.wait(this.#cell, 0, used, left)
    }
  }

  release(): void {
    Atomics.sub(this.#cell, 0, 1)
    Atomics.notify(this.#cell, 0, 1)
  }
}

export type WorkState = 'running' | 'done' | 'cancelled'
const STATES: readonly WorkState[] = ['running', 'done', 'cancelled']
/** Keys remembered at once; the oldest is forgotten first. */
const ROWS = 256
/** Per row: key hash, state + 1 (0 = free), steps. */
const ROW_CELLS = 3

/** FNV-1a: a key's 32-bit hash (keys are compared by hash; a collision in 256 rows is negligible). */
function hashOf(key: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
  return h | 0
}

/** Progress of `/work/{mode}` calls by key, readable from any thread (`/work/status` may run anywhere). */
@injectable({ deps: [SharedMemory] })
export class WorkBoard {
  readonly #rows: Int32Array
  readonly #next: Int32Array
  readonly #lock: Mutex

  constructor(mem: SharedMemory) {
    this.#rows = mem.int32('work.rows', ROWS * ROW_CELLS)
    this.#next = mem.int32('work.next', 1)
    this.#lock = mem.mutex('work.lock')
  }

  #find(hash: number): number | undefined {
    for (let r = 0; r < ROWS; r++) if (Atomics.load(this.#rows, r * ROW_CELLS + 1) !== 0 && Atomics.load(this.#rows, r * ROW_CELLS) === hash) return r
    return undefined
  }

  /** Start tracking `key` (forgetting the oldest row when all are taken). */
  start(key: string): number {
    const hash = hashOf(key)
    return this.#lock.withLock(() => {
      const row = this.#find(hash) ?? Atomics.add(this.#next, 0, 1) % ROWS
      Atomics.store(this.#rows, row * ROW_CELLS, hash)
      Atomics.store(this.#rows, row * ROW_CELLS + 2, 0)
      Atomics.store(this.#rows, row * ROW_CELLS + 1, 1)
      return row
    })
  }

  step(row: number): void {
    Atomics.add(this.#rows, row * ROW_CELLS + 2, 1)
  }

  finish(row: number, state: Exclude<WorkState, 'running'>): void {
    Atomics.store(this.#rows, row * ROW_CELLS + 1, STATES.indexOf(state) + 1)
  }

  read(key: string): { state: WorkState; steps: number } | undefined {
    const row = this.#find(hashOf(key))
    if (row === undefined) return undefined
    return { state: STATES[Atomics.load(this.#rows, row * ROW_CELLS + 1) - 1] as WorkState, steps: Atomics.load(this.#rows, row * ROW_CELLS + 2) }
  }
}
