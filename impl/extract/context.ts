/**
 * What a request looks like to extractors. `RequestData` is the plain-data form that crosses to
 * worker threads; `RequestContext` wraps it with lazy parsing and the request's DI scope, in
 * whichever thread runs the handler.
 */
import { parse as parseQuery, type ParsedUrlQuery } from 'node:querystring'
import type { Container, RequestScope } from '../di/container.ts'
import type { Token } from '../di/injectable.ts'
import { HttpError } from '../errors.ts'
import type { Offloader } from '../dispatch/offload-types.ts'
import { BackgroundTasks } from '../dispatch/background.ts'

export interface RequestData {
  readonly method: string
  /** Path without the query string. */
  readonly path: string
  readonly params: Readonly<Record<string, string | undefined>>
  /** Raw query string without `?` (parsed lazily: most handlers never read it). */
  readonly query: string
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly body: Uint8Array | null
}

const UNPARSED = Symbol('unparsed')

/** Runs a route's sync dependency off the loop (the pool, on the loop side). */
export interface DependencyRunner {
  /** The value of extractor `extractor` of route `route`, computed in a worker for this request. */
  runDependency(route: number, extractor: number, ctx: RequestContext): Promise<unknown>
}

/** What the thread running a request adds to it, where it has it. */
export interface RequestExtras {
  /** Where sync dependencies of async handlers run; absent in workers and in-process calls (they run in place). */
  readonly deps?: DependencyRunner
  /** Aborted when the client goes away before the response is sent (loop-side handlers). */
  readonly signal?: AbortSignal
}

type Teardown = () => unknown

export class RequestContext {
  readonly req: RequestData
  readonly container: Container
  readonly offloader: Offloader
  readonly deps: DependencyRunner | undefined
  readonly signal: AbortSignal | undefined
  /** Request-scoped instances and cached `depends()` results. */
  readonly scope: RequestScope = new Map()
  #query: ParsedUrlQuery | undefined
  #json: unknown = UNPARSED
  #teardowns: Teardown[] | undefined
  #asyncTeardown = false
  #background: BackgroundTasks | undefined

  constructor(req: RequestData, container: Container, offloader: Offloader, extras: RequestExtras = {}) {
    this.req = req
    this.container = container
    this.offloader = offloader
    this.deps = extras.deps
    this.signal = extras.signal
  }

  /**
   * Run `teardown` when the request is done with this thread: after the handler's value became a
   * whole response, or after a streamed body ended — in the thread that ran the setup. Last
   * registered, first run. `isAsync`: it returns a promise (an async generator's `return()`).
   */
  defer(teardown: Teardown, isAsync = false): void {
    ;(this.#teardowns ??= []).push(teardown)
    if (isAsync) this.#asyncTeardown = true
  }

  /** Whether a teardown is pending; and whether one of them is asynchronous. */
  get pendingTeardown(): 'none' | 'sync' | 'async' {
    return this.#teardowns === undefined || this.#teardowns.length === 0 ? 'none' : this.#asyncTeardown ? 'async' : 'sync'
  }

  /**
   * Run every pending teardown, last first; all of them run even when one throws, then the first
   * error is thrown. A promise only when some teardown is asynchronous.
   */
  teardown(): void | Promise<void> {
    const all = this.#teardowns
    this.#teardowns = undefined
    if (all === undefined) return
    if (this.#asyncTeardown) return runAsync(all)
    let first: { err: unknown } | undefined
    for (let i = all.length - 1; i >= 0; i--) {
      try {
        ;(all[i] as Teardown)()
      } catch (err) {
        first ??= { err }
      }
    }
    if (first !== undefined) throw first.err
  }

  /** Tasks to run after the response is sent (the `background()` extractor). */
  get background(): BackgroundTasks {
    this.#background ??= new BackgroundTasks()
    return this.#background
  }

  /** The background tasks added during this request, if any. */
  get backgroundTasks(): BackgroundTasks | undefined {
    return this.#background
  }

  get query(): ParsedUrlQuery {
    this.#query ??= parseQuery(this.req.query)
    return this.#query
  }

  /** The body parsed as JSON, once; malformed JSON is a 400. An absent body is `undefined`. */
  json(): unknown {
    if (this.#json !== UNPARSED) return this.#json
    const body = this.req.body
    if (body === null || body.byteLength === 0) {
      this.#json = undefined
      return undefined
    }
    try {
      this.#json = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'))
    } catch (err) {
      throw new HttpError('UNB_ERR_REQUEST_MALFORMED_JSON', [(err as Error).message], { cause: err })
    }
    return this.#json
  }

  /** Resolve a provider within this request's scope. */
  resolve<T>(token: Token<T>): T {
    return this.container.get(token, this.scope)
  }
}

async function runAsync(all: readonly Teardown[]): Promise<void> {
  let first: { err: unknown } | undefined
  for (let i = all.length - 1; i >= 0; i--) {
    try {
      await (all[i] as Teardown)()
    } catch (err) {
      first ??= { err }
    }
  }
  if (first !== undefined) throw first.err
}
