import { describe, expect, it } from 'vitest'
import { coerce, isStatusTuple, JSON_TYPE, OCTETS, TEXT } from './coerce.ts'
import { Response } from './response.ts'
import { Model } from './model.ts'
import { z } from 'zod'
import { UnblockedError } from './errors.ts'

const text = (b: Uint8Array | string | null): string | null => (b === null ? null : typeof b === 'string' ? b : Buffer.from(b).toString('utf8'))

class Widget extends Model(z.object({ id: z.number(), name: z.string() })) {}
class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

describe('coercion table, row by row', () => {
  it('status tuple [body, status] → that status, body coerced', () => {
    const r = coerce([{ created: true }, 201])
    expect(r.status).toBe(201)
    expect(r.headers['content-type']).toBe(JSON_TYPE)
    expect(text(r.body)).toBe('{"created":true}')
  })

  it('status tuple [body, status, headers] → headers added (lower-cased), content type kept', () => {
    const r = coerce(['made', 201, { 'X-Id': '9' }])
    expect(r).toMatchObject({ status: 201, headers: { 'content-type': TEXT, 'x-id': '9' } })
    expect(text(r.body)).toBe('made')
  })

  it('status tuple with null body → that status, no body', () => {
    expect(coerce([null, 202])).toEqual({ status: 202, headers: {}, body: null })
  })

  it('Response → passed through unchanged', () => {
    const res = new Response('raw', { status: 202, headers: { 'X-Passthrough': '1', 'content-type': 'text/plain' } })
    const r = coerce(res)
    expect(r.status).toBe(202)
    expect(r.headers).toEqual({ 'x-passthrough': '1', 'content-type': 'text/plain' })
    expect(text(r.body)).toBe('raw')
  })

  it('null and undefined → 204 with no body and no content type', () => {
    for (const v of [null, undefined]) expect(coerce(v)).toEqual({ status: 204, headers: {}, body: null })
  })

  it('Uint8Array, Buffer and ArrayBuffer → application/octet-stream, exact bytes', () => {
    const bytes = Uint8Array.of(0, 1, 0x62, 0x69, 0x6e)
    for (const v of [bytes, Buffer.from(bytes), bytes.buffer]) {
      const r = coerce(v)
      expect(r.headers['content-type']).toBe(OCTETS)
      expect([...(r.body as Uint8Array)]).toEqual([0, 1, 0x62, 0x69, 0x6e])
    }
  })

  it('string → text/plain; charset=utf-8 with exact UTF-8 bytes', () => {
    const r = coerce('héllo ✓')
    expect(r.headers['content-type']).toBe(TEXT)
    expect(r.body).toBe('héllo ✓') // written as UTF-8 by the server
  })

  it('model instance and plain class instance → JSON of their fields', () => {
    expect(text(coerce(new Widget({ id: 7, name: 'widget' })).body)).toBe('{"id":7,"name":"widget"}')
    expect(text(coerce(new Point(1, 2)).body)).toBe('{"x":1,"y":2}')
  })

  it.each([
    [42, '42'],
    [3.5, '3.5'],
    [[1, 2, 3], '[1,2,3]'],
    [true, 'true'],
    [false, 'false'],
    [{ kind: 'dict', n: 1 }, '{"kind":"dict","n":1}'],
    [0, '0'],
  ])('%j → 200 application/json', (v, body) => {
    const r = coerce(v)
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe(JSON_TYPE)
    expect(text(r.body)).toBe(body)
  })

  it('arrays that only look like tuples stay JSON lists', () => {
    expect(isStatusTuple([1, 200])).toBe(false) // a list of numbers
    expect(isStatusTuple([{}, 200, 'x'])).toBe(false)
    expect(isStatusTuple([{}, 99])).toBe(false)
    expect(isStatusTuple([{}, 200.5])).toBe(false)
    expect(text(coerce([1, 200]).body)).toBe('[1,200]')
  })

  it.each([
    ['a BigInt', 10n],
    ['a circular object', (() => { const o: Record<string, unknown> = {}; o.self = o; return o })()],
    ['a function', () => 1],
    ['a Map', new Map([[1, 2]])],
    ['a symbol', Symbol('s')],
  ])('%s → UNB_ERR_RESPONSE_UNSERIALIZABLE (a 500)', (_name, v) => {
    let caught: unknown
    try {
      coerce(v, 'T.route')
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(UnblockedError)
    expect((caught as UnblockedError).code).toBe('UNB_ERR_RESPONSE_UNSERIALIZABLE')
    expect((caught as UnblockedError).status).toBe(500)
    expect((caught as UnblockedError).message).toContain('T.route')
  })
})
