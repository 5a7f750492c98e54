/**
 * The blocking lane: the big pool, one task per worker, so handlers that wait (blocking I/O, a
 * sleep) overlap instead of queueing behind each other. Every route starts here, calls other
 * lanes cannot take come here, and so do explicit offloads (`pool.run(task)`).
 */
import type { Piscina } from 'piscina'
import type { Lane } from './lane.ts'
import { PiscinaLane, startWorkers, type LaneSize, type LaneWorkers } from './workers.ts'

export class BlockingLane extends PiscinaLane implements Lane {
  readonly name = 'blocking'
  protected readonly piscina: Piscina

  constructor(workers: LaneWorkers, size: LaneSize) {
    super()
    this.piscina = startWorkers(workers, size)
  }

  /** The share of time the lane's workers were busy (piscina's utilization). */
  get utilization(): number {
    return this.piscina.utilization
  }
}
