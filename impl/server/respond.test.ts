import { createServer, get, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BodyStream, ResponseBody, WireResponse } from '../response.ts'
import { write, type StreamEnd } from './respond.ts'

/** What the server does for a path: the response to write, and what the writer returned. */
interface Case {
  response: () => WireResponse<ResponseBody>
  written?: Promise<StreamEnd> | undefined
}

const cases = new Map<string, Case>()
const server = createServer((req, res: ServerResponse) => {
  const c = cases.get(req.url ?? '')
  if (c === undefined) return void res.writeHead(404).end()
  c.written = write(res, c.response())
  // What App does with a stream that fails before its first chunk: answer anyway.
  c.written?.catch(() => {
    if (!res.headersSent) write(res, { status: 500, headers: {}, body: 'failed before the first chunk' })
  })
})
let base = ''
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

interface Received {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
  /** The whole message arrived (false: the connection was cut mid-body). */
  complete: boolean
}

/** GET `path`; `onResponse` may pause or cut the response before it is read. */
function fetchRaw(path: string, onResponse?: (res: import('node:http').IncomingMessage, chunks: Buffer[]) => void): Promise<Received> {
  return new Promise((resolve, reject) => {
    const req = get(`${base}${path}`, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('error', () => {}) // a cut connection: reported by `complete`
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete }))
      onResponse?.(res, chunks)
    })
    req.on('error', reject)
  })
}

function serve(path: string, response: () => WireResponse<ResponseBody>): Case {
  const c: Case = { response }
  cases.set(path, c)
  return c
}

describe('whole bodies', () => {
  it('a string body gets its UTF-8 byte length and is written as is; the writer returns no promise', async () => {
    const c = serve('/string', () => ({ status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'héllo ✓' }))
    const r = await fetchRaw('/string')
    expect(c.written).toBeUndefined()
    expect(r).toMatchObject({ status: 200, complete: true })
    expect(r.headers['content-length']).toBe(String(Buffer.byteLength('héllo ✓')))
    expect(r.headers['transfer-encoding']).toBeUndefined()
    expect(r.body.toString('utf8')).toBe('héllo ✓')
  })

  it('a byte body (a Buffer, or a plain Uint8Array view) gets its byte length', async () => {
    const view = new Uint8Array([9, 0, 1, 2, 3, 9]).subarray(1, 5)
    serve('/bytes', () => ({ status: 200, headers: { 'content-type': 'application/octet-stream' }, body: view }))
    serve('/buffer', () => ({ status: 200, headers: {}, body: Buffer.from('bin') }))
    const r = await fetchRaw('/bytes')
    expect(r.headers['content-length']).toBe('4')
    expect([...r.body]).toEqual([0, 1, 2, 3])
    expect((await fetchRaw('/buffer')).body.toString()).toBe('bin')
  })

  it('a null body is no body: no content-length, nothing written', async () => {
    serve('/none', () => ({ status: 204, headers: { 'x-k': 'v' }, body: null }))
    const r = await fetchRaw('/none')
    expect(r).toMatchObject({ status: 204, complete: true })
    expect(r.headers['x-k']).toBe('v')
    expect(r.headers['content-length']).toBeUndefined()
    expect(r.body.length).toBe(0)
  })
})

