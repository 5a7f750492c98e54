/**
 * Extractors through the request pipeline, with sync and async twin handlers: the same
 * `runRoute` runs on the loop and in workers, so identical results here mean identical behaviour.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { Container } from '../di/container.ts'
import { injectable } from '../di/injectable.ts'
import { runRoute } from '../dispatch/pipeline.ts'
import { inlineOffloader } from '../dispatch/tasks.ts'
import { validationError } from '../errors.ts'
import { Model } from '../model.ts'
import { isStreamBody } from '../response.ts'
import { compileRoutes } from '../routing/compile.ts'
import { controller, get, post } from '../routing/decorators.ts'
import type { RequestData } from './context.ts'
import { defineExtractor } from './extractor.ts'
import { depends, header, inject, Int, json, Num, path, query, resolver, type Resolver } from './builtins.ts'

let providerCalls = 0
const provider = (): string => {
  providerCalls++
  return 'resolved'
}
const asyncProvider = async (): Promise<number> => 7
const Item = z.object({ name: z.string(), qty: z.number().int() })
class Order extends Model(z.object({ id: z.number().int(), lines: z.array(z.object({ qty: z.number().int() })) })) {}
const bearer = defineExtractor('auth', (ctx) => {
  const h = ctx.req.headers.authorization
  if (typeof h !== 'string' || !h.startsWith('Bearer ')) throw validationError([{ location: 'auth', field: 'authorization', problem: 'expected a bearer token' }])
  return h.slice(7)
})
@injectable({ scope: 'request' }) class Bag { n = 0 }

@controller('/sync')
class SyncTwin {
  @get('/path/{id}', path('id', Int)) path(id: number) { return { id } }
  @get('/query', query('q'), query('n', Int), query('f', Num.optional())) query(q: string, n: number, f: number | undefined) { return { q, n, f: f ?? null } }
  @post('/json', json(Item)) json(item: z.infer<typeof Item>) { return item }
  @post('/model', json(Order)) model(o: Order) { return { isOrder: o instanceof Order, o } }
  @get('/header', header('X-Token')) header(t: string) { return { t } }
  @get('/depends', depends(provider), depends(provider), depends(asyncProvider)) depends(a: string, b: string, c: number) { return { a, b, c } }
  @get('/custom', bearer) custom(token: string) { return { token } }
  @get('/inject', inject(Bag), resolver()) inject(bag: Bag, r: Resolver) { return { same: r.get(Bag) === bag } }
}

@controller('/async')
class AsyncTwin {
  @get('/path/{id}', path('id', Int)) async path(id: number) { return { id } }
  @get('/query', query('q'), query('n', Int), query('f', Num.optional())) async query(q: string, n: number, f: number | undefined) { return { q, n, f: f ?? null } }
  @post('/json', json(Item)) async json(item: z.infer<typeof Item>) { return item }
  @post('/model', json(Order)) async model(o: Order) { return { isOrder: o instanceof Order, o } }
  @get('/header', header('X-Token')) async header(t: string) { return { t } }
  @get('/depends', depends(provider), depends(provider), depends(asyncProvider)) async depends(a: string, b: string, c: number) { return { a, b, c } }
  @get('/custom', bearer) async custom(token: string) { return { token } }
  @get('/inject', inject(Bag), resolver()) async inject(bag: Bag, r: Resolver) { return { same: r.get(Bag) === bag } }
}

const container = new Container()
const routes = compileRoutes([SyncTwin, AsyncTwin], container)

async function call(mode: 'sync' | 'async', name: string, req: Partial<RequestData> = {}) {
  const route = routes.find((r) => r.id === `${mode === 'sync' ? 'SyncTwin' : 'AsyncTwin'}.${name}`)
  if (route === undefined) throw new Error(`no route ${name}`)
  const out = await runRoute(route, { method: route.method, path: route.path, params: {}, query: '', headers: {}, body: null, ...req }, container, inlineOffloader)
  const b = out.response.body
  if (isStreamBody(b)) throw new Error(`${name} streamed its body`)
  const body = b === null ? null : JSON.parse(Buffer.from(b).toString('utf8'))
  return { status: out.response.status, body }
}

const body = (v: unknown): Uint8Array => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v))
/** A JSON body as a client sends it: with its content type. */
const jsonReq = (v: unknown, type = 'application/json'): Partial<RequestData> => ({ body: body(v), headers: { 'content-type': type } })

