/**
 * The CPU lane: one worker per core, one task each, for handlers measured CPU-bound (policy.ts).
 * They queue for a core instead of contending for it: more running at once only slow each other
 * down (on 2 cores, 8 concurrent SHA-256 requests got 86 req/s, 2 concurrent got 121; measured).
 * A queue here is the point of the lane, so it always accepts calls.
 */
import type { Piscina } from 'piscina'
import type { Lane } from './lane.ts'
import { fixed, PiscinaLane, startWorkers, type FixedSize, type LaneWorkers } from './workers.ts'

export class CpuLane extends PiscinaLane implements Lane {
  readonly name = 'cpu'
  protected readonly piscina: Piscina

  constructor(workers: LaneWorkers, size: FixedSize) {
    super()
    this.piscina = startWorkers(workers, fixed(size))
  }
}
