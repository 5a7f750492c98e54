/**
 * Writing a response to the socket. A whole body (string, bytes, none) goes with its
 * content-length in one `end` — the path every request takes today, kept as cheap as it was. A
 * `BodyStream` goes chunk by chunk with chunked transfer encoding, at the pace the client reads.
 */
import type { ServerResponse } from 'node:http'
import type { BodyStream, ResponseBody, SyncBodyStream, WholeBody, WireResponse } from '../response.ts'

/** How a streamed body ended: written to its end, or cut short because the client went away. */
export type StreamEnd = 'ended' | 'disconnected'

/**
 * Write `r` to `res`. A whole body is written at once and `undefined` returned — no promise, as
 * this runs for every request. A streamed body returns a promise that settles when it is done:
 *
 * - the head is sent with the first chunk, so a stream that throws before yielding anything
 *   leaves `res` untouched (`res.headersSent` is false) and the caller can still answer 500;
 * - each chunk waits for `'drain'` when the socket buffer is full (backpressure);
 * - the stream ends early (its `return()` is called) when the client disconnects: resolves
 *   `'disconnected'`;
 * - a stream that throws after the head was sent gets the socket destroyed — the client sees a
 *   truncated chunked body, never a complete-looking one — and the promise rejects with its error.
 *
 * @example
 * const streaming = write(res, { status: 200, headers: { 'content-type': 'text/plain' }, body: lines() })
 * if (streaming !== undefined) await streaming
 */
export function write(res: ServerResponse, r: WireResponse<ResponseBody>): Promise<StreamEnd> | undefined {
  const body = r.body
  if (typeof body === 'string' || body === null || ArrayBuffer.isView(body)) {
    writeWhole(res, r.status, r.headers, body)
    return undefined
  }
  return writeStream(res, r.status, r.headers, body)
}

function writeWhole(res: ServerResponse, status: number, h: Readonly<Record<string, string>>, body: WholeBody): void {
  const headers: Record<string, string | number> = { ...h }
  if (body !== null) headers['content-length'] = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength
  res.writeHead(status, headers)
  if (body === null) res.end()
  else res.end(body)
}

const GONE = Symbol('gone')

/** An async iterator over `body`; a sync iterable (one an async handler returned) is iterated here, on the loop. */
function iterate(body: BodyStream | SyncBodyStream): AsyncIterator<Uint8Array | string> {
  if (Symbol.asyncIterator in body) return body[Symbol.asyncIterator]()
  const it = body[Symbol.iterator]()
  return {
    next: async () => it.next(),
    return: async () => it.return?.() ?? { done: true, value: undefined },
  }
}

async function writeStream(res: ServerResponse, status: number, headers: Readonly<Record<string, string>>, body: BodyStream | SyncBodyStream): Promise<StreamEnd> {
  const it = iterate(body)
  let headSent = false
  try {
    for (;;) {
      // Destroyed before we end it: the client went away (or the server cut the connection).
      if (res.destroyed) return stop(it)
      const step = await nextOrGone(it, res)
      if (step === GONE) return stop(it)
      if (step.done === true) break
      const chunk = step.value
      if (!headSent) {
        res.writeHead(status, headers)
        headSent = true
      }
      // An empty chunk would read as the end of a chunked body; there is nothing to send anyway.
      if (chunk.length > 0 && !res.write(chunk)) await drained(res)
    }
    if (!headSent) res.writeHead(status, headers)
    res.end()
    return 'ended'
  } catch (err) {
    // The stream threw (or `writeHead` refused its headers): once the head is out, only a cut
    // connection tells the client the body is incomplete.
    if (headSent) res.destroy()
    throw err
  }
}

/**
 * The stream's next chunk, or GONE as soon as the response closes — not only once the chunk
 * comes: a stream may wait long for it. Listeners per call, not one promise raced on every chunk
 * (each race would leave a reaction on that promise for the whole stream).
 */
function nextOrGone<T>(it: AsyncIterator<T>, res: ServerResponse): Promise<IteratorResult<T> | typeof GONE> {
  return new Promise((resolve, reject) => {
    const onClose = (): void => resolve(GONE)
    res.once('close', onClose)
    it.next().then(
      (step) => {
        res.off('close', onClose)
        resolve(step)
      },
      (err: unknown) => {
        res.off('close', onClose)
        reject(err) // ignored (already settled) when the client left first
      },
    )
  })
}

/**
 * End the stream early, so a generator's `finally` runs (after the chunk it is producing, if
 * any). Not awaited: that chunk may take long, and nobody is waiting for it any more.
 */
function stop(it: AsyncIterator<unknown>): 'disconnected' {
  try {
    void Promise.resolve(it.return?.()).catch(() => {})
  } catch {
    // a `return()` that throws synchronously: the stream is over either way
  }
  return 'disconnected'
}

/** The socket took the buffered chunks, or the response closed (checked at the top of the loop). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}
