/**
 * Run-queue wait of a process, from /proc/<pid>/task/<tid>/schedstat (Linux): "<ns on a CPU>
 * <ns runnable but waiting for a CPU> <timeslices>". CPU time alone cannot say whether a load
 * generator had time to spare: one that was ready to send but waited for its CPU (another
 * process on it, a noisy neighbour) was just as unable to go faster. The wait is per thread and
 * a thread's numbers vanish when it exits, so the meter reads the threads as the run goes and
 * keeps each one's last reading.
 */
import { readdirSync, readFileSync } from 'node:fs'

export interface TaskTimes {
  /** ns on a CPU. */
  readonly cpuNs: number
  /** ns runnable, waiting on a run queue. */
  readonly waitNs: number
}

/** One schedstat line; undefined when it is not three non-negative integers. */
export function parseSchedstat(text: string): TaskTimes | undefined {
  const f = text.trim().split(/\s+/)
  if (f.length < 3 || !f.slice(0, 3).every((x) => /^\d+$/.test(x))) return undefined
  return { cpuNs: Number(f[0]), waitNs: Number(f[1]) }
}

/** Each live thread of `pid` now, by thread id; undefined when /proc has nothing readable for it. */
export function readTasks(pid: number): Map<number, TaskTimes> | undefined {
  let tids: string[]
  try {
    tids = readdirSync(`/proc/${pid}/task`)
  } catch {
    return undefined
  }
  const out = new Map<number, TaskTimes>()
  for (const tid of tids) {
    try {
      const t = parseSchedstat(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8'))
      if (t !== undefined) out.set(Number(tid), t)
    } catch {
      // the thread exited between the listing and the read
    }
  }
  return out.size > 0 ? out : undefined
}

/** What a meter measured: the sums over every thread seen, from its start to its stop, ms. */
export interface SchedUse {
  readonly cpuMs: number
  readonly waitMs: number
}

/**
 * Measures one process's threads from now until `stop()`. A thread that appears later counts from
 * zero (it started during the run); one that exits keeps its last reading, so sampling (every
 * `everyMs`) bounds what an exiting thread can take with it to that interval. Without `everyMs`
 * only the start and the stop are read: right for a process whose threads live as long as it.
 */
export class SchedMeter {
  readonly #pid: number
  readonly #start: Map<number, TaskTimes>
  readonly #last = new Map<number, TaskTimes>()
  readonly #timer: NodeJS.Timeout | undefined
  #readable: boolean

  constructor(pid: number, everyMs?: number) {
    this.#pid = pid
    this.#start = readTasks(pid) ?? new Map()
    this.#readable = this.#start.size > 0
    for (const [tid, t] of this.#start) this.#last.set(tid, t)
    this.#timer = everyMs === undefined ? undefined : setInterval(() => this.sample(), everyMs).unref()
  }

  /** Read the threads now (the meter also does this on its own every `everyMs`). */
  sample(): void {
    const now = readTasks(this.#pid)
    if (now === undefined) return
    this.#readable = true
    for (const [tid, t] of now) this.#last.set(tid, t)
  }

  /** Stop, read once more, and sum; undefined when the process's threads could never be read. */
  stop(): SchedUse | undefined {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.sample()
    if (!this.#readable) return undefined
    let cpuNs = 0
    let waitNs = 0
    for (const [tid, t] of this.#last) {
      const s = this.#start.get(tid)
      cpuNs += t.cpuNs - (s?.cpuNs ?? 0)
      waitNs += t.waitNs - (s?.waitNs ?? 0)
    }
    return { cpuMs: cpuNs / 1e6, waitMs: waitNs / 1e6 }
  }
}
