/**
 * The worker pool that runs sync handlers and offloaded tasks off the event loop. It is a set of
 * lanes (lanes/: blocking, fast, cpu), each with its own workers, and a policy that picks the
 * lane for each route from its measured calls: ask the policy, run on that lane.
 */
import { availableParallelism } from 'node:os'
import { HttpError, UnblockedError } from '../errors.ts'
import type { RequestData } from '../extract/context.ts'
import type { CompiledRoute } from '../routing/compile.ts'
import type { SharedMemory } from '../shared/memory.ts'
import type { Offloader, TaskRef } from './offload-types.ts'
import { BlockingLane } from './lanes/blocking.ts'
import { CpuLane } from './lanes/cpu.ts'
import { FastLane } from './lanes/fast.ts'
import type { Lane, LaneName, LaneStats } from './lanes/lane.ts'
import { OffloadLane } from './lanes/offload.ts'
import { LanePolicy, resolveLanePolicyOptions, type LanePolicyOptions, type LaneSnapshot } from './lanes/policy.ts'
import { isAborted, isQueueFull, type LaneWorkers, type PiscinaLane } from './lanes/workers.ts'
import { CallLimit } from './call-limit.ts'
import { cancelCell, markGone } from './shared-signal.ts'
import { Answered, type Outcome } from '../error-response.ts'
import { currentContext } from '../context/context-var.ts'
import type { DependencyRunner, RequestContext } from '../extract/context.ts'
import type { RouteOutcome } from './pipeline.ts'
import type { BackgroundCall } from './background.ts'
import type { DependencyResult, RouteCall, RouteResult, WorkerTask } from './protocol.ts'
import { StreamIntake } from './streams.ts'

export { FAST_LANE_TASKS_PER_WORKER } from './lanes/fast.ts'
export type { LaneStats } from './lanes/lane.ts'
export type { LanePolicyOptions, LaneSnapshot } from './lanes/policy.ts'

