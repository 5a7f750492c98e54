/**
 * Server limits (issue 14): what one client may hold of the server. Each probe runs the hostile
 * client fixture (test/fixtures/abusive-client.mjs) in its own process against an app with small
 * limits. Before: node's defaults held a request head 60–90 s and an upload 300–330 s, accepted
 * connections up to the fd limit, and read 2.96–4.39 GB of an endless body to a 404 per socket
 * in 5 s.
 */
import { execFile } from 'node:child_process'
import { Agent, request as httpRequest } from 'node:http'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import def from '../../test/fixtures/server-app.ts'
import { start, type Started } from '../../test/http.ts'
import { DEFAULT_SERVER_LIMITS, resolveServerLimits, serverOptions, type ServerLimits } from './limits.ts'

const CLIENT = fileURLToPath(new URL('../../test/fixtures/abusive-client.mjs', import.meta.url))

/** Run one probe of the hostile client; killed after `limitS` (the test then fails on its output). */
function probe(args: string[], limitS: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLIENT, ...args], { timeout: limitS * 1000, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`${args[0]} failed: ${err.message}\n${stderr}`))
      else resolve(JSON.parse(stdout) as Record<string, unknown>)
    })
  })
}

/** A request with a body of `bytes` bytes, on a keep-alive connection: the answer's status and its Connection header. */
function post(url: string, bytes: number): Promise<{ status: number; connection: string | undefined }> {
  const agent = new Agent({ keepAlive: true })
  return new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': bytes }, agent }, (res) => {
      res.resume().on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }))
    })
    req.on('error', reject)
    req.end(Buffer.alloc(bytes, ' '))
  }).finally(() => agent.destroy())
}

describe('options', () => {
  it('defaults are deliberate, tighter than node\'s', () => {
    expect(resolveServerLimits()).toEqual({ headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000, maxConnections: 4096 })
    expect(resolveServerLimits()).toEqual(DEFAULT_SERVER_LIMITS)
  })

  it('node checks the timeouts every second (not every 30 s), or more often for short ones', () => {
    expect(serverOptions(DEFAULT_SERVER_LIMITS).connectionsCheckingInterval).toBe(1_000)
    expect(serverOptions(resolveServerLimits({ headersTimeout: 600, requestTimeout: 2_000 })).connectionsCheckingInterval).toBe(300)
  })

  it.each<[ServerLimits, string]>([
    [{ headersTimeout: 0 }, 'options.headersTimeout must be a positive integer, got 0'],
    [{ requestTimeout: 1.5 }, 'options.requestTimeout must be a positive integer, got 1.5'],
    [{ keepAliveTimeout: -1 }, 'options.keepAliveTimeout must be a positive integer, got -1'],
    [{ maxConnections: Number.NaN }, 'options.maxConnections must be a positive integer, got NaN'],
    [{ headersTimeout: 5_000, requestTimeout: 4_000 }, 'options.headersTimeout (5000) exceeds options.requestTimeout (4000)'],
  ])('%j is rejected with an exact message', (bad, message) => {
    expect(() => resolveServerLimits(bad)).toThrow(message)
  })
})

describe('against a hostile client', () => {
  let s: Started
  beforeAll(async () => {
    s = await start(def, { pool: { minThreads: 1, maxThreads: 1 }, headersTimeout: 1_000, requestTimeout: 2_000, maxConnections: 20, bodyLimit: 64 * 1024 })
  })
  afterAll(() => s?.close())

  it('connections beyond maxConnections are closed at once; the open ones keep working, and new ones once others left', async () => {
    const r = await probe(['connections', s.url, '/wait?ms=1', '--sockets', '60'], 30)
    expect(r.attempted).toBe(60)
    expect(r.held).toBeLessThanOrEqual(20)
    expect(r.refused).toBeGreaterThanOrEqual(40)
    expect(r.existing).toEqual({ before: 200, during: 200 })
    expect(r.freshAfter).toBe(200)
  })

  it('a request head sent a byte at a time is cut off after headersTimeout (408), not held for minutes', async () => {
    const r = await probe(['slow-headers', s.url, '--seconds', '15'], 30)
    expect(r).toMatchObject({ closedByServer: true, status: 408 })
    expect(r.heldS).toBeLessThan(5)
  })

  it('an upload trickling in is cut off after requestTimeout (408)', async () => {
    const r = await probe(['slow-upload', s.url, '/echo', '--seconds', '15'], 30)
    expect(r).toMatchObject({ closedByServer: true, status: 408 })
    expect(r.heldS).toBeLessThan(8)
  })

  it.each([
    ['404', '/no-such-route', 404],
    ['405', '/sleep', 405],
    ['413', '/echo', 413],
  ])('an endless body to a %s is drained only a little: answered with Connection: close, then closed', async (_, path, status) => {
    const r = await probe(['endless-body', s.url, path, '--seconds', '10'], 30)
    expect(r).toMatchObject({ status, connection: 'close', closedByServer: true })
    expect(r.heldS).toBeLessThan(5)
    // What the socket took: the drain bound (64 KiB, plus the 64 KiB body limit for the 413) and the kernel's buffers.
    expect(r.bytes).toBeLessThan(64 * 1024 * 1024)
  })

  it('a small body to a 404 or a 413 is read to its end, and answered on a connection that stays open', async () => {
    expect(await post(`${s.url}/no-such-route`, 10_000)).toEqual({ status: 404, connection: 'keep-alive' })
    const tooLarge = await post(`${s.url}/echo`, 100_000) // over the 64 KiB limit, within it plus the drain
    expect(tooLarge.status).toBe(413)
  })
})
