/**
 * HTTP to the target (undici). Every failure to get a proper HTTP answer is a `TransportError`
 * with a kind, which the runner turns into an ERROR verdict: refused, reset, timeout (no complete
 * answer within the request's total deadline), too-large (a body over the size cap), protocol (an
 * unparseable response), interrupted (the run's signal, or the case's, aborted it: an interrupt, a
 * deadline), aborted (the request's own signal did: a case that disconnects on purpose).
 *
 * A hostile target cannot hang or balloon the client: undici's headers/body timeouts are idle
 * timeouts (a body dribbled one byte a second never trips them), so every request also has a
 * total deadline that destroys it, and the body is read incrementally up to a cap.
 *
 * A body cut short after the headers (the connection closed before the last chunk, or before
 * content-length bytes) is a reset by default; a request with `partial` gets what arrived instead,
 * marked `truncated`, so a case can judge the cut (a streaming response that stops early is the
 * target's answer, not a transport accident).
 */
import { Agent, errors as undiciErrors, request } from 'undici'

export type TransportKind = 'refused' | 'reset' | 'timeout' | 'too-large' | 'interrupted' | 'aborted' | 'protocol' | 'other'

/** The default response body cap: the suites' largest body is a few hundred bytes. */
export const DEFAULT_MAX_BYTES = 1024 * 1024

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
  /** Wall time from send to the first body byte, ms; absent when the body is empty. */
  readonly firstByteMs?: number
  /**
   * Only with `RequestOptions.partial`: how the body ended early, e.g. 'connection closed before
   * the last chunk'; `body` is what arrived. Absent for a complete body.
   */
  readonly truncated?: string
}

export interface RequestOptions {
  method?: string
  headers?: Record<string, string>
  body?: string | Uint8Array
  /**
   * The whole request — connect, headers, body — must finish within this; overrides the client's timeout.
   * @default the client's `timeoutMs`
   */
  timeoutMs?: number
  /**
   * The largest response body accepted; a bigger one (announced or received) drops the connection
   * and fails the request with a `TransportError` of kind 'too-large'.
   * @default the client's `maxBytes` (DEFAULT_MAX_BYTES)
   */
  maxBytes?: number
  /**
   * A body cut short after the headers resolves with what arrived and `Reply.truncated` set,
   * instead of failing with a TransportError of kind 'reset'. The deadline and the cap still fail.
   * @default false
   */
  partial?: boolean
  /**
   * Aborting it drops this request (and its connection) wherever it is, failing it with a
   * `TransportError` of kind 'aborted': a case that disconnects on purpose. Unlike the client's
   * `signal` (the run's interrupt), it ends only this request.
   */
  signal?: AbortSignal
  /**
   * Aborting it ends this request as the client's `signal` does, with a `TransportError` of kind
   * 'interrupted': a case's stop (its deadline, the run's, an interrupt), set on every request of
   * the client a case gets (case-client.ts).
   */
  interrupt?: AbortSignal
}

function timedOut(timeoutMs: number, received: number, what: string, cause?: unknown): TransportError {
  return new TransportError('timeout', `no complete answer within ${timeoutMs} ms (${received} bytes of body received): ${what}`, { cause })
}

/**
 * How a body that failed with `err` after the headers was cut short, or undefined when `err` is not
 * a cut (undici reports a peer that closed mid-body as a socket error, "other side closed").
 */
function truncation(err: unknown, headers: Record<string, string>, received: number): string | undefined {
  const code = (err as { code?: string }).code ?? ''
  const cut = err instanceof undiciErrors.SocketError || err instanceof undiciErrors.ResponseContentLengthMismatchError || code === 'ECONNRESET' || code === 'EPIPE'
  if (!cut) return undefined
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) return 'connection closed before the last chunk'
  const length = headers['content-length']
  if (length !== undefined) return `connection closed after ${received} of ${length} bytes (content-length ${length})`
  return 'connection closed before the end of the body'
}

function headersOf(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v
  return headers
}

function classify(err: unknown, method: string, url: string, timeoutMs: number, received: number): TransportError {
  if (err instanceof TransportError) return err
  const e = err as { code?: string; message?: string; cause?: { code?: string } }
  const code = e.code ?? e.cause?.code ?? ''
  const what = `${method} ${url}`
  if (code === 'ECONNREFUSED') return new TransportError('refused', `connection refused: ${what}`, { cause: err })
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return timedOut(timeoutMs, received, what, err)
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || err instanceof undiciErrors.SocketError) {
    return new TransportError('reset', `connection reset or closed before a full answer: ${what}`, { cause: err })
  }
  if (code.startsWith('HPE_') || err instanceof undiciErrors.HTTPParserError || err instanceof undiciErrors.ResponseContentLengthMismatchError) {
    return new TransportError('protocol', `unparseable HTTP response (${code || e.message}): ${what}`, { cause: err })
  }
  return new TransportError('other', `${e.message ?? String(err)}: ${what}`, { cause: err })
}

