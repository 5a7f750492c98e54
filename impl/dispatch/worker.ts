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
import type { WireResponse } from '../response.ts'
import type { Outcome } from '../error-response.ts'
import { runRoute } from './pipeline.ts'
import { markPoolWorker } from './pool-worker.ts'
import type { RouteCall, RouteResult, WorkerBoot, WorkerTask } from './protocol.ts'
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

/** The outcome, plus how long the handler took here (the pool's lane choice learns from it). */
function finish(out: Outcome, t0: number, cpu0: number | undefined): RouteResult {
  const ms = performance.now() - t0
  const cpu1 = cpu0 === undefined ? undefined : threadCpuMs()
  const timing = cpu0 !== undefined && cpu1 !== undefined ? { ms, cpuMs: cpu1 - cpu0 } : { ms }
  return out.failure === undefined ? { response: compact(out.response), ...timing } : { response: compact(out.response), failure: out.failure, ...timing }
}

function call(c: RouteCall): RouteResult | Promise<RouteResult> {
  const route = app.routes[c.index]
  if (route === undefined) throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`worker has no route ${c.index}`])
  const cpu0 = c.cpu ? threadCpuMs() : undefined
  const t0 = performance.now()
  const out = runRoute(route, c.req, app.container, inlineOffloader)
  return out instanceof Promise ? out.then((o) => finish(o, t0, cpu0)) : finish(out, t0, cpu0)
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
      return loadTask(task.module, task.name).then((fn) => fn(...task.args))
    case 'warm':
      if (task.routes !== signature) {
        throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`the worker compiled different routes than the loop (is the app module deterministic?)`])
      }
      return threadId
  }
}
