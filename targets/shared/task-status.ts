/**
 * What `POST /background/sync` and `/work/{mode}` record (contract v2), read back by
 * `/background/status` and `/work/status`. Keys come from clients, so each store keeps only its
 * newest `MAX_KEYS` keys: a long run cannot grow a target without bound.
 */

export const MAX_KEYS = 10_000

/** A Map that forgets its oldest key beyond `MAX_KEYS` (Maps iterate in insertion order). */
class RecentMap<V> {
  readonly #map = new Map<string, V>()
  set(key: string, value: V): void {
    this.#map.delete(key)
    this.#map.set(key, value)
    if (this.#map.size > MAX_KEYS) this.#map.delete(this.#map.keys().next().value as string)
  }
  get(key: string): V | undefined {
    return this.#map.get(key)
  }
}

export type BackgroundState = 'pending' | 'done'

/** Background tasks by key: `pending` when scheduled, `done` when the task has run. */
export class BackgroundTasks {
  readonly #states = new RecentMap<BackgroundState>()
  pending(key: string): void {
    this.#states.set(key, 'pending')
  }
  done(key: string): void {
    this.#states.set(key, 'done')
  }
  /** undefined for a key never scheduled (or forgotten). */
  state(key: string): BackgroundState | undefined {
    return this.#states.get(key)
  }
}

export type WorkState = 'running' | 'done' | 'cancelled'
export interface WorkStatus {
  readonly state: WorkState
  readonly steps: number
}

/**
 * One `/work/{mode}` request's progress. Steps are counted in shared memory so a worker thread
 * can count them (`steps.buffer` travels to it) while the loop answers `/work/status`.
 */
export class WorkRecord {
  readonly steps = new Int32Array(new SharedArrayBuffer(4))
  #state: WorkState = 'running'
  step(): void {
    Atomics.add(this.steps, 0, 1)
  }
  finish(state: Exclude<WorkState, 'running'>): void {
    this.#state = state
  }
  status(): WorkStatus {
    return { state: this.#state, steps: Atomics.load(this.steps, 0) }
  }
}

export class WorkLog {
  readonly #records = new RecentMap<WorkRecord>()
  /** A new record under `key` (replacing an older one with that key). */
  begin(key: string): WorkRecord {
    const record = new WorkRecord()
    this.#records.set(key, record)
    return record
  }
  status(key: string): WorkStatus | undefined {
    return this.#records.get(key)?.status()
  }
}
