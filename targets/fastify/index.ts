/** The Fastify 5 baseline (routes.ts): every handler on the event loop. */
import { packageVersion } from '../shared/package-version.ts'
import { running } from '../shared/running.ts'
import type { TargetSpec } from '../spec.ts'

export const target: TargetSpec = {
  name: 'fastify',
  summary: 'every handler on the event loop',
  framework: () => `fastify ${packageVersion('fastify')}`,
  start: async (port, host) => running(target, await (await import('./server.ts')).startServer(port, host)),
}
