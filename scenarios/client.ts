/**
 * HTTP to the target (undici). Every failure to get a proper HTTP answer is a `TransportError`
 * with a kind, which the runner turns into an ERROR verdict: refused, reset, timeout, protocol
 * (an unparseable response).
 */
import { Agent, errors as undiciErrors, request } from 'undici'

export type TransportKind = 'refused' | 'reset' | 'timeout' | 'protocol' | 'other'

export class TransportError extends Error {
  override readonly name = 'TransportError'
  readonly kind: TransportKind
  constructor(kind: TransportKind, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.kind = kind
  }
}

export interface Reply {
  readonly status: number
  /** Lower-cased names; repeated headers joined with ", ". */
  readonly headers: Record<string, string>
  readonly body: Buffer
  /** Wall time from send to the end of the body, ms. */
  readonly ms: number
}

export interface RequestOptions {
  method?: string
  headers?: Record<string, string>
  body?: string | Uint8Array
  /** Overrides the client's timeout for this request. */
  timeoutMs?: number
}

function classify(err: unknown, method: string, url: string, timeoutMs: number): TransportError {
  const e = err as { code?: string; message?: string; cause?: { code?: string } }
  const code = e.code ?? e.cause?.code ?? ''
  const what = `${method} ${url}`
  if (code === 'ECONNREFUSED') return new TransportError('refused', `connection refused: ${what}`, { cause: err })
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new TransportError('timeout', `no answer within ${timeoutMs} ms: ${what}`, { cause: err })
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || err instanceof undiciErrors.SocketError) {
    return new TransportError('reset', `connection reset or closed before a full answer: ${what}`, { cause: err })
  }
  if (code.startsWith('HPE_') || err instanceof undiciErrors.HTTPParserError || err instanceof undiciErrors.ResponseContentLengthMismatchError) {
    return new TransportError('protocol', `unparseable HTTP response (${code || e.message}): ${what}`, { cause: err })
  }
  return new TransportError('other', `${e.message ?? String(err)}: ${what}`, { cause: err })
}

export class TargetClient {
  readonly baseUrl: string
  readonly timeoutMs: number
  readonly #agent: Agent

  constructor(baseUrl: string, timeoutMs = 5_000, connections = 128) {
    this.baseUrl = baseUrl.replace(/\/$/, '')
    this.timeoutMs = timeoutMs
    // Several connections per origin: concurrent cases and the ping prober must not queue
    // behind each other in the client, or a client queue would look like a server stall.
    this.#agent = new Agent({ connections, pipelining: 1, connect: { timeout: timeoutMs } })
  }

  async request(path: string, opts: RequestOptions = {}): Promise<Reply> {
    const method = opts.method ?? 'GET'
    const url = `${this.baseUrl}${path}`
    const timeout = opts.timeoutMs ?? this.timeoutMs
    const t0 = performance.now()
    try {
      const res = await request(url, {
        method: method as 'GET',
        headers: opts.headers,
        body: opts.body,
        dispatcher: this.#agent,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      })
      const body = Buffer.from(await res.body.arrayBuffer())
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v
      return { status: res.statusCode, headers, body, ms: performance.now() - t0 }
    } catch (err) {
      throw classify(err, method, url, timeout)
    }
  }

  async close(): Promise<void> {
    await this.#agent.destroy()
  }
}