describe('streamed bodies', () => {
  it('are written chunk by chunk with chunked transfer encoding, strings and bytes alike', async () => {
    async function* body(): BodyStream {
      yield 'héllo'
      await new Promise((r) => setTimeout(r, 5))
      yield ''
      yield Buffer.from(', ')
      yield new Uint8Array([0x77, 0x6f, 0x72, 0x6c, 0x64]) // world
    }
    const c = serve('/stream', () => ({ status: 201, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: body() }))
    const r = await fetchRaw('/stream')
    expect(r).toMatchObject({ status: 201, complete: true })
    expect(r.headers['transfer-encoding']).toBe('chunked')
    expect(r.headers['content-length']).toBeUndefined()
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(r.body.toString('utf8')).toBe('héllo, world')
    expect(await c.written).toBe('ended')
  })

  it('an empty stream is an empty chunked body', async () => {
    async function* body(): BodyStream {}
    serve('/empty', () => ({ status: 200, headers: {}, body: body() }))
    const r = await fetchRaw('/empty')
    expect(r).toMatchObject({ status: 200, complete: true })
    expect(r.body.length).toBe(0)
  })

  it('wait for the client to read (backpressure): a paused client holds the stream back', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x61)
    const total = 64 // 64 MiB: far more than the socket buffers on both sides hold
    let yielded = 0
    async function* body(): BodyStream {
      while (yielded < total) {
        yielded++
        yield chunk
      }
    }
    const c = serve('/big', () => ({ status: 200, headers: {}, body: body() }))
    let paused: Promise<number> | undefined
    const r = await fetchRaw('/big', (res) => {
      res.pause()
      // Without backpressure the whole stream would be produced into memory at once.
      paused = new Promise((resolve) => setTimeout(() => {
        resolve(yielded)
        res.resume()
      }, 300))
    })
    expect(await paused).toBeLessThan(total)
    expect(r.complete).toBe(true)
    expect(r.body.length).toBe(total * chunk.length)
    expect(await c.written).toBe('ended')
  })

  it('stop when the client disconnects mid-stream: the generator is returned (its finally runs)', async () => {
    let finished: () => void = () => {}
    const cleanedUp = new Promise<void>((resolve) => (finished = resolve))
    let produced = 0
    async function* ticks(): BodyStream {
      try {
        for (;;) {
          produced++
          yield `tick ${produced}\n`
          await new Promise((r) => setTimeout(r, 5))
        }
      } finally {
        finished()
      }
    }
    const c = serve('/ticks', () => ({ status: 200, headers: {}, body: ticks() }))
    const r = await fetchRaw('/ticks', (res, chunks) => res.once('data', () => res.destroy()))
    expect(r.complete).toBe(false)
    expect(r.body.toString()).toMatch(/^tick 1\n/)
    expect(await c.written).toBe('disconnected')
    await cleanedUp
    const after = produced
    await new Promise((r) => setTimeout(r, 50))
    expect(produced).toBe(after) // nothing produced after the client left
  })

  it('stop when the client disconnects while the stream waits for its next chunk', async () => {
    let returned = false
    const stalled: BodyStream = {
      [Symbol.asyncIterator]() {
        let first = true
        return {
          next: () => {
            if (!first) return new Promise<IteratorResult<string>>(() => {}) // never comes
            first = false
            return Promise.resolve({ done: false, value: 'first' })
          },
          return: () => {
            returned = true
            return Promise.resolve({ done: true, value: undefined })
          },
        }
      },
    }
    const c = serve('/stalled', () => ({ status: 200, headers: {}, body: stalled }))
    const r = await fetchRaw('/stalled', (res) => res.once('data', () => res.destroy()))
    expect(r.body.toString()).toBe('first')
    expect(await c.written).toBe('disconnected')
    expect(returned).toBe(true)
  })

  it('a stream that throws after the head was sent cuts the connection: a truncated body, never a complete one', async () => {
    async function* failing(): BodyStream {
      yield 'partial'
      await new Promise((r) => setTimeout(r, 5))
      throw new Error('the source failed')
    }
    const c = serve('/failing', () => ({ status: 200, headers: {}, body: failing() }))
    const r = await fetchRaw('/failing')
    expect(r.status).toBe(200)
    expect(r.complete).toBe(false)
    expect(r.body.toString()).toBe('partial')
    await expect(c.written).rejects.toThrow('the source failed')
  })

  it('a stream that throws before its first chunk leaves the response unsent, so it can still be answered', async () => {
    async function* failing(): BodyStream {
      throw new Error('no data at all')
    }
    const c = serve('/failing-early', () => ({ status: 200, headers: { 'x-from-stream': '1' }, body: failing() }))
    const r = await fetchRaw('/failing-early')
    await expect(c.written).rejects.toThrow('no data at all')
    expect(r).toMatchObject({ status: 500, complete: true })
    expect(r.headers['x-from-stream']).toBeUndefined()
    expect(r.body.toString()).toBe('failed before the first chunk')
  })
})