function replyOf(answered: { status: number; headers: Record<string, string> }, chunks: Buffer[], received: number, t0: number, firstByteAt: number | undefined): Reply {
  return { ...answered, body: Buffer.concat(chunks, received), ms: performance.now() - t0, ...(firstByteAt !== undefined && { firstByteMs: firstByteAt - t0 }) }
}

export interface ClientOptions {
  /** Connections per origin. @default 128 */
  connections?: number
  /** The response body cap of every request (see `RequestOptions.maxBytes`). @default DEFAULT_MAX_BYTES */
  maxBytes?: number
  /** Aborting it aborts every request in flight and every later one (kind 'interrupted'). */
  signal?: AbortSignal
}

export class TargetClient {
  readonly baseUrl: string
  readonly timeoutMs: number
  readonly maxBytes: number
  readonly #agent: Agent
  readonly #signal: AbortSignal | undefined

  constructor(baseUrl: string, timeoutMs = 5_000, { connections = 128, maxBytes = DEFAULT_MAX_BYTES, signal }: ClientOptions = {}) {
    if (!Number.isInteger(maxBytes) || maxBytes <= 0) throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`)
    this.baseUrl = baseUrl.replace(/\/$/, '')
    this.timeoutMs = timeoutMs
    this.maxBytes = maxBytes
    this.#signal = signal
    // Several connections per origin: concurrent cases and the ping prober must not queue
    // behind each other in the client, or a client queue would look like a server stall.
    this.#agent = new Agent({ connections, pipelining: 1, connect: { timeout: timeoutMs } })
  }

  async request(path: string, opts: RequestOptions = {}): Promise<Reply> {
    const method = opts.method ?? 'GET'
    const url = `${this.baseUrl}${path}`
    const what = `${method} ${url}`
    const timeout = opts.timeoutMs ?? this.timeoutMs
    const maxBytes = opts.maxBytes ?? this.maxBytes
    const t0 = performance.now()
    // The total deadline: aborting destroys the request and its connection, wherever it is.
    const deadline = new AbortController()
    let expired = false
    const timer = setTimeout(() => {
      expired = true
      deadline.abort()
    }, timeout)
    const signals = [deadline.signal, ...(this.#signal ? [this.#signal] : []), ...(opts.signal ? [opts.signal] : []), ...(opts.interrupt ? [opts.interrupt] : [])]
    let received = 0
    let firstByteAt: number | undefined
    const chunks: Buffer[] = []
    let answered: { status: number; headers: Record<string, string> } | undefined
    try {
      const res = await request(url, {
        method: method as 'GET',
        headers: opts.headers,
        body: opts.body,
        dispatcher: this.#agent,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: signals.length === 1 ? deadline.signal : AbortSignal.any(signals),
      })
      answered = { status: res.statusCode, headers: headersOf(res.headers) }
      const tooLarge = (seen: string): TransportError => {
        // Destroying drops the connection rather than draining the rest; the abort it reports is expected.
        res.body.on('error', () => {}).destroy()
        const length = res.headers['content-length']
        const announced = typeof length === 'string' ? ` (content-length ${length})` : ''
        return new TransportError('too-large', `response body exceeded ${maxBytes} bytes${announced}${seen} for ${method} ${path}`)
      }
      const announced = Number(res.headers['content-length'])
      if (Number.isFinite(announced) && announced > maxBytes) throw tooLarge('')
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        firstByteAt ??= performance.now()
        received += chunk.length
        if (received > maxBytes) throw tooLarge(Number.isFinite(announced) ? '' : ` (${received} bytes received)`)
        chunks.push(chunk)
      }
      return replyOf(answered, chunks, received, t0, firstByteAt)
    } catch (err) {
      if ((this.#signal?.aborted || opts.interrupt?.aborted) && !expired) throw new TransportError('interrupted', `interrupted: ${what}`, { cause: err })
      if (opts.signal?.aborted && !expired) throw new TransportError('aborted', `aborted by the client: ${what}`, { cause: err })
      if (expired && !(err instanceof TransportError)) throw timedOut(timeout, received, what, err)
      const cut = opts.partial === true && answered !== undefined && !(err instanceof TransportError) ? truncation(err, answered.headers, received) : undefined
      if (answered !== undefined && cut !== undefined) return { ...replyOf(answered, chunks, received, t0, firstByteAt), truncated: cut }
      throw classify(err, method, url, timeout, received)
    } finally {
      clearTimeout(timer)
    }
  }

  async close(): Promise<void> {
    await this.#agent.destroy()
  }
}
