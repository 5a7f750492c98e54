/**
 * One trial: one scenario's load against one running target, measured. The steps, in order:
 * pin, set the variant's state, warm up (first trial of a cell only), wait until the target is
 * idle (drain.ts), time the machine-speed probe on the target's CPU, then the measured load with
 * the ping prober running alongside in its own process. Whatever happens comes back as a Trial
 * (ok with its measurements, errored, or crashed when the target's process exited during it);
 * nothing is thrown and nothing else is changed.
 */
import { describeIssues, listProblems } from '../results/parse.ts'
import { TrialSchema, type MachineSample, type Trial } from '../results/schema.ts'
import type { SpawnedTarget } from '../spawn-target.ts'
import { drain, type Drained } from './drain.ts'
import type { LoadJob, LoadResult } from './loadgen-protocol.ts'
import { pin, type CpuPlan } from './pinning.ts'
import type { Prober } from './prober/prober.ts'
import { DEFAULT_DEADLINE_MS, type ProbeJob } from './prober/protocol.ts'
import type { BenchSettings } from './profiles.ts'
import { groupCpuMs, rssSampler } from './proc-stats.ts'
import type { Scenario } from './scenarios.ts'

/** The instruments a trial uses, each its own process (the runner owns them). */
export interface Instruments {
  readonly loadgen: { run(job: LoadJob, limitMs: number): Promise<LoadResult> }
  /** Absent: scenarios that ask for pings are measured without them (the trial says nothing of pings). */
  readonly prober?: Pick<Prober, 'connect' | 'probe'>
  /** The idle control server the prober pings beside the target. */
  readonly controlUrl?: string
  /** Times the machine-speed probe and starts the machine's meters; `after()` reads them (machine.ts). */
  readonly machine?: { before(): Promise<{ after(): MachineSample }> }
  /** Waits for the target to be idle; defaults to drain.ts (tests replace it). */
  readonly drain?: (url: string, pgid: number) => Promise<Drained>
}

export interface TrialOptions {
  readonly scenario: Scenario
  /** 1-based. */
  readonly trial: number
  /** Warm up first (the cell's first trial in this process). @default trial === 1 */
  readonly warmUp?: boolean
  /** Which generation of target processes ran it, when the run restarts them (BenchSettings.restartEvery). */
  readonly generation?: number
  readonly target: Pick<SpawnedTarget, 'url' | 'pid' | 'gone'>
  readonly settings: Pick<BenchSettings, 'durationSec' | 'warmupSec' | 'connections' | 'driver'>
  readonly cpus: CpuPlan
  readonly instruments: Instruments
  /** Puts the target in the state this trial measures (a variant's, or the host's own). */
  readonly setup?: (url: string) => Promise<void>
}

/** Per-request timeout, s. */
const REQUEST_TIMEOUT_SEC = 10
/** Seconds the load generator may take beyond its run before it counts as hung. */
const LOADGEN_GRACE_SEC = 30
/** A ping unanswered this long counts as unanswered (contract v2's deadline). */
const PING_DEADLINE_MS = DEFAULT_DEADLINE_MS
/** The prober opens about 400 connections before a ping trial; this bounds it. */
const PROBER_CONNECT_MS = 10_000
/**
 * A ping waiting longer than this counts toward "time blocked": two ping intervals, so one late
 * timer does not count, and a loop that runs a 50 ms sync handler does.
 */
const blockThreshold = (intervalMs: number): number => 2 * intervalMs

type Failure = Extract<Trial, { state: 'errored' | 'crashed' }>

