/**
 * What `App` is built from (hono's `hono-base.ts` takes its router as an option): the compiled
 * app, the worker pool, a logger, and two optional seams — blocking detection, which loop-side
 * requests report to, and built-in endpoints served on the loop before the router. `createApp`
 * (the preset) picks the defaults; the parts know nothing of each other.
 */
import type { IncomingMessage } from 'node:http'
import type { CompiledApp } from '../app.ts'
import type { WorkerPool } from '../dispatch/pool.ts'
import type { SegmentObserver } from '../dispatch/pipeline.ts'
import type { Outcome } from '../error-response.ts'
import type { Logger } from '../log.ts'
import type { ResolvedErrorLogLimit } from '../log-limit.ts'
import type { ResponseBody } from '../response.ts'
import type { CompiledRoute } from '../routing/compile.ts'
import type { ResolvedServerLimits } from './limits.ts'
import type { ResolvedShutdown } from './shutdown.ts'

/** What the server tells blocking detection about each loop-side (async or inline) request. */
export interface LoopObserver extends SegmentObserver {
  /** The request starts running handler code. */
  enter(route: CompiledRoute): void
  /** …and is done with it. Called once per `enter`, on the same observer. */
  leave(route: CompiledRoute): void
}

/** Blocking detection as the server sees it. */
export interface Detection {
  /**
   * The observer loop-side requests report to right now, `undefined` while detection is off. Read
   * once as a request starts: it reports to that observer until it ends, whatever is switched meanwhile.
   */
  readonly current: LoopObserver | undefined
  /** Stop detecting for good; called at shutdown once requests are done. */
  close(): Promise<void>
}

/**
 * An endpoint the framework serves itself, on the loop, before the router (the diagnostics
 * endpoint). It answers every method at its path; a request for it never reaches a route.
 */
export interface BuiltinEndpoint {
  /** The exact path, without query. */
  readonly path: string
  /** Answer one request. The body is the endpoint's to read or discard. A throw is answered 500 and logged. */
  handle(req: IncomingMessage, method: string): Outcome<ResponseBody> | Promise<Outcome<ResponseBody>>
}

export interface AppParts {
  readonly compiled: CompiledApp
  readonly pool: WorkerPool
  readonly logger: Logger
  /** Largest accepted request body in bytes. */
  readonly bodyLimit: number
  /** Blocking detection for loop-side handlers; absent when turned off. */
  readonly detection?: Detection
  /** Served before the router, by exact path; two with one path are refused. @default [] */
  readonly endpoints?: readonly BuiltinEndpoint[]
  /** What one client may hold of the server. @default DEFAULT_SERVER_LIMITS (limits.ts) */
  readonly limits?: ResolvedServerLimits
  /** The bounds of `close()`'s phases. @default DEFAULT_SHUTDOWN (shutdown.ts) */
  readonly shutdown?: ResolvedShutdown
  /** Failures logged in full per kind and interval. @default DEFAULT_ERROR_LOG_LIMIT (log-limit.ts) */
  readonly errorLogLimit?: ResolvedErrorLogLimit
}
