/**
 * The running app: an HTTP server that routes each request and dispatches it by the handler's
 * compiled kind — async and inline handlers on the loop, sync handlers to the worker pool — and
 * shuts down gracefully (shutdown.ts). The core receives its parts (parts.ts); `createApp` picks
 * the defaults.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
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
import { ErrorLog } from '../log-limit.ts'
import type { ResponseBody, WireResponse } from '../response.ts'
import { afterDrain, hasBody, readBody } from './body.ts'
import { allowHalfClose } from './half-close.ts'
import { applyLimits, DEFAULT_SERVER_LIMITS, serverOptions } from './limits.ts'
import type { AppParts, BuiltinEndpoint, Detection } from './parts.ts'
import { write, type StreamEnd } from './respond.ts'
import { after, closeWithinMs, CUT_OFF_MS, DEFAULT_SHUTDOWN, type ResolvedShutdown } from './shutdown.ts'

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

/** The answer to a request the server will not serve because it is shutting down: 503, and the connection closes. */
function shuttingDown(): WireResponse {
  return new HttpError('UNB_ERR_POOL_CLOSED', [], { headers: { connection: 'close' } }).toResponse()
}

/** Resolves when `res` was written out, or its connection closed. */
function finished(res: ServerResponse): Promise<void> {
  if (res.writableFinished || res.destroyed) return Promise.resolve()
  return new Promise((resolve) => {
    res.once('finish', resolve)
    res.once('close', resolve)
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
  /** Failures, logged in full the first few times per kind and interval, then counted (log-limit.ts). */
  readonly #errors: ErrorLog
  readonly #bodyLimit: number
  readonly #shutdown: ResolvedShutdown
  /** Built-in endpoints, none or one or two: a scan compares as cheaply as the single check it replaced. */
  readonly #endpoints: readonly BuiltinEndpoint[]
  /** The app defines context variables: each request gets a context store (context-var.ts). */
  readonly #contextual: boolean
  /** Responses in flight: at the end of the shutdown grace, those still unanswered get a 503. */
  readonly #open = new Set<ServerResponse>()
  /** Responses the shutdown answered 503: their handler's outcome, when it comes, is dropped. */
  readonly #cutOff = new WeakSet<ServerResponse>()
  #drained: (() => void) | undefined
  #closing: Promise<void> | undefined

  /** Throws `UNB_ERR_OPTIONS_INVALID` when two built-in endpoints share a path. */
  constructor(parts: AppParts) {
    this.compiled = parts.compiled
    this.pool = parts.pool
    this.#log = parts.logger
    this.#errors = new ErrorLog(parts.logger, parts.errorLogLimit)
    this.#bodyLimit = parts.bodyLimit
    this.#shutdown = parts.shutdown ?? DEFAULT_SHUTDOWN
    this.detection = parts.detection
    this.#endpoints = checkEndpoints(parts.endpoints ?? [])
    this.#contextual = contextInUse()
    const limits = parts.limits ?? DEFAULT_SERVER_LIMITS
    this.server = createServer(serverOptions(limits), (req, res) => {
      if (this.#closing !== undefined) {
        void this.#answerUnread(req, res, shuttingDown())
        return
      }
      this.#open.add(res)
      void this.#serve(req, res)
    })
    applyLimits(this.server, limits)
    allowHalfClose(this.server, (socket) => this.#pendingOn(socket))
  }

  /** The response on `socket` still waiting for its head (a rare lookup: only after a client's FIN). */
  #pendingOn(socket: Socket): ServerResponse | undefined {
    for (const res of this.#open) if (res.socket === socket && !res.headersSent) return res
    return undefined
  }

  /** The longest `close()` takes: the grace, the cut-off, the pool's close and the workers' termination (shutdown.ts). */
  get closeWithinMs(): number {
    return closeWithinMs(this.#shutdown)
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
        const err =
          hit.allow.length > 0
            ? new HttpError('UNB_ERR_ROUTE_METHOD_NOT_ALLOWED', [method, path], { headers: { allow: hit.allow.join(', ') } })
            : new HttpError('UNB_ERR_ROUTE_NOT_FOUND', [method, path])
        await this.#answerUnread(req, res, err.toResponse())
        return
      }
      const route = hit.route
      let body: Uint8Array | null = null
      if (hasBody(req)) {
        try {
          body = await readBody(req, this.#bodyLimit)
        } catch (err) {
          await this.#answerUnread(req, res, outcomeOfError(err, route.id).response)
          return
        }
      }
      // A worker gets only the headers the route's extractors read: cloning them costs per header.
      const headers = route.kind !== 'sync' || route.headers === 'all' ? req.headers : pick(req.headers, route.headers)
      const data: RequestData = { method, path, params: hit.params, query: q < 0 ? '' : url.slice(q + 1), headers, body }
      const outcome = this.#contextual ? await runInContext(new ContextStore(), () => this.#dispatch(route, data, req, res)) : await this.#dispatch(route, data, req, res)
      const streaming = this.#answer(res, outcome, route.id)
      if (streaming !== undefined) await streaming
      // Background tasks follow a response that was sent, not the 503 of a shutdown.
      if (outcome.background !== undefined && !this.#wasCutOff(res)) await this.#runBackground(outcome.background, route.id)
    } catch (err) {
      // Only a bug in the framework itself lands here; answer rather than hang the client.
      this.#errors.error('pipeline', { err }, 'unhandled error in the request pipeline')
      if (!res.headersSent) write(res, new UnblockedError('UNB_ERR_HANDLER_FAILED', ['the server']).toResponse())
      else res.destroy()
    } finally {
      this.#open.delete(res)
      if (this.#open.size === 0) this.#drained?.()
    }
  }

  /**
   * Answer without reading the request's body (404, 405, 413, a shutdown): what is left of it is
   * drained within bounds first, so a client sending a small body can finish and read the answer;
   * past the bounds the answer closes the connection rather than read an endless body (body.ts).
   */
  async #answerUnread(req: IncomingMessage, res: ServerResponse, response: WireResponse): Promise<void> {
    const answer = await afterDrain(req, response)
    if (!res.headersSent && !this.#wasCutOff(res)) write(res, answer)
  }

  /** Whether the shutdown answered `res` already; only a closing server has any (no lookup per request otherwise). */
  #wasCutOff(res: ServerResponse): boolean {
    return this.#closing !== undefined && this.#cutOff.has(res)
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
        this.#errors.error(`background ${where}`, { err, route: where }, `a background task of ${where} failed`)
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
    if (outcome.failure !== undefined) this.#errors.error(`${outcome.failure.code} ${outcome.failure.route}`, { failure: outcome.failure }, outcome.failure.message)
    if (this.#wasCutOff(res)) return undefined // answered 503 when the shutdown grace ended
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
        if (outcome.failure !== undefined) this.#errors.error(`${outcome.failure.code} ${outcome.failure.route}`, { failure: outcome.failure }, outcome.failure.message)
        write(res, outcome.response)
        return
      }
      const failure = failureOf('UNB_ERR_RESPONSE_STREAM_FAILED', where, err)
      this.#errors.error(`${failure.code} ${where}`, { failure }, new UnblockedError('UNB_ERR_RESPONSE_STREAM_FAILED', [where, failure.message]).message)
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
   * Graceful shutdown, in bounded phases (shutdown.ts): stop accepting; let requests in flight
   * finish for up to `graceMs`, answering any request that arrives meanwhile with 503 and
   * `Connection: close`; answer every request still waiting the same 503 (never a reset); close the
   * connections, stop blocking detection, and close the worker pool — terminating its workers if
   * their calls outlast `shutdown.poolCloseMs`. Takes at most `closeWithinMs`, unless a worker is
   * stuck in a native call that cannot be interrupted.
   */
  close(graceMs = this.#shutdown.graceMs): Promise<void> {
    this.#closing ??= this.#close(graceMs)
    return this.#closing
  }

  async #close(graceMs: number): Promise<void> {
    // http.Server#close() also closes every connection without a request in progress, and a
    // connection whose request has arrived but has not been read yet counts as one: its client
    // would see a reset. One turn of the loop first reads what has arrived (the poll phase), so
    // such a request is in flight — answered, or 503 — before the idle connections are closed.
    await new Promise<void>((resolve) => setImmediate(resolve))
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.server.closeIdleConnections()
    // Answers still to come close their connection: a kept-alive one could only carry 503s now.
    for (const res of this.#open) if (!res.headersSent) res.setHeader('connection', 'close')
    if (this.#open.size > 0) {
      const grace = after(graceMs)
      await Promise.race([new Promise<void>((resolve) => (this.#drained = resolve)), grace.promise])
      grace.cancel()
    }
    await this.#cutOffLate()
    this.server.closeAllConnections()
    await closed
    await this.detection?.close()
    await this.#closePool()
    this.#errors.flush()
  }

  /** The grace is over: every request still waiting for its answer gets the 503, with a moment to write it. */
  async #cutOffLate(): Promise<void> {
    const late = [...this.#open].filter((res) => !res.headersSent)
    if (late.length === 0) return
    for (const res of late) {
      this.#cutOff.add(res)
      write(res, shuttingDown())
    }
    const bound = after(CUT_OFF_MS)
    await Promise.race([Promise.all(late.map(finished)), bound.promise])
    bound.cancel()
  }

  /** The pool finishes its running and queued calls within `poolCloseMs`, or its workers are terminated. */
  async #closePool(): Promise<void> {
    const ms = this.#shutdown.poolCloseMs
    const bound = after(ms)
    const inTime = await Promise.race([this.pool.close().then(() => true), bound.promise.then(() => false)])
    bound.cancel()
    if (inTime) return
    this.#log.warn({ poolCloseMs: ms }, `the worker pool did not finish its calls within ${ms} ms; its workers are terminated`)
    await this.pool.destroy()
  }
}
