/**
 * The start-up phase: before the targets are started for loading, so nothing else runs beside
 * it, each target the bench spawns is started alone, once per round, measured and stopped
 * (startup-sample.ts). The order within a round is shuffled afresh (seeded: the run records its
 * seed), so no target always starts first on a cold machine or right after a particular other.
 * A target that fails to start is errored, named, and not started again; a variant has no start
 * of its own (it runs in its host's process).
 */
import { median } from '../../scenarios/stats.ts'
import type { Startup, StartupSample } from '../results/schema.ts'
import { seededRandom } from '../results/stats.ts'
import { shuffled } from './schedule.ts'
import { sampleStart, type Sample, type SampleOptions } from './startup-sample.ts'

/** A planned target, as the phase needs it (plan.ts's TargetPlan has this shape). */
export interface StartupPlan {
  readonly name: string
  readonly command: string
  readonly variant?: { readonly of: string }
}

export interface StartupSettings {
  /** Starts of each target; 0 skips the phase. */
  readonly rounds: number
  /** Idle time between the first 2xx /health and the memory reading, ms. */
  readonly idleMs: number
  /** How long a target may take to answer 2xx, ms. */
  readonly timeoutMs: number
  readonly seed: number
  /** taskset CPU list the targets run on (the bench's `cpus.target`); undefined: not pinned. */
  readonly pinTo?: string
  /** @default 20 */
  readonly pollMs?: number
}

/** One round's starts, in the order they ran. */
export interface RoundDone {
  readonly round: number
  readonly rounds: number
  readonly samples: readonly { readonly target: string; readonly sample: Sample }[]
}

export interface StartupEvents {
  /** Each round as it ends. */
  round?(done: RoundDone): void
}

/** A round in one line for the progress display: "round 2/5: reference 11.2 s, 1,180 MiB · fastify 0.41 s, 78 MiB". */
export function describeRound(d: RoundDone): string {
  const one = ({ target, sample: s }: RoundDone['samples'][number]): string =>
    s.state === 'ok' ? `${target} ${s.healthyMs >= 1000 ? `${(s.healthyMs / 1000).toFixed(1)} s` : `${Math.round(s.healthyMs)} ms`}, ${Math.round(s.idleRssBytes / 2 ** 20).toLocaleString('en-US')} MiB` : `${target} ${s.state}${s.state === 'errored' ? `: ${s.error}` : ''}`
  return `round ${d.round}/${d.rounds}: ${d.samples.map(one).join(' · ')}`
}

/** The bench gives a target as long to start as for loading (runner.ts). */
export const STARTUP_TIMEOUT_MS = 60_000

/** One target's samples, summarized (without the peak under load: assemble.ts adds it from the trials). */
export function startupEntry(target: string, samples: readonly StartupSample[]): Startup {
  const cpu = samples.flatMap((s) => (s.cpuMs === undefined ? [] : [s.cpuMs]))
  return {
    state: 'ok',
    target,
    samples,
    median: { healthyMs: median(samples.map((s) => s.healthyMs)), idleRssBytes: Math.round(median(samples.map((s) => s.idleRssBytes))), ...(cpu.length > 0 && { cpuMs: median(cpu) }) },
  }
}

/** Every planned target's start-up, in plan order; see the file comment. */
export async function measureStartup(plans: readonly StartupPlan[], s: StartupSettings, events: StartupEvents = {}, signal?: AbortSignal): Promise<Startup[]> {
  if (s.rounds === 0) return []
  const own = plans.filter((p) => p.variant === undefined)
  const samples = new Map<string, StartupSample[]>(own.map((p) => [p.name, []]))
  const errors = new Map<string, string>()
  const random = seededRandom(s.seed, 'startup')
  const options: SampleOptions = { timeoutMs: s.timeoutMs, idleMs: s.idleMs, ...(s.pinTo !== undefined && { pinTo: s.pinTo }), ...(s.pollMs !== undefined && { pollMs: s.pollMs }), ...(signal && { signal }) }
  let interrupted = false
  for (let round = 1; round <= s.rounds && !interrupted; round++) {
    const done: RoundDone['samples'][number][] = []
    for (const p of shuffled(own, random)) {
      if (errors.has(p.name)) continue
      if (signal?.aborted) {
        interrupted = true
        break
      }
      const sample = await sampleStart(p.command, options)
      done.push({ target: p.name, sample })
      if (sample.state === 'interrupted') {
        interrupted = true
        break
      }
      if (sample.state === 'errored') errors.set(p.name, `round ${round}: ${sample.error}`)
      else samples.get(p.name)?.push({ round, healthyMs: round1(sample.healthyMs), idleRssBytes: sample.idleRssBytes, cpuMs: Math.round(sample.cpuMs), threads: sample.threads })
    }
    if (done.length > 0) events.round?.({ round, rounds: s.rounds, samples: done })
  }
  return plans.map((p): Startup => {
    if (p.variant !== undefined) return { state: 'skipped', target: p.name, reason: `runs in ${p.variant.of}'s process: its start-up is ${p.variant.of}'s` }
    const error = errors.get(p.name)
    if (error !== undefined) return { state: 'errored', target: p.name, error }
    const got = samples.get(p.name) ?? []
    return got.length > 0 ? startupEntry(p.name, got) : { state: 'skipped', target: p.name, reason: 'not measured: the run was interrupted first' }
  })
}

/** Milliseconds to 0.1: the poll's resolution is ~20 ms, more digits would only be noise in results.json. */
const round1 = (x: number): number => Math.round(x * 10) / 10
