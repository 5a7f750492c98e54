/** Reading request bodies with a size limit: a 413 as soon as the limit is crossed, no buffering past it. */
import type { IncomingMessage } from 'node:http'
import { HttpError } from '../errors.ts'

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
 * After answering early (413), keep reading and discarding the rest of the body so the client can
 * finish sending and read the answer; a client that never stops is cut off after `ms`.
 */
export function discardRest(req: IncomingMessage, ms = 5_000): void {
  if (req.complete) return
  const timer = setTimeout(() => req.socket.destroy(), ms)
  timer.unref()
  req.once('end', () => clearTimeout(timer))
  req.once('close', () => clearTimeout(timer))
  req.resume()
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