export async function runTrial(o: TrialOptions): Promise<Trial> {
  const { scenario: s, trial, target, settings, cpus: plan, instruments: io } = o
  const cpus = s.cpus === 'target-all' ? plan.all : plan.target
  const pinned = plan.available && pin({ pgid: target.pid }, cpus) ? { target: cpus, loadgen: plan.loadgen } : null
  const failed = (err: unknown): Failure => {
    const gone = target.gone()
    return gone !== undefined ? { trial, state: 'crashed', error: `${gone} during ${s.id} trial ${trial}`, pinned } : { trial, state: 'errored', error: (err as Error).message, pinned }
  }
  const job = (durationSec: number): LoadJob => ({
    driver: settings.driver,
    url: target.url,
    method: s.method,
    path: s.path,
    connections: settings.connections ?? s.connections,
    durationSec,
    warmupSec: 0,
    body: s.body,
    timeoutSec: REQUEST_TIMEOUT_SEC,
  })
  try {
    if (o.setup !== undefined) await o.setup(target.url)
    // The warm-up is a run of its own, so the drain below waits out its backlog too.
    if ((o.warmUp ?? trial === 1) && settings.warmupSec > 0) await io.loadgen.run(job(settings.warmupSec), (settings.warmupSec + LOADGEN_GRACE_SEC) * 1000)
  } catch (err) {
    return failed(err)
  }
  const drained = await (io.drain ?? drain)(target.url, target.pid)
  const machine = io.machine === undefined ? undefined : await io.machine.before().catch(() => undefined)
  const pingJob: ProbeJob | undefined =
    s.ping === undefined || io.prober === undefined
      ? undefined
      : {
          targetUrl: target.url,
          ...(io.controlUrl !== undefined && { controlUrl: io.controlUrl }),
          path: '/ping',
          intervalMs: s.ping.intervalMs,
          durationMs: settings.durationSec * 1000,
          deadlineMs: PING_DEADLINE_MS,
          blockThresholdMs: blockThreshold(s.ping.intervalMs),
        }
  // Connections opened before the load starts, so the ping schedule starts with it.
  if (pingJob !== undefined && io.prober !== undefined) {
    try {
      await io.prober.connect(pingJob, PROBER_CONNECT_MS)
    } catch (err) {
      return failed(new Error(`the prober could not connect: ${(err as Error).message}`))
    }
  }
  const cpuBefore = groupCpuMs(target.pid)
  const rss = rssSampler(target.pid)
  const wall0 = performance.now()
  const load = io.loadgen.run(job(settings.durationSec), (settings.durationSec + LOADGEN_GRACE_SEC) * 1000)
  const pings = pingJob !== undefined && io.prober !== undefined ? io.prober.probe(pingJob, settings.durationSec * 1000 + PING_DEADLINE_MS + LOADGEN_GRACE_SEC * 1000) : undefined
  const [loaded, pinged] = await Promise.allSettled([load, pings])
  const measuredMs = performance.now() - wall0
  const peakRssBytes = rss.stop()
  const machineSample = machine?.after() ?? {}
  if (loaded.status === 'rejected') return failed(loaded.reason)
  // A ping cell cannot be judged without its pings: the trial is errored, named.
  if (pinged.status === 'rejected') return failed(new Error(`the prober failed: ${(pinged.reason as Error).message}`))
  const gone = target.gone()
  if (gone !== undefined) return { trial, state: 'crashed', error: `${gone} during ${s.id} trial ${trial}`, pinned }
  const cpuAfter = groupCpuMs(target.pid)
  const cpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined
  const r = loaded.value
  const t: Trial = {
    trial,
    state: 'ok',
    ...(o.generation !== undefined && { generation: o.generation }),
    requests: r.requests,
    durationSec: r.durationSec,
    rps: r.rps,
    closedLoop: r.latency,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    mismatches: r.mismatches,
    statusCodes: r.statusCodes,
    ...(pinged.value !== undefined && { ping: pinged.value }),
    loadgen: r.loadgen,
    machine: machineSample,
    drain: { ms: Math.round(drained.ms), quiet: drained.quiet },
    // CPU over the measured run: the target's average cores in use while loaded.
    target: { ...(cpuMs !== undefined && { cpuMs: Math.round(cpuMs), cpuCores: Math.round((cpuMs / measuredMs) * 100) / 100 }), ...(peakRssBytes !== undefined && { peakRssBytes }) },
    pinned,
  }
  // What results.json holds must read back: a measurement that does not fit the schema (a NaN
  // would be written as null) is an errored trial, named, rather than a file `report` rejects.
  const checked = TrialSchema.safeParse(t)
  return checked.success ? t : { trial, state: 'errored', error: `the measurement is not valid results.json data: ${listProblems(describeIssues(checked.error))}`, pinned }
}
