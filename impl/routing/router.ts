/**
 * Route lookup on find-my-way, plus the 405 answer find-my-way leaves to its user: when a path
 * matches under other methods, the miss is a 405 with the `Allow` list instead of a 404.
 */
import { createRequire } from 'node:module'
import type FindMyWay from 'find-my-way'
import type { HttpMethod } from './decorators.ts'
import type { CompiledRoute } from './compile.ts'

export type Lookup =
  | { readonly found: true; readonly route: CompiledRoute; readonly params: Record<string, string | undefined> }
  | { readonly found: false; readonly allow: readonly string[] }

const noop = (): void => {}

// find-my-way is loaded when the first router is built, not on import: pool workers import this
// module with the app but never route (compileApp builds the router on first use).
const require = createRequire(import.meta.url)
const findMyWay = (): typeof FindMyWay => require('find-my-way') as typeof FindMyWay

export class Router {
  readonly #fmw = findMyWay()({ ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 500 })
  readonly #methods: HttpMethod[] = []

  constructor(routes: readonly CompiledRoute[]) {
    for (const r of routes) {
      this.#fmw.on(r.method, r.path, noop, r)
      if (!this.#methods.includes(r.method)) this.#methods.push(r.method)
    }
  }

  /** Find the route for `method` and `path` (no query string). */
  find(method: string, path: string): Lookup {
    const hit = this.#fmw.find(method as HttpMethod, path)
    if (hit !== null) return { found: true, route: hit.store as CompiledRoute, params: hit.params }
    // Only on a miss: ask the other methods, so the hot path pays nothing for 405 support.
    const allow = this.#methods.filter((m) => m !== method && this.#fmw.find(m, path) !== null)
    return { found: false, allow }
  }
}
