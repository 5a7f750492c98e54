/**
 * The app definition — what an app module exports — and its compilation, shared by the loop
 * and the workers. Importing an app module must have no side effects beyond defining classes:
 * every worker imports it to get the handlers with their full module scope.
 */
import { fileURLToPath } from 'node:url'
import { Container } from './di/container.ts'
import type { Token } from './di/injectable.ts'
import { UnblockedError } from './errors.ts'
import { type CompiledRoute, compileRoutes } from './routing/compile.ts'
import { Router } from './routing/router.ts'
import { SharedMemory } from './shared/memory.ts'

/** What a request hook sees of the request. */
export interface RequestInfo {
  readonly method: string
  /** Path without the query string. */
  readonly path: string
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
}

/**
 * Runs on the loop for every request that matched a route, before its extractors, inside the
 * request's context — the place to set context variables (a request id, a tenant). Keep it quick:
 * it runs on the loop whatever the handler's kind. Throw an `HttpError` to answer instead.
 */
export type RequestHook = (req: RequestInfo) => void | Promise<void>

export interface AppDefinition {
  /** `import.meta.url` of the module whose default export is this definition. */
  readonly module: string
  /** Controller classes, each decorated with `@controller`. */
  readonly controllers: readonly Token[]
  /**
   * Request hooks, run in order (the analog of a request middleware).
   * @example onRequest: [(req) => requestId.set(String(req.headers['x-request-id'] ?? randomUUID()))]
   */
  readonly onRequest?: readonly RequestHook[]
}

/**
 * Declare an app. Export the result as the module's default export.
 *
 * @example
 * export default defineApp({ module: import.meta.url, controllers: [ItemController] })
 */
export function defineApp(def: AppDefinition): AppDefinition {
  if (typeof def.module !== 'string' || !def.module.startsWith('file:')) {
    throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', ['app.module must be the app module\'s import.meta.url (a file: URL)'])
  }
  fileURLToPath(def.module) // throws on a malformed URL, at definition time
  if (!Array.isArray(def.controllers) || def.controllers.length === 0) {
    throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', ['app.controllers must list at least one controller'])
  }
  const hooks = def.onRequest ?? []
  if (!Array.isArray(hooks) || !hooks.every((h) => typeof h === 'function')) {
    throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', ['app.onRequest must be a list of functions'])
  }
  return Object.freeze({ module: def.module, controllers: [...def.controllers], onRequest: [...hooks] })
}

export interface CompiledApp {
  readonly routes: readonly CompiledRoute[]
  readonly onRequest: readonly RequestHook[]
  readonly router: Router
  readonly container: Container
  readonly shared: SharedMemory
}

/** Compile routes and wire the container for this thread (the loop, or one worker). */
export function compileApp(def: AppDefinition, shared: SharedMemory): CompiledApp {
  const container = new Container().provideValue(SharedMemory, shared)
  const routes = compileRoutes(def.controllers, container)
  let router: Router | undefined
  // Built on first use: the loop routes every request, a pool worker only runs routes by index
  // and never needs one (a worker's start-up and memory).
  return {
    routes,
    onRequest: def.onRequest ?? [],
    get router() {
      return (router ??= new Router(routes))
    },
    container,
    shared,
  }
}

export function isAppDefinition(v: unknown): v is AppDefinition {
  return typeof v === 'object' && v !== null && typeof (v as AppDefinition).module === 'string' && Array.isArray((v as AppDefinition).controllers)
}
