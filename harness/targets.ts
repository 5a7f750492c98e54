/**
 * Built-in targets: each implements the conformance contract and can be started in-process.
 * Later targets (express, fastify, …) are added to this map.
 */
import type { AddressInfo } from 'node:net'

export interface RunningTarget {
  readonly name: string
  readonly url: string
  /** A line describing what runs (framework, pool size), for the "listening" log. */
  readonly description: string
  /** Graceful stop: stop accepting, finish in-flight requests, release workers. */
  close(): Promise<void>
}

export interface TargetSpec {
  readonly name: string
  readonly summary: string
  start(port: number, host: string): Promise<RunningTarget>
}

function urlOf(addr: AddressInfo): string {
  return `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`
}

import { packageVersion } from './environment.ts'

function simple(name: string, summary: string, framework: string, load: () => Promise<(port: number, host: string) => Promise<{ url: string; close(): Promise<void> }>>): TargetSpec {
  return {
    name,
    summary,
    async start(port, host) {
      const startFn = await load()
      const version = packageVersion(framework)
      const s = await startFn(port, host)
      return { name, url: s.url, description: `${name} (${framework} ${version}; ${summary})`, close: s.close }
    },
  }
}

export const targets: Record<string, TargetSpec> = {
  reference: {
    name: 'reference',
    summary: 'the unblocked framework: async handlers on the loop, sync handlers in a piscina pool',
    async start(port, host) {
      const [{ createApp }, { default: def }] = await Promise.all([
        import('../impl/index.ts'),
        import('../targets/reference/app.ts'),
      ])
      // UNBLOCKED_BLOCKING=off turns detection off; =switchable lets PUT /diagnostics/blocking
      // switch it, so the bench can measure what it costs within one process.
      const mode = process.env.UNBLOCKED_BLOCKING
      const detect = mode !== 'off'
      const app = await createApp(def, { blocking: { enabled: detect, endpoint: '/diagnostics/blocking', switchable: mode === 'switchable' } })
      try {
        const addr = await app.listen(port, host)
        const p = app.pool.options
        return {
          name: 'reference',
          url: urlOf(addr),
          description: `unblocked reference (${app.routes.length} routes, pool ${p.minThreads}–${p.maxThreads} workers, queue ${p.maxQueue}, blocking detection ${detect ? 'on' : 'off'})`,
          close: () => app.close(),
        }
      } catch (err) {
        await app.close()
        throw err
      }
    },
  },
  express: simple('express', 'every handler on the event loop', 'express', async () => (await import('../targets/express/server.ts')).startExpress),
  fastify: simple('fastify', 'every handler on the event loop', 'fastify', async () => (await import('../targets/fastify/server.ts')).startFastify),
  'fastify-piscina': simple('fastify-piscina', 'sync work sent to a piscina pool by hand', 'fastify', async () => (await import('../targets/fastify-piscina/server.ts')).startFastifyPiscina),
}
