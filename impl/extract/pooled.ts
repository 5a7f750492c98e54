/**
 * A sync dependency of an async handler, run in the worker pool. The handler runs on the loop,
 * but its sync provider may block (a database call, a file read), so it must not run there:
 * FastAPI runs such dependencies in its threadpool, and frameworks that offload only the handler
 * stall the server for the whole dependency. The worker finds the provider by the route's index
 * and the extractor's position, as it finds handlers: it compiled the same app.
 */
import type { RequestContext } from './context.ts'
import type { Extractor } from './extractor.ts'

const inner = new WeakMap<Extractor<unknown>, Extractor<unknown>>()

/** The extractor a pooled one stands for (what a worker runs); undefined for any other. */
export function unpooled(ex: Extractor<unknown>): Extractor<unknown> | undefined {
  return inner.get(ex)
}

/**
 * `original` (a `depends()` on a plain sync `provider`), sent to the pool when the request has a
 * dependency runner (on the loop), run in place when it has none (in-process calls). Cached per
 * request like `depends()`: parameters sharing the provider share one pooled call.
 */
export function pooledDependency(original: Extractor<unknown>, provider: unknown, route: number, index: number): Extractor<unknown> {
  const ex: Extractor<unknown> = {
    source: original.source,
    headers: 'all',
    extract(ctx: RequestContext) {
      const runner = ctx.deps
      if (runner === undefined) return original.extract(ctx)
      if (ctx.scope.has(provider)) return ctx.scope.get(provider)
      const value = runner.runDependency(route, index, ctx).then((v) => {
        ctx.scope.set(provider, v)
        return v
      })
      ctx.scope.set(provider, value)
      return value
    },
    ...(original.check && { check: original.check }),
  }
  inner.set(ex, original)
  return ex
}
