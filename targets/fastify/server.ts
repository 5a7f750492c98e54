/** Start the Fastify baseline: every handler on the loop. */
import Fastify from 'fastify'
import { registerInlineSyncRoutes, registerLoopRoutes } from './routes.ts'

export async function startServer(port: number, host: string): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 })
  registerLoopRoutes(app)
  registerInlineSyncRoutes(app)
  const url = await app.listen({ port, host })
  return { url, close: () => app.close() }
}
