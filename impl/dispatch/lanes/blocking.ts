/**
 * The blocking lane: the big pool, one task per worker, so handlers that wait (blocking I/O, a
 * sleep) overlap instead of queueing behind each other. Every route starts here, calls other
 * lanes cannot take come here, and so do explicit offloads (`pool.run(task)`). It grows from
 * `minThreads` towards `maxThreads` only while calls starve (growth.ts).
 */
import type { Piscina } from 'piscina'
import type { Lane, LaneStats } from './lane.ts'
import { GrowthGate, type Took } from './growth.ts'
import { PiscinaLane, startWorkers, type LaneSize, type LaneWorkers } from './workers.ts'

export interface BlockingLaneSize extends LaneSize {
  /** How long the oldest waiting call waits before the lane starts another worker, ms. */
  readonly growAfterMs: number
  /** Calls quicker than this do not make the lane grow, ms (the lane policy's `fastMs`). */
  readonly quickMs: number
  /** A call running this long holds its worker, ms (the lane policy's `blockMs`). */
  readonly blockMs: number
}

/** What piscina's `workerCreate`/`workerDestroy` events pass: a worker's public face. */
interface WorkerFace {
  readonly id: number
}

export class BlockingLane extends PiscinaLane implements Lane {
  readonly name = 'blocking'
  protected readonly piscina: Piscina
  readonly #gate: GrowthGate
  /** The loop's route signature (from `warm`), which a growth task carries like a warm-up. */
  #routes = ''

  constructor(workers: LaneWorkers, size: BlockingLaneSize) {
    super()
    this.piscina = startWorkers(workers, size)
    const piscina = this.piscina
    this.#gate = new GrowthGate({ get threads() { return piscina.threads.length }, ids: () => piscina.threads.map((t) => t.threadId), grow: () => this.#grow() }, size)
    // Emitted once a worker is ready for tasks (for the first ones, in the next microtask); piscina
    // adds it to its ready set after the event, so the gate hands it calls a microtask later.
    this.piscina.on('workerCreate', (w: WorkerFace) => queueMicrotask(() => this.#gate.ready(w.id)))
    this.piscina.on('workerDestroy', (w: WorkerFace) => this.#gate.gone(w.id))
  }

  /**
   * piscina has no call that starts a worker; a task it cannot place on an idle one does. The
   * task is withdrawn (aborted) before any worker can take it, so only the new worker remains —
   * and nothing waits in piscina's queue, where two waiting tasks would make it start workers up
   * to `maxThreads` the next time one frees up. Had a worker been idle, the task would have gone
   * to it and the abort would end that worker; it cannot be: the gate grows only from a timer,
   * and piscina frees a worker and settles its call in one event, whose callbacks (the gate's
   * count) run before any timer.
   */
  #grow(): void {
    const withdraw = new AbortController()
    this.piscina.run({ kind: 'warm', routes: this.#routes }, { signal: withdraw.signal }).catch(() => {})
    withdraw.abort()
  }

  protected override admit<T>(send: () => Promise<T>, signal?: AbortSignal, took?: Took<T>): Promise<T> {
    return this.#gate.submit(send, signal, took)
  }

  override warm(routes: string): Promise<void> {
    this.#routes = routes
    return super.warm(routes)
  }

  /** The share of time the lane's workers were busy (piscina's utilization). */
  get utilization(): number {
    return this.piscina.utilization
  }

  /** Calls waiting for a worker count as queued, wherever they wait. */
  override get stats(): LaneStats {
    const s = super.stats
    return { ...s, queueSize: s.queueSize + this.#gate.waiting }
  }

  /** Workers started because calls starved (tests, diagnostics). */
  get grown(): number {
    return this.#gate.grown
  }

  override destroy(): Promise<void> {
    this.#gate.abandon(new Error('the worker pool was destroyed'))
    return super.destroy()
  }
}
