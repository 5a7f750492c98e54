/**
 * The one public interface for extractors. Built-ins and user-defined extractors implement it
 * alike; a handler's parameter list is typed from the tuple of extractors its route declares.
 */
import type { Container } from '../di/container.ts'
import type { RequestContext } from './context.ts'

export interface RouteInfo {
  readonly method: string
  readonly path: string
  /** Names of the path parameters in `path`. */
  readonly params: readonly string[]
}

export interface Extractor<T> {
  /** Where the value comes from; used as `location` in 422 bodies (`path`, `query`, …). */
  readonly source: string
  /**
   * Produce the parameter value. Throw an `HttpError` (e.g. `validationError([...])`) to answer
   * 4xx. Runs in whichever thread runs the handler: on the loop for async handlers, in a worker
   * for sync ones, so it must not rely on state outside the request and the container.
   */
  extract(ctx: RequestContext): T | Promise<T>
  /**
   * The request headers this extractor reads (lower-case), or `'all'`. Sync handlers run in a
   * worker, and only the headers some extractor of the route needs are sent there.
   * @default 'all'
   */
  readonly headers?: readonly string[] | 'all'
  /** Checked once at app creation; return a message to reject the route. */
  check?(route: RouteInfo, container: Container): string | undefined
}

export type ExtractedArgs<E extends readonly Extractor<unknown>[]> = {
  -readonly [K in keyof E]: E[K] extends Extractor<infer T> ? T : never
}

/**
 * Define a custom extractor (the analog of Lauren's `ExtractionMarker`).
 *
 * @example
 * const userAgent = defineExtractor('header', (ctx) => String(ctx.req.headers['user-agent'] ?? ''), ['user-agent'])
 */
export function defineExtractor<T>(
  source: string,
  extract: (ctx: RequestContext) => T | Promise<T>,
  headers: readonly string[] | 'all' = 'all',
): Extractor<T> {
  return { source, extract, headers: headers === 'all' ? 'all' : headers.map((h) => h.toLowerCase()) }
}