export interface PoolOptions {
  /**
   * Workers of the blocking lane started before the server listens and kept warm; the lane grows
   * to `maxThreads` while sync calls starve for a worker (`growAfterMs`). A worker loads the app module to start —
   * about 0.3 s of CPU and 16–24 MB for the reference app — so a full lane at start cost the
   * reference most of its start-up time and memory (22 workers: 3.8 s to listen, 630 MB idle);
   * the lane now starts with one worker per core, and `idleTimeout` keeps the ones it grows.
   * Set it to `maxThreads` to start full (no worker starts under load).
   * @default the number of cores
   */
  minThreads?: number
  /**
   * Upper bound on the blocking lane's workers. Not limited to the core count: a worker blocked in
   * I/O or a sleep holds no core, so blocking sync handlers overlap up to this many (FastAPI's
   * default pool is 40 threads; worker threads weigh more, hence a smaller default).
   * @default max(16, 4 × cores)
   */
  maxThreads?: number
  /**
   * How long a sync call waits for a blocking-lane worker before the lane starts one more, ms —
   * at most one per this interval, up to `maxThreads`, and only while more calls wait than
   * workers are starting and the busy workers run slow calls (median handler time ≥
   * `policy.fastMs`, or every running call has run `policy.blockMs`). So a burst of quick calls
   * starts no worker it does not need (each costs the loop's cores ~0.3 s of CPU), even when they
   * queue on a busy CPU; calls that block hold their workers, and the lane grows (lanes/growth.ts).
   * @default 10
   */
  growAfterMs?: number
  /**
   * Requests waiting for a worker, per lane, before new ones get 503 with `Retry-After`. In the
   * blocking lane, counted beyond the workers it could still start (`maxThreads + maxQueue` calls
   * in all, running or waiting).
   * @default 1024
   */
  maxQueue?: number
  /**
   * Milliseconds an idle worker above `minThreads` lives (with `minThreads < maxThreads`). Long,
   * because starting a worker is not cheap (see `minThreads`) and workers started under load
   * compete with the event loop for the CPU: a lane that grew for a burst keeps its workers for
   * the next one. @default 300000
   */
  idleTimeout?: number
  /**
   * The fast lane for sync handlers measured quick (lanes/fast.ts): one worker per core, many
   * tasks queued per worker. Handlers that block never get there. `false` leaves it out: quick
   * handlers stay in the blocking lane, and the CPU lane is unaffected.
   * @default true
   * @example { fastLane: false } // every sync handler that is not CPU-bound runs in the blocking lane
   */
  fastLane?: boolean
  /** Workers in the fast lane, all started at once. @default the number of cores */
  fastLaneThreads?: number
  /**
   * The CPU lane for sync handlers measured CPU-bound (lanes/cpu.ts; measured on Linux only): one
   * worker per core, one task each. `false` leaves it out: CPU-bound handlers stay in the blocking
   * lane, and the fast lane is unaffected.
   * @default true
   */
  cpuLane?: boolean
  /** Workers in the CPU lane, all started at once. @default the number of cores */
  cpuLaneThreads?: number
  /**
   * Workers of the offload lane, where `offload.run(task)` runs: its own capacity, so an async
   * handler's offloaded work never queues behind blocking sync handlers. All started at once.
   * @default the number of cores
   */
  offloadThreads?: number
  /**
   * The time limit of a call in the pool, ms: a sync handler (unless `@timeout` gives its route
   * another), a sync dependency, an offload or background task. Past it the call's worker is
   * terminated and replaced — a sync function that never returns cannot be stopped any other
   * way — and the request answers 504 `UNB_ERR_HANDLER_TIMEOUT`. The time counts from when the
   * call is queued. A streamed body's limit ends when its first chunk is ready.
   * @default 60000
   */
  handlerTimeout?: number
  /**
   * When a route moves between lanes; see `LanePolicyOptions` for each field's default.
   * @example { policy: { fastMs: 1, maxDemotions: 5 } }
   */
  policy?: LanePolicyOptions
}

/** Pool options with every default filled in. */
export type ResolvedPoolOptions = Readonly<Required<Omit<PoolOptions, 'policy'>> & { policy: Required<LanePolicyOptions> }>

/**
 * Validate pool options and fill in defaults. Pure: it starts nothing, so options can be checked
 * before anything is allocated. Throws `UNB_ERR_OPTIONS_INVALID` naming the option.
 */
export function resolvePoolOptions(o: PoolOptions = {}): ResolvedPoolOptions {
  const invalid = (problem: string) => new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`options.pool.${problem}`])
  const cores = availableParallelism()
  const maxThreads = o.maxThreads ?? Math.max(16, 4 * cores)
  const sizes = {
    minThreads: o.minThreads ?? Math.min(cores, maxThreads),
    maxThreads,
    maxQueue: o.maxQueue ?? 1024,
    growAfterMs: o.growAfterMs ?? 10,
    idleTimeout: o.idleTimeout ?? 300_000,
    fastLaneThreads: o.fastLaneThreads ?? cores,
    cpuLaneThreads: o.cpuLaneThreads ?? cores,
    offloadThreads: o.offloadThreads ?? cores,
    handlerTimeout: o.handlerTimeout ?? 60_000,
  }
  for (const [k, v] of Object.entries(sizes)) {
    const min = k === 'maxThreads' || k === 'fastLaneThreads' || k === 'cpuLaneThreads' || k === 'offloadThreads' || k === 'handlerTimeout' ? 1 : 0
    if (!Number.isInteger(v) || v < min) throw invalid(`${k} must be an integer ≥ ${min}, got ${v}`)
  }
  if (sizes.minThreads > sizes.maxThreads) throw invalid(`minThreads (${sizes.minThreads}) exceeds options.pool.maxThreads (${sizes.maxThreads})`)
  const switches = { fastLane: o.fastLane ?? true, cpuLane: o.cpuLane ?? true }
  for (const [k, v] of Object.entries(switches)) {
    if (typeof v !== 'boolean') throw invalid(`${k} must be true or false, got ${String(v)}`)
  }
  if (o.policy !== undefined && (typeof o.policy !== 'object' || o.policy === null)) throw invalid(`policy must be an object, got ${String(o.policy)}`)
  return { ...sizes, ...switches, policy: resolveLanePolicyOptions(o.policy) }
}

