import { describe, expect, it } from 'vitest'
import { Container } from '../di/container.ts'
import type { Token } from '../di/injectable.ts'
import { injectable } from '../di/injectable.ts'
import { depends, header, path, query, inject } from '../extract/builtins.ts'
import { Int } from '../extract/builtins.ts'
import type { UnblockedError } from '../errors.ts'
import { classify, compileRoutes, joinPath, paramsOf } from './compile.ts'
import { controller, del, get, inline, patch, post, put, head, options } from './decorators.ts'
import { defineController } from './definition.ts'
import { Router } from './router.ts'

@injectable({ scope: 'request' }) class PerRequest {}
@injectable() class Svc { readonly n = 1 }

// One controller in both forms, each class named Items: every test below that reads it runs for both.
const decorated = (() => {
  @controller('/items', { deps: [Svc] })
  class Items {
    constructor(readonly svc: Svc) {}
    @get('/') list() { return [] }
    @get('/{id}', path('id', Int)) async one(id: number) { return { id } }
    @post('/') create() { return null }
    @put('/:id', path('id')) replace(id: string) { return id }
    @patch('/{id}') update() { return 1 }
    @del('/{id}') remove() { return null }
    @head('/{id}') probe() { return null }
    @options('/') opts() { return null }
    @get('/inline/fast') @inline fast() { return 'fast' }
    @get('/static/s') static stat() { return 'static' }
    @get('/static/a') static async statAsync() { return 'static async' }
  }
  return Items
})()

const plain = (() => {
  class Items {
    constructor(readonly svc: Svc) {}
    list() { return [] }
    async one(id: number) { return { id } }
    create() { return null }
    replace(id: string) { return id }
    update() { return 1 }
    remove() { return null }
    probe() { return null }
    opts() { return null }
    fast() { return 'fast' }
    static stat() { return 'static' }
    static async statAsync() { return 'static async' }
  }
  return defineController(Items, {
    prefix: '/items',
    deps: [Svc],
    routes: {
      list: get('/'),
      one: get('/{id}', path('id', Int)),
      create: post('/'),
      replace: put('/:id', path('id')),
      update: patch('/{id}'),
      remove: del('/{id}'),
      probe: head('/{id}'),
      opts: options('/'),
      fast: [get('/inline/fast'), inline],
    },
    static: { stat: get('/static/s'), statAsync: get('/static/a') },
  })
})()

const forms: [string, Token][] = [['decorators', decorated], ['defineController', plain]]

function compileErr(fn: () => unknown): UnblockedError | undefined {
  try {
    fn()
  } catch (err) {
    return err as UnblockedError
  }
  return undefined
}

describe.each(forms)('route compilation (%s)', (_, Items) => {
  const routes = compileRoutes([Items], new Container())
  const byId = Object.fromEntries(routes.map((r) => [r.id, r]))

  it('registers every HTTP verb, instance and static methods', () => {
    // Static handlers are numbered before instance ones in both forms (TC39 decorates static
    // members first); the order is the same in every thread, which is all route indexes need.
    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'GET /items', 'GET /items/:id', 'POST /items', 'PUT /items/:id', 'PATCH /items/:id', 'DELETE /items/:id',
      'HEAD /items/:id', 'OPTIONS /items', 'GET /items/inline/fast', 'GET /items/static/s', 'GET /items/static/a',
    ].sort())
    expect(byId['Items.stat']?.isStatic).toBe(true)
    expect(byId['Items.list']?.isStatic).toBe(false)
  })

  it('classifies each handler once: async → loop, plain → pool, @inline plain → loop', () => {
    expect(byId['Items.one']?.kind).toBe('async')
    expect(byId['Items.list']?.kind).toBe('sync')
    expect(byId['Items.fast']?.kind).toBe('inline')
    expect(byId['Items.stat']?.kind).toBe('sync')
    expect(byId['Items.statAsync']?.kind).toBe('async')
  })

})

