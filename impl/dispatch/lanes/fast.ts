/**
 * The fast lane: one worker per core, many tasks queued per worker, for handlers measured quick
 * (policy.ts). Waking one of 16 idle workers per tiny task is what makes offloading expensive: on
 * one core, piscina moved 2.6k trivial tasks/s with 16 threads and 37k with 2 threads × 32 queued
 * tasks (measured; see the README). Calls arriving in one turn of the loop travel as one message
 * (batch.ts), packed onto as many workers as the process has CPUs now (cpus.ts).
 */
import type { Piscina } from 'piscina'
import type { Lane } from './lane.ts'
import { Batcher } from './batch.ts'
import { CpuAllowance, packingBalancer } from './cpus.ts'
import type { RouteCall, RouteResult, WorkerTask } from '../protocol.ts'
import { fixed, PiscinaLane, startWorkers, type FixedSize, type LaneWorkers } from './workers.ts'

/** Tasks queued per fast-lane worker: they run back to back without the worker going to sleep. */
export const FAST_LANE_TASKS_PER_WORKER = 32
/** A flush is split across fast-lane workers only into batches of at least this many calls. */
const FAST_LANE_MIN_BATCH = 8
/**
 * A fast-lane batch unanswered this long (ms) means its worker is held up (a call turned slow):
 * the next batch goes to a worker beyond the CPU count. Fast-lane calls take under 0.5 ms.
 */
const FAST_LANE_OVERDUE_MS = 10

export class FastLane extends PiscinaLane implements Lane {
  readonly name = 'fast'
  protected readonly piscina: Piscina
  /** Calls gathered per turn of the loop. */
  readonly #batches: Batcher<RouteCall, RouteResult>

  constructor(workers: LaneWorkers, size: FixedSize) {
    super()
    // As many workers busy as the process has CPUs now: batches per flush, and the balancer.
    const cpus = new CpuAllowance(size.threads)
    const active = () => cpus.now
    // The batcher first: the balancer asks it whether a batch is overdue. It sends through the
    // piscina only when a call runs, after the constructor.
    this.#batches = new Batcher((calls) => this.#send(calls), { split: active, minBatch: FAST_LANE_MIN_BATCH })
    this.piscina = startWorkers(workers, fixed(size), {
      concurrentTasksPerWorker: FAST_LANE_TASKS_PER_WORKER,
      loadBalancer: packingBalancer(active, { maximumUsage: FAST_LANE_TASKS_PER_WORKER, overdue: () => this.#batches.oldestInFlightMs > FAST_LANE_OVERDUE_MS }),
    })
  }

  /** Only while the lane keeps up: a queue here means a slow call is holding a worker. */
  override get accepting(): boolean {
    return this.piscina.queueSize === 0
  }

  override run(call: RouteCall): Promise<RouteResult> {
    return this.#batches.run(call)
  }

  /**
   * No time limit here: piscina runs a task that carries an AbortSignal alone on its worker, which
   * would undo this lane's 32 queued tasks per worker. Calls reach this lane only once measured
   * quick (every route starts in the blocking lane, where calls are limited).
   */
  async #send(calls: RouteCall[]): Promise<RouteResult[]> {
    // A lone call goes as a plain route task: no array to clone on an idle server.
    if (calls.length === 1) return [await super.run(calls[0] as RouteCall)]
    return (await this.track(this.piscina.run({ kind: 'routes', calls } satisfies WorkerTask))) as RouteResult[]
  }
}
