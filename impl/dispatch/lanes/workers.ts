/**
 * A lane's workers: the piscina options every lane shares, and what the pool needs to know about
 * piscina's failures. Each lane (blocking.ts, fast.ts, cpu.ts) starts its own piscina here.
 */
import { createRequire } from 'node:module'
import type { Piscina } from 'piscina'
import type { RouteCall, RouteResult, WorkerBoot, WorkerTask } from '../protocol.ts'
import type { LaneStats } from './lane.ts'
import type { Took } from './growth.ts'

/** What every lane's workers share: the worker entry, what each gets at start, who hears of failures. */
export interface LaneWorkers {
  /** URL of the worker entry piscina loads. */
  readonly filename: string
  readonly workerData: WorkerBoot
  /** Told when a worker fails outside a call (while idle, or at start); piscina replaces it. */
  readonly onError: (err: Error) => void
}

/** How many workers a lane keeps and how many calls may wait for one. */
export interface LaneSize {
  readonly minThreads: number
  readonly maxThreads: number
  readonly maxQueue: number
  /** Milliseconds an idle worker above `minThreads` lives. */
  readonly idleTimeout: number
}

/** A lane of `threads` workers, all started at once and kept (the fast and CPU lanes). */
export interface FixedSize {
  readonly threads: number
  readonly maxQueue: number
  readonly idleTimeout: number
}

/** The size of a lane that starts all its workers at once. */
export function fixed({ threads, maxQueue, idleTimeout }: FixedSize): LaneSize {
  return { minThreads: threads, maxThreads: threads, maxQueue, idleTimeout }
}

type PiscinaOptions = NonNullable<ConstructorParameters<typeof Piscina>[0]>

// piscina is loaded when the first lane starts, not on import: pool workers import the framework
// with the app module and never start a pool of their own (a worker's start-up and memory).
const require = createRequire(import.meta.url)

/** Start a lane's piscina; `extra` adds lane-specific options (the fast lane's queueing and balancer). */
export function startWorkers(workers: LaneWorkers, size: LaneSize, extra: Pick<PiscinaOptions, 'concurrentTasksPerWorker' | 'loadBalancer'> = {}): Piscina {
  const { minThreads, maxThreads, maxQueue, idleTimeout } = size
  // Keep 'sync' atomics (the default): a worker waits for its next task on a futex,
  // which costs no CPU and hands over tasks faster than a message round trip.
  const { Piscina: PiscinaClass } = require('piscina') as { Piscina: typeof Piscina }
  const piscina = new PiscinaClass({
    filename: workers.filename,
    workerData: workers.workerData,
    minThreads,
    maxThreads,
    maxQueue,
    idleTimeout,
    ...extra,
  })
  // Without a listener, a worker dying while idle would crash the process; piscina replaces it.
  piscina.on('error', workers.onError)
  return piscina
}

/**
 * A lane backed by one piscina, which the subclass starts (with `startWorkers`) in its
 * constructor: calls go as plain route tasks unless the subclass says otherwise. The route lanes
 * (blocking, fast, cpu) are `Lane`s; the offload lane only runs tasks.
 */
export abstract class PiscinaLane {
  abstract readonly name: string
  protected abstract readonly piscina: Piscina

  /** Calls with an AbortSignal submitted and not settled (see `#submit`). */
  #abortable = 0
  /** Every task submitted and not settled, for `close` (which waits for them itself; see there). */
  #inFlight = 0
  #drained: (() => void) | undefined

