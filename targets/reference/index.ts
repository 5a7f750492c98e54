/**
 * The reference target: the unblocked framework serving the contract (app.ts) — async handlers
 * on the loop, sync handlers in its worker pool, blocking detection at `/diagnostics/blocking`.
 */
import type { AddressInfo } from 'node:net'
import { packageVersion, projectVersion } from '../shared/package-version.ts'
import type { TargetSpec } from '../spec.ts'

const BLOCKING_ENDPOINT = '/diagnostics/blocking'

function urlOf(addr: AddressInfo): string {
  return `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`
}

export const target: TargetSpec = {
  name: 'reference',
  summary: 'the unblocked framework: async handlers on the loop, sync handlers in a piscina pool',
  framework: () => `unblocked ${projectVersion()} (piscina ${packageVersion('piscina')}, find-my-way ${packageVersion('find-my-way')})`,

  async start(port, host, options = {}) {
    const [{ createApp }, { default: def }] = await Promise.all([import('../../impl/index.ts'), import('./app.ts')])
    // UNBLOCKED_BLOCKING=off turns detection off; =switchable lets PUT /diagnostics/blocking
    // switch it, so the bench can measure what it costs within one process.
    const mode = (options.env ?? process.env).UNBLOCKED_BLOCKING
    const detect = mode !== 'off'
    const app = await createApp(def, { blocking: { enabled: detect, endpoint: BLOCKING_ENDPOINT, switchable: mode === 'switchable' } })
    try {
      const addr = await app.listen(port, host)
      const p = app.pool.options
      return {
        name: 'reference',
        url: urlOf(addr),
        description: `unblocked reference (${app.routes.length} routes, pool ${p.minThreads}–${p.maxThreads} workers, queue ${p.maxQueue}, blocking detection ${detect ? 'on' : 'off'})`,
        close: () => app.close(),
        closeWithinMs: app.closeWithinMs,
      }
    } catch (err) {
      await app.close()
      throw err
    }
  },

  variants: [
    {
      // Blocking detection's cost, measured in the same run and the same process.
      name: 'reference-nodetect',
      describe: 'blocking detection off',
      scenarios: ['json-async'],
      env: { UNBLOCKED_BLOCKING: 'switchable' },
      switch: { path: BLOCKING_ENDPOINT, variant: { enabled: false }, host: { enabled: true } },
    },
  ],

  inProcess: async () => (await import('./in-process.ts')).openInProcess(),
}
