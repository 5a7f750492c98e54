/**
 * The framework's own response type and the wire form every response takes before it is written.
 *
 * A `WireResponse` is plain data (status, header pairs, bytes), so a response computed in a
 * worker thread crosses to the loop by structured clone without losing anything.
 */

export interface WireResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /**
   * `null` means no body at all (204, 304). Text and JSON stay strings: Node writes a string body
   * together with the head in one write (a Buffer body costs a separate writev), and a string
   * crosses from a worker cheaper than bytes.
   */
  readonly body: Uint8Array | string | null
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
