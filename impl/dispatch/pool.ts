/**
 * The worker pool (piscina) that runs sync handlers and offloaded tasks off the event loop.
 */
import { availableParallelism } from 'node:os'
import { Piscina } from 'piscina'
import { HttpError, UnblockedError } from '../errors.ts'
import type { RequestData } from '../extract/context.ts'
import type { CompiledRoute } from '../routing/compile.ts'
import type { SharedMemory } from '../shared/memory.ts'
import type { Offloader, TaskRef } from './offload-types.ts'
import { Batcher } from './batch.ts'
import { CpuAllowance, packingBalancer } from './cpus.ts'
import { LaneRouter, type LaneSnapshot } from './lanes.ts'
import type { Outcome } from '../error-response.ts'
import type { RouteCall, RouteResult, WorkerBoot, WorkerTask } from './protocol.ts'

export interface PoolOptions {
  /**
   * Workers started before the server listens and kept warm. A worker loads the app module to
   * start — about 0.3 s of CPU for the reference app (tsx, zod, the app) — and workers started
   * under load compete with the event loop for the CPU (on 2 cores, growing from 4 to 16 workers
   * stalled the loop for over a second). So the pool starts full by default.
   * @default maxThreads
   */
  minThreads?: number
  /**
   * Upper bound on workers. Not limited to the core count: a worker blocked in I/O or a sleep
   * holds no core, so blocking sync handlers overlap up to this many (FastAPI's default pool is 40
   * threads; worker threads weigh more, hence a smaller default).
   * @default max(16, 4 × cores)
   */
  maxThreads?: number
  /**
   * Requests waiting for a worker before new ones get 503 with `Retry-After`.
   * @default 1024
   */
  maxQueue?: number
  /** Milliseconds an idle worker above `minThreads` lives (with `minThreads < maxThreads`). @default 30000 */
  idleTimeout?: number
  /**
   * A second, small pool for sync handlers measured to be quick (see lanes.ts): one worker per
   * core, many tasks queued per worker. Handlers that block never get there.
   * @default true
   */
  fastLane?: boolean
  /** Workers in the fast lane. @default the number of cores */
  fastLaneThreads?: number
}

export function resolvePoolOptions(o: PoolOptions = {}): Required<PoolOptions> {
  const maxThreads = o.maxThreads ?? Math.max(16, 4 * availableParallelism())
  const r = {
    minThreads: o.minThreads ?? maxThreads,
    maxThreads,
    maxQueue: o.maxQueue ?? 1024,
    idleTimeout: o.idleTimeout ?? 30_000,
    fastLaneThreads: o.fastLaneThreads ?? availableParallelism(),
  }
  for (const [k, v] of Object.entries(r)) {
    const min = k === 'maxThreads' || k === 'fastLaneThreads' ? 1 : 0
    if (!Number.isInteger(v) || v < min) {
      throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`options.pool.${k} must be an integer ≥ ${min}, got ${v}`])
    }
  }
  if (r.minThreads > r.maxThreads) {
    throw new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`options.pool.minThreads (${r.minThreads}) exceeds options.pool.maxThreads (${r.maxThreads})`])
  }
  return { ...r, fastLane: o.fastLane ?? true }
}

/** Tasks queued per fast-lane worker: they run back to back without the worker going to sleep. */
export const FAST_LANE_TASKS_PER_WORKER = 32
/** A flush is split across fast-lane workers only into batches of at least this many calls. */
const FAST_LANE_MIN_BATCH = 8
/**
 * A fast-lane batch unanswered this long (ms) means its worker is held up (a call turned slow):
 * the next batch goes to a worker beyond the CPU count. Fast-lane calls take under 0.5 ms.
 */
const FAST_LANE_OVERDUE_MS = 10

export interface LaneStats {
  readonly threads: number
  readonly queueSize: number
  readonly completed: number
}

export interface PoolStats extends LaneStats {
  /** The blocking lane's share of time busy (piscina's utilization). */
  readonly utilization: number
  readonly fastLane?: LaneStats
  readonly cpuLane?: LaneStats
  /** By route id: the lane its next call goes to, the median of its recent call times, its demotions. */
  readonly lanes: Record<string, LaneSnapshot>
}

