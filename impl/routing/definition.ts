/**
 * What a controller is, as the route compiler reads it, and `defineController`, the one way in.
 * The decorator form (`@controller`, `@get`, … in decorators.ts) and the plain JavaScript form
 * both end here: the decorators gather the same definition a plain call passes and hand it to
 * `defineController`, so both forms compile to the same routes by construction.
 */
import { registerProvider, type InstanceTypes, type Token } from '../di/injectable.ts'
import { UnblockedError } from '../errors.ts'
import type { ExtractedArgs, Extractor } from '../extract/extractor.ts'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS'

/** A route: what `get(path, ...extractors)` and its siblings return (also usable as a decorator). */
export interface RouteSpec<E extends readonly Extractor<unknown>[] = readonly Extractor<unknown>[]> {
  readonly mark: 'route'
  readonly method: HttpMethod
  readonly path: string
  readonly extractors: E
}

/** `inline`: run this sync handler on the loop instead of in the pool. */
export interface InlineSpec {
  readonly mark: 'inline'
}

/** `timeout(ms)`: this sync handler's time limit in the pool. */
export interface TimeoutSpec {
  readonly mark: 'timeout'
  readonly ms: number
}

/** What may be said about one handler method: a route, `inline`, `timeout(ms)`. */
export type Annotation = RouteSpec | InlineSpec | TimeoutSpec

/** One method's annotations: one, or a list (several routes, or a route with `inline` / `timeout`). */
export type Annotations = Annotation | readonly Annotation[]

/** Handler method names mapped to their annotations. */
export type RouteTable = Readonly<Record<string, Annotations>>

/** One route of a controller, resolved to its handler: what the route compiler reads. */
export interface RouteDecl {
  readonly method: HttpMethod
  readonly path: string
  readonly extractors: readonly Extractor<unknown>[]
  readonly name: string
  readonly isStatic: boolean
  readonly fn: (...args: never[]) => unknown
  readonly inline: boolean
  readonly timeoutMs?: number
}

export interface ControllerMeta {
  readonly prefix: string
  readonly routes: readonly RouteDecl[]
}

type Fn = (...args: never[]) => unknown

/** String keys of `T` whose values are functions: the methods a route may name. */
type MethodName<T> = { [K in keyof T]: K extends string ? (T[K] extends Fn ? K : never) : never }[keyof T]

/** `A` if its route's extractors give method `M` its parameters, else a type naming the mismatch. */
type Fits<A, M> = A extends RouteSpec<infer E> ? (M extends (...args: ExtractedArgs<E>) => unknown ? A : { error: 'the route\'s extractors do not match the handler\'s parameters'; route: A }) : A

type FitsAll<A, M> = A extends readonly Annotation[] ? { readonly [I in keyof A]: Fits<A[I], M> } : Fits<A, M>

/** Each entry of `R` checked against the method of `T` it names (`what`: 'method' or 'static method'). */
export type CheckedRoutes<T, R, What extends string = 'method'> = {
  readonly [K in keyof R]: K extends MethodName<T> ? FitsAll<R[K], T[K]> : { error: `${K & string} is not a ${What} of the class` }
}

/**
 * A controller in plain form: the same facts the decorators state, keyed by method name.
 * Checked by the compiler in TypeScript (method names, handler parameters against extractors,
 * constructor parameters against `deps`); checked at the call in JavaScript.
 */
export interface ControllerDefinition<D extends readonly Token[] = readonly Token[], R = RouteTable, S = RouteTable> {
  /** Path prefix of every route. @default '' */
  readonly prefix?: string
  /** Constructor dependencies, in parameter order (the controller is a singleton per thread). @default [] */
  readonly deps?: D
  /**
   * Instance methods that are handlers: `{ methodName: get('/path', ...extractors) }`, or a list
   * such as `[get('/fast'), inline]`.
   */
  readonly routes?: R
  /** Static methods that are handlers, the same way. */
  readonly static?: S
}

const controllers = new WeakMap<object, ControllerMeta>()

export function controllerMeta(cls: object): ControllerMeta | undefined {
  return controllers.get(cls)
}

const invalid = (cls: { name: string }, problem: string): UnblockedError => new UnblockedError('UNB_ERR_CONTROLLER_INVALID', [cls.name || '(anonymous class)', problem])

function isAnnotation(v: unknown): v is Annotation {
  if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return false
  const mark = (v as { mark?: unknown }).mark
  return mark === 'route' || mark === 'inline' || mark === 'timeout'
}

