/**
 * Contract v2 (scenarios/contract-v2.md) on Express 5, in Express's idioms: a dependency is
 * route middleware, teardown listens for the response's 'close', a stream is piped into `res`,
 * the request context is AsyncLocalStorage entered by middleware, a background task runs once
 * the response has finished, and HTTP errors are errors with a `status` passed to `next`.
 * Express has no thread pool, so sync dependencies, sync iterators and background tasks all run
 * on the event loop, like its sync handlers: the loop cases are expected to fail here.
 */
import { Readable, pipeline } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import express, { type NextFunction, type Request, type Response } from 'express'
import { intParam, keyParam, MAX_CHUNKS, MAX_MS, sleepSync } from '../shared/contract-values.ts'
import { contextValue, newRequestStore, requestContext, setContextValue } from '../shared/request-context.ts'
import { ACQUIRE_TIMEOUT_MS } from '../shared/slot-pool.ts'
import type { V2State } from '../shared/v2-state.ts'
import { awaitedChunks, blockingChunks, workAsync, workSync } from '../shared/work-steps.ts'

/** The shape Express's error handlers read (`err.status`), as the http-errors package makes it. */
function httpError(status: number, message: string): Error & { status: number; expose: boolean } {
  return Object.assign(new Error(message), { status, expose: status < 500 })
}

/** An integer query value in 0–max (or `fallback` when absent); answers 422 and gives undefined otherwise. */
function intQuery(req: Request, res: Response, name: string, max: number, fallback?: number): number | undefined {
  const raw = req.query[name]
  if (raw === undefined && fallback !== undefined) return fallback
  const v = intParam(raw, max)
  if (v === undefined) res.status(422).json({ error: { field: name, problem: `expected an integer in 0–${max}` } })
  return v
}

function keyQuery(req: Request, res: Response): string | undefined {
  const key = keyParam(req.query.key)
  if (key === undefined) res.status(422).json({ error: { field: 'key', problem: 'expected a non-empty string' } })
  return key
}

export function v2Router(state: V2State): express.Router {
  const r = express.Router()

  // 1. A sync dependency of an async handler is middleware: it blocks the loop for its N ms.
  r.get('/deps/async/blocking-dep', (req, res, next) => {
    const ms = intQuery(req, res, 'ms', MAX_MS)
    if (ms === undefined) return
    sleepSync(ms)
    res.locals.slept = ms
    next()
  }, async (_req, res) => { res.json({ slept: res.locals.slept }) })

  // 4. Streaming: the iterator piped into the response. Readable.from drains a sync iterator
  //    eagerly (up to its high-water mark) on the loop; pipeline destroys `res` if it throws.
  for (const mode of ['sync', 'async'] as const) {
    r.get(`/stream/${mode}`, (req, res) => {
      const chunks = intQuery(req, res, 'chunks', MAX_CHUNKS)
      if (chunks === undefined) return
      const ms = intQuery(req, res, 'ms', MAX_MS)
      if (ms === undefined) return
      res.type('text/plain')
      const source = mode === 'sync' ? blockingChunks(chunks, ms) : awaitedChunks(chunks, ms)
      // A failure mid-stream leaves the client a truncated body; a client that left needs nothing.
      pipeline(Readable.from(source), res, () => {})
    })
  }

  // 5. Setup in middleware (a blocking acquire, on the loop), teardown on the response's 'close'.
  r.get('/resources/sync/pool', (_req, res, next) => {
    if (!state.slots.acquire(ACQUIRE_TIMEOUT_MS)) {
      res.status(503).json({ error: { message: `no pool slot came free within ${ACQUIRE_TIMEOUT_MS} ms` } })
      return
    }
    res.once('close', () => state.slots.release())
    next()
  }, (req, res) => {
    const ms = intQuery(req, res, 'ms', MAX_MS)
    if (ms === undefined) return
    sleepSync(ms)
    res.json({ ok: true })
  })

  // 6. Errors in dependencies reach the app's error handler (app.ts): 5xx without the message.
  const reached = (_req: Request, res: Response): void => { res.json({ reached: true }) }
  r.get('/error/sync/depends', () => { throw new Error('dependency exploded') }, reached)
  r.get('/error/async/depends', async () => { throw new Error('dependency exploded') }, async (req, res) => reached(req, res))
  r.get('/error/sync/depends-http', (_req, _res, next: NextFunction) => next(httpError(503, 'dependency unavailable')), reached)
  r.get('/error/async/depends-http', async () => { throw httpError(503, 'dependency unavailable') }, async (req, res) => reached(req, res))

  // 7. Request context: middleware runs the rest of the request inside AsyncLocalStorage.
  r.use('/context', (req, _res, next) => requestContext.run(newRequestStore(req.get('x-request-id')), next))
  r.get('/context/sync', (req, res) => {
    const ms = intQuery(req, res, 'ms', MAX_MS, 20)
    if (ms === undefined) return
    sleepSync(ms)
    res.json({ rid: contextValue('rid') })
  })
  r.get('/context/async', async (req, res) => {
    const ms = intQuery(req, res, 'ms', MAX_MS, 20)
    if (ms === undefined) return
    await sleep(ms)
    res.json({ rid: contextValue('rid') })
  })
  r.get('/context/sync/dep-writes', (_req, _res, next) => {
    setContextValue('value', 'dep')
    next()
  }, (_req, res) => { res.json({ seen: contextValue('value') }) })
  r.get('/context/async/dep-writes', async (_req, _res, next) => {
    setContextValue('value', 'dep')
    next()
  }, async (_req, res) => { res.json({ seen: contextValue('value') }) })

  // 8. A background task runs when the response has finished — on the loop, blocking it.
  r.post('/background/sync', (req, res) => {
    const ms = intQuery(req, res, 'ms', MAX_MS)
    if (ms === undefined) return
    const key = keyQuery(req, res)
    if (key === undefined) return
    state.background.pending(key)
    res.once('finish', () => {
      sleepSync(ms)
      state.background.done(key)
    })
    res.status(202).json({ accepted: key })
  })
  r.get('/background/status', (req, res) => {
    const key = keyQuery(req, res)
    if (key === undefined) return
    const s = state.background.state(key)
    if (s === undefined) res.status(404).json({ state: 'unknown' })
    else res.json({ state: s })
  })

  // 9. Work in steps. Sync: nothing can interrupt it. Async: the response's 'close' before it
  //    finished (the client left) aborts the awaited timers — Node's idiom, written by hand.
  r.get('/work/sync', (req, res) => {
    const ms = intQuery(req, res, 'ms', MAX_MS)
    if (ms === undefined) return
    const key = keyQuery(req, res)
    if (key === undefined) return
    const record = state.work.begin(key)
    workSync(ms, record)
    res.json(record.status())
  })
  r.get('/work/async', async (req, res) => {
    const ms = intQuery(req, res, 'ms', MAX_MS)
    if (ms === undefined) return
    const key = keyQuery(req, res)
    if (key === undefined) return
    const left = new AbortController()
    res.once('close', () => { if (!res.writableFinished) left.abort() })
    const record = state.work.begin(key)
    await workAsync(ms, record, left.signal)
    if (!left.signal.aborted) res.json(record.status())
  })
  r.get('/work/status', (req, res) => {
    const key = keyQuery(req, res)
    if (key === undefined) return
    const s = state.work.status(key)
    if (s === undefined) res.status(404).json({ state: 'unknown' })
    else res.json(s)
  })
  return r
}
