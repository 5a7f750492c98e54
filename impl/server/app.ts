/**
 * The running app: an HTTP server that routes each request and dispatches it by the handler's
 * compiled kind — async and inline handlers on the loop, sync handlers to the worker pool.
 * The core receives its parts (compiled app, pool, logger); `createApp` picks the defaults.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { z } from 'zod'
import type { CompiledApp } from '../app.ts'
import { JSON_TYPE } from '../coerce.ts'
import { HttpError, UnblockedError } from '../errors.ts'
import type { RequestData } from '../extract/context.ts'
import type { Logger } from '../log.ts'
import type { WireResponse } from '../response.ts'
import type { WorkerPool } from '../dispatch/pool.ts'
import type { BlockingMonitor } from '../diagnostics/monitor.ts'
import { runRoute } from '../dispatch/pipeline.ts'
import { outcomeOfError, type Outcome } from '../error-response.ts'
import { discardRest, hasBody, readBody } from './body.ts'

const Switch = z.strictObject({ enabled: z.boolean() })

export interface AppParts {
  readonly compiled: CompiledApp
  readonly pool: WorkerPool
  readonly logger: Logger
  readonly bodyLimit: number
  /** Blocking detection for loop-side handlers; absent when turned off. */
  readonly monitor?: BlockingMonitor
}

function write(res: ServerResponse, r: WireResponse): void {
  const headers: Record<string, string | number> = { ...r.headers }
  const body = r.body
  if (body !== null) headers['content-length'] = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength
  res.writeHead(r.status, headers)
  if (body === null) res.end()
  else res.end(body)
}

function pick(all: IncomingMessage['headers'], names: readonly string[]): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {}
  for (const n of names) if (all[n] !== undefined) out[n] = all[n]
  return out
}

export class App {
  readonly compiled: CompiledApp
  readonly pool: WorkerPool
  readonly server: Server
  readonly #log: Logger
  readonly #bodyLimit: number
  /** Blocking detection as configured (undefined when turned off). */
  readonly monitor: BlockingMonitor | undefined
  /** The monitor while detection is on: requests report to this one (see `setDetection`). */
  #detecting: BlockingMonitor | undefined
  #switching: Promise<void> = Promise.resolve()
  #inFlight = 0
  #drained: (() => void) | undefined
  #closing: Promise<void> | undefined

