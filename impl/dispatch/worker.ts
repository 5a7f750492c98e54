/**
 * Pool worker entry. Loads the app module — the same one the loop loaded — so a sync handler
 * runs with its imports, closures and injected services, then serves route and task messages.
 * Singletons here are this worker's own; only `SharedMemory` is shared with other threads.
 */
import { threadId, workerData } from 'node:worker_threads'
import { compileApp, isAppDefinition } from '../app.ts'
import { UnblockedError } from '../errors.ts'
import { SharedMemory } from '../shared/memory.ts'
import { ThreadClock } from '../shared/thread-clock.ts'
import { isStreamBody, type WireResponse } from '../response.ts'
import { outcomeOfError } from '../error-response.ts'
import { ContextStore, contextInUse, runInContext, type ContextValues } from '../context/context-var.ts'
import { RequestContext } from '../extract/context.ts'
import { unpooled } from '../extract/pooled.ts'
import { isBackgroundCall } from './background.ts'
import { runRoute, type RouteOutcome } from './pipeline.ts'
import { markPoolWorker } from './pool-worker.ts'
import type { DependencyCall, DependencyResult, RouteCall, RouteResult, WorkerBoot, WorkerTask } from './protocol.ts'
import { streamOut } from './stream-out.ts'
import { isGone, sharedAbortSignal } from './shared-signal.ts'
import { inlineOffloader, loadTask } from './tasks.ts'

const boot = workerData as WorkerBoot
markPoolWorker(boot.appModule)
const mod = (await import(boot.appModule)) as { default?: unknown }
if (!isAppDefinition(mod.default)) {
  throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`${boot.appModule} has no defineApp() default export`])
}
const app = compileApp(mod.default, new SharedMemory(boot.sharedBuffer))

/** Copy a pooled Buffer's bytes out, so the clone sent back is the body, not its 8 KiB slab. */
function compact(res: WireResponse): WireResponse {
  const b = res.body
  if (b === null || typeof b === 'string' || (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength)) return res
  return { status: res.status, headers: res.headers, body: new Uint8Array(b) }
}

const signature = app.routes.map((r) => r.id).join(',')

/**
 * How long this thread has wanted a CPU, ms: time on a CPU plus time runnable but waiting in the
 * run queue. Counting the wait matters: with more CPU-bound workers than cores, each spends most
 * of its wall time waiting for a core, and CPU time alone would make it look like it was
 * sleeping. Where there is no thread clock (not Linux) this is undefined and the pool simply has
 * no CPU lane.
 */
const clock = ThreadClock.open()
function threadCpuMs(): number | undefined {
  const t = clock?.read()
  return t === undefined ? undefined : t.runMs + t.waitMs
}

/**
 * Run `fn` in a request context made from `values` when the app uses context variables, and
 * hand back what it set there. Without context variables the call runs as is (no store, no cost).
 */
function inContext<T>(values: ContextValues | undefined, fn: () => T | Promise<T>, done: (value: T, writes: ContextValues | undefined) => T): T | Promise<T> {
  if (!contextInUse()) return fn()
  const store = new ContextStore(values)
  const out = runInContext(store, fn)
  return out instanceof Promise ? out.then((v) => done(v, store.writes())) : done(out, store.writes())
}

/** The outcome, plus how long the handler took here (the pool's lane choice learns from it). */
function finish(out: RouteOutcome, c: RouteCall, t0: number, cpu0: number | undefined): RouteResult | Promise<RouteResult> {
  const body = out.response.body
  // A streamed body goes chunk by chunk as messages; the task ends with the stream.
  if (isStreamBody(body)) {
    const head = { status: out.response.status, headers: out.response.headers, body: null }
    return streamOut(c.id ?? -1, { ...out.response, body }).then((streamed) => timed({ ...out, response: head }, t0, cpu0, streamed))
  }
  return timed(out as RouteOutcome & { response: WireResponse }, t0, cpu0)
}

function timed(out: RouteOutcome & { response: WireResponse }, t0: number, cpu0: number | undefined, streamed?: RouteResult['streamed']): RouteResult {
  const ms = performance.now() - t0
  const cpu1 = cpu0 === undefined ? undefined : threadCpuMs()
  const r: RouteResult = { response: compact(out.response), ms }
  if (cpu0 !== undefined && cpu1 !== undefined) r.cpuMs = cpu1 - cpu0
  if (out.failure !== undefined) Object.assign(r, { failure: out.failure })
  // Only registered tasks leave a worker (BackgroundTasks refuses functions here).
  if (out.background !== undefined) Object.assign(r, { background: out.background.filter(isBackgroundCall) })
  if (streamed !== undefined) r.streamed = streamed
  return r
}

function withWrites(r: RouteResult, writes: ContextValues | undefined): RouteResult {
  if (writes !== undefined) r.context = writes
  return r
}

function call(c: RouteCall): RouteResult | Promise<RouteResult> {
  const route = app.routes[c.index]
  if (route === undefined) throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`worker has no route ${c.index}`])
  // The client left while the call waited for this worker: drop it before it runs.
  if (c.cancel !== undefined && isGone(c.cancel)) return { response: new UnblockedError('UNB_ERR_CLIENT_GONE', [route.id]).toResponse(), ms: 0, skipped: true }
  const cpu0 = c.cpu ? threadCpuMs() : undefined
  const t0 = performance.now()
  const extras = c.cancel !== undefined && route.wantsSignal ? { signal: sharedAbortSignal(c.cancel) } : undefined
  return inContext(
    c.context,
    () => {
      const out = runRoute(route, c.req, app.container, inlineOffloader, undefined, extras)
      return out instanceof Promise ? out.then((o) => finish(o, c, t0, cpu0)) : finish(out, c, t0, cpu0)
    },
    withWrites,
  )
}

/** A sync dependency of an async handler: its value, or the outcome its failure answers with. */
function dependency(d: DependencyCall): DependencyResult | Promise<DependencyResult> {
  const route = app.routes[d.route]
  const pooled = route?.extractors[d.extractor]
  const ex = pooled === undefined ? undefined : unpooled(pooled)
  if (route === undefined || ex === undefined) throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`worker has no pooled dependency ${d.extractor} on route ${d.route}`])
  const routeId = route.id
  const settle = (r: DependencyResult, writes: ContextValues | undefined): DependencyResult => (writes === undefined ? r : { ...r, context: writes })
  return inContext(
    d.context,
    (): DependencyResult | Promise<DependencyResult> => {
      try {
        const value = ex.extract(new RequestContext(d.req, app.container, inlineOffloader))
        if (value instanceof Promise) return value.then((v: unknown) => ({ value: v }), (err: unknown) => ({ outcome: outcomeOfError(err, routeId) }))
        return { value }
      } catch (err) {
        return { outcome: outcomeOfError(err, routeId) }
      }
    },
    settle,
  )
}

/** Not async on purpose: a synchronous result lets piscina answer without another loop turn. */
export default function handle(task: WorkerTask): unknown {
  switch (task.kind) {
    case 'route':
      return call(task)
    case 'routes': {
      // Started in arrival order, as separate requests would be; each keeps its own timing.
      const results = task.calls.map(call)
      return results.some((r) => r instanceof Promise) ? Promise.all(results) : results
    }
    case 'task':
      return loadTask(task.module, task.name).then((fn) => inContext<unknown>(task.context, () => fn(...task.args), (v) => v))
    case 'dependency':
      return dependency(task)
    case 'warm':
      if (task.routes !== signature) {
        throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`the worker compiled different routes than the loop (is the app module deterministic?)`])
      }
      return threadId
  }
}
