/**
 * Contract v2 (scenarios/contract-v2.md) on fastify-piscina: Fastify's hooks as the dependency
 * and teardown mechanism, and every piece of *blocking* sync work sent to the piscina pool by
 * hand, as this target does with its sync handlers (worker-v2.mjs holds the worker side). Hooks
 * that do not block (an error, a context write, a slot's release) stay plain hooks on the loop;
 * the async routes are the fastify baseline's (../fastify/v2.ts). Nothing here is done for the
 * developer: what crosses into a worker (the request id, stream chunks, progress) is passed by hand.
 */
import { on } from 'node:events'
import { MessageChannel, type MessagePort } from 'node:worker_threads'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { contextValue } from '../shared/request-context.ts'
import { ACQUIRE_TIMEOUT_MS } from '../shared/slot-pool.ts'
import type { WorkStatus } from '../shared/task-status.ts'
import type { V2State } from '../shared/v2-state.ts'
import { releaseSlot, sendChunks, syncDependencies, v2Schemas, withRequestContext, type Q } from '../fastify/v2.ts'

/** A call of a worker function by name (worker.mjs), with what must be moved rather than copied. */
export type RunInPool = <T>(name: string, data?: unknown, transferList?: MessagePort[]) => Promise<T>

/** The chunks of `/stream/sync`'s iterator, which runs in a worker and posts each one as it comes. */
async function* chunksFromWorker(run: RunInPool, chunks: number, ms: number): AsyncGenerator<string, void, undefined> {
  const { port1, port2 } = new MessageChannel()
  const finished = run<void>('streamSync', { chunks, ms, port: port2 }, [port2])
  // Handled here so a stream the client abandoned leaves no unhandled rejection; awaited below.
  finished.catch(() => {})
  try {
    // Bounded: the worker posts `chunks` chunks and then null, also when its iterator throws.
    for await (const [chunk] of on(port1, 'message') as AsyncIterable<[string | null]>) {
      if (chunk === null) break
      yield chunk
    }
    await finished
  } finally {
    port1.close()
  }
}

export function registerV2PooledRoutes(app: FastifyInstance, state: V2State, run: RunInPool): void {
  // The sync dependency's blocking work goes to the pool by hand, in its `preHandler`.
  const blockingDependency = async (req: FastifyRequest<Q<{ ms: number }>>): Promise<void> => {
    req.sleptInDependency = (await run<{ slept: number }>('blockSync', { ms: req.query.ms })).slept
  }
  app.get<Q<{ ms: number }>>('/deps/async/blocking-dep', { schema: v2Schemas.ms, preHandler: blockingDependency }, async (req) => ({ slept: req.sleptInDependency }))

  app.get<Q<{ chunks: number; ms: number }>>('/stream/sync', { schema: v2Schemas.stream }, async (req, reply) => sendChunks(reply, chunksFromWorker(run, req.query.chunks, req.query.ms)))

  // Setup in `onRequest`: the blocking acquire runs in a worker (it blocks), so a worker waits
  // for the slot; teardown in `onResponse` returns it from the loop.
  const acquire = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (!(await run<boolean>('acquireSlot', { timeoutMs: ACQUIRE_TIMEOUT_MS }))) {
      return reply.code(503).send({ error: `no pool slot came free within ${ACQUIRE_TIMEOUT_MS} ms` })
    }
    req.holdsSlot = true
    return undefined
  }
  app.get<Q<{ ms: number }>>('/resources/sync/pool', { schema: v2Schemas.ms, onRequest: acquire, onResponse: releaseSlot(state) }, async (req) => run('useSlot', { ms: req.query.ms }))

  app.get('/error/sync/depends', { preHandler: syncDependencies.explodes }, async () => run('echo', { reached: true }))
  app.get('/error/sync/depends-http', { preHandler: syncDependencies.unavailable }, async () => run('echo', { reached: true }))

  app.get<Q<{ ms: number }>>('/context/sync', { schema: v2Schemas.context, onRequest: withRequestContext }, async (req) => run('contextSync', { rid: contextValue('rid'), ms: req.query.ms }))
  app.get('/context/sync/dep-writes', { onRequest: withRequestContext, preHandler: syncDependencies.writesContext }, async () => run('echo', { seen: contextValue('value') }))

  // The task starts in `onResponse`, once the 202 is sent, and runs in a worker.
  const startTask = async (req: FastifyRequest<Q<{ ms: number; key: string }>>, reply: FastifyReply): Promise<void> => {
    if (reply.statusCode !== 202) return
    const { ms, key } = req.query
    run('blockSync', { ms }).then(() => state.background.done(key), (err: unknown) => console.error('background task failed', err))
  }
  app.post<Q<{ ms: number; key: string }>>('/background/sync', { schema: v2Schemas.task, onResponse: startTask }, async (req, reply) => {
    state.background.pending(req.query.key)
    return reply.code(202).send({ accepted: req.query.key })
  })

  app.get<Q<{ ms: number; key: string }>>('/work/sync', { schema: v2Schemas.task }, async (req): Promise<WorkStatus> => {
    const record = state.work.begin(req.query.key)
    await run('workSync', { ms: req.query.ms, steps: record.steps.buffer })
    record.finish('done')
    return record.status()
  })
}
