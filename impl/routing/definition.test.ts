import { describe, expect, it } from 'vitest'
import { Container } from '../di/container.ts'
import { defineInjectable, injectable, providerMeta, type Token } from '../di/injectable.ts'
import { background, depends, disconnected, header, inject, Int, json, offloader, path, query, resolver } from '../extract/builtins.ts'
import { unpooled } from '../extract/pooled.ts'
import { HandlerIndex } from '../diagnostics/attribution.ts'
import type { UnblockedError } from '../errors.ts'
import { type CompiledRoute, compileRoutes } from './compile.ts'
import { controller, del, get, inline, post, timeout } from './decorators.ts'
import { defineController } from './definition.ts'
import { z } from 'zod'

function thrown(fn: () => unknown): UnblockedError | undefined {
  try {
    fn()
  } catch (err) {
    return err as UnblockedError
  }
  return undefined
}

@injectable() class Clock { now() { return 1 } }
@injectable({ scope: 'request' }) class Audit { readonly notes: string[] = [] }

// The inputs both declarations share, so a route's extractors compare by identity: a form that
// dropped, reordered or copied one would show.
const Item = z.object({ name: z.string() })
const id = path('id', Int)
const q = query('q')
const token = header('x-token')
const body = json(Item)
const user = depends(() => 'ada') // a sync provider: for an async handler, pooled by the compiler
const session = depends(async function* () { yield 's' })
const audit = inject(Audit)
const r = resolver()
const off = offloader()
const tasks = background()
const signal = disconnected()

/** Everything the decorators can say, said once as decorators… */
const decorated = (() => {
  @controller('/both/{id}', { deps: [Clock] })
  class Both {
    constructor(readonly clock: Clock) {}
    @get('/sync', id, q, token) sync(i: number, s: string, t: string) { return [i, s, t, this.clock.now()] }
    @post('/async', id, body, user, session, audit) async create(i: number, b: { name: string }, u: string, s: string, a: Audit) { return [i, b, u, s, a] }
    @get('/inline', id) @inline fast(i: number) { return i }
    @get('/slow', id, signal) @timeout(5_000) slow(i: number, sig: AbortSignal) { return [i, sig.aborted] }
    @get('/a', id) @get('/b', id) @del('/c', id) many(i: number) { return i }
    @get('/tools', id, r, off, tasks) async tools(i: number, _r: unknown, _o: unknown, _t: unknown) { return i }
    @get('/s', id) static health(i: number) { return i }
    @get('/s-async', id) @get('/s-async-2', id) static async ping(i: number) { return i }
    notARoute() { return 0 }
  }
  return Both
})()

/** …and once in plain form. */
const plain = (() => {
  class Both {
    constructor(readonly clock: Clock) {}
    sync(i: number, s: string, t: string) { return [i, s, t, this.clock.now()] }
    async create(i: number, b: { name: string }, u: string, s: string, a: Audit) { return [i, b, u, s, a] }
    fast(i: number) { return i }
    slow(i: number, sig: AbortSignal) { return [i, sig.aborted] }
    many(i: number) { return i }
    async tools(i: number, _r: unknown, _o: unknown, _t: unknown) { return i }
    static health(i: number) { return i }
    static async ping(i: number) { return i }
    notARoute() { return 0 }
  }
  return defineController(Both, {
    prefix: '/both/{id}',
    deps: [Clock],
    routes: {
      sync: get('/sync', id, q, token),
      create: post('/async', id, body, user, session, audit),
      fast: [get('/inline', id), inline],
      slow: [get('/slow', id, signal), timeout(5_000)],
      // Decorators apply bottom-up, so the decorated `many` lists its routes in reverse.
      many: [del('/c', id), get('/b', id), get('/a', id)],
      tools: get('/tools', id, r, off, tasks),
    },
    static: { health: get('/s', id), ping: [get('/s-async-2', id), get('/s-async', id)] },
  })
})()

/** A route with its functions described (the two forms' handlers are different functions with the same name and code). */
function comparable(route: CompiledRoute) {
  return {
    ...route,
    controller: `class ${route.controller.name}`,
    fn: `${route.fn.name}: ${String(route.fn)}`,
    // The compiler wraps an async handler's sync dependency: compare what it wraps.
    extractors: route.extractors.map((ex) => {
      const inner = unpooled(ex)
      return inner === undefined ? ex : { pooled: inner, extract: String(ex.extract) }
    }),
  }
}

describe('one controller, declared with decorators and with defineController', () => {
  const a = compileRoutes([decorated], new Container())
  const b = compileRoutes([plain], new Container())

  it('compiles to deep-equal routes, functions aside', () => {
    expect(b.map(comparable)).toEqual(a.map(comparable))
    // The comparison saw every kind and lane hint, so it compared something.
    expect(a.map((x) => `${x.kind} ${x.method} ${x.path}${x.timeoutMs === undefined ? '' : ` ${x.timeoutMs} ms`}`)).toEqual([
      'sync GET /both/:id/s',
      'async GET /both/:id/s-async-2',
      'async GET /both/:id/s-async',
      'sync GET /both/:id/sync',
      'async POST /both/:id/async',
      'inline GET /both/:id/inline',
      'sync GET /both/:id/slow 5000 ms',
      'sync DELETE /both/:id/c',
      'sync GET /both/:id/b',
      'sync GET /both/:id/a',
      'async GET /both/:id/tools',
    ])
    expect(a.find((x) => x.path.endsWith('/async'))?.extractors.some((ex) => unpooled(ex) === user)).toBe(true)
  })

  it('each handler is the class\'s own method, and the controller its own class', () => {
    for (const [cls, routes] of [[decorated, a], [plain, b]] as const) {
      for (const route of routes) {
        expect(route.controller).toBe(cls)
        const owner = route.isStatic ? cls : cls.prototype
        expect(route.fn).toBe((owner as unknown as Record<string, unknown>)[route.fn.name])
      }
    }
  })

  it('registers each controller as a singleton provider with its deps', () => {
    expect(providerMeta(decorated)).toEqual({ scope: 'singleton', deps: [Clock] })
    expect(providerMeta(plain)).toEqual({ scope: 'singleton', deps: [Clock] })
  })
})

