/**
 * Pool worker entry. Loads the app module — the same one the loop loaded — so a sync handler
 * runs with its imports, closures and injected services, then serves route and task messages.
 * Singletons here are this worker's own; only `SharedMemory` is shared with other threads.
 */
import { threadId, workerData } from 'node:worker_threads'
import { compileApp, isAppDefinition } from '../app.ts'
import { UnblockedError } from '../errors.ts'
import { SharedMemory } from '../shared/memory.ts'
import type { WireResponse } from '../response.ts'
import { runRoute, type Outcome } from './pipeline.ts'
import type { WorkerBoot, WorkerTask } from './protocol.ts'
import { inlineOffloader, loadTask } from './tasks.ts'

const boot = workerData as WorkerBoot
const mod = (await import(boot.appModule)) as { default?: unknown }
if (!isAppDefinition(mod.default)) {
  throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`${boot.appModule} has no defineApp() default export`])
}
const app = compileApp(mod.default, new SharedMemory(boot.sharedBuffer))

/** Copy a pooled Buffer's bytes out, so the clone sent back is the body, not its 8 KiB slab. */
function compact(res: WireResponse): WireResponse {
  const b = res.body
  if (b === null || (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength)) return res
  return { status: res.status, headers: res.headers, body: new Uint8Array(b) }
}

export default async function handle(task: WorkerTask): Promise<unknown> {
  switch (task.kind) {
    case 'route': {
      const route = app.routes[task.index]
      if (route === undefined || route.id !== task.id) {
        throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`worker route table differs from the loop's at ${task.id}`])
      }
      const out = await runRoute(route, task.req, app.container, inlineOffloader)
      return { response: compact(out.response), ...(out.failure ? { failure: out.failure } : {}) } satisfies Outcome
    }
    case 'task': {
      const fn = await loadTask(task.module, task.name)
      return await fn(...task.args)
    }
    case 'warm':
      return threadId
  }
}
