/**
 * Which lane a sync handler runs in. The blocking lane is the big pool (one task per worker, so
 * blocking calls overlap); the fast lane is one worker per core with tasks queued per worker, for
 * handlers measured to be quick. Waking one of 16 idle workers per tiny task is what makes
 * offloading expensive: on one core, piscina moved 2.6k trivial tasks/s with 16 threads and 37k
 * with 2 threads × 32 queued tasks (measured; see the README). Every route starts in the blocking
 * lane, is promoted after it has proven quick, and is demoted by one slow call; a route demoted
 * often stays in the blocking lane for good.
 */

/**
 * `fast`: quick handlers, one worker per core with tasks queued per worker. `blocking`: the big
 * pool, one task per worker, so handlers that wait overlap. `cpu`: handlers measured CPU-bound,
 * at most one running per core — more would only slow each other down (on 2 cores, 8 concurrent
 * SHA-256 requests got 86 req/s, 2 concurrent got 121; measured).
 */
export type Lane = 'fast' | 'blocking' | 'cpu'

export interface LaneOptions {
  /** Calls observed before a route may be promoted, and the window its median is taken over. @default 16 */
  window?: number
  /** Promote while the median of the window is under this many ms; demote when it is not. @default 0.5 */
  fastMs?: number
  /** One call at least this slow demotes a fast route at once (it really blocked). @default 50 */
  blockMs?: number
  /** Demotions after which a route stays in the blocking lane. @default 3 */
  maxDemotions?: number
}

interface RouteStats {
  /** The last `window` call durations, ms (a ring). */
  readonly recent: number[]
  next: number
  /** The last `window` measured calls: time the thread wanted a CPU (on it or queued for it), and wall time, ms. */
  readonly cpu: number[]
  readonly wall: number[]
  calls: number
  lane: Lane
  demotions: number
}

/**
 * A slow route whose calls spend at least this share of their time wanting a CPU is CPU-bound…
 * Measured in the pool tests: a handler spinning 3 ms reads 0.85–0.93 (the thread clock lags the
 * running thread by up to a tick, so the share reads low), one sleeping 3 ms reads 0.13–0.26.
 */
const CPU_ENTER = 0.7
/** …and stops being so below this share. */
const CPU_LEAVE = 0.4

/**
 * Why a median of wall times: Node 20 has no per-thread CPU clock, and a quick handler that the
 * OS preempts on a busy core shows a wall time of several ms now and then. The median ignores
 * those outliers; a handler that really waits (even 1 ms per call) moves the median at once.
 */
function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

/**
 * The thread clock a worker reads (schedstat) only advances at scheduler ticks and switches — in
 * steps of up to 4 ms here (CONFIG_HZ=250) — so one short call can read 0 ms of CPU or twice its
 * length. Per call that is noise; summed over the window it averages out, where a median of
 * per-call shares stayed biased (a 3 ms spinning handler sometimes never reached the CPU lane).
 */
function sum(xs: readonly number[]): number {
  let t = 0
  for (const x of xs) t += x
  return t
}

/** A route's lane, the median of its recent call times (ms) and how often it was demoted. */
export interface LaneSnapshot {
  readonly lane: Lane
  readonly medianMs: number
  readonly demotions: number
}

export class LaneRouter {
  readonly #o: Required<LaneOptions>
  readonly #stats = new Map<number, RouteStats>()

  constructor(options: LaneOptions = {}) {
    this.#o = { window: options.window ?? 16, fastMs: options.fastMs ?? 0.5, blockMs: options.blockMs ?? 50, maxDemotions: options.maxDemotions ?? 3 }
  }

  lane(route: number): Lane {
    return this.#stats.get(route)?.lane ?? 'blocking'
  }

  /**
   * Whether the next call of `route` should measure its thread's CPU time: only routes that are
   * not quick (each reading of the thread clock is a system call).
   */
  wantsCpu(route: number): boolean {
    const s = this.#stats.get(route)
    return s !== undefined && s.lane !== 'fast' && s.recent.length > 0 && medianOf(s.recent) >= this.#o.fastMs
  }

  /**
   * A call of `route` took `ms` in its worker (`cpuMs` of CPU, when measured). Returns the lane
   * for the next call.
   */
  observe(route: number, ms: number, cpuMs?: number): Lane {
    let s = this.#stats.get(route)
    if (s === undefined) {
      s = { recent: [], next: 0, cpu: [], wall: [], calls: 0, lane: 'blocking', demotions: 0 }
      this.#stats.set(route, s)
    }
    if (s.recent.length < this.#o.window) s.recent.push(ms)
    else s.recent[s.next] = ms
    s.next = (s.next + 1) % this.#o.window
    s.calls++
    if (cpuMs !== undefined && ms > 0) {
      s.cpu.push(Math.max(0, cpuMs))
      s.wall.push(ms)
      if (s.cpu.length > this.#o.window) {
        s.cpu.shift()
        s.wall.shift()
      }
    }
    const cpuShare = s.cpu.length >= this.#o.window / 2 ? sum(s.cpu) / sum(s.wall) : undefined
    if (s.lane === 'cpu') {
      if (cpuShare !== undefined && cpuShare < CPU_LEAVE) s.lane = 'blocking'
      return s.lane
    }
    if (s.lane === 'blocking' && cpuShare !== undefined && cpuShare >= CPU_ENTER && medianOf(s.recent) >= this.#o.fastMs) {
      s.lane = 'cpu'
      return s.lane
    }
    if (s.lane === 'fast') {
      // The median every fourth call: this runs for every quick request on the loop, and a sort
      // per call was ~1.5% of the loop's time under json-sync load. One slow call still demotes at once.
      if (ms >= this.#o.blockMs || (s.calls >= this.#o.window && s.calls % 4 === 0 && medianOf(s.recent) >= this.#o.fastMs)) {
        s.lane = 'blocking'
        s.demotions++
        s.calls = 0
        s.recent.length = 0
        s.next = 0
      }
    } else if (s.demotions < this.#o.maxDemotions && s.calls >= this.#o.window && medianOf(s.recent) < this.#o.fastMs) {
      s.lane = 'fast'
      s.calls = 0
    }
    return s.lane
  }

  snapshot(): Record<number, LaneSnapshot> {
    const out: Record<number, LaneSnapshot> = {}
    for (const [route, s] of this.#stats) out[route] = { lane: s.lane, medianMs: s.recent.length > 0 ? Math.round(medianOf(s.recent) * 1000) / 1000 : 0, demotions: s.demotions }
    return out
  }
}
