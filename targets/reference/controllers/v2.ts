/**
 * Contract v2's endpoints (scenarios/contract-v2.md), each written with the framework feature a
 * user would reach for: a sync dependency of an async handler, a generator dependency with
 * teardown, httpError, context variables set by a request hook, background tasks. Streaming and
 * the disconnect signal are in stream.ts and work.ts (declared without decorators).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import {
  background, contextVar, controller, depends, get, httpError, post, query, sleepSync, type BackgroundTasks, type RequestContext,
} from '../../../impl/index.ts'
import { Key, Millis } from '../schemas.ts'
import { SlotPool } from '../resources.ts'
import { sleepTask } from '../work.ts'

/** The request id, set by the app's request hook (app.ts) from `x-request-id`. */
export const requestId = contextVar<string>('request-id')
/** What a dependency saw fit to record, for `/context/{mode}/dep-writes`. */
export const seenByDependency = contextVar<string>('seen')

/** A sync dependency that blocks: for an async handler, the framework runs it in the pool. */
function blockingDependency(ctx: RequestContext): number {
  const ms = Number(ctx.query.ms)
  sleepSync(ms)
  return ms
}

@controller('/deps/async')
export class DepsController {
  @get('/blocking-dep', query('ms', Millis), depends(blockingDependency))
  async blockingDep(_ms: number, slept: number) { return { slept } }
}

/** A pooled resource with teardown: a slot of the process-wide pool for the request's duration. */
function* slot(ctx: RequestContext): Generator<SlotPool> {
  const pool = ctx.resolve(SlotPool)
  pool.acquire()
  try {
    yield pool
  } finally {
    pool.release()
  }
}

@controller('/resources/sync')
export class ResourcesController {
  @get('/pool', query('ms', Millis), depends(slot))
  pool(ms: number, _slot: SlotPool) {
    sleepSync(ms)
    return { ok: true }
  }
}

function exploding(): never { throw new Error('dependency exploded') }
async function explodingAsync(): Promise<never> { throw new Error('dependency exploded') }
function unavailable(): never { throw httpError(503, 'the dependency is unavailable') }
async function unavailableAsync(): Promise<never> { throw httpError(503, 'the dependency is unavailable') }

@controller('/error')
export class DependencyErrorController {
  @get('/sync/depends', depends(exploding)) syncDepends(_v: never) { return { reached: true } }
  @get('/sync/depends-http', depends(unavailable)) syncDependsHttp(_v: never) { return { reached: true } }
  @get('/async/depends', depends(explodingAsync)) async asyncDepends(_v: never) { return { reached: true } }
  @get('/async/depends-http', depends(unavailableAsync)) async asyncDependsHttp(_v: never) { return { reached: true } }
}

function recordSync(): string {
  seenByDependency.set('dep')
  return 'dep'
}

async function recordAsync(): Promise<string> {
  seenByDependency.set('dep')
  return 'dep'
}

@controller('/context')
export class ContextController {
  /** Runs in a worker: the request id travelled with the call. */
  @get('/sync', query('ms', Millis))
  sync(ms: number) {
    sleepSync(ms)
    return { rid: requestId.get() ?? null }
  }

  @get('/async', query('ms', Millis))
  async async(ms: number) {
    await sleep(ms)
    return { rid: requestId.get() ?? null }
  }

  @get('/sync/dep-writes', depends(recordSync))
  syncDepWrites(_v: string) { return { seen: seenByDependency.get() ?? null } }

  @get('/async/dep-writes', depends(recordAsync))
  async asyncDepWrites(_v: string) { return { seen: seenByDependency.get() ?? null } }
}

/** Background task states by key, on the loop (where the POST and status handlers run); the oldest forgotten first. */
const states = new Map<string, 'pending' | 'done'>()
const MAX_STATES = 10_000

function remember(key: string, state: 'pending' | 'done'): void {
  states.delete(key)
  states.set(key, state)
  if (states.size > MAX_STATES) states.delete(states.keys().next().value as string)
}

@controller('/background')
export class BackgroundController {
  /** Answers at once; the sync task runs in the pool after the response, then the state is recorded here. */
  @post('/sync', query('ms', Millis), query('key', Key), background())
  async sync(ms: number, key: string, tasks: BackgroundTasks) {
    remember(key, 'pending')
    tasks.add(sleepTask, ms)
    tasks.add(async () => remember(key, 'done'))
    return [{ accepted: key }, 202] as const
  }

  @get('/status', query('key', Key))
  async status(key: string) {
    const state = states.get(key)
    return state === undefined ? [{ state: 'unknown' }, 404] as const : { state }
  }
}
