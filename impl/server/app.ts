/**
 * The running app: an HTTP server that routes each request and dispatches it by the handler's
 * compiled kind — async and inline handlers on the loop, sync handlers to the worker pool — and
 * shuts down gracefully. The core receives its parts (parts.ts); `createApp` picks the defaults.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { CompiledApp } from '../app.ts'
import { isBackgroundCall, type BackgroundItem } from '../dispatch/background.ts'
import { runRoute, type RouteOutcome } from '../dispatch/pipeline.ts'
import type { WorkerPool } from '../dispatch/pool.ts'
import { ContextStore, contextInUse, runInContext } from '../context/context-var.ts'
import { failureOf, outcomeOfError, type Outcome } from '../error-response.ts'
import { HttpError, UnblockedError } from '../errors.ts'
import type { RequestData, RequestExtras } from '../extract/context.ts'
import type { CompiledRoute } from '../routing/compile.ts'
import type { Logger } from '../log.ts'
import type { ResponseBody } from '../response.ts'
import { discardRest, hasBody, readBody } from './body.ts'
import type { AppParts, BuiltinEndpoint, Detection } from './parts.ts'
import { write, type StreamEnd } from './respond.ts'

export type { AppParts } from './parts.ts'

function pick(all: IncomingMessage['headers'], names: readonly string[]): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {}
  for (const n of names) if (all[n] !== undefined) out[n] = all[n]
  return out
}

function checkEndpoints(endpoints: readonly BuiltinEndpoint[]): readonly BuiltinEndpoint[] {
  const paths = new Set<string>()
  for (const e of endpoints) {
    if (paths.has(e.path)) throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`two built-in endpoints are at ${e.path}`])
    paths.add(e.path)
  }
  return [...endpoints]
}

/** Call `gone` when the response closes before it was sent in full: the client went away. */
function onClientGone(res: ServerResponse, gone: () => void): void {
  res.once('close', () => {
    if (!res.writableFinished) gone()
  })
}

/** Aborts when the client goes away before the response was sent in full. */
function disconnectSignal(res: ServerResponse): AbortSignal {
  const ac = new AbortController()
  onClientGone(res, () => ac.abort(new Error('the client disconnected')))
  return ac.signal
}

export class App {
  readonly compiled: CompiledApp
  readonly pool: WorkerPool
  readonly server: Server
  /** Blocking detection (undefined when turned off): the observer requests report to, switchable. */
  readonly detection: Detection | undefined
  readonly #log: Logger
  readonly #bodyLimit: number
  /** Built-in endpoints, none or one or two: a scan compares as cheaply as the single check it replaced. */
  readonly #endpoints: readonly BuiltinEndpoint[]
  /** The app defines context variables: each request gets a context store (context-var.ts). */
  readonly #contextual: boolean
  #inFlight = 0
  #drained: (() => void) | undefined
  #closing: Promise<void> | undefined

  /** Throws `UNB_ERR_OPTIONS_INVALID` when two built-in endpoints share a path. */
  constructor(parts: AppParts) {
    this.compiled = parts.compiled
    this.pool = parts.pool
    this.#log = parts.logger
    this.#bodyLimit = parts.bodyLimit
    this.detection = parts.detection
    this.#endpoints = checkEndpoints(parts.endpoints ?? [])
    this.#contextual = contextInUse()
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
      const builtin = this.#endpointAt(path)
      if (builtin !== undefined) {
        const streaming = this.#answer(res, await builtin.handle(req, method), `${method} ${path}`)
        if (streaming !== undefined) await streaming
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
      const outcome = this.#contextual ? await runInContext(new ContextStore(), () => this.#dispatch(route, data, req, res)) : await this.#dispatch(route, data, req, res)
      const streaming = this.#answer(res, outcome, route.id)
      if (streaming !== undefined) await streaming
      if (outcome.background !== undefined) await this.#runBackground(outcome.background, route.id)
    } catch (err) {
      // Only a bug in the framework itself lands here; answer rather than hang the client.
      this.#log.error({ err }, 'unhandled error in the request pipeline')
      if (!res.headersSent) write(res, new UnblockedError('UNB_ERR_HANDLER_FAILED', ['the server']).toResponse())
      else res.destroy()
    } finally {
      if (--this.#inFlight === 0) this.#drained?.()
    }
  }

  /** The request hooks, then the handler: sync ones in the pool, the others here with detection watching. */
  async #dispatch(route: CompiledRoute, data: RequestData, req: IncomingMessage, res: ServerResponse): Promise<RouteOutcome> {
    const hooks = this.compiled.onRequest
    if (hooks.length > 0) {
      try {
        for (const hook of hooks) await hook({ method: data.method, path: data.path, headers: req.headers })
      } catch (err) {
        return outcomeOfError(err, route.id)
      }
    }
    if (route.kind === 'sync') return this.pool.runRoute(route, data, (gone) => onClientGone(res, gone))
    const extras: RequestExtras = route.wantsSignal ? { deps: this.pool, signal: disconnectSignal(res) } : { deps: this.pool }
    const m = this.detection?.current
    m?.enter(route)
    try {
      return await runRoute(route, data, this.compiled.container, this.pool, m, extras)
    } finally {
      m?.leave(route)
    }
  }

  /**
   * A handler's background tasks, after its response was sent, one after another (a later task
   * may rely on an earlier one). A failure is logged and the rest still run.
   */
  async #runBackground(items: readonly BackgroundItem[], where: string): Promise<void> {
    for (const item of items) {
      try {
        await (isBackgroundCall(item) ? this.pool.runBackground(item) : item())
      } catch (err) {
        this.#log.error({ err, route: where }, `a background task of ${where} failed`)
      }
    }
  }

  #endpointAt(path: string): BuiltinEndpoint | undefined {
    const all = this.#endpoints
    for (let i = 0; i < all.length; i++) if ((all[i] as BuiltinEndpoint).path === path) return all[i]
    return undefined
  }

  /**
   * Write the response; a server-side failure is logged, never sent. Returns a promise only for a
   * streamed body (the request is in flight until it ends); a whole body costs no promise.
   */
  #answer(res: ServerResponse, outcome: Outcome<ResponseBody>, where: string): Promise<void> | undefined {
    if (outcome.failure !== undefined) this.#log.error({ failure: outcome.failure }, outcome.failure.message)
    const streaming = write(res, outcome.response)
    return streaming === undefined ? undefined : this.#streamed(res, streaming, where)
  }

  /** A streamed body that failed is the handler's failure: answered 500 if nothing was sent yet, else logged (the writer cut the connection). */
  async #streamed(res: ServerResponse, streaming: Promise<StreamEnd>, where: string): Promise<void> {
    try {
      await streaming
    } catch (err) {
      if (!res.headersSent) {
        const outcome = outcomeOfError(err, where)
        if (outcome.failure !== undefined) this.#log.error({ failure: outcome.failure }, outcome.failure.message)
        write(res, outcome.response)
        return
      }
      const failure = failureOf('UNB_ERR_RESPONSE_STREAM_FAILED', where, err)
      this.#log.error({ failure }, new UnblockedError('UNB_ERR_RESPONSE_STREAM_FAILED', [where, failure.message]).message)
    }
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
   * idle keep-alive connections, then stop blocking detection and close the worker pool.
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
    await this.detection?.close()
    await this.pool.close()
  }
}