function laneStats(p: Piscina): LaneStats {
  return { threads: p.threads.length, queueSize: p.queueSize, completed: p.completed }
}

const QUEUE_FULL = new Set(['Task queue is at limit', 'No task queue available and all Workers are busy'])

export class WorkerPool implements Offloader {
  readonly options: Required<PoolOptions>
  /** The blocking lane: one task per worker, so blocking calls overlap. */
  readonly #piscina: Piscina
  readonly #fast: Piscina | undefined
  /** One worker per core, one task each: CPU-bound handlers queue for a core instead of contending. */
  readonly #cpu: Piscina | undefined
  /** Fast-lane calls gathered per turn of the loop (see batch.ts). */
  readonly #batches: Batcher<RouteCall, RouteResult> | undefined
  readonly #lanes = new LaneRouter()
  #closing = false

  readonly #signature: string
  readonly #routeIds: readonly string[]

  /** `routes`: the loop's compiled route ids, in order, which every worker must reproduce. */
  constructor(appModule: string, shared: SharedMemory, routes: readonly CompiledRoute[], options: PoolOptions = {}, onError: (err: Error) => void = () => {}) {
    this.#routeIds = routes.map((r) => r.id)
    this.#signature = this.#routeIds.join(',')
    this.options = resolvePoolOptions(options)
    const workerData: WorkerBoot = { appModule, sharedBuffer: shared.buffer }
    const filename = new URL('./worker-bootstrap.mjs', import.meta.url).href
    this.#piscina = new Piscina({
      filename,
      workerData,
      minThreads: this.options.minThreads,
      maxThreads: this.options.maxThreads,
      maxQueue: this.options.maxQueue,
      idleTimeout: this.options.idleTimeout,
      // Keep 'sync' atomics (the default): a worker waits for its next task on a futex,
      // which costs no CPU and hands over tasks faster than a message round trip.
    })
    // Without a listener, a worker dying while idle would crash the process; piscina replaces it.
    this.#piscina.on('error', onError)
    if (this.options.fastLane) {
      const n = this.options.fastLaneThreads
      // As many fast-lane workers busy as the process has CPUs now (see cpus.ts).
      const cpus = new CpuAllowance(n)
      const active = () => cpus.now
      this.#fast = new Piscina({
        filename, workerData, minThreads: n, maxThreads: n, maxQueue: this.options.maxQueue, idleTimeout: this.options.idleTimeout,
        concurrentTasksPerWorker: FAST_LANE_TASKS_PER_WORKER,
        loadBalancer: packingBalancer(active, { maximumUsage: FAST_LANE_TASKS_PER_WORKER, overdue: () => (this.#batches?.oldestInFlightMs ?? 0) > FAST_LANE_OVERDUE_MS }),
      })
      this.#fast.on('error', onError)
      const fast = this.#fast
      const send = async (calls: RouteCall[]): Promise<RouteResult[]> => {
        // A lone call goes as a plain route task: no array to clone on an idle server.
        if (calls.length === 1) return [(await fast.run({ kind: 'route', ...(calls[0] as RouteCall) } satisfies WorkerTask)) as RouteResult]
        return (await fast.run({ kind: 'routes', calls } satisfies WorkerTask)) as RouteResult[]
      }
      this.#batches = new Batcher(send, { split: active, minBatch: FAST_LANE_MIN_BATCH })
      this.#cpu = new Piscina({ filename, workerData, minThreads: n, maxThreads: n, maxQueue: this.options.maxQueue, idleTimeout: this.options.idleTimeout })
      this.#cpu.on('error', onError)
    }
  }

  /** Load the app in `minThreads` workers before serving, so the first requests do not pay for it. */
  async warm(): Promise<void> {
    const n = Math.max(1, this.options.minThreads)
    const task: WorkerTask = { kind: 'warm', routes: this.#signature }
    const lanes = [this.#fast, this.#cpu].filter((p): p is Piscina => p !== undefined)
    await Promise.all([
      ...Array.from({ length: n }, () => this.#piscina.run(task)),
      ...lanes.flatMap((p) => Array.from({ length: this.options.fastLaneThreads }, () => p.run(task))),
    ])
  }

  /** Run a sync handler in a worker. Never rejects: pool failures become responses. */
  async runRoute(route: CompiledRoute, req: RequestData): Promise<Outcome> {
    if (this.#closing) return { response: new HttpError('UNB_ERR_POOL_CLOSED').toResponse() }
    const which = this.#lanes.lane(route.index)
    try {
      const call: RouteCall = { index: route.index, req, ...(this.#lanes.wantsCpu(route.index) && { cpu: true }) }
      let out: RouteResult
      // The fast lane only while it keeps up: a queue there means a slow call is holding it.
      if (which === 'fast' && this.#batches !== undefined && this.#fast?.queueSize === 0) out = await this.#batches.run(call)
      else {
        const lane = which === 'cpu' && this.#cpu !== undefined ? this.#cpu : this.#piscina
        out = (await lane.run({ kind: 'route', ...call } satisfies WorkerTask)) as RouteResult
      }
      this.#lanes.observe(route.index, out.ms, out.cpuMs)
      return out
    } catch (err) {
      return this.#failure(err, route.id)
    }
  }

  #failure(err: unknown, routeId: string): Outcome {
    const message = err instanceof Error ? err.message : String(err)
    if (QUEUE_FULL.has(message)) {
      const e = new HttpError('UNB_ERR_POOL_SATURATED', [this.#piscina.queueSize], { headers: { 'retry-after': '1' } })
      return { response: e.toResponse() }
    }
    // The worker died mid-request (process.exit, an uncaught error, or it failed to start).
    const e = new UnblockedError('UNB_ERR_POOL_WORKER_DIED', [routeId, message], { cause: err })
    const stack = err instanceof Error ? err.stack : undefined
    return {
      response: e.toResponse(),
      failure: { code: e.code, route: routeId, message: e.message, ...(stack === undefined ? {} : { stack }) },
    }
  }

  /** The explicit offload helper: run a registered task in a worker and await its result. */
  async run<A extends unknown[], R>(task: TaskRef<A, R>, ...args: A): Promise<Awaited<R>> {
    if (this.#closing) throw new UnblockedError('UNB_ERR_POOL_CLOSED')
    try {
      const msg: WorkerTask = { kind: 'task', module: task.module, name: task.name, args }
      return (await this.#piscina.run(msg)) as Awaited<R>
    } catch (err) {
      if (err instanceof Error && QUEUE_FULL.has(err.message)) {
        throw new HttpError('UNB_ERR_POOL_SATURATED', [this.#piscina.queueSize], { headers: { 'retry-after': '1' }, cause: err })
      }
      throw err
    }
  }

  /** What the pool is doing, for diagnostics: each lane's threads and queue, and the lane each sync route runs in. */
  get stats(): PoolStats {
    const lanes: PoolStats['lanes'] = {}
    for (const [index, l] of Object.entries(this.#lanes.snapshot())) lanes[this.#routeIds[Number(index)] ?? index] = l
    return {
      ...laneStats(this.#piscina),
      utilization: this.#piscina.utilization,
      ...(this.#fast && { fastLane: laneStats(this.#fast) }),
      ...(this.#cpu && { cpuLane: laneStats(this.#cpu) }),
      lanes,
    }
  }

  /** Finish queued and running tasks, then stop the workers. */
  async close(): Promise<void> {
    if (this.#closing) return
    this.#closing = true
    await Promise.all([this.#piscina.close(), this.#fast?.close(), this.#cpu?.close()])
  }

  /** Stop now, abandoning tasks (for a forced shutdown). */
  async destroy(): Promise<void> {
    this.#closing = true
    await Promise.all([this.#piscina.destroy(), this.#fast?.destroy(), this.#cpu?.destroy()])
  }
}
