import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import def from '../../test/fixtures/blocking-app.ts'
import { request } from '../../test/http.ts'
import { compileApp } from '../app.ts'
import { WorkerPool } from '../dispatch/pool.ts'
import type { Logger } from '../log.ts'
import type { BodyStream } from '../response.ts'
import type { CompiledRoute } from '../routing/compile.ts'
import { SharedMemory } from '../shared/memory.ts'
import { App } from './app.ts'
import type { BuiltinEndpoint, LoopObserver } from './parts.ts'

/** The core built by hand from its parts, as `createApp` would, with stand-ins for the seams. */
const logs: { level: string; obj: object; msg: string }[] = []
const logger: Logger = {
  info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
  warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
  error: (obj, msg) => logs.push({ level: 'error', obj, msg }),
}
const calls: string[] = []
const observer = (name: string): LoopObserver => ({
  enter: (r: CompiledRoute) => calls.push(`${name} enter ${r.path}`),
  leave: (r: CompiledRoute) => calls.push(`${name} leave ${r.path}`),
  handlerSegment: () => {},
})
let detectionClosed = false
const detection = { current: observer('a') as LoopObserver | undefined, close: async () => void (detectionClosed = true) }

const chunks = async function* (...parts: string[]): BodyStream {
  for (const p of parts) {
    yield p
    await new Promise((r) => setTimeout(r, 2))
  }
}
const endpoints: BuiltinEndpoint[] = [
  { path: '/_echo', handle: (_req, method) => ({ response: { status: 200, headers: { 'content-type': 'text/plain' }, body: method } }) },
  { path: '/_stream', handle: async () => ({ response: { status: 200, headers: {}, body: chunks('a', 'b', 'c') } }) },
  {
    path: '/_fails-early',
    handle: () => ({ response: { status: 200, headers: {}, body: (async function* (): BodyStream { throw new Error('nothing to stream') })() } }),
  },
  {
    path: '/_fails-late',
    handle: () => ({
      response: {
        status: 200,
        headers: {},
        body: (async function* (): BodyStream {
          yield 'partial'
          await new Promise((r) => setTimeout(r, 5))
          throw new Error('the source went away')
        })(),
      },
    }),
  },
]

let app: App
let url = ''
beforeAll(async () => {
  const shared = new SharedMemory()
  const compiled = compileApp(def, shared)
  // No worker starts: these tests request loop-side routes only.
  const pool = new WorkerPool(def.module, shared, compiled.routes, { minThreads: 0, maxThreads: 1, fastLane: false })
  app = new App({ compiled, pool, logger, bodyLimit: 1024, detection, endpoints })
  url = `http://127.0.0.1:${(await app.listen(0)).port}`
})
afterAll(() => app?.close())

describe('built-in endpoints', () => {
  it('are answered before the router, any method, query ignored; routes are still routed', async () => {
    expect((await request(`${url}/_echo?x=1`)).text).toBe('GET')
    expect((await request(`${url}/_echo`, { method: 'DELETE' })).text).toBe('DELETE')
    expect((await request(`${url}/fast`)).json()).toEqual({ ok: true })
    expect((await request(`${url}/_nothing`)).status).toBe(404)
  })

  it('two at one path are refused when the app is built', () => {
    const twice = [endpoints[0] as BuiltinEndpoint, { path: '/_echo', handle: () => ({ response: { status: 204, headers: {}, body: null } }) }]
    expect(() => new App({ compiled: app.compiled, pool: app.pool, logger, bodyLimit: 1, endpoints: twice })).toThrow('two built-in endpoints are at /_echo')
  })
})

describe('streamed answers', () => {
  it('are written chunk by chunk', async () => {
    const r = await request(`${url}/_stream`)
    expect(r.headers.get('transfer-encoding')).toBe('chunked')
    expect(r.text).toBe('abc')
  })

  it('a stream failing before its first chunk is answered 500 and logged, like a handler that threw', async () => {
    const r = await request(`${url}/_fails-early`)
    expect(r.status).toBe(500)
    expect(r.json().error.code).toBe('UNB_ERR_HANDLER_FAILED')
    expect(logs.some((l) => l.level === 'error' && l.msg === 'nothing to stream')).toBe(true)
  })

  it('a stream failing after its head is cut short (never a complete body) and logged with its code', async () => {
    await expect(request(`${url}/_fails-late`)).rejects.toThrow()
    const logged = logs.find((l) => l.msg.startsWith('the response body stream of GET /_fails-late failed after its head was sent'))
    expect(logged?.obj).toMatchObject({ failure: { code: 'UNB_ERR_RESPONSE_STREAM_FAILED', route: 'GET /_fails-late', message: 'the source went away' } })
    expect((await request(`${url}/fast`)).status).toBe(200) // and the server goes on
  })
})

describe('detection', () => {
  it('a request reports to the observer current when it began, even if detection is switched meanwhile', async () => {
    calls.length = 0
    const slow = request(`${url}/wait?ms=300`)
    while (!calls.includes('a enter /wait')) await new Promise((r) => setTimeout(r, 5))
    detection.current = observer('b')
    await slow
    await request(`${url}/fast`)
    detection.current = undefined
    await request(`${url}/fast`)
    expect(calls).toEqual(['a enter /wait', 'a leave /wait', 'b enter /fast', 'b leave /fast'])
  })

  it('is closed when the app closes', async () => {
    const other = new App({ compiled: app.compiled, pool: new WorkerPool(def.module, app.compiled.shared, app.routes, { minThreads: 0, maxThreads: 1, fastLane: false }), logger, bodyLimit: 1, detection })
    detectionClosed = false
    await other.close()
    expect(detectionClosed).toBe(true)
  })
})
