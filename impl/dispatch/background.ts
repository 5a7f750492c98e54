/**
 * Background tasks (Starlette's `BackgroundTasks`): work a handler schedules to run after its
 * response is sent, one task after another in the order added. A registered task (`defineTask`)
 * runs in the worker pool — the place for sync, possibly blocking work; a plain async function
 * runs on the loop. From a sync handler (which runs in a worker) only registered tasks can be
 * added: a function cannot cross threads, a task's module and name can.
 */
import { UnblockedError } from '../errors.ts'
import type { TaskRef } from './offload-types.ts'
import { poolWorkerApp } from './pool-worker.ts'

/** A registered task by name, with its arguments: plain data, so it crosses from a worker. */
export interface BackgroundCall {
  readonly module: string
  readonly name: string
  readonly args: readonly unknown[]
}

/** What runs after the response: a registered task (in the pool) or a function (on the loop). */
export type BackgroundItem = BackgroundCall | (() => unknown)

export class BackgroundTasks {
  readonly #items: BackgroundItem[] = []

  /**
   * Run `task(...args)` in the worker pool after the response is sent.
   * @example tasks.add(sendMail, address) // sendMail = defineTask(import.meta.url, 'sendMail', (to: string) => …)
   */
  add<A extends unknown[], R>(task: TaskRef<A, R>, ...args: A): void
  /** Run `fn` on the loop after the response is sent (only from a handler on the loop: an async or inline one). */
  add(fn: () => unknown): void
  add(task: TaskRef<unknown[], unknown> | (() => unknown), ...args: unknown[]): void {
    if (typeof task === 'function') {
      const inWorker = poolWorkerApp()
      if (inWorker !== undefined) throw new UnblockedError('UNB_ERR_BACKGROUND_INVALID', ['a sync handler', 'a plain function cannot leave the worker; add a task made with defineTask'])
      this.#items.push(task)
      return
    }
    this.#items.push({ module: task.module, name: task.name, args })
  }

  get items(): readonly BackgroundItem[] {
    return this.#items
  }
}

/** Whether `item` is a registered task (runs in the pool) rather than a loop-side function. */
export function isBackgroundCall(item: BackgroundItem): item is BackgroundCall {
  return typeof item !== 'function'
}
