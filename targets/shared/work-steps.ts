/**
 * The work of `/work/{mode}` and the iterators of `/stream/{mode}` (contract v2), shared by the
 * Node targets: blocking sleeps in the sync forms, awaited timers in the async ones. Where they
 * run (loop or worker) is each target's business; these only do the work.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { sleepSync } from './contract-values.ts'
import type { WorkRecord } from './task-status.ts'

export const WORK_STEP_MS = 10

/** `ms` of work in 10 ms blocking steps, each counted; nothing can stop it once begun. */
export function workSync(ms: number, record: WorkRecord): void {
  for (let left = ms; left > 0; left -= WORK_STEP_MS) {
    sleepSync(Math.min(WORK_STEP_MS, left))
    record.step()
  }
  record.finish('done')
}

/**
 * `ms` of work in 10 ms awaited steps, each counted. Node's idiom for cancelling awaited work: the
 * timers take an AbortSignal, so the work stops at the next step once `signal` aborts.
 */
export async function workAsync(ms: number, record: WorkRecord, signal: AbortSignal): Promise<void> {
  try {
    for (let left = ms; left > 0; left -= WORK_STEP_MS) {
      await sleep(Math.min(WORK_STEP_MS, left), undefined, { signal })
      record.step()
    }
    record.finish('done')
  } catch (err) {
    if (!signal.aborted) throw err
    record.finish('cancelled')
  }
}

/** The sync iterator of `/stream/sync`: `chunks` times, a blocking sleep of `ms`, then `"<i>\n"`. */
export function* blockingChunks(chunks: number, ms: number): Generator<string, void, undefined> {
  for (let i = 0; i < chunks; i++) {
    sleepSync(ms)
    yield `${i}\n`
  }
}

/** The async iterator of `/stream/async`: the same chunks after awaited sleeps. */
export async function* awaitedChunks(chunks: number, ms: number): AsyncGenerator<string, void, undefined> {
  for (let i = 0; i < chunks; i++) {
    await sleep(ms)
    yield `${i}\n`
  }
}
