import { describe, expect, it } from 'vitest'
import { Checker, compare } from './check.ts'
import type { Reply } from './client.ts'
import { capStrings, capText, ENTRIES_MAX, moreMarker, ONE_LINE_MAX, oneLine, TEXT_MAX } from './one-line.ts'

const HTML_404 = `<!DOCTYPE html>
<html lang="en">
<head>\r\n\t<meta charset="utf-8">
  <title>Error</title>
</head>
<body>
<pre>Cannot GET /extract/sync/path/abc</pre>
</body>
</html>
`

describe('oneLine: target text in a one-line reason', () => {
  it('an HTML error page becomes one line', () => {
    expect(oneLine(HTML_404)).toBe('<!DOCTYPE html> <html lang="en"> <head> <meta charset="utf-8"> <title>Error</title> </head> <body> <pre>Cannot GET /extract/sync/path/abc</pre> </body> </html>')
  })

  it('CR, LF, ANSI escapes and other control characters are gone', () => {
    const text = 'Traceback:\r\n  \u001b[31mValueError\u001b[0m: bad\u0007\u0000 input\u2028next\u001b]0;title\u0007 line\u001bc'
    expect(oneLine(text)).toBe('Traceback: ValueError: bad input next line')
  })

  it('is cut after 200 characters, with a marker saying how much was left out', () => {
    expect(oneLine('x'.repeat(500))).toBe(`${'x'.repeat(ONE_LINE_MAX)}… 300 bytes more`)
    expect(oneLine('abcdef', 4)).toBe('abcd… 2 bytes more')
    expect(oneLine('abcde', 4)).toBe('abcd… 1 byte more')
    expect(oneLine('😀😀😀', 3)).toBe('😀… 8 bytes more') // never half a surrogate pair; bytes are UTF-8
    expect(oneLine('abcd', 4)).toBe('abcd')
  })
})

describe('capText and capStrings: target text capped wherever it goes', () => {
  it('a 12 KiB header value keeps its head and says how much was left out', () => {
    const value = `<&${'A'.repeat(12 * 1024)}`
    expect(capText(value, 300)).toBe(`${value.slice(0, 300)}… 11,990 bytes more`)
    expect(capText('héllo', 2)).toBe('hé… 3 bytes more')
    expect(moreMarker(1)).toBe('… 1 byte more')
  })

  it('caps every string, however deep, and bounds the entries and the nesting', () => {
    const long = 'y'.repeat(TEXT_MAX + 10)
    const capped = capStrings({ reason: long, n: 3, ok: true, none: null, list: [long, 1], nested: { [long]: { deeper: long } } }) as Record<string, unknown>
    const cut = `${'y'.repeat(TEXT_MAX)}… 10 bytes more`
    expect(capped).toEqual({ reason: cut, n: 3, ok: true, none: null, list: [cut, 1], nested: { [cut]: { deeper: cut } } })
    const many = capStrings(Array.from({ length: ENTRIES_MAX + 5 }, (_, i) => i)) as unknown[]
    expect(many).toHaveLength(ENTRIES_MAX + 1)
    expect(many.at(-1)).toBe('… 5 entries more')
    const wide = capStrings(Object.fromEntries(Array.from({ length: ENTRIES_MAX + 2 }, (_, i) => [`k${i}`, i]))) as Record<string, unknown>
    expect(Object.keys(wide)).toHaveLength(ENTRIES_MAX + 1)
    expect(wide['…']).toBe('2 keys more')
    let deep: unknown = 'bottom'
    for (let i = 0; i < 40; i++) deep = [deep]
    expect(JSON.stringify(capStrings(deep))).toBe(`${'['.repeat(16)}"… nested too deep"${']'.repeat(16)}`)
  })

  it('the reasons built from a reply stay on one line', () => {
    const reply: Reply = { status: 500, headers: { 'content-type': 'text/html\r\nx-injected: 1' }, body: Buffer.from(HTML_404.repeat(5)), ms: 1 }
    const c = new Checker()
    c.mustMatch(reply, { status: 200, type: 'application/json', json: { id: 42 } })
    const o = c.outcome()
    expect(o.kind).toBe('fail')
    const reason = o.kind === 'fail' ? o.reason : ''
    expect(reason).not.toMatch(/[\r\n\t\u001b]/)
    expect(reason).toMatch(/^status 500, expected 200; content-type text\/html x-injected: 1, expected application\/json; body is not JSON: <!DOCTYPE html> <html/)
    // CR/LF: text on one line; ANSI escapes: the excerpt shows the bytes (check.ts excerpt), on one line too.
    const crlf: Reply = { status: 200, headers: { 'content-type': 'text/plain' }, body: Buffer.from('hello,\r\n\tworld\r\n'), ms: 1 }
    expect(compare(crlf, { status: 200, text: 'hello, world' })).toEqual(['body "hello, world", expected exactly "hello, world"'])
    const ansi: Reply = { status: 200, headers: { 'content-type': 'text/plain' }, body: Buffer.from('hello,\r\n\u001b[1mworld\u001b[0m'), ms: 1 }
    const [problem] = compare(ansi, { status: 200, text: 'hello, world' })
    expect(problem).toBe('body "<21 bytes: 68 65 6c 6c 6f 2c 0d 0a 1b 5b 31 6d 77 6f 72 6c 64 1b 5b 30 6d>", expected exactly "hello, world"')
  })
})
