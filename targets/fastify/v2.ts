/**
 * Contract v2 (scenarios/contract-v2.md) on Fastify 5, in Fastify's idioms: a dependency is a
 * route hook (`preHandler`, `onRequest`), teardown is `onResponse`, a stream is `reply.send`
 * of a Readable, the request context is AsyncLocalStorage entered by an `onRequest` hook (what
 * @fastify/request-context does), a background task runs in `onResponse`, and an HTTP error is
 * an error with a `statusCode`. Fastify's default error handler is kept: it answers a 500 with
 * the error's message. The async routes and the sync-mode error and context hooks are shared by
 * both Fastify targets; `registerV2InlineSyncRoutes` is the plain baseline's: everything on the loop.
 */
import { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { MAX_CHUNKS, MAX_KEY_LENGTH, MAX_MS, sleepSync } from '../shared/contract-values.ts'
import { contextValue, newRequestStore, requestContext, setContextValue } from '../shared/request-context.ts'
import { ACQUIRE_TIMEOUT_MS } from '../shared/slot-pool.ts'
import type { V2State } from '../shared/v2-state.ts'
import { awaitedChunks, blockingChunks, workAsync, workSync } from '../shared/work-steps.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** What `/deps/async/blocking-dep`'s dependency provided. */
    sleptInDependency: number
    /** Whether this request holds a slot of `/resources/sync/pool`'s pool (teardown returns it). */
    holdsSlot: boolean
  }
}

const ms = { type: 'integer', minimum: 0, maximum: MAX_MS } as const
const key = { type: 'string', minLength: 1, maxLength: MAX_KEY_LENGTH } as const
const query = <P extends Record<string, object>>(properties: P, required: readonly (keyof P & string)[]) =>
  ({ querystring: { type: 'object', required, properties } }) as const
export const v2Schemas = {
  ms: query({ ms }, ['ms']),
  context: query({ ms: { ...ms, default: 20 } }, []),
  stream: query({ chunks: { type: 'integer', minimum: 0, maximum: MAX_CHUNKS }, ms }, ['chunks', 'ms']),
  task: query({ ms, key }, ['ms', 'key']),
  key: query({ key }, ['key']),
}
export type Q<T> = { Querystring: T }

/** The HTTP error of a dependency: Fastify answers with an error's `statusCode`. */
function httpError(statusCode: number, message: string): Error & { statusCode: number } {
  return Object.assign(new Error(message), { statusCode })
}

/** `onRequest`: run the rest of the request inside a context holding its `x-request-id`. */
export function withRequestContext(req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const rid = req.headers['x-request-id']
  requestContext.run(newRequestStore(typeof rid === 'string' ? rid : undefined), done)
}

