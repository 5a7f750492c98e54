/**
 * One trial: one scenario's load against one running target, measured. Whatever happens comes
 * back as a Trial (ok with its measurements, errored, or crashed when the target's process exited
 * during it); nothing is thrown and nothing else is changed.
 */
import { describeIssues, listProblems } from '../results/parse.ts'
import { TrialSchema, type Trial } from '../results/schema.ts'
import type { SpawnedTarget } from '../spawn-target.ts'
import type { LoadGenerator } from './loadgen.ts'
import type { LoadJob, LoadResult } from './loadgen-protocol.ts'
import { pin, type CpuPlan } from './pinning.ts'
import type { BenchSettings } from './profiles.ts'
import { groupCpuMs, rssSampler } from './proc-stats.ts'
import type { Scenario } from './scenarios.ts'

export interface TrialOptions {
  readonly scenario: Scenario
  /** 1-based; the first trial of a cell runs the warm-up. */
  readonly trial: number
  readonly target: Pick<SpawnedTarget, 'url' | 'pid' | 'gone'>
  readonly settings: Pick<BenchSettings, 'durationSec' | 'warmupSec' | 'connections' | 'driver'>
  readonly cpus: CpuPlan
  readonly loadgen: Pick<LoadGenerator, 'run'>
  /** Puts the target in the state this trial measures (a variant's, or the host's own). */
  readonly setup?: (url: string) => Promise<void>
}

/** Per-request timeout, s. */
const REQUEST_TIMEOUT_SEC = 10
/** Seconds the load generator may take beyond warm-up and measurement before it counts as hung. */
const LOADGEN_GRACE_SEC = 30

/** The load generator's result, with the target's CPU and memory, as a results.json trial. */
function okTrial(trial: number, r: LoadResult, target: { cpuMs?: number; measuredMs: number; peakRssBytes?: number }, pinned: { target: string; loadgen: string } | null): Trial {
  const { cpuMs, measuredMs, peakRssBytes } = target
  return {
    trial,
    state: 'ok',
    requests: r.requests,
    durationSec: r.durationSec,
    rps: r.rps,
    latency: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, p999: r.latency.p999, max: r.latency.max, mean: r.latency.mean },
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    mismatches: r.mismatches,
    statusCodes: r.statusCodes,
    ...(r.ping && { ping: r.ping }),
    // With whether it was saturated (CPU + run-queue wait, loadgen-use.ts).
    loadgen: r.loadgen,
    // CPU over warm-up + measurement: the target's average cores in use while loaded.
    target: { ...(cpuMs !== undefined && { cpuMs: Math.round(cpuMs), cpuCores: Math.round((cpuMs / measuredMs) * 100) / 100 }), ...(peakRssBytes !== undefined && { peakRssBytes }) },
    pinned,
  }
}

export async function runTrial(o: TrialOptions): Promise<Trial> {
  const { scenario: s, trial, target, settings, cpus: plan } = o
  const cpus = s.cpus === 'target-all' ? plan.all : plan.target
  const pinned = plan.available && pin({ pgid: target.pid }, cpus) ? { target: cpus, loadgen: plan.loadgen } : null
  if (o.setup !== undefined) {
    try {
      await o.setup(target.url)
    } catch (err) {
      return { trial, state: 'errored', error: (err as Error).message, pinned }
    }
  }
  const job: LoadJob = {
    driver: settings.driver,
    url: target.url,
    method: s.method,
    path: s.path,
    connections: settings.connections ?? s.connections,
    durationSec: settings.durationSec,
    warmupSec: trial === 1 ? settings.warmupSec : 0,
    body: s.body,
    ...(s.ping && { ping: s.ping }),
    timeoutSec: REQUEST_TIMEOUT_SEC,
  }
  const cpuBefore = groupCpuMs(target.pid)
  const rss = rssSampler(target.pid)
  const wall0 = performance.now()
  let result: LoadResult
  try {
    result = await o.loadgen.run(job, (job.warmupSec + settings.durationSec + LOADGEN_GRACE_SEC) * 1000)
  } catch (err) {
    rss.stop()
    const gone = target.gone()
    if (gone !== undefined) return { trial, state: 'crashed', error: `${gone} during ${s.id} trial ${trial}`, pinned }
    return { trial, state: 'errored', error: (err as Error).message, pinned }
  }
  const measuredMs = performance.now() - wall0
  const cpuAfter = groupCpuMs(target.pid)
  const peakRssBytes = rss.stop()
  const gone = target.gone()
  if (gone !== undefined) return { trial, state: 'crashed', error: `${gone} during ${s.id} trial ${trial}`, pinned }
  const cpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined
  const measured = okTrial(trial, result, { ...(cpuMs !== undefined && { cpuMs }), measuredMs, ...(peakRssBytes !== undefined && { peakRssBytes }) }, pinned)
  // What results.json holds must read back: a measurement that does not fit the schema (a NaN
  // would be written as null) is an errored trial, named, rather than a file `report` rejects.
  const checked = TrialSchema.safeParse(measured)
  return checked.success ? measured : { trial, state: 'errored', error: `the measurement is not valid results.json data: ${listProblems(describeIssues(checked.error))}`, pinned }
}
