/**
 * Controller and route decorators (TC39 standard decorators, no `emitDecoratorMetadata`).
 *
 * Method decorators run before the class decorator while a class is defined, so each route
 * decorator records its route in `pending` and `@controller` claims them. The route list is read
 * once at app creation; nothing here runs per request.
 */
import { registerProvider, type InstanceTypes, type Token } from '../di/injectable.ts'
import { UnblockedError } from '../errors.ts'
import type { ExtractedArgs, Extractor } from '../extract/extractor.ts'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS'

export interface RouteDecl {
  readonly method: HttpMethod
  readonly path: string
  readonly extractors: readonly Extractor<unknown>[]
  readonly name: string
  readonly isStatic: boolean
  readonly fn: (...args: never[]) => unknown
}

export interface ControllerMeta {
  readonly prefix: string
  readonly routes: readonly RouteDecl[]
}

const pending: RouteDecl[] = []
const inlineFns = new WeakSet<object>()
const timeouts = new WeakMap<object, number>()
const controllers = new WeakMap<object, ControllerMeta>()

export function controllerMeta(cls: object): ControllerMeta | undefined {
  return controllers.get(cls)
}

export function isInline(fn: object): boolean {
  return inlineFns.has(fn)
}

/** The time limit `@timeout` gave this handler, if any. */
export function timeoutOf(fn: object): number | undefined {
  return timeouts.get(fn)
}

/**
 * A time limit for this sync handler's call in the worker pool, overriding the app's
 * `pool.handlerTimeout`: past it the request answers 504 and the worker is replaced.
 * @example \@get('/report') \@timeout(120_000) report() { … }
 */
export function timeout(ms: number) {
  if (!Number.isInteger(ms) || ms <= 0) throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`@timeout needs a positive integer of milliseconds, got ${ms}`])
  return <F extends (this: unknown, ...args: never[]) => unknown>(fn: F, _ctx: ClassMethodDecoratorContext): void => {
    timeouts.set(fn, ms)
  }
}

type Handler<E extends readonly Extractor<unknown>[]> = (...args: ExtractedArgs<E>) => unknown

function route(method: HttpMethod) {
  return <const E extends readonly Extractor<unknown>[]>(path: string, ...extractors: E) =>
    <F extends Handler<E>>(fn: F, ctx: ClassMethodDecoratorContext<unknown, F>): void => {
      if (ctx.private || typeof ctx.name === 'symbol') {
        throw new UnblockedError('UNB_ERR_ROUTE_INVALID', [`${method} ${path}`, 'handlers must be public, string-named methods'])
      }
      pending.push({ method, path, extractors, name: ctx.name, isStatic: ctx.static, fn: fn as RouteDecl['fn'] })
    }
}

/**
 * Route decorators, one per HTTP verb. Extractors listed after the path become the handler's
 * parameters, in order, and type-check its signature.
 *
 * @example
 * \@get('/items/{id}', path('id', Int))
 * item(id: number) { return { id } }
 */
export const get = route('GET')
export const post = route('POST')
export const put = route('PUT')
export const patch = route('PATCH')
export const del = route('DELETE')
export const head = route('HEAD')
export const options = route('OPTIONS')

/**
 * Run this sync handler inline on the event loop instead of in the worker pool (Litestar's
 * `sync_to_thread=False`). Only for handlers known to be trivial: a slow one stalls every request.
 */
export function inline<F extends (this: unknown, ...args: never[]) => unknown>(fn: F, _ctx: ClassMethodDecoratorContext): void {
  inlineFns.add(fn)
}

export interface ControllerOptions<D extends readonly Token[]> {
  /** Constructor dependencies, in parameter order. @default [] */
  deps?: D
}

/**
 * A controller: a class whose decorated methods (instance or static) are routes under `prefix`.
 * Controllers are singletons per thread and get constructor injection like any provider.
 */
export function controller<const D extends readonly Token[] = []>(prefix = '', options: ControllerOptions<D> = {}) {
  return <C extends new (...args: InstanceTypes<D>) => object>(target: C, _ctx: ClassDecoratorContext<C>): void => {
    const routes = pending.splice(0)
    for (const r of routes) {
      const owner: Record<string, unknown> = r.isStatic ? (target as unknown as Record<string, unknown>) : target.prototype
      if (owner[r.name] !== r.fn) {
        throw new UnblockedError('UNB_ERR_CONTROLLER_INVALID', [
          target.name,
          `route ${r.method} ${r.path} (${r.name}) belongs to a class without @controller`,
        ])
      }
    }
    controllers.set(target, { prefix, routes })
    registerProvider(target, { scope: 'singleton', deps: options.deps ?? [] })
  }
}
