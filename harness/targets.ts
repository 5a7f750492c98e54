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

export const targets: Record<string, TargetSpec> = {
  reference: {
    name: 'reference',
    summary: 'the unblocked framework: async handlers on the loop, sync handlers in a piscina pool',
    async start(port, host) {
      const [{ createApp }, { default: def }] = await Promise.all([
        import('../impl/index.ts'),
        import('../targets/reference/app.ts'),
      ])
      const app = await createApp(def)
      try {
        const addr = await app.listen(port, host)
        const p = app.pool.options
        return {
          name: 'reference',
          url: urlOf(addr),
          description: `unblocked reference (${app.routes.length} routes, pool ${p.minThreads}–${p.maxThreads} workers, queue ${p.maxQueue})`,
          close: () => app.close(),
        }
      } catch (err) {
        await app.close()
        throw err
      }
    },
  },
}
