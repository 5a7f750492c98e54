/**
 * Which lane a sync handler runs in, from its measured calls. Every route starts in the blocking
 * lane, is promoted to the fast lane after it has proven quick, and is demoted by one slow call; a
 * route demoted often stays in the blocking lane for good. A slow route whose calls spend their
 * time on a CPU goes to the CPU lane. The policy only picks lanes the pool has: with a lane
 * switched off, routes that would go there stay in the blocking lane.
 */
import { UnblockedError } from '../../errors.ts'
import type { LaneName } from './lane.ts'

export interface LanePolicyOptions {
  /**
   * Calls observed before a route may be promoted, and the window its median is taken over.
   * @default 16
   * @example { window: 32 } // promote after 32 quick calls
   */
  window?: number
  /**
   * Promote while the median of the window is under this many ms; demote when it is not.
   * @default 0.5
   */
  fastMs?: number
  /**
   * One call at least this slow demotes a fast route at once (it really blocked). Not below `fastMs`.
   * @default 50
   */
  blockMs?: number
  /**
   * Demotions after which a route stays in the blocking lane (0: never promote).
   * @default 3
   */
  maxDemotions?: number
}

/** Validate and fill in policy options (pure: `resolvePoolOptions` calls it before anything starts). */
export function resolveLanePolicyOptions(o: LanePolicyOptions = {}): Required<LanePolicyOptions> {
  const r = { window: o.window ?? 16, fastMs: o.fastMs ?? 0.5, blockMs: o.blockMs ?? 50, maxDemotions: o.maxDemotions ?? 3 }
  const invalid = (problem: string) => new UnblockedError('UNB_ERR_OPTIONS_INVALID', [`options.pool.policy.${problem}`])
  if (!Number.isInteger(r.window) || r.window < 1) throw invalid(`window must be an integer ≥ 1, got ${r.window}`)
  if (!Number.isInteger(r.maxDemotions) || r.maxDemotions < 0) throw invalid(`maxDemotions must be an integer ≥ 0, got ${r.maxDemotions}`)
  for (const k of ['fastMs', 'blockMs'] as const) {
    if (typeof r[k] !== 'number' || !(r[k] > 0)) throw invalid(`${k} must be a positive number, got ${r[k]}`)
  }
  if (r.blockMs < r.fastMs) throw invalid(`blockMs (${r.blockMs}) is below options.pool.policy.fastMs (${r.fastMs})`)
  return r
}

interface RouteStats {
  /** The last `window` call durations, ms (a ring). */
  readonly recent: number[]
  next: number
  /** The last `window` measured calls: time the thread wanted a CPU (on it or queued for it), and wall time, ms. */
  readonly cpu: number[]
  readonly wall: number[]
  calls: number
  lane: LaneName
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
export function medianOf(xs: readonly number[]): number {
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
  readonly lane: LaneName
  readonly medianMs: number
  readonly demotions: number
}

const ALL_LANES: readonly LaneName[] = ['blocking', 'fast', 'cpu']

export class LanePolicy {
  readonly #o: Required<LanePolicyOptions>
  readonly #stats = new Map<number, RouteStats>()
  readonly #fast: boolean
  readonly #cpu: boolean

  /** `lanes`: the lanes the pool has; the blocking lane is always there. */
  constructor(options: LanePolicyOptions = {}, lanes: readonly LaneName[] = ALL_LANES) {
    this.#o = resolveLanePolicyOptions(options)
    this.#fast = lanes.includes('fast')
    this.#cpu = lanes.includes('cpu')
  }

  /** The lane for the next call of `route`: one of the lanes the pool has. */
  lane(route: number): LaneName {
    return this.#stats.get(route)?.lane ?? 'blocking'
  }

  /**
   * Whether the next call of `route` should measure its thread's CPU time: only routes that are
   * not quick (each reading of the thread clock is a system call).
   */
  wantsCpu(route: number): boolean {
    if (!this.#cpu) return false
    const s = this.#stats.get(route)
    return s !== undefined && s.lane !== 'fast' && s.recent.length > 0 && medianOf(s.recent) >= this.#o.fastMs
  }

  /**
   * A call of `route` took `ms` in its worker (`cpuMs` of CPU, when measured). Returns the lane
   * for the next call.
   */
  observe(route: number, ms: number, cpuMs?: number): LaneName {
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
    if (this.#cpu && s.lane === 'blocking' && cpuShare !== undefined && cpuShare >= CPU_ENTER && medianOf(s.recent) >= this.#o.fastMs) {
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
    } else if (this.#fast && s.demotions < this.#o.maxDemotions && s.calls >= this.#o.window && medianOf(s.recent) < this.#o.fastMs) {
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