/** The method `name` of `owner` (own or inherited), read without running a getter. */
function methodOf(owner: object, name: string): Fn | undefined {
  for (let o: object | null = owner; o !== null && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o) as object | null) {
    const d = Object.getOwnPropertyDescriptor(o, name)
    if (d !== undefined) return typeof d.value === 'function' ? (d.value as Fn) : undefined
  }
  return undefined
}

/** One table's entries as routes, in the table's order; each method's `inline` / `timeout` apply to all its routes. */
function declsOf(cls: Token, table: RouteTable, isStatic: boolean): RouteDecl[] {
  const where = isStatic ? 'static' : 'routes'
  const owner: object = isStatic ? cls : (cls.prototype as object)
  const decls: RouteDecl[] = []
  for (const [name, value] of Object.entries(table)) {
    const list: readonly unknown[] = Array.isArray(value) ? value : [value]
    if (!list.every(isAnnotation)) throw invalid(cls, `${where}.${name} must be a route (get(...), post(...), …), inline or timeout(ms), or a list of them`)
    const routes = list.filter((a): a is RouteSpec => a.mark === 'route')
    if (routes.length === 0) throw invalid(cls, `${where}.${name} has no route (get(...), post(...), …)`)
    const fn = name === 'constructor' ? undefined : methodOf(owner, name)
    if (fn === undefined) throw invalid(cls, `${where}.${name} names no ${isStatic ? 'static ' : ''}method of the class`)
    const inline = list.some((a) => a.mark === 'inline')
    const timeouts = list.filter((a): a is TimeoutSpec => a.mark === 'timeout')
    if (timeouts.length > 1) throw invalid(cls, `${where}.${name} has more than one timeout`)
    const timeoutMs = timeouts[0]?.ms
    for (const r of routes) {
      decls.push({ method: r.method, path: r.path, extractors: r.extractors, name, isStatic, fn, inline, ...(timeoutMs !== undefined && { timeoutMs }) })
    }
  }
  return decls
}

function tableOf(cls: Token, def: object, key: 'routes' | 'static'): RouteTable {
  const table: unknown = (def as Record<string, unknown>)[key] ?? {}
  if (typeof table !== 'object' || table === null || Array.isArray(table)) throw invalid(cls, `${key} must be an object of method names to routes`)
  return table as RouteTable
}

/**
 * Declare a controller without decorators (plain JavaScript, or TypeScript by choice): a class
 * whose named methods, instance or static, are routes under `prefix`. The same facts as
 * `@controller` and the route decorators, and the same compiled routes. Returns the class.
 *
 * @example
 * export class Items {
 *   constructor(stock) { this.stock = stock }
 *   async one(id) { return { id } }                       // async → on the loop
 *   take() { return { left: this.stock.take() } }          // plain → in a worker
 *   static version() { return '1.0' }
 * }
 * defineController(Items, {
 *   prefix: '/items',
 *   deps: [Stock],
 *   routes: { one: get('/{id}', path('id', Int)), take: post('/take') },
 *   static: { version: [get('/version'), inline] },
 * })
 */
export function defineController<
  C extends new (...args: InstanceTypes<D>) => object,
  const D extends readonly Token[] = [],
  const R extends RouteTable = {},
  const S extends RouteTable = {},
>(cls: C, def: ControllerDefinition<D, R & CheckedRoutes<InstanceType<C>, R>, S & CheckedRoutes<C, S, 'static method'>>): C {
  if (typeof cls !== 'function' || typeof cls.prototype !== 'object') {
    throw new UnblockedError('UNB_ERR_CONTROLLER_INVALID', [String(cls), 'a controller must be a class'])
  }
  if (typeof def !== 'object' || def === null) throw invalid(cls, 'the definition must be an object ({ prefix, deps, routes, static })')
  if (controllers.has(cls)) throw invalid(cls, 'it is declared twice (a class is one controller: @controller or defineController, once)')
  const prefix = def.prefix ?? ''
  if (typeof prefix !== 'string') throw invalid(cls, `prefix must be a string, got ${typeof prefix}`)
  const deps = def.deps ?? []
  if (!Array.isArray(deps) || !deps.every((d) => typeof d === 'function')) throw invalid(cls, 'deps must be a list of classes')
  // Static handlers first, then instance ones: the order the decorators see them in (TC39 defines
  // static members first), so both forms number routes alike.
  const routes = [...declsOf(cls, tableOf(cls, def, 'static'), true), ...declsOf(cls, tableOf(cls, def, 'routes'), false)]
  controllers.set(cls, { prefix, routes })
  registerProvider(cls, { scope: 'singleton', deps })
  return cls
}
