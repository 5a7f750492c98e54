/** Fastify with its sync work sent to a piscina pool by hand (server.ts): the reference's honest peer. */
import { packageVersion } from '../shared/package-version.ts'
import { running } from '../shared/running.ts'
import type { TargetSpec } from '../spec.ts'

export const target: TargetSpec = {
  name: 'fastify-piscina',
  summary: 'sync work sent to a piscina pool by hand',
  framework: () => `fastify ${packageVersion('fastify')} + piscina ${packageVersion('piscina')}`,
  start: async (port, host) => running(target, await (await import('./server.ts')).startServer(port, host)),
}
