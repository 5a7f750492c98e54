/** The client's total deadline and body cap (issue 14): a hostile target can neither hang nor balloon a request. */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TargetClient, TransportError } from './client.ts'

const KIB64 = Buffer.alloc(64 * 1024, 'x')
let server: Server
let client: TargetClient
let closedEarly = 0

beforeAll(async () => {
  server = createServer((req, res) => {
    res.once('close', () => {
      if (!res.writableFinished) closedEarly++
    })
    if (req.url === '/small') return res.end('{"ok":true}')
    if (req.url === '/empty') return res.end()
    if (req.url === '/dribble') {
      res.writeHead(200)
      const tick = setInterval(() => res.write('x'), 50)
      return res.once('close', () => clearInterval(tick))
    }
    if (req.url === '/endless') {
      res.writeHead(200)
      const more = (): void => {
        while (!res.destroyed) if (!res.write(KIB64)) return void res.once('drain', more)
      }
      return more()
    }
    if (req.url === '/huge') {
      res.writeHead(200, { 'content-length': String(1024 ** 3) })
      return res.write(KIB64) // never finishes; the client must not wait for it
    }
    if (req.url === '/cut-chunked') {
      // Three chunks, then the connection closes without the terminating chunk.
      res.writeHead(200, { 'content-type': 'text/plain' })
      for (const line of ['0\n', '1\n', '2\n']) res.write(line)
      return setTimeout(() => res.socket?.destroy(), 50)
    }
    if (req.url === '/cut-length') {
      res.writeHead(200, { 'content-length': '10' })
      res.write('01234')
      return setTimeout(() => res.socket?.destroy(), 50)
    }
    if (req.url === '/late-end') {
      res.writeHead(200)
      res.write('first')
      return setTimeout(() => res.end('last'), 400)
    }
    if (req.url === '/two-mib') {
      res.writeHead(200, { 'content-length': String(2 * 1024 * 1024) })
      return res.end(Buffer.alloc(2 * 1024 * 1024, 'y'))
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  client = new TargetClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 400)
})
afterAll(async () => {
  await client.close()
  server.closeAllConnections()
  await new Promise((r) => server.close(r))
})

async function failure(p: Promise<unknown>): Promise<TransportError> {
  const err = await p.then(() => undefined, (e: unknown) => e)
  expect(err).toBeInstanceOf(TransportError)
  return err as TransportError
}

describe('TargetClient', () => {
  it('reads a small body as before', async () => {
    const r = await client.request('/small')
    expect(r.status).toBe(200)
    expect(r.body.toString()).toBe('{"ok":true}')
  })

  it('regression: a body dribbled faster than the idle timeout still ends at the total deadline', async () => {
    const t0 = performance.now()
    const err = await failure(client.request('/dribble'))
    expect(performance.now() - t0).toBeLessThan(1_500)
    expect(err.kind).toBe('timeout')
    expect(err.message).toMatch(/^no complete answer within 400 ms \(\d+ bytes of body received\): GET http:\/\/127\.0\.0\.1:\d+\/dribble$/)
    expect(Number(/\((\d+) bytes/.exec(err.message)?.[1])).toBeGreaterThan(0)
  })

  it('a per-request timeoutMs overrides the client timeout', async () => {
    const err = await failure(client.request('/dribble', { timeoutMs: 150 }))
    expect(err.message).toMatch(/^no complete answer within 150 ms/)
  })

  it('regression: an endless chunked body stops at the cap and drops the connection', async () => {
    const before = closedEarly
    const err = await failure(client.request('/endless'))
    expect(err.kind).toBe('too-large')
    expect(err.message).toMatch(/^response body exceeded 1048576 bytes \(\d+ bytes received\) for GET \/endless$/)
    await new Promise((r) => setTimeout(r, 100))
    expect(closedEarly).toBeGreaterThan(before)
  })

  it('an announced content-length over the cap fails at the headers, without reading the body', async () => {
    const t0 = performance.now()
    const err = await failure(client.request('/huge'))
    expect(performance.now() - t0).toBeLessThan(300)
    expect(err.kind).toBe('too-large')
    expect(err.message).toBe('response body exceeded 1048576 bytes (content-length 1073741824) for GET /huge')
  })

  it('a per-request maxBytes overrides the cap either way', async () => {
    expect((await client.request('/two-mib', { maxBytes: 3 * 1024 * 1024 })).body.length).toBe(2 * 1024 * 1024)
    expect((await failure(client.request('/small', { maxBytes: 4 }))).message).toBe('response body exceeded 4 bytes (content-length 11) for GET /small')
  })

  it('the client signal aborts a request in flight as interrupted', async () => {
    const stop = new AbortController()
    const interruptible = new TargetClient(client.baseUrl, 5_000, { signal: stop.signal })
    setTimeout(() => stop.abort(), 100)
    const t0 = performance.now()
    const err = await failure(interruptible.request('/dribble'))
    expect(performance.now() - t0).toBeLessThan(1_000)
    expect(err.kind).toBe('interrupted')
    expect(err.message).toMatch(/^interrupted: GET http:\/\/127\.0\.0\.1:\d+\/dribble$/)
    await interruptible.close()
  })

  it("a request's interrupt (a case's stop) aborts it in flight as interrupted, and an aborted one fails at once", async () => {
    const stop = new AbortController()
    setTimeout(() => stop.abort(), 100)
    const t0 = performance.now()
    const slow = client.request('/dribble', { interrupt: stop.signal, timeoutMs: 5_000 })
    const err = await failure(slow)
    expect(performance.now() - t0).toBeLessThan(1_000)
    expect(err.kind).toBe('interrupted')
    expect(err.message).toMatch(/^interrupted: GET http:\/\/127\.0\.0\.1:\d+\/dribble$/)
    expect((await failure(client.request('/small', { interrupt: stop.signal }))).kind).toBe('interrupted')
    // The client itself goes on.
    expect((await client.request('/small')).status).toBe(200)
  })

  it('a body cut before the last chunk is a reset by default', async () => {
    const err = await failure(client.request('/cut-chunked'))
    expect(err.kind).toBe('reset')
    expect(err.message).toMatch(/^connection reset or closed before a full answer: GET http:\/\/127\.0\.0\.1:\d+\/cut-chunked$/)
  })

  it('with partial, a body cut before the last chunk resolves with what arrived, marked truncated', async () => {
    const r = await client.request('/cut-chunked', { partial: true })
    expect(r.status).toBe(200)
    expect(r.body.toString()).toBe('0\n1\n2\n')
    expect(r.truncated).toBe('connection closed before the last chunk')
  })

  it('with partial, a body shorter than its content-length is truncated, with the counts', async () => {
    const r = await client.request('/cut-length', { partial: true })
    expect(r.body.toString()).toBe('01234')
    expect(r.truncated).toBe('connection closed after 5 of 10 bytes (content-length 10)')
  })

  it('with partial, a complete body is not truncated, and the deadline still fails', async () => {
    expect((await client.request('/small', { partial: true })).truncated).toBeUndefined()
    expect((await failure(client.request('/dribble', { partial: true, timeoutMs: 150 }))).kind).toBe('timeout')
  })

  it('records the time to the first body byte, before the end of a body that comes later', async () => {
    const r = await client.request('/late-end', { timeoutMs: 2_000 })
    expect(r.body.toString()).toBe('firstlast')
    expect(r.firstByteMs).toBeTypeOf('number')
    // The last bytes come 400 ms after the first: generous bounds, only the order matters.
    expect(r.ms - (r.firstByteMs as number)).toBeGreaterThan(200)
    expect((await client.request('/empty')).firstByteMs).toBeUndefined()
  })

  it('a request signal drops that request as aborted, and the target sees the disconnect; the client goes on', async () => {
    const before = closedEarly
    const stop = new AbortController()
    const interrupt = new AbortController()
    const own = new TargetClient(client.baseUrl, 5_000, { signal: interrupt.signal })
    setTimeout(() => stop.abort(), 100)
    const t0 = performance.now()
    const err = await failure(own.request('/dribble', { signal: stop.signal }))
    expect(performance.now() - t0).toBeLessThan(1_000)
    expect(err.kind).toBe('aborted')
    expect(err.message).toMatch(/^aborted by the client: GET http:\/\/127\.0\.0\.1:\d+\/dribble$/)
    await new Promise((r) => setTimeout(r, 100))
    expect(closedEarly).toBeGreaterThan(before)
    // Only that request: the run's signal is untouched and the next request is served.
    expect(interrupt.signal.aborted).toBe(false)
    expect((await own.request('/small')).status).toBe(200)
    await own.close()
  })

  it('the run signal wins over a request signal: interrupted, not aborted', async () => {
    const stop = new AbortController()
    const interrupt = new AbortController()
    const own = new TargetClient(client.baseUrl, 5_000, { signal: interrupt.signal })
    setTimeout(() => (interrupt.abort(), stop.abort()), 100)
    expect((await failure(own.request('/dribble', { signal: stop.signal }))).kind).toBe('interrupted')
    await own.close()
  })

  it('rejects a maxBytes that is not a positive integer', () => {
    expect(() => new TargetClient('http://127.0.0.1:1', 100, { maxBytes: 0 })).toThrow('maxBytes must be a positive integer, got 0')
  })
})