/** The sync-mode dependencies of `/error/sync/*` and `/context/sync/dep-writes`: plain sync hooks. */
export const syncDependencies = {
  explodes: (): void => { throw new Error('dependency exploded') },
  unavailable: (_req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => done(httpError(503, 'dependency unavailable')),
  writesContext: (_req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    setContextValue('value', 'dep')
    done()
  },
}

/** `/resources/sync/pool`'s teardown (`onResponse`): a cheap, non-blocking release, on the loop in both targets. */
export function releaseSlot(state: V2State) {
  return (req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if (req.holdsSlot) state.slots.release()
    done()
  }
}

/** `/stream/{mode}`'s response: the iterator as a Readable, sent by Fastify. */
export function sendChunks(reply: FastifyReply, source: Iterable<string> | AsyncIterable<string>): FastifyReply {
  return reply.type('text/plain; charset=utf-8').send(Readable.from(source))
}

/** Async modes and status endpoints, on the loop in both Fastify targets. */
export function registerV2LoopRoutes(app: FastifyInstance, state: V2State): void {
  app.decorateRequest('sleptInDependency', 0)
  app.decorateRequest('holdsSlot', false)

  app.get<Q<{ chunks: number; ms: number }>>('/stream/async', { schema: v2Schemas.stream }, async (req, reply) => sendChunks(reply, awaitedChunks(req.query.chunks, req.query.ms)))

  app.get('/error/async/depends', { preHandler: async () => { throw new Error('dependency exploded') } }, async () => ({ reached: true }))
  app.get('/error/async/depends-http', { preHandler: async () => { throw httpError(503, 'dependency unavailable') } }, async () => ({ reached: true }))

  app.get<Q<{ ms: number }>>('/context/async', { schema: v2Schemas.context, onRequest: withRequestContext }, async (req) => {
    await sleep(req.query.ms)
    return { rid: contextValue('rid') }
  })
  const writesContext = async (): Promise<void> => { setContextValue('value', 'dep') }
  app.get('/context/async/dep-writes', { onRequest: withRequestContext, preHandler: writesContext }, async () => ({ seen: contextValue('value') }))

  // Work in steps; Fastify's `request.signal` aborts when the client goes away, and the awaited
  // timers honour it — cancellation the handler opts into, not one Fastify performs.
  app.get<Q<{ ms: number; key: string }>>('/work/async', { schema: v2Schemas.task }, async (req, reply) => {
    const record = state.work.begin(req.query.key)
    await workAsync(req.query.ms, record, req.signal)
    return req.signal.aborted ? reply : record.status()
  })
  app.get<Q<{ key: string }>>('/work/status', { schema: v2Schemas.key }, async (req, reply) => state.work.status(req.query.key) ?? reply.code(404).send({ state: 'unknown' }))
  app.get<Q<{ key: string }>>('/background/status', { schema: v2Schemas.key }, async (req, reply) => {
    const s = state.background.state(req.query.key)
    return s === undefined ? reply.code(404).send({ state: 'unknown' }) : { state: s }
  })
}

/** The plain baseline's sync modes: dependencies, iterators, teardown and background tasks all on the loop. */
export function registerV2InlineSyncRoutes(app: FastifyInstance, state: V2State): void {
  const blockingDependency = (req: FastifyRequest<Q<{ ms: number }>>, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    sleepSync(req.query.ms)
    req.sleptInDependency = req.query.ms
    done()
  }
  app.get<Q<{ ms: number }>>('/deps/async/blocking-dep', { schema: v2Schemas.ms, preHandler: blockingDependency }, async (req) => ({ slept: req.sleptInDependency }))

  app.get<Q<{ chunks: number; ms: number }>>('/stream/sync', { schema: v2Schemas.stream }, (req, reply) => {
    sendChunks(reply, blockingChunks(req.query.chunks, req.query.ms))
  })

  // Setup in `onRequest` (a blocking acquire, on the loop), teardown in `onResponse`.
  const acquire = (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if (!state.slots.acquire(ACQUIRE_TIMEOUT_MS)) {
      reply.code(503).send({ error: `no pool slot came free within ${ACQUIRE_TIMEOUT_MS} ms` })
      return
    }
    req.holdsSlot = true
    done()
  }
  app.get<Q<{ ms: number }>>('/resources/sync/pool', { schema: v2Schemas.ms, onRequest: acquire, onResponse: releaseSlot(state) }, (req, reply) => {
    sleepSync(req.query.ms)
    reply.send({ ok: true })
  })

  app.get('/error/sync/depends', { preHandler: syncDependencies.explodes }, (_req, reply) => { reply.send({ reached: true }) })
  app.get('/error/sync/depends-http', { preHandler: syncDependencies.unavailable }, (_req, reply) => { reply.send({ reached: true }) })

  app.get<Q<{ ms: number }>>('/context/sync', { schema: v2Schemas.context, onRequest: withRequestContext }, (req, reply) => {
    sleepSync(req.query.ms)
    reply.send({ rid: contextValue('rid') })
  })
  app.get('/context/sync/dep-writes', { onRequest: withRequestContext, preHandler: syncDependencies.writesContext }, (_req, reply) => {
    reply.send({ seen: contextValue('value') })
  })

  // The task runs in `onResponse`, once the 202 is sent — on the loop.
  const runTask = (req: FastifyRequest<Q<{ ms: number; key: string }>>, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if (reply.statusCode === 202) {
      sleepSync(req.query.ms)
      state.background.done(req.query.key)
    }
    done()
  }
  app.post<Q<{ ms: number; key: string }>>('/background/sync', { schema: v2Schemas.task, onResponse: runTask }, (req, reply) => {
    state.background.pending(req.query.key)
    reply.code(202).send({ accepted: req.query.key })
  })

  app.get<Q<{ ms: number; key: string }>>('/work/sync', { schema: v2Schemas.task }, (req, reply) => {
    const record = state.work.begin(req.query.key)
    workSync(req.query.ms, record)
    reply.send(record.status())
  })
}
