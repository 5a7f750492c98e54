/**
 * Offload tasks: functions registered by module URL and name. A worker finds one by importing
 * its module — so the task keeps its imports and closures — never by shipping source text.
 */
import { UnblockedError } from '../errors.ts'
import type { Offloader, TaskRef } from './offload-types.ts'

const registry = new Map<string, (...args: never[]) => unknown>()

const keyOf = (module: string, name: string): string => `${module}#${name}`

/**
 * Register a function that async handlers may run in the worker pool.
 *
 * @example
 * export const digest = defineTask(import.meta.url, 'digest', (n: number) => sha256Chain(n))
 * // in an async handler:  await offload.run(digest, 1000)
 */
export function defineTask<A extends unknown[], R>(module: string, name: string, fn: (...args: A) => R): TaskRef<A, R> {
  const key = keyOf(module, name)
  const existing = registry.get(key)
  if (existing !== undefined && existing !== fn) {
    throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`task ${name} is defined twice in ${module}`])
  }
  registry.set(key, fn as (...args: never[]) => unknown)
  return { module, name, fn }
}

/** Find a task in this thread, importing its module first if this thread has not yet. */
export async function loadTask(module: string, name: string): Promise<(...args: unknown[]) => unknown> {
  let fn = registry.get(keyOf(module, name))
  if (fn === undefined) {
    await import(module)
    fn = registry.get(keyOf(module, name))
  }
  if (fn === undefined) throw new UnblockedError('UNB_ERR_TASK_UNKNOWN', [name, module])
  return fn as (...args: unknown[]) => unknown
}

/** Used inside workers: the work is already off the loop, so a nested offload runs in place. */
export const inlineOffloader: Offloader = {
  async run<A extends unknown[], R>(task: TaskRef<A, R>, ...args: A): Promise<Awaited<R>> {
    return (await task.fn(...args)) as Awaited<R>
  },
}
