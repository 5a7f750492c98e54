/**
 * Compile controllers — declared with decorators or with `defineController`, which come to the
 * same definition (definition.ts) — into the route table, once, at app creation: full paths,
 * handler kind (async / sync / inline), extractor checks and DI validation. The loop and every worker compile
 * the same app module the same way, so a route's index names the same handler in every thread.
 */
import { types } from 'node:util'
import type { Container } from '../di/container.ts'
import type { Token } from '../di/injectable.ts'
import { UnblockedError } from '../errors.ts'
import type { Extractor } from '../extract/extractor.ts'
import { dependencyOf } from '../extract/builtins.ts'
import { pooledDependency } from '../extract/pooled.ts'
import { controllerMeta, type HttpMethod } from './definition.ts'

/**
 * How a handler is dispatched: `async` functions are awaited on the loop; plain functions run in
 * the worker pool (`sync`) unless marked `@inline`.
 */
export type HandlerKind = 'async' | 'sync' | 'inline'

export interface CompiledRoute {
  readonly index: number
  /** `Controller.method`, for logs and diagnostics. */
  readonly id: string
  readonly method: HttpMethod
  /** Path in router syntax (`/items/:id`). */
  readonly path: string
  readonly params: readonly string[]
  readonly kind: HandlerKind
  readonly controller: Token
  readonly isStatic: boolean
  readonly fn: (...args: unknown[]) => unknown
  readonly extractors: readonly Extractor<unknown>[]
  /** The request headers the extractors read, or 'all'; what a worker is sent. */
  readonly headers: readonly string[] | 'all'
  /** An extractor asks for the client-disconnect signal (`disconnected()`): the server makes one for this route. */
  readonly wantsSignal: boolean
  /** `@timeout(ms)`: this route's time limit in the pool, instead of the app's `pool.handlerTimeout`. */
  readonly timeoutMs?: number
}

/**
 * An async handler's extractors, with each plain sync `depends()` provider sent to the pool (it
 * may block; the handler runs on the loop). A sync generator provider cannot serve an async
 * handler: its setup and teardown must run in one thread, and holding a worker across an async
 * handler would tie up the pool for the handler's whole life.
 */
function placeDependencies(extractors: readonly Extractor<unknown>[], kind: HandlerKind, route: number, where: string): readonly Extractor<unknown>[] {
  if (kind !== 'async') return extractors
  return extractors.map((ex, i) => {
    const dep = dependencyOf(ex)
    if (dep === undefined || dep.kind === 'async' || dep.kind === 'async-generator') return ex
    if (dep.kind === 'generator') {
      throw new UnblockedError('UNB_ERR_ROUTE_INVALID', [where, `dependency ${dep.provider.name || '(anonymous)'} is a sync generator, which needs a sync handler (both run in one worker); make the handler sync or the dependency an async generator`])
    }
    return pooledDependency(ex, dep.provider, route, i)
  })
}

function headersOf(extractors: readonly Extractor<unknown>[]): readonly string[] | 'all' {
  const names = new Set<string>()
  for (const ex of extractors) {
    const h = ex.headers ?? 'all'
    if (h === 'all') return 'all'
    for (const name of h) names.add(name)
  }
  return [...names]
}

/** `/items/{id}` (Lauren/FastAPI style) or `/items/:id` → `/items/:id`, slashes normalised. */
export function joinPath(prefix: string, path: string): string {
  const joined = `/${prefix}/${path}`.replace(/\/+/g, '/')
  const trimmed = joined.length > 1 ? joined.replace(/\/$/, '') : joined
  return trimmed.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ':$1')
}

export function paramsOf(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] as string)
}

export function classify(fn: (...args: never[]) => unknown, inline: boolean, where: string): HandlerKind {
  if (types.isGeneratorFunction(fn)) {
    throw new UnblockedError('UNB_ERR_ROUTE_INVALID', [where, 'generator functions cannot be handlers'])
  }
  if (types.isAsyncFunction(fn)) {
    if (inline) throw new UnblockedError('UNB_ERR_ROUTE_INVALID', [where, '@inline applies to sync handlers; async handlers already run on the loop'])
    return 'async'
  }
  return inline ? 'inline' : 'sync'
}

export function compileRoutes(controllers: readonly Token[], container: Container): CompiledRoute[] {
  const routes: CompiledRoute[] = []
  const seen = new Map<string, string>()
  for (const ctrl of controllers) {
    const meta = controllerMeta(ctrl)
    if (meta === undefined) throw new UnblockedError('UNB_ERR_CONTROLLER_INVALID', [ctrl.name, 'it is not a controller: decorate it with @controller() or declare it with defineController()'])
    container.validate(ctrl, 'the app')
    for (const decl of meta.routes) {
      const path = joinPath(meta.prefix, decl.path)
      const id = `${ctrl.name}.${decl.name}`
      const where = `${decl.method} ${path} (${id})`
      const key = `${decl.method} ${path}`
      const dup = seen.get(key)
      if (dup !== undefined) throw new UnblockedError('UNB_ERR_ROUTE_DUPLICATE', [decl.method, path, dup, id])
      seen.set(key, id)
      const params = paramsOf(path)
      for (const ex of decl.extractors) {
        const problem = ex.check?.({ method: decl.method, path, params }, container)
        if (problem !== undefined) throw new UnblockedError('UNB_ERR_ROUTE_INVALID', [where, problem])
      }
      const kind = classify(decl.fn, decl.inline, where)
      if (decl.timeoutMs !== undefined && kind !== 'sync') {
        throw new UnblockedError('UNB_ERR_ROUTE_INVALID', [where, '@timeout applies to sync handlers (they run in the pool, where a call can be stopped); a handler on the loop cannot be'])
      }
      routes.push({
        index: routes.length,
        id,
        method: decl.method,
        path,
        params,
        kind,
        controller: ctrl,
        isStatic: decl.isStatic,
        fn: decl.fn as unknown as CompiledRoute['fn'],
        extractors: placeDependencies(decl.extractors, kind, routes.length, where),
        headers: headersOf(decl.extractors),
        wantsSignal: decl.extractors.some((ex) => ex.source === 'signal'),
        ...(decl.timeoutMs !== undefined && { timeoutMs: decl.timeoutMs }),
      })
    }
  }
  return routes
}