  /** Count `p` in flight until it settles. Subclasses that submit to the piscina themselves (the fast lane's batches) use it too. */
  protected track<T>(p: Promise<T>): Promise<T> {
    this.#inFlight++
    const settled = (): void => {
      if (--this.#inFlight === 0) this.#drained?.()
    }
    p.then(settled, settled)
    return p
  }

  /**
   * piscina queues a task that carries an AbortSignal apart from the others and does not count it
   * against `maxQueue` (and runs it alone on its worker): the lane enforces the bound itself, so a
   * flood still gets 503 instead of an unbounded queue.
   */
  #submit(task: WorkerTask, signal: AbortSignal | undefined): Promise<unknown> {
    // A route call's answer says how long its handler took: the blocking lane grows by it (growth.ts).
    const took = task.kind === 'route' ? routeHandlerMs : undefined
    if (signal === undefined) return this.track(this.admit(() => this.piscina.run(task), undefined, took))
    const { maxThreads, maxQueue } = this.piscina.options
    if (this.#abortable >= maxThreads + maxQueue) return Promise.reject(queueAtLimit())
    this.#abortable++
    const settled = (): void => {
      this.#abortable--
    }
    const p = this.track(this.admit(() => this.piscina.run(task, { signal }), signal, took))
    p.then(settled, settled)
    return p
  }

  /**
   * Hand one call to the piscina (`send`): at once here; the blocking lane first waits for an
   * idle worker (growth.ts). `signal` aborts a call still waiting; `took` reads the handler's time
   * from the answer.
   */
  protected admit<T>(send: () => Promise<T>, _signal?: AbortSignal, _took?: Took<T>): Promise<T> {
    return send()
  }

  /** Hear the messages its workers post (a streamed body's chunks: ../streams.ts). */
  listen(onMessage: (message: unknown) => void): void {
    this.piscina.on('message', onMessage)
  }

  /** Run a task that is not a route call (an offload, a background task, a dependency) and resolve with its value. */
  runTask(task: Extract<WorkerTask, { kind: 'task' | 'dependency' }>, signal?: AbortSignal): Promise<unknown> {
    return this.#submit(task, signal)
  }

  get accepting(): boolean {
    return true
  }

  run(call: RouteCall, signal?: AbortSignal): Promise<RouteResult> {
    return this.#submit({ kind: 'route', ...call }, signal) as Promise<RouteResult>
  }

  get stats(): LaneStats {
    const p = this.piscina
    return { threads: p.threads.length, queueSize: p.queueSize, completed: p.completed }
  }

  /** Load the app in `minThreads` workers (at least one), each checking it compiled the loop's routes. */
  async warm(routes: string): Promise<void> {
    const task: WorkerTask = { kind: 'warm', routes }
    await Promise.all(Array.from({ length: Math.max(1, this.piscina.minThreads) }, () => this.piscina.run(task)))
  }

  /**
   * Let every queued and running call finish, then stop the workers. Not piscina's `close()`: in
   * piscina 5.3.2 it resolves once the first running task finishes (its "all idle" listener is
   * registered once per worker), and the `destroy()` after it then kills workers still running
   * calls — seen at SIGTERM as "worker died: Terminating worker thread" for calls in flight.
   */
  async close(): Promise<void> {
    if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#drained = resolve))
    await this.piscina.destroy()
  }

  destroy(): Promise<void> {
    return this.piscina.destroy()
  }
}

/** How long a route call's handler ran in its worker, ms; undefined when it was skipped (the client had left). */
function routeHandlerMs(answer: unknown): number | undefined {
  const r = answer as RouteResult
  return r.skipped === true ? undefined : r.ms
}

/** Whether piscina rejected a call because its signal aborted (the call was dropped, or its worker stopped). */
export function isAborted(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError'
}

/** piscina's message for a full queue, which the lanes also use for their own bounds. */
const QUEUE_AT_LIMIT = 'Task queue is at limit'

/** The error piscina rejects with when its queue is full: a lane's own bound says the same (`isQueueFull`). */
export function queueAtLimit(): Error {
  return new Error(QUEUE_AT_LIMIT)
}

/** The error of a call dropped because its signal aborted, named as piscina names it (`isAborted`). */
export function abortError(): Error {
  const err = new Error('The task has been aborted')
  err.name = 'AbortError'
  return err
}
const QUEUE_FULL = new Set([QUEUE_AT_LIMIT, 'No task queue available and all Workers are busy'])

/** Whether piscina refused a task because the lane's queue is full (`maxQueue`), rather than failing it. */
export function isQueueFull(err: unknown): boolean {
  return err instanceof Error && QUEUE_FULL.has(err.message)
}
