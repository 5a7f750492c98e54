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

export class RequestContext {
  readonly req: RequestData
  readonly container: Container
  readonly offloader: Offloader
  /** Request-scoped instances and cached `depends()` results. */
  readonly scope: RequestScope = new Map()
  #query: ParsedUrlQuery | undefined
  #json: unknown = UNPARSED

  constructor(req: RequestData, container: Container, offloader: Offloader) {
    this.req = req
    this.container = container
    this.offloader = offloader
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