export interface PoolStats extends LaneStats {
  /** The blocking lane's share of time busy (piscina's utilization). */
  readonly utilization: number
  readonly fastLane?: LaneStats
  readonly cpuLane?: LaneStats
  readonly offloadLane: LaneStats
  /** By route id: the lane its next call goes to, the median of its recent call times, its demotions. */
  readonly lanes: Record<string, LaneSnapshot>
}

/** The outcome of a call stopped by its time limit: 504, logged (the handler overran). */
function stopped(limit: CallLimit, where: string): Outcome {
  const e = new UnblockedError('UNB_ERR_HANDLER_TIMEOUT', [where, limit.ms])
  return { response: e.toResponse(), failure: { code: e.code, route: where, message: e.message } }
}

/** The 503 for a lane whose queue is full. */
function saturated(lane: { readonly stats: LaneStats }, cause: unknown): HttpError {
  return new HttpError('UNB_ERR_POOL_SATURATED', [lane.stats.queueSize], { headers: { 'retry-after': '1' }, cause })
}

export class WorkerPool implements Offloader, DependencyRunner {
  readonly options: ResolvedPoolOptions
  readonly #blocking: BlockingLane
  readonly #offload: OffloadLane
  /** Every lane with workers: the route lanes and the offload lane. */
  readonly #all: readonly (Lane & PiscinaLane | OffloadLane)[]
  readonly #streams = new StreamIntake()
  /** Numbers route calls, so a streamed body's messages find their call. */
  #calls = 0
  /** The lanes the pool has, the blocking lane first; a lane switched off is not there. */
  readonly #lanes: readonly Lane[]
  readonly #byName: { readonly [K in LaneName]?: Lane }
  readonly #policy: LanePolicy
  #closing = false

  readonly #signature: string
  readonly #routeIds: readonly string[]

