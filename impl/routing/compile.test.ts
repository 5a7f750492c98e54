import { describe, expect, it } from 'vitest'
import { Container } from '../di/container.ts'
import { injectable } from '../di/injectable.ts'
import { depends, header, path, query, inject } from '../extract/builtins.ts'
import { Int } from '../extract/builtins.ts'
import type { UnblockedError } from '../errors.ts'
import { classify, compileRoutes, joinPath, paramsOf } from './compile.ts'
import { controller, del, get, inline, patch, post, put, head, options } from './decorators.ts'
import { Router } from './router.ts'

@injectable({ scope: 'request' }) class PerRequest {}
@injectable() class Svc { readonly n = 1 }

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

function compileErr(fn: () => unknown): UnblockedError | undefined {
  try {
    fn()
  } catch (err) {
    return err as UnblockedError
  }
  return undefined
}

describe('route compilation', () => {
  const routes = compileRoutes([Items], new Container())
  const byId = Object.fromEntries(routes.map((r) => [r.id, r]))

  it('joins prefixes and converts {param} to router syntax', () => {
    expect(joinPath('/items', '/{id}')).toBe('/items/:id')
    expect(joinPath('', '/')).toBe('/')
    expect(joinPath('/a/', '/b/')).toBe('/a/b')
    expect(joinPath('a', 'b/{x}/{y}')).toBe('/a/b/:x/:y')
    expect(paramsOf('/a/:x/b/:y')).toEqual(['x', 'y'])
  })

  it('registers every HTTP verb, instance and static methods', () => {
    // Static members are decorated before instance members (TC39 order); the order is the same in
    // every thread, which is all route indexes need.
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

  it('records which request headers a route\'s extractors read (what a worker is sent)', () => {
    expect(byId['Items.one']?.headers).toEqual([])
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
    expect(compileErr(() => compileRoutes([Plain], new Container()))?.code).toBe('UNB_ERR_CONTROLLER_INVALID')
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
})

describe('Router', () => {
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
