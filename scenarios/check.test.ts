import { describe, expect, it } from 'vitest'
import { Checker, compare, excerpt, mediaType, observe } from './check.ts'
import type { Reply } from './client.ts'

const reply = (status: number, headers: Record<string, string>, body: string | Buffer): Reply => ({
  status, headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), ms: 1,
})

describe('mediaType', () => {
  it('splits essence and charset, case-insensitively', () => {
    expect(mediaType('Text/Plain; Charset="UTF-8"')).toEqual({ essence: 'text/plain', charset: 'utf-8' })
    expect(mediaType('application/json')).toEqual({ essence: 'application/json' })
    expect(mediaType(undefined)).toEqual({ essence: '' })
  })
})

describe('compare', () => {
  it('JSON is compared as values, not text', () => {
    expect(compare(reply(200, { 'content-type': 'application/json' }, '{ "n": 1, "kind": "dict" }'), { status: 200, type: 'application/json', json: { kind: 'dict', n: 1 } })).toEqual([])
    expect(compare(reply(200, { 'content-type': 'application/json' }, '{"n":"1"}'), { status: 200, json: { n: 1 } })).toEqual(['JSON body {"n":"1"}, expected {"n":1}'])
    expect(compare(reply(200, {}, 'nope'), { status: 200, json: 1 })).toEqual(['body is not JSON: nope'])
  })
  it('text and bytes are compared exactly', () => {
    expect(compare(reply(200, { 'content-type': 'text/plain' }, 'héllo ✓'), { status: 200, type: 'text/plain', text: 'héllo ✓' })).toEqual([])
    expect(compare(reply(200, { 'content-type': 'text/plain' }, 'hello ✓'), { status: 200, text: 'héllo ✓' })).toHaveLength(1)
    expect(compare(reply(200, {}, Buffer.from([0, 1])), { status: 200, bytes: Buffer.from([0, 2]) })).toEqual(['body <2 bytes: 00 01>, expected <2 bytes: 00 02>'])
  })
  it('status, media type, charset, headers and "no body" are each reported', () => {
    const r = reply(200, { 'content-type': 'text/plain; charset=latin1' }, 'x')
    expect(compare(r, { status: 204, type: null })).toEqual(['status 200, expected 204', 'a body of 1 bytes, expected none'])
    expect(compare(r, { status: 200, type: 'text/plain' })).toEqual(['charset latin1, expected utf-8'])
    expect(compare(r, { status: 200, type: 'application/json' })).toEqual(['content-type text/plain; charset=latin1, expected application/json'])
    expect(compare(r, { status: 200, headers: { 'x-passthrough': '1' } })).toEqual(['header x-passthrough: (absent), expected 1'])
  })
})

describe('excerpt', () => {
  it('keeps printable text, shows binary as hex, and truncates', () => {
    expect(excerpt(Buffer.from('ok'))).toBe('ok')
    expect(excerpt(Buffer.from([0, 1, 0x62]))).toBe('<3 bytes: 00 01 62>')
    expect(excerpt(Buffer.from('a'.repeat(400)))).toBe(`${'a'.repeat(300)}… 100 bytes more`)
    // The marker counts the body's bytes, however long: a 1 MiB body is not decoded whole.
    expect(excerpt(Buffer.from(`é${'a'.repeat(1024 * 1024)}`), 3)).toBe('éaa… 1,048,574 bytes more')
    expect(excerpt(Buffer.from('😀😀😀'), 2)).toBe('😀… 8 bytes more')
  })

  it('observe caps header values: a 12 KiB content-type is kept to 300 characters, marked', () => {
    const value = `application/json; x="${'A'.repeat(12 * 1024)}"`
    const o = observe({ status: 200, headers: { 'content-type': value, 'x-big': value }, body: Buffer.from('{}'), ms: 1 }, ['x-big'])
    const cut = `${value.slice(0, 300)}… ${(value.length - 300).toLocaleString('en-US')} bytes more`
    expect(o.headers).toEqual({ 'content-type': cut, 'x-big': cut })
  })
})

describe('Checker', () => {
  it('a failed MUST wins over a failed SHOULD; the first failure of each kind is kept', () => {
    const c = new Checker()
    c.should(false, 'should-1')
    c.must(true, 'fine')
    c.must(false, 'must-1', { status: 1 }, { status: 2 })
    c.must(false, 'must-2')
    expect(c.outcome()).toEqual({ kind: 'fail', level: 'MUST', reason: 'must-1', expected: { status: 1 }, actual: { status: 2 } })
  })
  it('only SHOULD failures → a SHOULD outcome; none → pass with data', () => {
    const c = new Checker()
    c.should(false, 'prefer 422')
    expect(c.outcome()).toMatchObject({ kind: 'fail', level: 'SHOULD', reason: 'prefer 422' })
    const ok = new Checker()
    ok.data.n = 3
    expect(ok.outcome()).toEqual({ kind: 'pass', data: { n: 3 } })
  })
})