describe.each(['sync', 'async'] as const)('extractors in %s handlers', (mode) => {
  it('path: integer → number; non-integer → 422 naming the field', async () => {
    expect(await call(mode, 'path', { params: { id: '12' } })).toEqual({ status: 200, body: { id: 12 } })
    const bad = await call(mode, 'path', { params: { id: '1.5' } })
    expect(bad.status).toBe(422)
    expect(bad.body.error.issues).toEqual([{ location: 'path', field: 'id', problem: 'expected an integer' }])
  })

  it('query: required values, optional numbers, missing → 422 "required"', async () => {
    expect(await call(mode, 'query', { query: 'q=hi&n=-3&f=2.5' })).toEqual({ status: 200, body: { q: 'hi', n: -3, f: 2.5 } })
    expect((await call(mode, 'query', { query: 'q=hi&n=3' })).body).toEqual({ q: 'hi', n: 3, f: null })
    const missing = await call(mode, 'query', { query: 'q=hi' })
    expect(missing.status).toBe(422)
    expect(missing.body.error.issues).toEqual([{ location: 'query', field: 'n', problem: 'required' }])
    expect((await call(mode, 'query', { query: 'q=hi&n=' })).status).toBe(422)
  })

  it('json: echo; wrong types → 422 per field; malformed → 400', async () => {
    expect(await call(mode, 'json', jsonReq({ name: 'a', qty: 2 }))).toEqual({ status: 200, body: { name: 'a', qty: 2 } })
    const wrong = await call(mode, 'json', jsonReq({ name: 1, qty: 'x' }))
    expect(wrong.status).toBe(422)
    expect(wrong.body.error.issues.map((i: { field: string }) => i.field)).toEqual(['name', 'qty'])
    const malformed = await call(mode, 'json', jsonReq('{"name":'))
    expect(malformed.status).toBe(400)
    expect(malformed.body.error.code).toBe('UNB_ERR_REQUEST_MALFORMED_JSON')
    expect((await call(mode, 'json')).status).toBe(422) // no body at all
  })

  it('json: a body whose Content-Type is not JSON → 415 naming it, before it is parsed', async () => {
    const item = { name: 'a', qty: 2 }
    for (const type of ['application/json; charset=utf-8', 'Application/JSON', 'application/vnd.api+json', 'application/problem+json; charset=utf-8']) {
      expect(await call(mode, 'json', jsonReq(item, type))).toEqual({ status: 200, body: item })
    }
    expect(await call(mode, 'json', jsonReq(item, 'text/plain;charset=UTF-8'))).toEqual({
      status: 415,
      body: { error: { code: 'UNB_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE', message: 'the request body must be JSON (application/json or a +json type), got Content-Type "text/plain;charset=UTF-8"' } },
    })
    for (const type of ['application/x-www-form-urlencoded', 'text/json', 'application/jsonp', 'application/json-seq', 'multipart/form-data; boundary=x']) {
      expect((await call(mode, 'json', jsonReq(item, type))).status).toBe(415)
    }
    expect((await call(mode, 'json', { body: body(item) })).body.error.message).toMatch(/got Content-Type \(none\)$/)
    expect((await call(mode, 'model', jsonReq('{"id":', 'text/plain'))).status).toBe(415) // not parsed: no 400
  })

  it('json with a Model yields a model instance; nested field paths are dotted', async () => {
    expect((await call(mode, 'model', jsonReq({ id: 1, lines: [{ qty: 1 }] }))).body).toEqual({ isOrder: true, o: { id: 1, lines: [{ qty: 1 }] } })
    const bad = await call(mode, 'model', jsonReq({ id: 1, lines: [{ qty: 'x' }] }))
    expect(bad.body.error.issues[0].field).toBe('lines.0.qty')
  })

  it('header: case-insensitive; missing → 422', async () => {
    expect((await call(mode, 'header', { headers: { 'x-token': 'abc' } })).body).toEqual({ t: 'abc' })
    expect((await call(mode, 'header')).body.error.issues).toEqual([{ location: 'header', field: 'x-token', problem: 'required' }])
  })

  it('depends: sync and async providers, resolved once per request', async () => {
    providerCalls = 0
    expect((await call(mode, 'depends')).body).toEqual({ a: 'resolved', b: 'resolved', c: 7 })
    expect(providerCalls).toBe(1)
    await call(mode, 'depends')
    expect(providerCalls).toBe(2)
  })

  it('custom extractors use the same interface and error path', async () => {
    expect((await call(mode, 'custom', { headers: { authorization: 'Bearer t0k' } })).body).toEqual({ token: 't0k' })
    const r = await call(mode, 'custom')
    expect(r.status).toBe(422)
    expect(r.body.error.issues[0]).toEqual({ location: 'auth', field: 'authorization', problem: 'expected a bearer token' })
  })

  it('inject and resolver share the request-scoped instance', async () => {
    expect((await call(mode, 'inject')).body).toEqual({ same: true })
  })
})