describe('blocking attribution', () => {
  // The monitor names the handler behind a block from V8's stack frames (`Class.method`); a
  // plain-form handler must be found as a decorated one is.
  const Decorated = (() => {
    @controller('/w')
    class Where {
      @get('/i') @inline here() { return new Error('probe').stack ?? '' }
      @get('/s') static async there() { return new Error('probe').stack ?? '' }
    }
    return Where
  })()
  const Plain = (() => {
    class Where {
      here() { return new Error('probe').stack ?? '' }
      static async there() { return new Error('probe').stack ?? '' }
    }
    return defineController(Where, { prefix: '/w', routes: { here: [get('/i'), inline] }, static: { there: get('/s') } })
  })()

  it.each([['decorators', Decorated], ['defineController', Plain]] as const)('names %s handlers from a real stack', async (_, cls) => {
    const routes = compileRoutes([cls], new Container())
    const index = new HandlerIndex(routes)
    for (const route of routes) {
      const self = route.isStatic ? cls : new cls()
      const stack = String(await route.fn.apply(self, []))
      expect(index.fromStack(stack)?.id).toBe(route.id)
    }
    expect(routes.map((r) => r.id)).toEqual(['Where.there', 'Where.here'])
  })
})

describe('defineController checks its definition (a JavaScript caller has no compiler)', () => {
  // Definitions as a JavaScript caller may write them: no types to stop them.
  const define = (cls: unknown, def: unknown) => defineController(cls as Token as new () => object, def as object)

  it.each<[string, unknown, string]>([
    ['a route that is no mark', { routes: { h: '/h' } }, 'routes.h must be a route (get(...), post(...), …), inline or timeout(ms), or a list of them'],
    ['inline without a route', { routes: { h: inline } }, 'routes.h has no route (get(...), post(...), …)'],
    ['two timeouts', { routes: { h: [get('/'), timeout(1), timeout(2)] } }, 'routes.h has more than one timeout'],
    ['a field, not a method', { routes: { field: get('/') } }, 'routes.field names no method of the class'],
    ['the constructor', { routes: { constructor: get('/') } }, 'routes.constructor names no method of the class'],
    ['a prefix that is no string', { prefix: 7, routes: {} }, 'prefix must be a string, got number'],
    ['deps that are not classes', { deps: ['Clock'] }, 'deps must be a list of classes'],
    ['routes as a list', { routes: [get('/')] }, 'routes must be an object of method names to routes'],
  ])('%s', (_, def, problem) => {
    class Target { field = 1; h() { return 1 } }
    expect(thrown(() => define(Target, def))?.message).toBe(`invalid controller Target: ${problem}`)
  })

  it('refuses a class declared twice, and a decorated class declared again', () => {
    class Twice { h() { return 1 } }
    define(Twice, { routes: { h: get('/') } })
    expect(thrown(() => define(Twice, { routes: { h: get('/') } }))?.message).toBe('invalid controller Twice: it is declared twice (a class is one controller: @controller or defineController, once)')
    expect(thrown(() => define(decorated, {}))?.code).toBe('UNB_ERR_CONTROLLER_INVALID')
    expect(thrown(() => define(() => 1, {}))?.message).toBe('invalid controller () => 1: a controller must be a class')
  })

  it('refuses what is not a path or an extractor where a route is made', () => {
    expect(thrown(() => (get as (...a: unknown[]) => unknown)(42))?.message).toBe('invalid route GET 42: the path must be a string, got number')
    expect(thrown(() => (get as (...a: unknown[]) => unknown)('/x', 'id'))?.message).toBe('invalid route GET /x: argument 2 is not an extractor (path(), query(), json(), depends(), …)')
  })

  it('inherited methods may be routes; a getter is not run to look', () => {
    let ran = false
    class Base { h() { return 'base' } }
    class Child extends Base { get g() { ran = true; return () => 1 } }
    define(Child, { routes: { h: get('/h') } })
    expect(compileRoutes([Child], new Container()).map((x) => x.id)).toEqual(['Child.h'])
    class Other { get g() { ran = true; return () => 1 } }
    expect(thrown(() => define(Other, { routes: { g: get('/g') } }))?.message).toBe('invalid controller Other: routes.g names no method of the class')
    expect(ran).toBe(false)
  })
})

describe('defineInjectable', () => {
  it('is @injectable without the decorator', () => {
    class Store {}
    class Uses { constructor(readonly s: Store) {} }
    expect(defineInjectable(Store, { scope: 'request' })).toBe(Store)
    defineInjectable(Uses, { scope: 'transient', deps: [Store] })
    expect(providerMeta(Store)).toEqual({ scope: 'request', deps: [] })
    expect(providerMeta(Uses)).toEqual({ scope: 'transient', deps: [Store] })
    @injectable({ scope: 'request' }) class Decorated {}
    expect(providerMeta(Decorated)).toEqual(providerMeta(Store))
  })

  it('checks its options (a JavaScript caller has no compiler)', () => {
    class S {}
    const define = (options: unknown) => defineInjectable(S, options as object)
    expect(thrown(() => define({ scope: 'session' }))?.message).toBe("defineInjectable(S): scope must be 'singleton', 'request' or 'transient', got session")
    expect(thrown(() => define({ deps: [1] }))?.message).toBe('defineInjectable(S): deps must be a list of classes')
  })
})
