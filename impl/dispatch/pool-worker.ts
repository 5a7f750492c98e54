/**
 * Whether this thread is one of the pool's workers, and which app module it loads. Set by the
 * worker entry before it imports the app module, read by `createApp`: an app module that calls
 * `createApp` itself would otherwise make every worker start a pool of its own (measured before
 * this guard: threads grew from 44 to 80 in 20 s with a 1-worker pool, and the server never
 * listened, silently).
 */
const MARK = Symbol.for('unblocked.pool-worker')

type Marked = typeof globalThis & { [MARK]?: string }

/** Called once by the worker entry, with the app module it is about to import. */
export function markPoolWorker(appModule: string): void {
  ;(globalThis as Marked)[MARK] = appModule
}

/** The app module this pool worker loads, or undefined on any other thread. */
export function poolWorkerApp(): string | undefined {
  return (globalThis as Marked)[MARK]
}
