/**
 * How many CPUs the process may run on now, and a piscina balancer that keeps quick work on that
 * many workers.
 *
 * Why: the fast lane starts one worker per core, but a process's CPU affinity can shrink after it
 * starts (`taskset`, a cpuset, the bench pinning a target to one core). Then a second worker adds
 * no parallelism, only wake-ups and context switches on the shared core: with the reference pinned
 * to one core, json-sync did 1.3–1.9× more requests/s with one fast-lane worker than with two
 * (6 of 6 interleaved pairs on this project's machine). Piscina balances by least-busy and cannot
 * know the affinity, so this balancer (piscina's `loadBalancer` hook) packs tasks onto as many
 * workers as there are CPUs, and spills onto the rest only when those are full.
 */
import { availableParallelism } from 'node:os'
import type { Piscina } from 'piscina'

export type LoadBalancer = NonNullable<NonNullable<ConstructorParameters<typeof Piscina>[0]>['loadBalancer']>

/** CPUs this process may run on, capped at `cap`, re-read at most every `everyMs` (one syscall). */
export class CpuAllowance {
  readonly #cap: number
  readonly #everyMs: number
  readonly #read: () => number
  #value = 1
  #readAt = Number.NEGATIVE_INFINITY

  /** `read`: the CPUs available, affinity included (Node's `availableParallelism` uses sched_getaffinity). */
  constructor(cap: number, { everyMs = 1000, read = availableParallelism }: { everyMs?: number; read?: () => number } = {}) {
    this.#cap = Math.max(1, cap)
    this.#everyMs = everyMs
    this.#read = read
  }

  get now(): number {
    const t = performance.now()
    if (t - this.#readAt >= this.#everyMs) {
      this.#readAt = t
      this.#value = Math.max(1, Math.min(this.#cap, this.#read()))
    }
    return this.#value
  }
}

/**
 * Where a task goes: the least busy of the first `active()` workers, below `maximumUsage` tasks.
 * When those are full, or `overdue()` says they are not keeping up, the least busy of the others;
 * `null` (piscina queues the task) when every worker is full.
 *
 * `overdue` bounds what one slow call can hold up: tasks on a worker run one after another, so
 * while the oldest unanswered task is late, the next goes where it can start now (on a shared
 * core the scheduler then time-slices the two workers).
 */
export function packingBalancer(active: () => number, { maximumUsage, overdue }: { maximumUsage: number; overdue: () => boolean }): LoadBalancer {
  return (task, workers) => {
    const k = active()
    type W = (typeof workers)[number]
    let packed: W | null = null
    let spill: W | null = null
    for (let i = 0; i < workers.length; i++) {
      const w = workers[i] as W
      const usage = w.currentUsage
      if (w.isRunningAbortableTask || usage >= maximumUsage) continue
      if (task.isAbortable && usage > 0) continue // as piscina's own balancer: an abortable task runs alone
      if (i < k) {
        if (packed === null || usage < packed.currentUsage) packed = w
      } else if (spill === null || usage < spill.currentUsage) spill = w
    }
    if (packed !== null && spill !== null && packed.currentUsage > 0 && overdue()) return spill
    return packed ?? spill
  }
}