describe('route compilation', () => {
  it('joins prefixes and converts {param} to router syntax', () => {
    expect(joinPath('/items', '/{id}')).toBe('/items/:id')
    expect(joinPath('', '/')).toBe('/')
    expect(joinPath('/a/', '/b/')).toBe('/a/b')
    expect(joinPath('a', 'b/{x}/{y}')).toBe('/a/b/:x/:y')
    expect(paramsOf('/a/:x/b/:y')).toEqual(['x', 'y'])
  })

  it('records which request headers a route\'s extractors read (what a worker is sent)', () => {
    expect(compileRoutes([decorated], new Container()).find((r) => r.id === 'Items.one')?.headers).toEqual([])
    @controller('/h') class H {
      @get('/a', header('X-Token'), query('q')) a(_t: string, _q: string) { return 1 }
      @get('/b', depends(() => 1)) b(_n: number) { return 1 }
    }
    const [a, b] = compileRoutes([H], new Container())
    expect(a?.headers).toEqual(['x-token'])
    expect(b?.headers).toBe('all')
  })

  it('rejects generators and @inline on async functions', () => {
    expect(compileErr(() => classify(function* g() {}, false, 'x'))?.code).toBe('UNB_ERR_ROUTE_INVALID')
    expect(compileErr(() => classify(async () => 1, true, 'x'))?.message).toContain('@inline applies to sync handlers')
  })

  it('rejects an extractor for a path parameter the path lacks', () => {
    @controller('/x') class Bad { @get('/', path('id')) h(_id: string) { return 1 } }
    const err = compileErr(() => compileRoutes([Bad], new Container()))
    expect(err?.code).toBe('UNB_ERR_ROUTE_INVALID')
    expect(err?.message).toBe('invalid route GET /x (Bad.h): path parameter "id" is not in /x')
  })

  it('rejects duplicate routes across controllers', () => {
    @controller('/d') class D1 { @get('/') a() { return 1 } }
    @controller('/d') class D2 { @get('') b() { return 2 } }
    const err = compileErr(() => compileRoutes([D1, D2], new Container()))
    expect(err?.code).toBe('UNB_ERR_ROUTE_DUPLICATE')
    expect(err?.message).toBe('route GET /d is declared twice (D1.a and D2.b)')
  })

  it('rejects classes without @controller and controllers with request-scoped deps', () => {
    class Plain {}
    expect(compileErr(() => compileRoutes([Plain], new Container()))?.message).toBe('invalid controller Plain: it is not a controller: decorate it with @controller() or declare it with defineController()')
    @controller('/r', { deps: [PerRequest] }) class NeedsReq { constructor(readonly p: PerRequest) {} @get('/') h() { return 1 } }
    expect(compileErr(() => compileRoutes([NeedsReq], new Container()))?.code).toBe('UNB_ERR_DI_SCOPE_VIOLATION')
  })

  it('validates injected handler parameters at app creation', () => {
    class NotInjectable {}
    @controller('/i') class Inj { @get('/', inject(NotInjectable)) h(_x: NotInjectable) { return 1 } }
    expect(compileErr(() => compileRoutes([Inj], new Container()))?.code).toBe('UNB_ERR_DI_NOT_INJECTABLE')
  })

  it('type-checks handler parameters against the declared extractors', () => {
    @controller('/t') class Typed {
      @get('/{id}', path('id', Int), query('q'))
      ok(id: number, q: string) { return { id, q } }

      // @ts-expect-error — path('id', Int) yields a number, not a string (checked by `tsc` in npm test)
      @get('/bad/{id}', path('id', Int)) bad(id: string) { return id }
    }
    expect(compileRoutes([Typed], new Container())).toHaveLength(2)
  })

  it('type-checks the plain form too: handler parameters, method names, constructor deps', () => {
    class Plain {
      constructor(readonly svc: Svc) {}
      ok(id: number, q: string) { return { id, q } }
      bad(id: string) { return id }
      static s(n: number) { return n }
    }
    defineController(Plain, {
      prefix: '/plain-typed',
      deps: [Svc],
      routes: {
        ok: get('/{id}', path('id', Int), query('q')),
        // @ts-expect-error — path('id', Int) yields a number, not a string (the compiler's check only)
        bad: get('/bad/{id}', path('id', Int)),
      },
      static: { s: get('/s/{n}', path('n', Int)) },
    })
    expect(compileRoutes([Plain], new Container()).map((r) => r.id)).toEqual(['Plain.s', 'Plain.ok', 'Plain.bad'])

    // Names the compiler refuses, and so does the call (a JavaScript caller has no compiler).
    class Names { h() { return 1 } static s() { return 2 } }
    // @ts-expect-error — there is no instance method `missing`
    expect(compileErr(() => defineController(Names, { routes: { missing: get('/m') } }))?.message).toBe('invalid controller Names: routes.missing names no method of the class')
    // @ts-expect-error — `s` is static
    expect(compileErr(() => defineController(Names, { routes: { s: get('/s') } }))?.message).toBe('invalid controller Names: routes.s names no method of the class')
    // @ts-expect-error — `h` is not static
    expect(compileErr(() => defineController(Names, { static: { h: get('/h') } }))?.message).toBe('invalid controller Names: static.h names no static method of the class')

    class NeedsSvc { constructor(readonly svc: Svc) {} h() { return 1 } }
    // @ts-expect-error — the constructor needs a Svc and no deps are declared (the compiler's check only)
    defineController(NeedsSvc, { routes: { h: get('/') } })
    expect(compileRoutes([NeedsSvc], new Container())).toHaveLength(1)
  })

  it('rejects plain-form controllers for the same reasons as decorated ones', () => {
    class BadPath { h(_id: string) { return 1 } }
    defineController(BadPath, { prefix: '/x', routes: { h: get('/', path('id')) } })
    expect(compileErr(() => compileRoutes([BadPath], new Container()))?.message).toBe('invalid route GET /x (BadPath.h): path parameter "id" is not in /x')
    class NeedsReq { constructor(readonly p: PerRequest) {} h() { return 1 } }
    defineController(NeedsReq, { prefix: '/r', deps: [PerRequest], routes: { h: get('/') } })
    expect(compileErr(() => compileRoutes([NeedsReq], new Container()))?.code).toBe('UNB_ERR_DI_SCOPE_VIOLATION')
    class NotInjectable {}
    class Inj { h(_x: NotInjectable) { return 1 } }
    defineController(Inj, { prefix: '/i', routes: { h: get('/', inject(NotInjectable)) } })
    expect(compileErr(() => compileRoutes([Inj], new Container()))?.code).toBe('UNB_ERR_DI_NOT_INJECTABLE')
    class InlineAsync { async h() { return 1 } }
    defineController(InlineAsync, { prefix: '/ia', routes: { h: [get('/'), inline] } })
    expect(compileErr(() => compileRoutes([InlineAsync], new Container()))?.message).toContain('@inline applies to sync handlers')
    @controller('/d') class Decorated { @get('/') a() { return 1 } }
    class Plain { b() { return 2 } }
    defineController(Plain, { prefix: '/d', routes: { b: get('') } })
    expect(compileErr(() => compileRoutes([Decorated, Plain], new Container()))?.message).toBe('route GET /d is declared twice (Decorated.a and Plain.b)')
  })
})

describe.each(forms)('Router (%s)', (_, Items) => {
  const router = new Router(compileRoutes([Items], new Container()))

  it('finds routes with decoded params, ignoring a trailing slash', () => {
    const hit = router.find('GET', '/items/42/')
    expect(hit.found && hit.route.id).toBe('Items.one')
    expect(hit.found && hit.params).toEqual({ id: '42' })
    const enc = router.find('PUT', '/items/a%20b')
    expect(enc.found && enc.params).toEqual({ id: 'a b' })
  })

  it('unknown path → not found with no allowed methods (404)', () => {
    expect(router.find('GET', '/nope')).toEqual({ found: false, allow: [] })
  })

  it('known path, wrong method → the methods that would match (405 + Allow)', () => {
    expect(router.find('POST', '/items/7')).toEqual({ found: false, allow: ['GET', 'PUT', 'PATCH', 'DELETE', 'HEAD'] })
  })
})
