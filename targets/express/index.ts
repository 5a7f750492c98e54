/** The Express 5 baseline (app.ts): every handler on the event loop. */
import { packageVersion } from '../shared/package-version.ts'
import { running } from '../shared/running.ts'
import type { TargetSpec } from '../spec.ts'

export const target: TargetSpec = {
  name: 'express',
  summary: 'every handler on the event loop',
  framework: () => `express ${packageVersion('express')}`,
  start: async (port, host) => running(target, await (await import('./server.ts')).startServer(port, host)),
}
