/** A bare node:http server: the least any framework can do for the floor's routes. */
import { once } from 'node:events'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

const json = (res: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** The contract's `dict` value: what json-async's scenario checks for. */
const DICT = { kind: 'dict', n: 1 }

export async function startServer(port: number, host: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    // The path without its query; a switch is what a framework's router replaces.
    const path = (req.url ?? '/').split('?', 1)[0]
    if (req.method === 'GET' && path === '/coerce/async/dict') {
      // An await, as an async handler has: the work reaches the response through a microtask.
      void Promise.resolve(DICT).then((v) => json(res, 200, v))
    } else if (req.method === 'GET' && path === '/health') json(res, 200, { status: 'ok' })
    else if (req.method === 'GET' && path === '/ping') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 4 })
      res.end('pong')
    }
    else json(res, 404, { error: { code: 'not_found', message: `no route for ${req.method} ${path}` } })
  })
  server.keepAliveTimeout = 5_000
  server.listen(port, host)
  await once(server, 'listening')
  const { port: bound } = server.address() as AddressInfo
  return {
    url: `http://${host}:${bound}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
      }),
  }
}
