/**
 * The contract's loop-side routes on Fastify 5, shared by the `fastify` baseline and the
 * `fastify-piscina` peer. Handlers return values or use `reply`, and validate with Fastify's
 * JSON-schema route options. Fastify's defaults are kept: validation failures answer 400 (the
 * contract prefers 422, a SHOULD), and a wrong method answers 404.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { BYTES, Point, sha256Chain, sleepSync, Stamp, Widget } from '../shared/contract-values.ts'

export const msQuery = {
  querystring: { type: 'object', required: ['ms'], properties: { ms: { type: 'integer', minimum: 0, maximum: 10_000 } } },
} as const
export const roundsQuery = {
  querystring: { type: 'object', required: ['n'], properties: { n: { type: 'integer', minimum: 0, maximum: 10_000_000 } } },
} as const
export const extractSchemas = {
  path: { params: { type: 'object', properties: { id: { type: 'integer' } } } },
  query: { querystring: { type: 'object', required: ['q', 'n'], properties: { q: { type: 'string' }, n: { type: 'integer' } } } },
  json: { body: { type: 'object', required: ['name', 'qty'], properties: { name: { type: 'string' }, qty: { type: 'integer' } } } },
  header: { headers: { type: 'object', required: ['x-token'], properties: { 'x-token': { type: 'string' } } } },
} as const

export const coerceValues: Record<string, (reply: FastifyReply) => unknown> = {
  dict: () => ({ kind: 'dict', n: 1 }),
  model: () => Widget.parse({ id: 7, name: 'widget' }),
  dataclass: () => new Point(1, 2),
  str: () => 'hello, world',
  unicode: () => 'héllo ✓',
  none: (reply) => reply.code(204).send(),
  created: (reply) => reply.code(201).send({ created: true }),
  response: (reply) => reply.code(202).header('x-passthrough', '1').type('text/plain; charset=utf-8').send('raw'),
  int: () => 42,
  float: () => 3.5,
  list: () => [1, 2, 3],
  bool: () => true,
  bytes: () => BYTES,
}

/** Everything that runs on the loop in both Fastify targets; `sync` routes are registered by the caller. */
export function registerLoopRoutes(app: FastifyInstance): void {
  app.decorateRequest('dep', '')
  app.get('/health', async () => ({ status: 'ok' }))
  app.get('/ping', async () => 'pong')

  for (const [name, value] of Object.entries(coerceValues)) {
    app.get(`/coerce/async/${name}`, async (_req, reply) => value(reply))
  }

  app.register(async (scope) => {
    scope.addHook('preHandler', async (req) => {
      ;(req as unknown as { dep: string }).dep = 'resolved'
    })
    scope.get<{ Params: { id: number } }>('/path/:id', { schema: extractSchemas.path }, async (req) => ({ id: req.params.id }))
    scope.get<{ Querystring: { q: string; n: number } }>('/query', { schema: extractSchemas.query }, async (req) => ({ q: req.query.q, n: req.query.n }))
    scope.post<{ Body: { name: string; qty: number } }>('/json', { schema: extractSchemas.json }, async (req) => ({ name: req.body.name, qty: req.body.qty }))
    scope.get('/header', { schema: extractSchemas.header }, async (req) => ({ token: req.headers['x-token'] }))
    scope.get('/depends', async (req) => ({ dep: (req as unknown as { dep: string }).dep }))
  }, { prefix: '/extract/async' })

  app.get<{ Querystring: { tag: string } }>('/scope/async/request', async (req) => {
    const store = { tag: String(req.query.tag) }
    ;(req as unknown as { store: typeof store }).store = store
    await sleep(20)
    const again = (req as unknown as { store: typeof store }).store
    return { tag: again.tag, same: again === store }
  })
  app.get('/scope/async/transient', async () => ({ distinct: new Stamp() !== new Stamp() }))

  app.get<{ Querystring: { ms: number } }>('/block/async', { schema: msQuery }, async (req) => {
    await sleep(req.query.ms)
    return { slept: req.query.ms }
  })
  app.get<{ Querystring: { ms: number } }>('/block/async-blocking', { schema: msQuery }, async (req) => {
    sleepSync(req.query.ms)
    return { slept: req.query.ms }
  })
  app.get('/error/async', async () => {
    throw new Error('deliberate failure in an async handler')
  })
}

/** The inline (on-loop) sync routes of the plain `fastify` baseline. */
export function registerInlineSyncRoutes(app: FastifyInstance): void {
  for (const [name, value] of Object.entries(coerceValues)) {
    app.get(`/coerce/sync/${name}`, (_req, reply) => {
      const v = value(reply)
      if (v !== reply) reply.send(v)
    })
  }
  app.register(async (scope) => {
    scope.addHook('preHandler', (req, _reply, done) => {
      ;(req as unknown as { dep: string }).dep = 'resolved'
      done()
    })
    scope.get<{ Params: { id: number } }>('/path/:id', { schema: extractSchemas.path }, (req, reply) => { reply.send({ id: req.params.id }) })
    scope.get<{ Querystring: { q: string; n: number } }>('/query', { schema: extractSchemas.query }, (req, reply) => { reply.send({ q: req.query.q, n: req.query.n }) })
    scope.post<{ Body: { name: string; qty: number } }>('/json', { schema: extractSchemas.json }, (req, reply) => { reply.send({ name: req.body.name, qty: req.body.qty }) })
    scope.get('/header', { schema: extractSchemas.header }, (req, reply) => { reply.send({ token: req.headers['x-token'] }) })
    scope.get('/depends', (req, reply) => { reply.send({ dep: (req as unknown as { dep: string }).dep }) })
  }, { prefix: '/extract/sync' })

  const counters = { locked: 0, unsafe: 0 }
  app.post('/counter/locked', (_req, reply) => { reply.send({ n: ++counters.locked }) })
  app.get('/counter/locked', (_req, reply) => { reply.send({ n: counters.locked }) })
  app.delete('/counter/locked', (_req, reply) => { counters.locked = 0; reply.code(204).send() })
  app.post('/counter/unsafe', (_req, reply) => {
    const seen = counters.unsafe
    sleepSync(1)
    counters.unsafe = seen + 1
    reply.send({ n: counters.unsafe })
  })
  app.get('/counter/unsafe', (_req, reply) => { reply.send({ n: counters.unsafe }) })
  app.delete('/counter/unsafe', (_req, reply) => { counters.unsafe = 0; reply.code(204).send() })

  app.get<{ Querystring: { tag: string } }>('/scope/sync/request', (req, reply) => {
    const store = { tag: String(req.query.tag) }
    ;(req as unknown as { store: typeof store }).store = store
    sleepSync(20)
    const again = (req as unknown as { store: typeof store }).store
    reply.send({ tag: again.tag, same: again === store })
  })
  app.get('/scope/sync/transient', (_req, reply) => { reply.send({ distinct: new Stamp() !== new Stamp() }) })

  app.get<{ Querystring: { ms: number } }>('/block/sync', { schema: msQuery }, (req, reply) => {
    sleepSync(req.query.ms)
    reply.send({ slept: req.query.ms })
  })
  app.get<{ Querystring: { n: number } }>('/cpu/sync', { schema: roundsQuery }, (req, reply) => { reply.send({ digest: sha256Chain(req.query.n) }) })
  // Fastify has no offload helper: the async handler computes on the loop, as most apps would.
  app.get<{ Querystring: { n: number } }>('/cpu/offload', { schema: roundsQuery }, async (req) => ({ digest: sha256Chain(req.query.n) }))
  app.get('/error/sync', () => {
    throw new Error('deliberate failure in a sync handler')
  })
}
