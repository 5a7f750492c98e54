import { describe, expect, it } from 'vitest'
import { Checker, compare } from './check.ts'
import type { Reply } from './client.ts'
import { ONE_LINE_MAX, oneLine } from './one-line.ts'

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

  it('is capped at 200 characters, with "…"', () => {
    const capped = oneLine('x'.repeat(500))
    expect(capped).toHaveLength(ONE_LINE_MAX)
    expect(capped.endsWith('x…')).toBe(true)
    expect(oneLine('abcdef', 4)).toBe('abc…')
    expect(oneLine('😀😀😀', 2)).toBe('😀…') // never half a surrogate pair
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
