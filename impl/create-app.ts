/**
 * The preset (hono's `hono.ts` to our `App` core): check every option, compile the app, create
 * the shared memory region, the worker pool and blocking detection with defaults, warm the pool,
 * and hand the parts to `App` — with the diagnostics endpoint when `blocking.endpoint` is set.
 */
import { type AppDefinition, compileApp } from './app.ts'
import { UnblockedError } from './errors.ts'
import { poolWorkerApp } from './dispatch/pool-worker.ts'
import { resolvePoolOptions, WorkerPool, type PoolOptions, type ResolvedPoolOptions } from './dispatch/pool.ts'
import { createLogger, type Logger } from './log.ts'
import { resolveErrorLogLimit, type ErrorLogLimit, type ResolvedErrorLogLimit } from './log-limit.ts'
import { App } from './server/app.ts'
import { resolveServerLimits, type ResolvedServerLimits, type ServerLimits } from './server/limits.ts'
import { resolveShutdown, type ResolvedShutdown, type ShutdownOptions } from './server/shutdown.ts'
import type { BuiltinEndpoint } from './server/parts.ts'
import { DetectionSwitch } from './diagnostics/detection.ts'
import { DiagnosticsEndpoint } from './diagnostics/endpoint.ts'
import { BlockingMonitor } from './diagnostics/monitor.ts'
import { resolveBlockingOptions, type BlockingOptions, type ResolvedBlockingOptions } from './diagnostics/options.ts'
import { DEFAULT_BODY_LIMIT } from './server/body.ts'
import { DEFAULT_SHARED_BYTES, SharedMemory } from './shared/memory.ts'

/** Besides these, the server limits: `headersTimeout`, `requestTimeout`, `keepAliveTimeout`, `maxConnections` (server/limits.ts). */
export interface AppOptions extends ServerLimits {
  /** Worker pool sizing; see `PoolOptions`. */
  pool?: PoolOptions
  /** Largest accepted request body in bytes; larger ones get 413. @default 1048576 (1 MiB) */
  bodyLimit?: number
  /** Bytes of shared memory for `SharedMemory` allocations. @default 65536 */
  sharedBytes?: number
  /** @default a pino logger at `LOG_LEVEL` (info) */
  logger?: Logger
  /**
   * Blocking detection on the loop: delay histogram, attribution, tripwires. On by default.
   * @example { endpoint: '/diagnostics/blocking' } // also serve what it saw
   */
  blocking?: BlockingOptions
  /**
   * The bounds of a graceful shutdown (`app.close()`): the grace for requests in flight, then the
   * pool's close. See server/shutdown.ts.
   * @example { graceMs: 5_000, poolCloseMs: 5_000 }
   */
  shutdown?: ShutdownOptions
  /**
   * Failures logged in full (with their stacks) per kind — error code and route — and interval;
   * beyond them only a count is logged when the interval ends.
   * @default { perInterval: 5, intervalMs: 60000 }
   */
  errorLogLimit?: ErrorLogLimit
}

interface ResolvedAppOptions {
  readonly pool: ResolvedPoolOptions
  readonly bodyLimit: number
  readonly sharedBytes: number
  readonly logger: Logger | undefined
  readonly blocking: ResolvedBlockingOptions
  readonly limits: ResolvedServerLimits
  readonly shutdown: ResolvedShutdown
  readonly errorLogLimit: ResolvedErrorLogLimit
}

const invalid = (message: string): UnblockedError => new UnblockedError('UNB_ERR_OPTIONS_INVALID', [message])

/** Every option checked, pure: nothing is allocated or started until all of them are valid. */
function resolveAppOptions(options: AppOptions): ResolvedAppOptions {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT
  if (!Number.isSafeInteger(bodyLimit) || bodyLimit < 0) throw invalid(`options.bodyLimit must be a non-negative integer, got ${bodyLimit}`)
  const sharedBytes = options.sharedBytes ?? DEFAULT_SHARED_BYTES
  if (!Number.isSafeInteger(sharedBytes) || sharedBytes < 0) throw invalid(`options.sharedBytes must be a non-negative integer, got ${sharedBytes}`)
  const logger = options.logger
  if (logger !== undefined && !(['info', 'warn', 'error'] as const).every((level) => typeof logger?.[level] === 'function')) {
    throw invalid('options.logger must have info, warn and error methods')
  }
  return {
    pool: resolvePoolOptions(options.pool),
    bodyLimit,
    sharedBytes,
    logger,
    blocking: resolveBlockingOptions(options.blocking),
    limits: resolveServerLimits(options),
    shutdown: resolveShutdown(options.shutdown),
    errorLogLimit: resolveErrorLogLimit(options.errorLogLimit),
  }
}

/**
 * Compile an app and start its worker pool (the `LaurenFactory.create()` analog). Rejects with a
 * coded error when the app is misconfigured (invalid options, scope violations, unknown
 * providers, bad routes); a rejected call leaves no thread running.
 *
 * @example
 * const app = await createApp(definition)
 * await app.listen(8000)
 */
export function createApp(def: AppDefinition, options: AppOptions = {}): Promise<App> {
  // Thrown, not a rejection (the one exception to "async APIs reject"): inside a pool worker the
  // app module's own call must fail its import whether or not the module awaits it — a floating
  // rejection would instead kill each replacement worker in turn, without a word.
  const inWorker = poolWorkerApp()
  if (inWorker !== undefined) throw new UnblockedError('UNB_ERR_APP_IN_WORKER', [inWorker])
  return start(def, options)
}

async function start(def: AppDefinition, options: AppOptions): Promise<App> {
  const o = resolveAppOptions(options)
  const logger = o.logger ?? createLogger()
  const shared = new SharedMemory(undefined, o.sharedBytes)
  const compiled = compileApp(def, shared)
  // Built before the pool, though with valid options it cannot throw: nothing below may leave threads behind.
  const monitor = o.blocking.enabled ? new BlockingMonitor(compiled.routes, logger, o.blocking) : undefined
  const pool = new WorkerPool(def.module, shared, compiled.routes, o.pool, (err) => logger.error({ err }, 'worker pool error; the worker is replaced'))
  try {
    await Promise.all([pool.warm(), monitor?.start()])
    const detection = monitor === undefined ? undefined : new DetectionSwitch(monitor)
    const endpoints: BuiltinEndpoint[] = []
    if (detection !== undefined && o.blocking.endpoint !== undefined) {
      endpoints.push(new DiagnosticsEndpoint({ path: o.blocking.endpoint, detection, switchable: o.blocking.switchable, poolStats: () => pool.stats, bodyLimit: o.bodyLimit }))
    }
    const app = new App({ compiled, pool, logger, bodyLimit: o.bodyLimit, ...(detection && { detection }), endpoints, limits: o.limits, shutdown: o.shutdown, errorLogLimit: o.errorLogLimit })
    monitor?.arm()
    return app
  } catch (err) {
    await Promise.allSettled([pool.destroy(), monitor?.stop()])
    throw err
  }
}
