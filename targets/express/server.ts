/** Start the Express baseline. */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createExpressApp } from './app.ts'

export async function startServer(port: number, host: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = createExpressApp().listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)))
  })
  const addr = server.address() as AddressInfo
  return {
    url: `http://${addr.address}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
      }),
  }
}
