/**
 * Clients that half-close (issue 14): a client that shuts down its sending side after its request
 * still gets the answer — before, node ended the socket at its FIN and the answer was lost, even
 * for GET /health — while a client that left entirely is still noticed at once.
 */
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import def from '../../test/fixtures/server-app.ts'
import { request, start, type Started } from '../../test/http.ts'

/** Send `head` on a raw socket, then `end()` (FIN) or `destroy()` it; resolves with what came back once the server closed. */
function send(url: string, head: string, then: 'end' | 'destroy'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1')
    let received = ''
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no close within 10 s; received ${JSON.stringify(received)}`))
    }, 10_000)
    socket.setEncoding('latin1').on('data', (d: string) => (received += d))
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(received)
    })
    socket.on('connect', () => {
      socket.write(head)
      if (then === 'end') socket.end()
      else setTimeout(() => socket.destroy(), 100)
    })
  })
}

/** The final (non-1xx) answer in a raw reply: its status line and body. */
function final(raw: string): { status: string; body: string } {
  const answers = raw.split(/(?=HTTP\/1\.[01] )/).filter((a) => !/^HTTP\/1\.[01] 1\d\d /.test(a))
  const last = answers.at(-1) ?? ''
  return { status: last.split('\r\n')[0] ?? '', body: last.split('\r\n\r\n').slice(1).join('\r\n\r\n') }
}

describe('a client that half-closes after its request', () => {
  let s: Started
  beforeAll(async () => {
    s = await start(def, { pool: { minThreads: 1, maxThreads: 1 } })
  })
  afterAll(() => s?.close())

  it.each([
    ['an async handler on the loop', '/wait?ms=300', '{"waited":300}'],
    ['a sync handler in the pool', '/sleep?ms=300', '{"slept":300}'],
    ['an answer at once (404)', '/nothing-here', '{"error":{"code":"UNB_ERR_ROUTE_NOT_FOUND","message":"no route matches GET /nothing-here"}}'],
  ])('still gets its answer: %s', async (_, path, body) => {
    const raw = await send(s.url, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, 'end')
    expect(final(raw)).toEqual({ status: expect.stringMatching(/^HTTP\/1\.1 [24]0\d /), body })
  })

  it('an HTTP/1.0 client gets no interim answer, only the final one', async () => {
    const raw = await send(s.url, 'GET /wait?ms=200 HTTP/1.0\r\n\r\n', 'end')
    expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(raw).not.toContain(' 100 Continue')
  })

  it('a client that leaves entirely is still noticed within a second (its signal aborts)', async () => {
    const before = ((await request(`${s.url}/gone`)).json() as number[]).length
    await send(s.url, 'GET /until-gone HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 'destroy')
    let gone: number[] = []
    for (let i = 0; i < 100 && gone.length <= before; i++) {
      await new Promise((r) => setTimeout(r, 50))
      gone = (await request(`${s.url}/gone`)).json() as number[]
    }
    expect(gone).toHaveLength(before + 1)
    expect(gone.at(-1)).toBeLessThan(1_000) // it left 100 ms after its request
  })
})
