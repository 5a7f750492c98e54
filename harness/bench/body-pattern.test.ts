import { describe, expect, it } from 'vitest'
import { bodyCheck, bodyRegExp, exactBody } from './body-pattern.ts'
import { SCENARIOS } from './scenarios.ts'

const scenario = (id: string) => SCENARIOS.find((s) => s.id === id) as (typeof SCENARIOS)[number]

describe('body patterns', () => {
  it('exactBody escapes every Lua magic character, so the text matches only itself', () => {
    const text = '{"a":-1.5e+3,"b":"x?(y)*[z]%^$"}'
    const p = exactBody(text)
    expect(p).toBe('^{"a":%-1%.5e%+3,"b":"x%?%(y%)%*%[z%]%%%^%$"}$')
    const check = bodyCheck(p)
    expect(check(text)).toBe(true)
    expect(check(` ${text}\n`)).toBe(true) // whitespace aside
    expect(check(text.replace('.', ','))).toBe(false)
    expect(check(`${text}x`)).toBe(false)
  })

  it('the scenarios\' checks accept what the contract answers and nothing looser', () => {
    const json = scenario('json-async').check
    expect(json('{"kind":"dict","n":1}')).toBe(true)
    expect(json('{ "kind": "dict", "n": 1 }\n')).toBe(true)
    expect(json('{"kind":"dict","n":2}')).toBe(false)
    const digest = scenario('cpu-sync').check
    expect(digest(`{"digest":"${'ab12'.repeat(16)}"}`)).toBe(true)
    expect(digest(`{"digest":"${'AB12'.repeat(16)}"}`)).toBe(false) // lower-case hex only, as before
    expect(digest(`{"digest":"${'ab12'.repeat(15)}"}`)).toBe(false)
    const counter = scenario('counter-contention').check
    expect(counter('{"n":12345}')).toBe(true)
    expect(counter('{"n":}')).toBe(false)
    expect(counter('{"n":-1}')).toBe(false)
  })

  it('classes, sets, quantifiers and anchors read as Lua reads them', () => {
    expect(bodyRegExp('^%d+$').source).toBe('^[0-9]+$')
    expect(bodyRegExp('[^%s,]-x').source).toBe('[^ \\t\\n\\v\\f\\r,]*?x')
    expect(bodyRegExp('a.b').test('a\nb')).toBe(true) // Lua's . matches any character
    expect(bodyRegExp('a$b').test('a$b')).toBe(true) // $ anchors only at the end
    expect(bodyRegExp('x^').test('x^')).toBe(true) // ^ anchors only at the start
    expect(bodyRegExp('[a-]').test('-')).toBe(true)
    expect(bodyRegExp('%x%x').test('fF')).toBe(true)
  })

  it.each([
    ['(%d+)', 'captures are not supported'],
    ['%b()', '%b is not supported'],
    ['%f[%w]', '%f is not supported'],
    ['abc%', 'ends with a lone %'],
    ['[abc', 'has an unclosed ['],
  ])('refuses %s rather than misreading it', (p, why) => {
    expect(() => bodyRegExp(p)).toThrow(why)
  })
})
