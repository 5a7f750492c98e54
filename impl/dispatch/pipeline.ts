/**
 * One request, start to finish: extract → resolve the controller → call → coerce. The same
 * function runs on the loop (async and inline handlers) and in workers (sync handlers), which is
 * what makes sync and async handlers behave identically.
 */
import type { Container } from '../di/container.ts'
import { coerce } from '../coerce.ts'
import { outcomeOfError, type Outcome } from '../error-response.ts'
import { RequestContext, type RequestData } from '../extract/context.ts'
import type { CompiledRoute } from '../routing/compile.ts'
import type { Offloader } from './offload-types.ts'

function isPromise(v: unknown): v is Promise<unknown> {
  return typeof (v as Promise<unknown> | null)?.then === 'function'
}

/** Told how long each handler call's synchronous part took (loop side only). */
export interface SegmentObserver {
  handlerSegment(route: CompiledRoute, ms: number): void
}

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
): Outcome | Promise<Outcome> {
  try {
    const ctx = new RequestContext(req, container, offloader)
    const { extractors } = route
    const args: unknown[] = new Array(extractors.length)
    let pending = false
    for (let i = 0; i < extractors.length; i++) {
      const v = (extractors[i] as CompiledRoute['extractors'][number]).extract(ctx)
      if (isPromise(v)) pending = true
      args[i] = v
    }
    if (pending) return Promise.all(args).then((a) => invoke(route, a, container, observer), (err: unknown) => outcomeOfError(err, route.id))
    return invoke(route, args, container, observer)
  } catch (err) {
    return outcomeOfError(err, route.id)
  }
}

function invoke(route: CompiledRoute, args: unknown[], container: Container, observer: SegmentObserver | undefined): Outcome | Promise<Outcome> {
  try {
    const self = route.isStatic ? route.controller : container.get(route.controller)
    const t0 = observer === undefined ? 0 : performance.now()
    const value = route.fn.apply(self, args)
    // The handler's synchronous part — all of it for inline handlers, up to the first `await`
    // for async ones — ran just now, on this thread.
    if (observer !== undefined) observer.handlerSegment(route, performance.now() - t0)
    if (isPromise(value)) return value.then((v) => finish(route, v), (err: unknown) => outcomeOfError(err, route.id))
    return finish(route, value)
  } catch (err) {
    return outcomeOfError(err, route.id)
  }
}

function finish(route: CompiledRoute, value: unknown): Outcome {
  try {
    return { response: coerce(value, route.id) }
  } catch (err) {
    return outcomeOfError(err, route.id)
  }
}
