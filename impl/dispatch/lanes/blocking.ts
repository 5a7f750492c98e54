/**
 * The blocking lane: the big pool, one task per worker, so handlers that wait (blocking I/O, a
 * sleep) overlap instead of queueing behind each other. Every route starts here, calls other
 * lanes cannot take come here, and so do explicit offloads (`pool.run(task)`).
 */
import type { Piscina } from 'piscina'
import type { WorkerTask } from '../protocol.ts'
import { PiscinaLane, startWorkers, type LaneSize, type LaneWorkers } from './workers.ts'

export class BlockingLane extends PiscinaLane {
  readonly name = 'blocking'
  protected readonly piscina: Piscina

  constructor(workers: LaneWorkers, size: LaneSize) {
    super()
    this.piscina = startWorkers(workers, size)
  }

  /** Run a registered offload task and resolve with its value. */
  runTask(task: Extract<WorkerTask, { kind: 'task' }>): Promise<unknown> {
    return this.piscina.run(task)
  }

  /** The share of time the lane's workers were busy (piscina's utilization). */
  get utilization(): number {
    return this.piscina.utilization
  }
}
