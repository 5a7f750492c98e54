/**
 * The contract on Express 5, written the way Express apps are written: handlers send responses
 * with `res`, validation is done in the handler, and every handler — sync or async — runs on the
 * event loop. Express has no thread pool and no offload helper, so `/block/sync`, `/cpu/sync`
 * and `/cpu/offload` run inline: the baseline's blocking cases are expected to fail. Contract
 * v2's endpoints are in v2.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import express, { type NextFunction, type Request, type Response } from 'express'
import { BYTES, intParam, Item, Point, sha256Chain, sleepSync, Stamp, Widget } from '../shared/contract-values.ts'
import { createV2State } from '../shared/v2-state.ts'
import { v2Router } from './v2.ts'

function unprocessable(res: Response, field: string, problem: string): void {
  res.status(422).json({ error: { field, problem } })
}

export function createExpressApp(): express.Express {
  const app = express()
  app.disable('x-powered-by')
  app.use(express.json({ limit: '1mb' }))

  app.get('/health', (_req, res) => { res.json({ status: 'ok' }) })
  app.get('/ping', async (_req, res) => { res.type('text/plain').send('pong') })

  // -- coercion: the framework has no return-value coercion; each handler writes its response.
  const coerce = (mode: 'sync' | 'async') => {
    const r = express.Router()
    const handle = (fn: (res: Response) => void) => (mode === 'sync' ? (_req: Request, res: Response) => fn(res) : async (_req: Request, res: Response) => fn(res))
    r.get('/dict', handle((res) => res.json({ kind: 'dict', n: 1 })))
    r.get('/model', handle((res) => res.json(Widget.parse({ id: 7, name: 'widget' }))))
    r.get('/dataclass', handle((res) => res.json(new Point(1, 2))))
    r.get('/str', handle((res) => res.type('text/plain').send('hello, world')))
    r.get('/unicode', handle((res) => res.type('text/plain').send('héllo ✓')))
    r.get('/none', handle((res) => res.status(204).end()))
    r.get('/created', handle((res) => res.status(201).json({ created: true })))
    r.get('/response', handle((res) => res.status(202).set('x-passthrough', '1').type('text/plain').send('raw')))
    r.get('/int', handle((res) => res.json(42)))
    r.get('/float', handle((res) => res.json(3.5)))
    r.get('/list', handle((res) => res.json([1, 2, 3])))
    r.get('/bool', handle((res) => res.json(true)))
    r.get('/bytes', handle((res) => res.type('application/octet-stream').send(BYTES)))
    return r
  }
  app.use('/coerce/sync', coerce('sync'))
  app.use('/coerce/async', coerce('async'))

  // -- extraction: a middleware plays the dependency; validation is by hand, 422 on bad input.
  const extract = (mode: 'sync' | 'async') => {
    const r = express.Router()
    r.use((_req, res, next) => {
      res.locals.dep = 'resolved'
      next()
    })
    const h = (fn: (req: Request, res: Response) => void) => (mode === 'sync' ? fn : async (req: Request, res: Response) => fn(req, res))
    r.get('/path/:id', h((req, res) => {
      const id = intParam(req.params.id, Number.MAX_SAFE_INTEGER)
      if (id === undefined) return unprocessable(res, 'id', 'expected an integer')
      res.json({ id })
    }))
    r.get('/query', h((req, res) => {
      const { q, n } = req.query
      if (typeof q !== 'string') return unprocessable(res, 'q', 'required')
      const num = intParam(n, Number.MAX_SAFE_INTEGER)
      if (num === undefined) return unprocessable(res, 'n', 'required integer')
      res.json({ q, n: num })
    }))
    r.post('/json', h((req, res) => {
      const parsed = Item.safeParse(req.body)
      if (!parsed.success) return unprocessable(res, parsed.error.issues[0]?.path.join('.') ?? '', parsed.error.issues[0]?.message ?? 'invalid')
      res.json(parsed.data)
    }))
    r.get('/header', h((req, res) => {
      const token = req.get('x-token')
      if (token === undefined) return unprocessable(res, 'x-token', 'required')
      res.json({ token })
    }))
    r.get('/depends', h((_req, res) => { res.json({ dep: res.locals.dep }) }))
    return r
  }
  app.use('/extract/sync', extract('sync'))
  app.use('/extract/async', extract('async'))

  // -- shared state: one process, one thread; a plain variable is the singleton.
  const counters = { locked: 0, unsafe: 0 }
  app.post('/counter/locked', (_req, res) => { res.json({ n: ++counters.locked }) })
  app.get('/counter/locked', (_req, res) => { res.json({ n: counters.locked }) })
  app.delete('/counter/locked', (_req, res) => { counters.locked = 0; res.status(204).end() })
  app.post('/counter/unsafe', (_req, res) => {
    const seen = counters.unsafe
    sleepSync(1)
    counters.unsafe = seen + 1
    res.json({ n: counters.unsafe })
  })
  app.get('/counter/unsafe', (_req, res) => { res.json({ n: counters.unsafe }) })
  app.delete('/counter/unsafe', (_req, res) => { counters.unsafe = 0; res.status(204).end() })

  // -- scopes: res.locals is Express's per-request store.
  app.get('/scope/sync/request', (req, res) => {
    res.locals.store = { tag: String(req.query.tag) }
    const first = res.locals.store
    sleepSync(20)
    res.json({ tag: res.locals.store.tag, same: first === res.locals.store })
  })
  app.get('/scope/async/request', async (req, res) => {
    res.locals.store = { tag: String(req.query.tag) }
    const first = res.locals.store
    await sleep(20)
    res.json({ tag: res.locals.store.tag, same: first === res.locals.store })
  })
  app.get('/scope/sync/transient', (_req, res) => { res.json({ distinct: new Stamp() !== new Stamp() }) })
  app.get('/scope/async/transient', async (_req, res) => { res.json({ distinct: new Stamp() !== new Stamp() }) })

  // -- blocking and CPU work, all on the loop.
  const ms = (req: Request, res: Response): number | undefined => {
    const v = intParam(req.query.ms, 10_000)
    if (v === undefined) unprocessable(res, 'ms', 'expected an integer in 0–10000')
    return v
  }
  app.get('/block/sync', (req, res) => { const v = ms(req, res); if (v === undefined) return; sleepSync(v); res.json({ slept: v }) })
  app.get('/block/async', async (req, res) => { const v = ms(req, res); if (v === undefined) return; await sleep(v); res.json({ slept: v }) })
  app.get('/block/async-blocking', async (req, res) => { const v = ms(req, res); if (v === undefined) return; sleepSync(v); res.json({ slept: v }) })
  const rounds = (req: Request, res: Response): number | undefined => {
    const v = intParam(req.query.n, 10_000_000)
    if (v === undefined) unprocessable(res, 'n', 'expected an integer in 0–10000000')
    return v
  }
  app.get('/cpu/sync', (req, res) => { const n = rounds(req, res); if (n === undefined) return; res.json({ digest: sha256Chain(n) }) })
  app.get('/cpu/offload', async (req, res) => { const n = rounds(req, res); if (n === undefined) return; res.json({ digest: sha256Chain(n) }) })

  app.get('/error/sync', () => { throw new Error('deliberate failure in a sync handler') })
  app.get('/error/async', async () => { throw new Error('deliberate failure in an async handler') })
  app.use(v2Router(createV2State()))

  // JSON errors without stacks (Express's default page prints the stack outside production).
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status ?? 500
    if (status >= 500) console.error(err)
    res.status(status).json({ error: { message: status >= 500 ? 'internal error' : err.message } })
  })
  return app
}