  /** `routes`: the loop's compiled route ids, in order, which every worker must reproduce. */
  constructor(appModule: string, shared: SharedMemory, routes: readonly CompiledRoute[], options: PoolOptions = {}, onError: (err: Error) => void = () => {}) {
    this.#routeIds = routes.map((r) => r.id)
    this.#signature = this.#routeIds.join(',')
    this.options = resolvePoolOptions(options)
    const o = this.options
    const workers: LaneWorkers = {
      filename: new URL('./worker-bootstrap.mjs', import.meta.url).href,
      workerData: { appModule, sharedBuffer: shared.buffer },
      onError,
    }
    this.#blocking = new BlockingLane(workers, { ...o, quickMs: o.policy.fastMs, blockMs: o.policy.blockMs })
    const lanes: Lane[] = [this.#blocking]
    if (o.fastLane) lanes.push(new FastLane(workers, { threads: o.fastLaneThreads, maxQueue: o.maxQueue, idleTimeout: o.idleTimeout }))
    if (o.cpuLane) lanes.push(new CpuLane(workers, { threads: o.cpuLaneThreads, maxQueue: o.maxQueue, idleTimeout: o.idleTimeout }))
    this.#lanes = lanes
    this.#byName = Object.fromEntries(lanes.map((l) => [l.name, l]))
    this.#policy = new LanePolicy(o.policy, lanes.map((l) => l.name))
    this.#offload = new OffloadLane(workers, { threads: o.offloadThreads, maxQueue: o.maxQueue, idleTimeout: o.idleTimeout })
    this.#all = [...(lanes as (Lane & PiscinaLane)[]), this.#offload]
    for (const lane of this.#all) lane.listen((m) => this.#streams.receive(m))
  }

  /**
   * Load the app in the workers before serving, so the first requests do not pay for it:
   * `minThreads` of the blocking lane, all of the fast and CPU lanes.
   */
  async warm(): Promise<void> {
    await Promise.all(this.#all.map((l) => l.warm(this.#signature)))
  }

  /**
   * Run a sync handler in a worker. Never rejects: pool failures become responses. A body the
   * handler streams arrives as it is produced (streams.ts); the route's lane learns from the call
   * once its stream is over. `watch` registers a callback for the client going away: a call still
   * queued then is dropped (the fast lane's batched calls excepted: they are quick by definition).
   */
  async runRoute(route: CompiledRoute, req: RequestData, watch?: (gone: () => void) => void): Promise<RouteOutcome> {
    if (this.#closing) return { response: new HttpError('UNB_ERR_POOL_CLOSED').toResponse() }
    const index = route.index
    const picked = this.#byName[this.#policy.lane(index)] ?? this.#blocking
    // A lane that cannot take the call now (the fast lane while a slow call holds it) hands it on.
    const lane = picked.accepting ? picked : this.#blocking
    const id = ++this.#calls
    // One object per call, filled in place: this runs for every sync request.
    const call: { -readonly [K in keyof RouteCall]: RouteCall[K] } = { index, req, id }
    if (this.#policy.wantsCpu(index)) call.cpu = true
    const context = currentContext()?.snapshot()
    if (context !== undefined) call.context = context
    // The fast lane's calls go unlimited and uncancelled (fast.ts): they were measured quick, and
    // a limit would cost its batching. Elsewhere: the time limit stops the call (its worker is
    // replaced); a client that leaves only marks the call — a queued one is then skipped, a
    // running one sees it through `disconnected()` — since stopping a running handler by
    // terminating its thread could leave shared state (a held mutex) broken.
    const limited = lane.name !== 'fast'
    const limit = limited ? new CallLimit(route.timeoutMs ?? this.options.handlerTimeout) : undefined
    if (limited && watch !== undefined) {
      const cancel = cancelCell()
      watch(() => markGone(cancel))
      call.cancel = cancel
    }
    try {
      const task = lane.run(call, limit?.signal)
      const first = await this.#streams.race(id, task)
      if ('stream' in first) {
        task.then((out: RouteResult) => this.#policy.observe(index, out.ms, out.cpuMs), () => {})
        return { response: { status: first.status, headers: first.headers, body: first.body } }
      }
      // A skipped call (its client had left) took no time: it must not make the route look quick.
      if (first.skipped !== true) this.#policy.observe(index, first.ms, first.cpuMs)
      return first
    } catch (err) {
      if (limit?.expired === true && isAborted(err)) return stopped(limit, route.id)
      return this.#failure(err, route.id, lane)
    } finally {
      limit?.clear()
    }
  }

  /**
   * Run a sync dependency of an async handler in a worker of the blocking lane (it may block,
   * like a sync handler). The request context goes along, and what the dependency set in it
   * comes back. A failure there answers the request as it would have here (`Answered`).
   */
  async runDependency(route: number, extractor: number, ctx: RequestContext): Promise<unknown> {
    if (this.#closing) throw new HttpError('UNB_ERR_POOL_CLOSED')
    const store = currentContext()
    const context = store?.snapshot()
    let r: DependencyResult
    const where = this.#routeIds[route] ?? String(route)
    try {
      r = (await this.#limited(this.#blocking, { kind: 'dependency', route, extractor, req: ctx.req, ...(context !== undefined && { context }) }, `a dependency of ${where}`)) as DependencyResult
    } catch (err) {
      if (isQueueFull(err)) throw saturated(this.#blocking, err)
      // Past the limit: the 504 answers as it is (error-response.ts); anything else is the worker's failure.
      if (err instanceof UnblockedError && err.code === 'UNB_ERR_HANDLER_TIMEOUT') throw err
      throw new Answered(this.#failure(err, where, this.#blocking))
    }
    store?.apply(r.context)
    if ('outcome' in r) throw new Answered(r.outcome)
    return r.value
  }

  /** Run a background task a handler added (after its response): sync work, so in the blocking lane. */
  async runBackground(call: BackgroundCall): Promise<unknown> {
    if (this.#closing) throw new UnblockedError('UNB_ERR_POOL_CLOSED')
    return this.#limited(this.#blocking, { kind: 'task', module: call.module, name: call.name, args: call.args }, `background task ${call.name}`)
  }

  /** A task with the pool's time limit: past it, `UNB_ERR_HANDLER_TIMEOUT` (the worker is replaced). */
  async #limited(lane: PiscinaLane, task: Extract<WorkerTask, { kind: 'task' | 'dependency' }>, what: string): Promise<unknown> {
    const limit = new CallLimit(this.options.handlerTimeout)
    try {
      return await lane.runTask(task, limit.signal)
    } catch (err) {
      if (limit.expired && isAborted(err)) throw new UnblockedError('UNB_ERR_HANDLER_TIMEOUT', [what, limit.ms], { cause: err })
      throw err
    } finally {
      limit.clear()
    }
  }

  #failure(err: unknown, routeId: string, lane: Lane): Outcome {
    if (isQueueFull(err)) return { response: saturated(lane, err).toResponse() }
    // The worker died mid-request (process.exit, an uncaught error, or it failed to start).
    const message = err instanceof Error ? err.message : String(err)
    const e = new UnblockedError('UNB_ERR_POOL_WORKER_DIED', [routeId, message], { cause: err })
    const stack = err instanceof Error ? err.stack : undefined
    return {
      response: e.toResponse(),
      failure: { code: e.code, route: routeId, message: e.message, ...(stack === undefined ? {} : { stack }) },
    }
  }

  /**
   * The explicit offload helper: run a registered task in a worker of the offload lane (its own
   * capacity, whatever the sync handlers hold) and await its result. The task sees the request's
   * context values.
   */
  async run<A extends unknown[], R>(task: TaskRef<A, R>, ...args: A): Promise<Awaited<R>> {
    if (this.#closing) throw new UnblockedError('UNB_ERR_POOL_CLOSED')
    const context = currentContext()?.snapshot()
    try {
      return (await this.#limited(this.#offload, { kind: 'task', module: task.module, name: task.name, args, ...(context !== undefined && { context }) }, `offload task ${task.name}`)) as Awaited<R>
    } catch (err) {
      throw isQueueFull(err) ? saturated(this.#offload, err) : err
    }
  }

  /** What the pool is doing, for diagnostics: each lane's threads and queue, and the lane each sync route runs in. */
  get stats(): PoolStats {
    const routes: PoolStats['lanes'] = {}
    for (const [index, l] of Object.entries(this.#policy.snapshot())) routes[this.#routeIds[Number(index)] ?? index] = l
    const others: { [K in Exclude<LaneName, 'blocking'> as `${K}Lane`]?: LaneStats } = {}
    for (const lane of this.#lanes) if (lane.name !== 'blocking') others[`${lane.name}Lane`] = lane.stats
    return { ...this.#blocking.stats, utilization: this.#blocking.utilization, ...others, offloadLane: this.#offload.stats, lanes: routes }
  }

  /** Finish queued and running tasks, then stop the workers. */
  async close(): Promise<void> {
    if (this.#closing) return
    this.#closing = true
    await Promise.all(this.#all.map((l) => l.close()))
  }

  /** Stop now, abandoning tasks (for a forced shutdown). */
  async destroy(): Promise<void> {
    this.#closing = true
    await Promise.all(this.#all.map((l) => l.destroy()))
  }
}
