/**
 * The offload lane: the explicit offload helper's own workers (`await offload.run(task)`), one
 * per core. An async handler that offloads CPU work must not queue behind blocking sync handlers:
 * with the blocking lane full of 500 ms sleeps, a 1 ms offload would wait seconds for a worker
 * (contract v2's `capacity.overflow-keeps-loop-free` sends one to see). CPU work gains nothing
 * from more workers than cores, so the lane is small, and started whole.
 */
import type { Piscina } from 'piscina'
import { fixed, PiscinaLane, startWorkers, type FixedSize, type LaneWorkers } from './workers.ts'

export class OffloadLane extends PiscinaLane {
  readonly name = 'offload'
  protected readonly piscina: Piscina

  constructor(workers: LaneWorkers, size: FixedSize) {
    super()
    this.piscina = startWorkers(workers, fixed(size))
  }
}
