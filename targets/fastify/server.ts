/** Start the Fastify baseline: every handler on the loop. */
import Fastify from 'fastify'
import { createV2State } from '../shared/v2-state.ts'
import { registerInlineSyncRoutes, registerLoopRoutes } from './routes.ts'
import { registerV2InlineSyncRoutes, registerV2LoopRoutes } from './v2.ts'

export async function startServer(port: number, host: string): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 })
  registerLoopRoutes(app)
  registerInlineSyncRoutes(app)
  const v2 = createV2State()
  registerV2LoopRoutes(app, v2)
  registerV2InlineSyncRoutes(app, v2)
  const url = await app.listen({ port, host })
  return { url, close: () => app.close() }
}
