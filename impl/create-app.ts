/**
 * The preset (hono's `hono.ts` to our `App` core): compile the app, create the shared memory
 * region and the worker pool with defaults, warm the pool, and hand the parts to `App`.
 */
import { type AppDefinition, compileApp } from './app.ts'
import { UnblockedError } from './errors.ts'
import { WorkerPool, type PoolOptions } from './dispatch/pool.ts'
import { createLogger, type Logger } from './log.ts'
import { App } from './server/app.ts'
import { BlockingMonitor, type BlockingOptions } from './diagnostics/monitor.ts'
import { DEFAULT_BODY_LIMIT } from './server/body.ts'
import { DEFAULT_SHARED_BYTES, SharedMemory } from './shared/memory.ts'

export interface AppOptions {
  /** Worker pool sizing; see `PoolOptions`. */
  pool?: PoolOptions
  /** Largest accepted request body in bytes; larger ones get 413. @default 1048576 (1 MiB) */
  bodyLimit?: number
  /** Bytes of shared memory for `SharedMemory` allocations. @default 65536 */
  sharedBytes?: number
  /** @default a pino logger at `LOG_LEVEL` (info) */
  logger?: Logger
  /** Blocking detection on the loop: delay histogram, attribution, tripwires. On by default. */
  blocking?: BlockingOptions
}

/**
 * Compile an app and start its worker pool (the `LaurenFactory.create()` analog). Rejects with a
 * coded error when the app is misconfigured (scope violations, unknown providers, bad routes).
 *
 * @example
 * const app = await createApp(definition)
 * await app.listen(8000)
 */
export async function createApp(def: AppDefinition, options: AppOptions = {}): Promise<App> {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT
  if (!Number.isInteger(bodyLimit) || bodyLimit < 0) {
    throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`options.bodyLimit must be a non-negative integer, got ${bodyLimit}`])
  }
  const logger = options.logger ?? createLogger()
  const shared = new SharedMemory(undefined, options.sharedBytes ?? DEFAULT_SHARED_BYTES)
  const compiled = compileApp(def, shared)
  const pool = new WorkerPool(def.module, shared, compiled.routes, options.pool, (err) => logger.error({ err }, 'worker pool error; the worker is replaced'))
  const monitor = new BlockingMonitor(compiled.routes, logger, options.blocking)
  try {
    await Promise.all([pool.warm(), monitor.start()])
  } catch (err) {
    await Promise.allSettled([pool.destroy(), monitor.stop()])
    throw err
  }
  const app = new App({ compiled, pool, logger, bodyLimit, monitor })
  monitor.arm()
  return app
}
