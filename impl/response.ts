/**
 * The framework's own response type and the wire form every response takes before it is written.
 *
 * A `WireResponse` is plain data (status, header pairs, bytes), so a response computed in a
 * worker thread crosses to the loop by structured clone without losing anything. On the loop, a
 * response may instead carry a `BodyStream`, written chunk by chunk (server/respond.ts).
 */

/**
 * A body that is all there. `null` means no body at all (204, 304). Text and JSON stay strings:
 * Node writes a string body together with the head in one write (a Buffer body costs a separate
 * writev), and a string crosses from a worker cheaper than bytes.
 */
export type WholeBody = Uint8Array | string | null

/**
 * A body produced as it is written, loop side only (it cannot cross threads): each chunk is
 * written when the client can take it, with chunked transfer encoding. The writer calls
 * `return()` when the client goes away, so a generator's `finally` runs; a stream that throws
 * after the head was sent cuts the connection (a truncated body, never a complete-looking one).
 *
 * @example
 * async function* lines(): BodyStream { for await (const row of rows()) yield `${JSON.stringify(row)}\n` }
 */
export type BodyStream = AsyncIterable<Uint8Array | string>

/**
 * A body produced by a sync iterator (a generator that may block between chunks). Returned by a
 * sync handler, it is iterated in that handler's worker and each chunk is sent as it comes, at
 * the pace the client reads (dispatch/stream-out.ts). Returned by a handler on the loop, it is
 * iterated there — so give a blocking generator to a sync handler.
 */
export type SyncBodyStream = Iterable<Uint8Array | string>

/** What `write` in server/respond.ts accepts: a whole body or a stream. */
export type ResponseBody = WholeBody | BodyStream | SyncBodyStream

/**
 * Status, headers (lower-case names) and body. `WireResponse` alone has a whole body — the form
 * that crosses from workers; `WireResponse<ResponseBody>` may stream.
 */
export interface WireResponse<Body extends ResponseBody = WholeBody> {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Body
}

export interface ResponseInit {
  /** @default 200 */
  status?: number
  headers?: Record<string, string>
}

/**
 * A response the handler builds itself. Returned from a handler, it is passed through unchanged:
 * no coercion, no added content type.
 *
 * @example
 * return new Response('raw', { status: 202, headers: { 'content-type': 'text/plain', 'x-passthrough': '1' } })
 */
export class Response {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array | string | null

  constructor(body: string | Uint8Array | null = null, init: ResponseInit = {}) {
    this.status = init.status ?? 200
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = v
    this.headers = headers
    this.body = body
  }

  toWire(): WireResponse {
    return { status: this.status, headers: this.headers, body: this.body }
  }
}

/**
 * A streamed response: the body is written chunk by chunk, with chunked transfer encoding, as the
 * iterator yields — sync or async. A sync handler's sync iterator runs in its worker; a
 * generator's `finally` runs when the body ends or the client leaves.
 *
 * @example
 * \@get('/lines') lines() {
 *   return new StreamResponse((function* () { for (let i = 0; i < 5; i++) { sleepSync(100); yield `${i}\n` } })(), { headers: { 'content-type': 'text/plain; charset=utf-8' } })
 * }
 */
export class StreamResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: BodyStream | SyncBodyStream

  /** `init.headers['content-type']` @default 'application/octet-stream' */
  constructor(body: BodyStream | SyncBodyStream, init: ResponseInit = {}) {
    this.status = init.status ?? 200
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' }
    for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = v
    this.headers = headers
    this.body = body
  }

  toWire(): WireResponse<BodyStream | SyncBodyStream> {
    return { status: this.status, headers: this.headers, body: this.body }
  }
}

/** Whether `body` is streamed (an iterable that is not a whole body). */
export function isStreamBody(body: ResponseBody): body is BodyStream | SyncBodyStream {
  return body !== null && typeof body !== 'string' && !ArrayBuffer.isView(body)
}
