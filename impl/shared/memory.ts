/**
 * One shared memory region per app, created on the loop and handed to every worker through
 * `workerData`. Services allocate named cells from it; the same name gives the same cells in
 * every thread, whatever order threads allocate in, because the name directory lives in the
 * shared memory itself and is guarded by a mutex in cell 0.
 *
 * Layout (Int32 cells): [0] directory lock, [1] next free cell, [2] entry count,
 * then MAX_ENTRIES directory entries, then the data cells.
 */
import { UnblockedError } from '../errors.ts'
import { Mutex, SharedInt } from './mutex.ts'

const HEADER = 3
const MAX_NAME_BYTES = 64
const ENTRY_CELLS = 3 + MAX_NAME_BYTES / 4 // offset, length, name byte length, name bytes
const MAX_ENTRIES = 256
const DATA_START = HEADER + MAX_ENTRIES * ENTRY_CELLS

/** @default 64 KiB of data cells beyond the directory. */
export const DEFAULT_SHARED_BYTES = 64 * 1024

export class SharedMemory {
  readonly buffer: SharedArrayBuffer
  readonly #cells: Int32Array
  readonly #dirLock: Mutex
  readonly #cache = new Map<string, { index: number; count: number }>()

  /** Wrap an existing region (in a worker) or create one (on the loop). */
  constructor(buffer?: SharedArrayBuffer, dataBytes = DEFAULT_SHARED_BYTES) {
    this.buffer = buffer ?? new SharedArrayBuffer((DATA_START + Math.ceil(dataBytes / 4)) * 4)
    this.#cells = new Int32Array(this.buffer)
    this.#dirLock = new Mutex(this.#cells, 0)
    if (buffer === undefined) Atomics.store(this.#cells, 1, DATA_START)
  }

  /**
   * The index of `count` Int32 cells named `name`, allocated (zeroed) on first use in any thread.
   * Asking for an existing name with a different size is an error.
   */
  allocate(name: string, count: number): number {
    const cached = this.#cache.get(name)
    if (cached !== undefined) {
      if (cached.count !== count) throw new UnblockedError('UNB_ERR_SHARED_CONFLICT', [name, cached.count, count])
      return cached.index
    }
    const bytes = Buffer.from(name, 'utf8')
    if (bytes.length > MAX_NAME_BYTES || bytes.length === 0) {
      throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`shared name must be 1–${MAX_NAME_BYTES} UTF-8 bytes: ${name}`])
    }
    const index = this.#dirLock.withLock(() => this.#findOrAdd(name, bytes, count))
    this.#cache.set(name, { index, count })
    return index
  }

  #findOrAdd(name: string, bytes: Buffer, count: number): number {
    const a = this.#cells
    const n = Atomics.load(a, 2)
    for (let e = 0; e < n; e++) {
      const base = HEADER + e * ENTRY_CELLS
      if (a[base + 2] !== bytes.length) continue
      const stored = Buffer.from(this.buffer, (base + 3) * 4, bytes.length)
      if (!stored.equals(bytes)) continue
      if (a[base + 1] !== count) throw new UnblockedError('UNB_ERR_SHARED_CONFLICT', [name, a[base + 1], count])
      return a[base] as number
    }
    const next = Atomics.load(a, 1)
    if (n >= MAX_ENTRIES || next + count > a.length) {
      throw new UnblockedError('UNB_ERR_SHARED_EXHAUSTED', [name, count * 4])
    }
    const base = HEADER + n * ENTRY_CELLS
    a[base] = next
    a[base + 1] = count
    a[base + 2] = bytes.length
    bytes.copy(Buffer.from(this.buffer, (base + 3) * 4, MAX_NAME_BYTES))
    Atomics.store(a, 1, next + count)
    Atomics.store(a, 2, n + 1) // published last: readers of the count see a complete entry
    return next
  }

  /** A shared integer cell named `name`. */
  int(name: string): SharedInt {
    return new SharedInt(this.#cells, this.allocate(name, 1))
  }

  /** A mutex named `name`; every thread that asks for the name gets the same lock. */
  mutex(name: string): Mutex {
    return new Mutex(this.#cells, this.allocate(name, 1))
  }

  /** Raw shared cells for your own Atomics-based structures. */
  int32(name: string, count: number): Int32Array {
    return new Int32Array(this.buffer, this.allocate(name, count) * 4, count)
  }
}
