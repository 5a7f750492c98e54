/**
 * Graceful shutdown (issue 14): requests that arrive while the server closes, or are still waiting
 * when the grace ends, are answered 503 with `Connection: close` — before, 16 of 64 in-flight
 * requests were reset on SIGTERM — and `close()` keeps within its stated bounds even when a
 * handler never returns.
 */
import { connect } from 'node:net'
import { request as httpRequest } from 'node:http'
import { describe, expect, it } from 'vitest'
import def from '../../test/fixtures/server-app.ts'
import { start, type Started } from '../../test/http.ts'
import { closeWithinMs, CUT_OFF_MS, DEFAULT_SHUTDOWN, resolveShutdown, TERMINATE_MS, type ShutdownOptions } from './shutdown.ts'

interface Answer { status: number; connection: string | undefined; code: string | undefined }

/** A GET on its own connection: its answer, or the error that replaced it (a reset). */
function get(url: string): Promise<Answer | { error: string }> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (c: string) => (body += c))
      res.on('end', () => {
        let code: string | undefined
        try {
          code = (JSON.parse(body) as { error?: { code?: string } }).error?.code
        } catch {
          code = undefined
        }
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, code })
      })
      res.on('error', (err) => resolve({ error: err.message }))
    })
    req.on('error', (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }))
    req.end()
  })
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Start the app with a pool of `threads` and the given shutdown bounds; `run` gets it, and it is closed in the end. */
async function withApp(threads: number, shutdown: ShutdownOptions, run: (s: Started) => Promise<void>): Promise<void> {
  const s = await start(def, { pool: { minThreads: threads, maxThreads: threads, fastLane: false, cpuLane: false }, shutdown })
  try {
    await run(s)
  } finally {
    await s.close()
  }
}

describe('options', () => {
  it('defaults: a 10 s grace, then 10 s for the pool; the bound of close() covers every phase', () => {
    expect(resolveShutdown()).toEqual(DEFAULT_SHUTDOWN)
    expect(DEFAULT_SHUTDOWN).toEqual({ graceMs: 10_000, poolCloseMs: 10_000 })
    expect(closeWithinMs(DEFAULT_SHUTDOWN)).toBe(10_000 + CUT_OFF_MS + 10_000 + TERMINATE_MS)
  })

  it.each<[ShutdownOptions, string]>([
    [{ graceMs: -1 }, 'options.shutdown.graceMs must be a non-negative integer, got -1'],
    [{ poolCloseMs: 0.5 }, 'options.shutdown.poolCloseMs must be a non-negative integer, got 0.5'],
  ])('%j is rejected with an exact message', (bad, message) => {
    expect(() => resolveShutdown(bad)).toThrow(message)
  })
})

describe('close()', () => {
  it('answers every request in flight — done within the grace: 200; still waiting after it: 503 with Connection: close; none reset', async () => {
    await withApp(2, { graceMs: 600, poolCloseMs: 5_000 }, async (s) => {
      // 2 workers, 8 calls of 400 ms: 2 finish within the grace, the others are still queued after it.
      const inFlight = Array.from({ length: 8 }, () => get(`${s.url}/sleep?ms=400`))
      await settle(150)
      await s.app.close()
      const answers = await Promise.all(inFlight)
      expect(answers.filter((a) => 'error' in a)).toEqual([])
      const done = answers.filter((a) => 'status' in a && a.status === 200)
      const late = answers.filter((a) => 'status' in a && a.status !== 200)
      expect(done.length).toBeGreaterThanOrEqual(1)
      expect(late.length).toBeGreaterThanOrEqual(1)
      expect(done.length + late.length).toBe(8)
      for (const a of late) expect(a).toEqual({ status: 503, connection: 'close', code: 'UNB_ERR_POOL_CLOSED' })
      for (const a of done) expect(a).toMatchObject({ connection: 'close' }) // no keep-alive on a closing server
    })
  })

  it('a request that arrives on an open connection while the server closes gets 503 with Connection: close', async () => {
    await withApp(1, { graceMs: 5_000 }, async (s) => {
      const holding = get(`${s.url}/wait?ms=800`) // keeps the grace open
      const socket = connect(Number(new URL(s.url).port), '127.0.0.1')
      let received = ''
      socket.setEncoding('latin1').on('data', (d: string) => (received += d))
      const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()))
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
      socket.write('GET /wait?ms=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n') // the head begun before close()…
      await settle(100)
      const closing = s.app.close()
      await settle(100)
      socket.write('\r\n') // …and ended after it
      await ended
      expect(received).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/)
      expect(received.toLowerCase()).toContain('\r\nconnection: close\r\n')
      expect(received).toContain('"code":"UNB_ERR_POOL_CLOSED"')
      expect(await holding).toMatchObject({ status: 200 })
      await closing
    })
  })

  it('a request that has arrived but is not read yet when close() is called is answered, not reset', async () => {
    await withApp(1, { graceMs: 2_000 }, async (s) => {
      const socket = connect(Number(new URL(s.url).port), '127.0.0.1')
      let received = ''
      socket.setEncoding('latin1').on('data', (d: string) => (received += d))
      const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()))
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
      await settle(100) // the server has accepted the connection: it is open and idle
      // The whole request is written and close() called in the same turn of the loop: the server
      // has not read the bytes yet, so to it the connection is still idle.
      socket.write('GET /wait?ms=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
      const closing = s.app.close()
      await ended
      expect(received).toMatch(/^HTTP\/1\.1 (200 OK|503 Service Unavailable)\r\n/)
      expect(received.toLowerCase()).toContain('\r\nconnection: close\r\n')
      await closing
    })
  })

  it('keeps within its bounds when a handler never returns: the client gets 503, the worker is terminated', async () => {
    const shutdown = { graceMs: 300, poolCloseMs: 500 }
    await withApp(1, shutdown, async (s) => {
      const stuck = get(`${s.url}/sleep?ms=60000`)
      await settle(300)
      const t0 = Date.now()
      await s.app.close()
      const took = Date.now() - t0
      expect(await stuck).toEqual({ status: 503, connection: 'close', code: 'UNB_ERR_POOL_CLOSED' })
      expect(took).toBeLessThan(closeWithinMs(resolveShutdown(shutdown)) + 3_000)
      expect(s.logs.some((l) => l.level === 'warn' && l.msg === 'the worker pool did not finish its calls within 500 ms; its workers are terminated')).toBe(true)
    })
  })

  it('states its bound: the grace, the cut-off, the pool\'s close and the termination', async () => {
    await withApp(1, { graceMs: 1_000, poolCloseMs: 2_000 }, async (s) => {
      expect(s.app.closeWithinMs).toBe(1_000 + CUT_OFF_MS + 2_000 + TERMINATE_MS)
    })
  })
})
