/**
 * The route marks — `get`, `post`, …, `inline`, `timeout(ms)` — and `@controller` (TC39 standard
 * decorators, no `emitDecoratorMetadata`).
 *
 * Each mark is both a value and a decorator. As a value it goes into a plain controller
 * definition (`defineController(Items, { routes: { one: get('/{id}') } })`, for JavaScript, which
 * runs no decorators); as a decorator it records itself against the method it decorates. Method
 * decorators run before the class decorator while a class is defined, so they wait in `pending`
 * until `@controller` claims them, turns them into that same definition and calls
 * `defineController`: one path from either form to the compiled routes.
 */
import type { InstanceTypes, Token } from '../di/injectable.ts'
import { UnblockedError } from '../errors.ts'
import type { ExtractedArgs, Extractor } from '../extract/extractor.ts'
import { defineController, type Annotation, type HttpMethod, type InlineSpec, type RouteSpec, type RouteTable, type TimeoutSpec } from './definition.ts'

export type { HttpMethod } from './definition.ts'

type Handler<E extends readonly Extractor<unknown>[]> = (...args: ExtractedArgs<E>) => unknown
type AnyMethod = (this: unknown, ...args: never[]) => unknown

/** A route: a value for `defineController`, or a method decorator whose extractors type-check the method. */
export type RouteMark<E extends readonly Extractor<unknown>[]> = RouteSpec<E> & (<F extends Handler<E>>(fn: F, ctx: ClassMethodDecoratorContext<unknown, F>) => void)

/** `inline` as a value for `defineController`, or as a method decorator. */
export type InlineMark = InlineSpec & (<F extends AnyMethod>(fn: F, ctx: ClassMethodDecoratorContext) => void)

/** `timeout(ms)` as a value for `defineController`, or as a method decorator. */
export type TimeoutMark = TimeoutSpec & (<F extends AnyMethod>(fn: F, ctx: ClassMethodDecoratorContext) => void)

interface Pending {
  readonly annotation: Annotation
  readonly name: string
  readonly isStatic: boolean
  readonly fn: AnyMethod
}

const pending: Pending[] = []

/** What a mark does when used as a decorator: wait for the class's `@controller`. */
function record(annotation: Annotation, fn: AnyMethod, ctx: ClassMethodDecoratorContext, what: string): void {
  if (ctx.private || typeof ctx.name === 'symbol') {
    throw new UnblockedError('UNB_ERR_ROUTE_INVALID', [what, 'handlers must be public, string-named methods'])
  }
  pending.push({ annotation, name: ctx.name, isStatic: ctx.static, fn })
}

function isExtractor(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as { extract?: unknown }).extract === 'function'
}

function route(method: HttpMethod) {
  return <const E extends readonly Extractor<unknown>[]>(path: string, ...extractors: E): RouteMark<E> => {
    const what = `${method} ${String(path)}`
    if (typeof path !== 'string') throw new UnblockedError('UNB_ERR_ROUTE_INVALID', [what, `the path must be a string, got ${typeof path}`])
    const bad = extractors.findIndex((ex) => !isExtractor(ex))
    if (bad >= 0) throw new UnblockedError('UNB_ERR_ROUTE_INVALID', [what, `argument ${bad + 2} is not an extractor (path(), query(), json(), depends(), …)`])
    const spec: RouteSpec<E> = { mark: 'route', method, path, extractors }
    const decorate = <F extends Handler<E>>(fn: F, ctx: ClassMethodDecoratorContext<unknown, F>): void => record(spec, fn as AnyMethod, ctx, what)
    return Object.freeze(Object.assign(decorate, spec))
  }
}

/**
 * Routes, one per HTTP verb. Extractors listed after the path become the handler's parameters,
 * in order, and type-check its signature.
 *
 * @example
 * \@get('/items/{id}', path('id', Int))                  // a decorator (TypeScript)
 * item(id: number) { return { id } }
 *
 * defineController(Items, { routes: { item: get('/items/{id}', path('id', Int)) } })  // plain JavaScript
 */
export const get = route('GET')
export const post = route('POST')
export const put = route('PUT')
export const patch = route('PATCH')
export const del = route('DELETE')
export const head = route('HEAD')
export const options = route('OPTIONS')

const inlineSpec: InlineSpec = { mark: 'inline' }

/**
 * Run this sync handler inline on the event loop instead of in the worker pool (Litestar's
 * `sync_to_thread=False`). Only for handlers known to be trivial: a slow one stalls every request.
 * @example \@get('/version') \@inline static version() { … }
 * @example static: { version: [get('/version'), inline] }
 */
export const inline: InlineMark = Object.freeze(
  Object.assign(<F extends AnyMethod>(fn: F, ctx: ClassMethodDecoratorContext): void => record(inlineSpec, fn, ctx, '@inline'), inlineSpec),
)

/**
 * A time limit for this sync handler's call in the worker pool, overriding the app's
 * `pool.handlerTimeout`: past it the request answers 504 and the worker is replaced.
 * @example \@get('/report') \@timeout(120_000) report() { … }
 * @example routes: { report: [get('/report'), timeout(120_000)] }
 */
export function timeout(ms: number): TimeoutMark {
  if (!Number.isInteger(ms) || ms <= 0) throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`@timeout needs a positive integer of milliseconds, got ${ms}`])
  const spec: TimeoutSpec = { mark: 'timeout', ms }
  return Object.freeze(Object.assign(<F extends AnyMethod>(fn: F, ctx: ClassMethodDecoratorContext): void => record(spec, fn, ctx, `@timeout(${ms})`), spec))
}

export interface ControllerOptions<D extends readonly Token[]> {
  /** Constructor dependencies, in parameter order. @default [] */
  deps?: D
}

/** Add `p` to its method's entry of `table`, keeping the order methods were first seen in. */
function add(table: Record<string, Annotation[]>, p: Pending): void {
  ;(table[p.name] ??= []).push(p.annotation)
}

/**
 * A controller: a class whose decorated methods (instance or static) are routes under `prefix`.
 * Controllers are singletons per thread and get constructor injection like any provider. The
 * decorators' facts become a `defineController` definition, the plain form's.
 */
export function controller<const D extends readonly Token[] = []>(prefix = '', options: ControllerOptions<D> = {}) {
  return <C extends new (...args: InstanceTypes<D>) => object>(target: C, _ctx: ClassDecoratorContext<C>): void => {
    const claimed = pending.splice(0)
    const routes: Record<string, Annotation[]> = Object.create(null)
    const statics: Record<string, Annotation[]> = Object.create(null)
    for (const p of claimed) {
      const owner: Record<string, unknown> = p.isStatic ? (target as unknown as Record<string, unknown>) : target.prototype
      if (owner[p.name] !== p.fn) {
        const what = p.annotation.mark === 'route' ? `route ${p.annotation.method} ${p.annotation.path}` : `@${p.annotation.mark}`
        throw new UnblockedError('UNB_ERR_CONTROLLER_INVALID', [target.name, `${what} (${p.name}) belongs to a class without @controller`])
      }
      add(p.isStatic ? statics : routes, p)
    }
    const def: { prefix: string; deps: D; routes: RouteTable; static: RouteTable } = { prefix, deps: options.deps ?? ([] as unknown as D), routes, static: statics }
    defineController<C, D>(target, def)
  }
}
