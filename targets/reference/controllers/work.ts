/**
 * `/work/*`: steps that stop when the client leaves (the disconnect signal), progress in a
 * process-wide board. Declared without decorators (`defineController`), the board injected
 * through `deps`.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { defineController, disconnected, get, query, sleepSync } from '../../../impl/index.ts'
import { WorkBoard } from '../resources.ts'
import { Key, Millis } from '../schemas.ts'

const STEP_MS = 10

export class WorkController {
  constructor(private readonly board: WorkBoard) {}

  /** Blocking steps in a worker that check the disconnect signal between steps (it reads a shared cell the loop sets). */
  sync(ms: number, key: string, signal: AbortSignal) {
    const row = this.board.start(key)
    for (let t = 0; t < ms; t += STEP_MS) {
      if (signal.aborted) {
        this.board.finish(row, 'cancelled')
        return this.board.read(key)
      }
      sleepSync(STEP_MS)
      this.board.step(row)
    }
    this.board.finish(row, 'done')
    return this.board.read(key)
  }

  /** Awaited steps that stop when the client leaves (the disconnect signal). */
  async async(ms: number, key: string, signal: AbortSignal) {
    const row = this.board.start(key)
    for (let t = 0; t < ms; t += STEP_MS) {
      if (signal.aborted) {
        this.board.finish(row, 'cancelled')
        return this.board.read(key)
      }
      await sleep(STEP_MS)
      this.board.step(row)
    }
    this.board.finish(row, 'done')
    return this.board.read(key)
  }

  async status(key: string) {
    const progress = this.board.read(key)
    return progress === undefined ? [{ state: 'unknown' }, 404] as const : progress
  }
}

defineController(WorkController, {
  prefix: '/work',
  deps: [WorkBoard],
  routes: {
    sync: get('/sync', query('ms', Millis), query('key', Key), disconnected()),
    async: get('/async', query('ms', Millis), query('key', Key), disconnected()),
    status: get('/status', query('key', Key)),
  },
})
