/** The process-wide state behind a Node target's contract-v2 endpoints: one per app, so two apps in one process never share a pool. */
import { SlotPool } from './slot-pool.ts'
import { BackgroundTasks, WorkLog } from './task-status.ts'

export interface V2State {
  /** `/resources/sync/pool`'s pool of 4. */
  readonly slots: SlotPool
  readonly background: BackgroundTasks
  readonly work: WorkLog
}

export function createV2State(): V2State {
  return { slots: new SlotPool(), background: new BackgroundTasks(), work: new WorkLog() }
}
