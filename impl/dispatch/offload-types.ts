/**
 * The explicit-offload contract shared by the loop side, the worker side and extractors.
 * Kept apart so the worker entry can import it without the pool.
 */

/** A function registered under a module URL and name, so a worker can load it from its module. */
export interface TaskRef<A extends unknown[], R> {
  readonly module: string
  readonly name: string
  /** The function itself, for running in place (inside a worker, or in tests). */
  readonly fn: (...args: A) => R
}

/** Runs registered tasks off the event loop (the `asyncio.to_thread` analog). */
export interface Offloader {
  run<A extends unknown[], R>(task: TaskRef<A, R>, ...args: A): Promise<Awaited<R>>
}
