/**
 * fastify-piscina: Fastify with its sync work sent to a piscina pool by hand — the honest peer
 * for the reference framework. Async routes are the same as the fastify baseline's; every
 * `sync` route (and `/cpu/offload`) awaits `pool.run(...)` in a worker. Contract v2's sync
 * routes are in v2.ts (its async ones are the baseline's, ../fastify/v2.ts).
 */
import { availableParallelism } from 'node:os'
import type { MessagePort } from 'node:worker_threads'
import Fastify, { type FastifyReply } from 'fastify'
import { Piscina } from 'piscina'
import { coerceValues, extractSchemas, msQuery, registerLoopRoutes, roundsQuery } from '../fastify/routes.ts'
import { registerV2LoopRoutes } from '../fastify/v2.ts'
import { createV2State } from '../shared/v2-state.ts'
import { registerV2PooledRoutes, type RunInPool } from './v2.ts'

interface Coerced { status?: number; headers?: Record<string, string>; json?: unknown; text?: string; bytes?: Uint8Array }

function sendCoerced(reply: FastifyReply, v: Coerced): FastifyReply {
  reply.code(v.status ?? 200)
  if (v.headers) reply.headers(v.headers)
  if (v.text !== undefined) return reply.type('text/plain; charset=utf-8').send(v.text)
  if (v.bytes !== undefined) return reply.type('application/octet-stream').send(Buffer.from(v.bytes))
  if (v.json !== undefined) return reply.type('application/json; charset=utf-8').send(JSON.stringify(v.json))
  return reply.send()
}

export async function startServer(port: number, host: string): Promise<{ url: string; close(): Promise<void> }> {
  const shared = new SharedArrayBuffer(3 * 4)
  const v2 = createV2State()
  // The same pool shape as the reference (full and warm, bounded queue), so the two compare fairly.
  const threads = Math.max(16, 4 * availableParallelism())
  const pool = new Piscina({
    filename: new URL('./worker.mjs', import.meta.url).href,
    workerData: { shared, slots: v2.slots.buffer },
    minThreads: threads,
    maxThreads: threads,
    maxQueue: 1024,
    idleTimeout: 30_000,
  })
  pool.on('error', (err: unknown) => console.error('piscina worker error', err))
  const run: RunInPool = <T>(name: string, data: unknown = {}, transferList?: MessagePort[]): Promise<T> =>
    pool.run(data, { name, transferList }) as Promise<T>

  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 })
  registerLoopRoutes(app)
  for (const name of Object.keys(coerceValues)) {
    app.get(`/coerce/sync/${name}`, async (_req, reply) => sendCoerced(reply, await run<Coerced>('coerce', { name })))
  }
  app.register(async (scope) => {
    scope.get<{ Params: { id: number } }>('/path/:id', { schema: extractSchemas.path }, async (req) => run('echo', { id: req.params.id }))
    scope.get<{ Querystring: { q: string; n: number } }>('/query', { schema: extractSchemas.query }, async (req) => run('echo', { q: req.query.q, n: req.query.n }))
    scope.post<{ Body: { name: string; qty: number } }>('/json', { schema: extractSchemas.json }, async (req) => run('echo', { name: req.body.name, qty: req.body.qty }))
    scope.get('/header', { schema: extractSchemas.header }, async (req) => run('echo', { token: req.headers['x-token'] }))
    scope.get('/depends', async () => run('echo', { dep: 'resolved' }))
  }, { prefix: '/extract/sync' })
  for (const kind of ['locked', 'unsafe'] as const) {
    app.post(`/counter/${kind}`, async () => ({ n: await run<number>('counter', { kind, op: 'inc' }) }))
    app.get(`/counter/${kind}`, async () => ({ n: await run<number>('counter', { kind, op: 'read' }) }))
    app.delete(`/counter/${kind}`, async (_req, reply) => {
      await run('counter', { kind, op: 'reset' })
      return reply.code(204).send()
    })
  }
  app.get<{ Querystring: { tag: string } }>('/scope/sync/request', async (req) => run('scopeRequest', { tag: String(req.query.tag) }))
  app.get('/scope/sync/transient', async () => run('transient'))
  app.get<{ Querystring: { ms: number } }>('/block/sync', { schema: msQuery }, async (req) => run('blockSync', { ms: req.query.ms }))
  app.get<{ Querystring: { n: number } }>('/cpu/sync', { schema: roundsQuery }, async (req) => ({ digest: await run<string>('sha256Chain', { n: req.query.n }) }))
  app.get<{ Querystring: { n: number } }>('/cpu/offload', { schema: roundsQuery }, async (req) => ({ digest: await run<string>('sha256Chain', { n: req.query.n }) }))
  app.get('/error/sync', async () => run('fail'))
  registerV2LoopRoutes(app, v2)
  registerV2PooledRoutes(app, v2, run)
  app.addHook('onClose', async () => {
    await pool.close()
  })
  try {
    // Start workers before listening, as the reference does, so neither pays start-up in a measurement.
    await Promise.all(Array.from({ length: threads }, () => run('echo', null)))
    const url = await app.listen({ port, host })
    return { url, close: () => app.close() }
  } catch (err) {
    await app.close() // and the pool with it (onClose)
    throw err
  }
}
