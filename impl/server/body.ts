/**
 * Reading request bodies with a size limit — a 413 as soon as the limit is crossed, no buffering
 * past it — and draining, within bounds, the bodies the server answers without reading.
 */
import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import { HttpError } from '../errors.ts'
import type { ResponseBody, WireResponse } from '../response.ts'
import { DRAIN_LIMIT } from './limits.ts'

/** @default 1 MiB */
export const DEFAULT_BODY_LIMIT = 1024 * 1024

export function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length']
  if (len !== undefined) return len !== '0'
  return req.headers['transfer-encoding'] !== undefined
}

export function tooLarge(limit: number): HttpError {
  return new HttpError('UNB_ERR_REQUEST_BODY_TOO_LARGE', [limit], { headers: { connection: 'close' } })
}

/**
 * Before answering a request whose body will not be read (404, 405, 413, a failed read), read and
 * discard what is left of it — at most `limit.bytes` more, for at most `limit.ms` — so that a
 * client sending a small body can finish and then read the answer. Resolves `true` when the body
 * ended within the bounds (the connection may be kept alive), `false` when it did not: the answer
 * must then carry `Connection: close`, and the rest of the body is never read.
 */
export function drain(req: IncomingMessage, limit: { readonly bytes: number; readonly ms: number } = DRAIN_LIMIT): Promise<boolean> {
  if (req.complete || req.readableEnded) return Promise.resolve(true)
  return new Promise((resolve) => {
    let read = 0
    const finish = (ended: boolean): void => {
      clearTimeout(timer)
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('close', onClose)
      req.off('error', onClose)
      if (!ended) req.pause() // nothing more is read; the connection closes after the answer
      resolve(ended)
    }
    const onData = (chunk: Buffer): void => {
      read += chunk.length
      if (read > limit.bytes) finish(false)
    }
    const onEnd = (): void => finish(true)
    const onClose = (): void => finish(req.complete)
    const timer = setTimeout(() => finish(false), limit.ms)
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('close', onClose)
    req.on('error', onClose)
    req.resume()
  })
}

/**
 * `response` for a request whose body the server does not read, once that body was drained
 * (`drain`): as it is when the body ended, with `Connection: close` when it did not.
 */
export async function afterDrain<R extends WireResponse<ResponseBody>>(req: IncomingMessage, response: R): Promise<R> {
  if (!hasBody(req) || (await drain(req))) return response
  lingerOnClose(req.socket)
  return { ...response, headers: { ...response.headers, connection: 'close' } }
}

/**
 * How the connection closes after an answer that left a body unread: as Go's server does (its
 * "RST avoidance" delay), not at once. node destroys the socket as soon as the answer is written;
 * with the body's bytes still arriving, the kernel then resets the connection, and a client that
 * had not read the answer yet loses it (measured: limits.test.ts's endless-body client lost it in
 * 7 of 12 runs). Instead the socket sends its FIN, reads nothing more — the client's bytes wait
 * in the kernel's buffers, no reset yet — and is destroyed `DRAIN_LIMIT.lingerMs` later.
 */
function lingerOnClose(socket: Socket): void {
  // node calls `destroySoon` once a `Connection: close` answer is written (and `end` when a socket has none).
  socket.destroySoon = function linger(this: Socket): void {
    this.pause()
    this.end()
    setTimeout(() => this.destroy(), DRAIN_LIMIT.lingerMs).unref()
  }
}

export function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > limit) {
        cleanup()
        reject(tooLarge(limit))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = (): void => {
      cleanup()
      // An exact-size copy, not a view into a socket or pool slab: the body may be cloned into a
      // worker, and cloning a view clones its whole underlying buffer.
      const body = new Uint8Array(size)
      let at = 0
      for (const c of chunks) {
        body.set(c, at)
        at += c.length
      }
      resolve(body)
    }
    const onError = (err: Error): void => {
      cleanup()
      reject(new HttpError('UNB_ERR_REQUEST_BAD', [err.message], { cause: err }))
    }
    const cleanup = (): void => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
  })
}
