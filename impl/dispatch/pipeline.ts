/**
 * One request, start to finish: extract → resolve the controller → call → coerce → tear down
 * dependencies. The same function runs on the loop (async and inline handlers) and in workers
 * (sync handlers), which is what makes sync and async handlers behave identically.
 */
import type { Container } from '../di/container.ts'
import { coerce } from '../coerce.ts'
import { outcomeOfError, type Outcome } from '../error-response.ts'
import { UnblockedError } from '../errors.ts'
import { RequestContext, type RequestData, type RequestExtras } from '../extract/context.ts'
import { isStreamBody, StreamResponse, type BodyStream, type ResponseBody, type SyncBodyStream } from '../response.ts'
import type { CompiledRoute } from '../routing/compile.ts'
import type { Offloader } from './offload-types.ts'

function isPromise(v: unknown): v is Promise<unknown> {
  return typeof (v as Promise<unknown> | null)?.then === 'function'
}

/** Told how long each handler call's synchronous part took (loop side only). */
export interface SegmentObserver {
  handlerSegment(route: CompiledRoute, ms: number): void
}

export type RouteOutcome = Outcome<ResponseBody>

/**
 * Run one request. Returns the outcome directly when nothing in it is asynchronous (the common
 * case for sync handlers in workers: no promise means piscina answers without another turn of
 * the worker's loop), else a promise of it. Never throws or rejects.
 */
export function runRoute(
  route: CompiledRoute,
  req: RequestData,
  container: Container,
  offloader: Offloader,
  observer?: SegmentObserver,
  extras?: RequestExtras,
): RouteOutcome | Promise<RouteOutcome> {
  let ctx: RequestContext | undefined
  try {
    ctx = new RequestContext(req, container, offloader, extras)
    const c = ctx
    const { extractors } = route
    const args: unknown[] = new Array(extractors.length)
    let pending = false
    for (let i = 0; i < extractors.length; i++) {
      const v = (extractors[i] as CompiledRoute['extractors'][number]).extract(c)
      if (isPromise(v)) pending = true
      args[i] = v
    }
    if (pending) return Promise.all(args).then((a) => invoke(route, a, c, observer), (err: unknown) => done(route, c, outcomeOfError(err, route.id)))
    return invoke(route, args, c, observer)
  } catch (err) {
    return ctx === undefined ? outcomeOfError(err, route.id) : done(route, ctx, outcomeOfError(err, route.id))
  }
}

function invoke(route: CompiledRoute, args: unknown[], ctx: RequestContext, observer: SegmentObserver | undefined): RouteOutcome | Promise<RouteOutcome> {
  try {
    const self = route.isStatic ? route.controller : ctx.container.get(route.controller)
    const t0 = observer === undefined ? 0 : performance.now()
    const value = route.fn.apply(self, args)
    // The handler's synchronous part — all of it for inline handlers, up to the first `await`
    // for async ones — ran just now, on this thread.
    if (observer !== undefined) observer.handlerSegment(route, performance.now() - t0)
    if (isPromise(value)) return value.then((v) => finish(route, v, ctx), (err: unknown) => done(route, ctx, outcomeOfError(err, route.id)))
    return finish(route, value, ctx)
  } catch (err) {
    return done(route, ctx, outcomeOfError(err, route.id))
  }
}

function finish(route: CompiledRoute, value: unknown, ctx: RequestContext): RouteOutcome | Promise<RouteOutcome> {
  let outcome: RouteOutcome
  try {
    outcome = value instanceof StreamResponse ? { response: value.toWire() } : { response: coerce(value, route.id) }
  } catch (err) {
    return done(route, ctx, outcomeOfError(err, route.id))
  }
  const tasks = ctx.backgroundTasks?.items
  return done(route, ctx, tasks === undefined || tasks.length === 0 ? outcome : { ...outcome, background: tasks })
}

/**
 * The request is done with this thread: run the dependencies' teardowns now for a whole body, or
 * when a streamed body ends (the stream is wrapped so its end runs them, also on disconnect).
 */
function done(route: CompiledRoute, ctx: RequestContext, outcome: RouteOutcome): RouteOutcome | Promise<RouteOutcome> {
  const pending = ctx.pendingTeardown
  if (pending === 'none') return outcome
  const body = outcome.response.body
  if (isStreamBody(body)) return { ...outcome, response: { ...outcome.response, body: withTeardown(body, ctx, pending === 'async') } }
  try {
    const t = ctx.teardown()
    if (t !== undefined) return t.then(() => outcome, (err: unknown) => teardownFailed(route, err))
    return outcome
  } catch (err) {
    return teardownFailed(route, err)
  }
}

function teardownFailed(route: CompiledRoute, err: unknown): RouteOutcome {
  return outcomeOfError(new UnblockedError('UNB_ERR_TEARDOWN_FAILED', [route.id], { cause: err }), route.id)
}

/** `body`, followed by the request's teardowns when it ends, fails or is closed early (`return()`). */
function withTeardown(body: BodyStream | SyncBodyStream, ctx: RequestContext, asyncTeardown: boolean): BodyStream | SyncBodyStream {
  if (!asyncTeardown && !(Symbol.asyncIterator in body)) {
    return (function* () {
      try {
        yield* body
      } finally {
        ctx.teardown()
      }
    })()
  }
  return (async function* () {
    try {
      yield* body
    } finally {
      await ctx.teardown()
    }
  })()
}