  constructor(parts: AppParts) {
    this.compiled = parts.compiled
    this.pool = parts.pool
    this.#log = parts.logger
    this.#bodyLimit = parts.bodyLimit
    this.monitor = parts.monitor?.enabled ? parts.monitor : undefined
    this.#detecting = this.monitor
    this.server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
      this.#inFlight++
      void this.#serve(req, res)
    })
  }

  get routes(): CompiledApp['routes'] {
    return this.compiled.routes
  }

  /**
   * One request, start to end, in one async function — one promise per request: errors and the
   * in-flight count are handled here, not in chains.
   */
  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = req.url ?? '/'
      const q = url.indexOf('?')
      const path = q < 0 ? url : url.slice(0, q)
      const method = req.method ?? 'GET'
      if (this.monitor?.endpoint === path) {
        this.#answer(res, await this.#diagnostics(req, method, this.monitor))
        return
      }
      const hit = this.compiled.router.find(method, path)
      if (!hit.found) {
        discardRest(req) // so the client can finish sending and read the answer
        const err =
          hit.allow.length > 0
            ? new HttpError('UNB_ERR_ROUTE_METHOD_NOT_ALLOWED', [method, path], { headers: { allow: hit.allow.join(', ') } })
            : new HttpError('UNB_ERR_ROUTE_NOT_FOUND', [method, path])
        write(res, err.toResponse())
        return
      }
      const route = hit.route
      let body: Uint8Array | null = null
      if (hasBody(req)) {
        try {
          body = await readBody(req, this.#bodyLimit)
        } catch (err) {
          discardRest(req)
          write(res, outcomeOfError(err, route.id).response)
          return
        }
      }
      // A worker gets only the headers the route's extractors read: cloning them costs per header.
      const headers = route.kind !== 'sync' || route.headers === 'all' ? req.headers : pick(req.headers, route.headers)
      const data: RequestData = { method, path, params: hit.params, query: q < 0 ? '' : url.slice(q + 1), headers, body }
      let outcome: Outcome
      if (route.kind === 'sync') outcome = await this.pool.runRoute(route, data)
      else {
        const m = this.#detecting
        m?.enter(route)
        try {
          outcome = await runRoute(route, data, this.compiled.container, this.pool, m)
        } finally {
          m?.leave(route)
        }
      }
      this.#answer(res, outcome)
    } catch (err) {
      // Only a bug in the framework itself lands here; answer rather than hang the client.
      this.#log.error({ err }, 'unhandled error in the request pipeline')
      if (!res.headersSent) write(res, new UnblockedError('UNB_ERR_HANDLER_FAILED', ['the server']).toResponse())
      else res.destroy()
    } finally {
      if (--this.#inFlight === 0) this.#drained?.()
    }
  }

  /** Write the response; a server-side failure is logged, never sent. */
  #answer(res: ServerResponse, outcome: Outcome): void {
    if (outcome.failure !== undefined) this.#log.error({ failure: outcome.failure }, outcome.failure.message)
    write(res, outcome.response)
  }

  /** The blocking-detection endpoint: GET reads it; PUT `{"enabled": boolean}` switches detection when the monitor is switchable. */
  async #diagnostics(req: IncomingMessage, method: string, monitor: BlockingMonitor): Promise<Outcome> {
    const snapshot = (): Outcome => ({
      response: { status: 200, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify({ enabled: this.#detecting !== undefined, ...monitor.snapshot(), pool: this.pool.stats }) },
    })
    if (method === 'GET') {
      req.resume()
      return snapshot()
    }
    if (method !== 'PUT' || !monitor.switchable) {
      discardRest(req)
      const allow = monitor.switchable ? 'GET, PUT' : 'GET'
      return { response: new HttpError('UNB_ERR_ROUTE_METHOD_NOT_ALLOWED', [method, monitor.endpoint], { headers: { allow } }).toResponse() }
    }
    try {
      const body = hasBody(req) ? await readBody(req, this.#bodyLimit) : new Uint8Array()
      let parsed: unknown
      try {
        parsed = JSON.parse(Buffer.from(body).toString('utf8'))
      } catch (err) {
        throw new HttpError('UNB_ERR_REQUEST_MALFORMED_JSON', [(err as Error).message])
      }
      const r = Switch.safeParse(parsed)
      if (!r.success) throw new HttpError('UNB_ERR_REQUEST_VALIDATION', ['the body must be {"enabled": true} or {"enabled": false}'])
      await this.setDetection(r.data.enabled)
      return snapshot()
    } catch (err) {
      discardRest(req)
      return outcomeOfError(err, `${method} ${monitor.endpoint}`)
    }
  }

  /**
   * Switch blocking detection off or on while serving (the heartbeat, the watchdog, the
   * tripwires, the handler timing). Requests already running finish with the monitor they began
   * with. No-op without a monitor or when already in that state.
   */
  setDetection(enabled: boolean): Promise<void> {
    // One switch at a time: two overlapping PUTs must not start two watchdogs.
    const next = this.#switching.then(async () => {
      const m = this.monitor
      if (m === undefined || enabled === (this.#detecting !== undefined)) return
      if (enabled) {
        await m.start()
        m.arm()
        this.#detecting = m
      } else {
        this.#detecting = undefined
        await m.stop()
      }
    })
    this.#switching = next.catch(() => {})
    return next
  }

  /** Start listening. @default host '127.0.0.1' */
  listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, host, () => {
        this.server.off('error', reject)
        resolve(this.server.address() as AddressInfo)
      })
    })
  }

  /**
   * Graceful shutdown: stop accepting, let in-flight requests finish (up to `graceMs`), close
   * idle keep-alive connections, then close the worker pool.
   */
  close(graceMs = 10_000): Promise<void> {
    this.#closing ??= this.#close(graceMs)
    return this.#closing
  }

  async #close(graceMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.server.closeIdleConnections()
    if (this.#inFlight > 0) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        new Promise<void>((resolve) => (this.#drained = resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ])
      clearTimeout(timer)
    }
    this.server.closeAllConnections()
    await closed
    await this.monitor?.stop()
    await this.pool.close()
  }
}
