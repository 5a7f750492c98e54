/**
 * From what a bench run recorded to results.json: the harness's internal types mapped onto the
 * schema (harness/results/schema.ts), cells and targets summarized from their trials, the
 * requirements evaluated. Pure: the runner calls it once, when the run ends however it ends.
 */
import type { ConformanceReport } from '../../scenarios/types.ts'
import type { Environment as MachineEnvironment } from '../environment.ts'
import { evaluateRequirements } from '../results/requirements.ts'
import { describeIssues, listProblems } from '../results/parse.ts'
import { MicroSchema, SCHEMA_VERSION, type BenchResults, type Ceiling, type Environment, type LatencyCurve, type Machine, type Micro, type MicroResult, type ScenarioInfo, type Settings, type Startup, type Trial, type Verification } from '../results/schema.ts'
import { okTrials, summarizeCell, summarizeTarget, type TargetFacts } from '../results/summarize.ts'
import { median } from '../../scenarios/stats.ts'
import type { MicroReport } from './micro.ts'
import type { MicroRun } from './micro-process.ts'
import { PROBE_UNIT } from './machine-work.ts'
import { medianInterval } from '../results/stats.ts'
import type { CpuPlan } from './pinning.ts'
import { trialsFor, type BenchSettings } from './profiles.ts'
import type { Scenario } from './scenarios.ts'

/** A target as planned (runner.ts's TargetPlan has this shape). */
export interface PlannedTarget {
  readonly name: string
  readonly command: string
  readonly framework: string
  readonly scenarios: readonly string[]
  /** A variant runs in the process of the target it names. */
  readonly variant?: { readonly of: string }
}

/** One trial, where it belongs. */
export interface CellTrial {
  readonly target: string
  readonly scenario: string
  readonly trial: Trial
}

export type StartOutcome = { readonly state: 'started' } | { readonly state: 'failed-to-start'; readonly error: string }

export type RunOutcome = { readonly state: 'complete' } | { readonly state: 'interrupted' } | { readonly state: 'failed'; readonly error: string }

/** Everything a run recorded, as it happened. Phases that never ran leave their part empty. */
export interface RunRecord {
  readonly createdAt: string
  readonly durationMs: number
  readonly outcome: RunOutcome
  readonly environment: MachineEnvironment
  readonly loadGenerator: { readonly tool: string; readonly version: string; readonly process: string }
  readonly settings: BenchSettings
  readonly cpus: CpuPlan
  readonly scenarios: readonly Scenario[]
  readonly plans: readonly PlannedTarget[]
  readonly starts: ReadonlyMap<string, StartOutcome>
  readonly verifications: ReadonlyMap<string, Verification>
  readonly micro: Micro | undefined
  /** In the order they ran. */
  readonly trials: readonly CellTrial[]
  /** The load generator against a no-op server; undefined when the run ended before it was measured. */
  readonly ceiling: Ceiling | undefined
  readonly latencyCurves: readonly LatencyCurve[]
  /** The start-up phase's entries (startup.ts); undefined when it did not run. */
  readonly startup?: readonly Startup[]
}

/** A conformance report as the verification of a target: MUST cases that failed or errored are marked. */
export function verificationFrom(report: ConformanceReport): Verification {
  const mustFailures = report.cases.filter((c) => c.level === 'MUST' && (c.verdict === 'FAIL' || c.verdict === 'ERROR')).map((c) => c.id)
  return { state: 'ok', conformance: report, mustFailures }
}

function microResult(m: MicroReport['results'][number], roundsP50Us: readonly number[] | undefined): MicroResult {
  const { name, group } = m
  if (m.state === 'ok' && m.opsPerSec !== undefined && m.meanUs !== undefined && m.p50Us !== undefined && m.p99Us !== undefined && m.rme !== undefined && m.samples !== undefined) {
    return { name, group, state: 'ok', opsPerSec: m.opsPerSec, meanUs: m.meanUs, p50Us: m.p50Us, p99Us: m.p99Us, rme: m.rme, samples: m.samples, ...(roundsP50Us !== undefined && roundsP50Us.length > 0 && { roundsP50Us }) }
  }
  return { name, group, state: 'errored', error: m.error ?? 'incomplete measurement' }
}

/** The micro-benchmarks' report; errored, naming the problem, when it would not read back. */
export function microFrom(run: MicroRun, rounds: number, seed: number): Micro {
  const { report } = run
  const ratios = report.offloadVsPiscinaRounds
  const interval = ratios.length >= 3 ? medianInterval(ratios, seed) : undefined
  const micro: Micro = {
    state: 'ok',
    rounds,
    results: report.results.map((m) => microResult(m, report.roundsP50Us[m.name])),
    ...(report.offloadVsPiscina !== undefined && { offloadVsPiscina: report.offloadVsPiscina }),
    ...(interval !== undefined && { offloadVsPiscinaInterval: interval }),
    offloadVsPiscinaRounds: ratios,
    ...(ratios.length > 0 && { offloadVsPiscinaSpread: [Math.min(...ratios), Math.max(...ratios)] as [number, number] }),
    process: { pinned: run.pinned, flags: run.flags },
  }
  const checked = MicroSchema.safeParse(micro)
  return checked.success ? micro : { state: 'errored', error: `the micro-benchmark results are not valid results.json data: ${listProblems(describeIssues(checked.error))}` }
}

function environmentOf(e: MachineEnvironment, loadGenerator: RunRecord['loadGenerator']): Environment {
  const { node, platform, arch, osRelease, cpuModel, cores, memoryBytes, unblocked, gitCommit, hostname } = e
  return { node, platform, arch, osRelease, cpuModel, cores, memoryBytes, unblocked, gitCommit, hostname, loadGenerator: { ...loadGenerator } }
}

function settingsOf(s: BenchSettings, cpus: CpuPlan): Settings {
  return {
    profile: s.profile,
    durationSec: s.durationSec,
    warmupSec: s.warmupSec,
    trials: s.trials,
    ...(s.connections !== undefined && { connections: s.connections }),
    scenarios: s.scenarios,
    driver: s.driver,
    seed: s.seed,
    restartEvery: s.restartEvery,
    ...(s.openLoop !== undefined && { openLoop: { scenarios: s.openLoop.scenarios, fractions: s.openLoop.fractions, durationSec: s.openLoop.durationSec } }),
    targets: s.targets,
    verifySuites: s.verifySuites,
    microTimeMs: s.microTimeMs,
    startup: { rounds: s.startup.rounds, idleMs: s.startup.idleMs },
    pinning: {
      available: cpus.available,
      ...(cpus.why !== undefined && { why: cpus.why }),
      target: cpus.target,
      loadgen: cpus.loadgen,
      all: cpus.all,
      note: cpus.available
        ? `target pinned to CPU ${cpus.target}, load generator to CPU ${cpus.loadgen}; for cpu-sync the target gets every CPU (${cpus.all}) and shares CPU ${cpus.loadgen} with the load generator`
        : `not pinned (${cpus.why})`,
    },
  }
}

const scenarioInfo = (s: Scenario, settings: BenchSettings): ScenarioInfo => ({ id: s.id, description: s.description, method: s.method, path: s.path, connections: settings.connections ?? s.connections, trials: trialsFor(settings, s.id), cpus: s.cpus })

/** For what a run that ended early never reached. */
const endedFirst = (o: RunOutcome): string => (o.state === 'failed' ? 'the run failed first' : o.state === 'interrupted' ? 'the run was interrupted first' : 'the run ended first')

/** A trial whose probe took this many times the run's median ran on a visibly slowed machine. */
export const SLOW_FACTOR = 1.5

/** The machine over the run's trials, from each trial's sample. */
export function machineFrom(trials: readonly Trial[]): Machine {
  const ok = okTrials(trials)
  const probes = ok.flatMap((t) => (t.machine.probeMs === undefined ? [] : [t.machine.probeMs]))
  const loads = ok.flatMap((t) => (t.machine.loadavg1 === undefined ? [] : [t.machine.loadavg1]))
  const steals = ok.flatMap((t) => (t.machine.stealPct === undefined ? [] : [t.machine.stealPct]))
  const mid = probes.length > 0 ? median(probes) : undefined
  return {
    probe: `${PROBE_UNIT}, on the target's CPU just before each trial`,
    ...(mid !== undefined && { probeMs: { median: mid, min: Math.min(...probes), max: Math.max(...probes) } }),
    slowFactor: SLOW_FACTOR,
    slowedTrials: mid === undefined ? 0 : probes.filter((p) => p >= SLOW_FACTOR * mid).length,
    ...(loads.length > 0 && { loadavg1: [Math.min(...loads), Math.max(...loads)] as [number, number] }),
    ...(steals.length > 0 && { stealPctMax: Math.max(...steals) }),
  }
}

/** Each target's start-up entry with its peak RSS under load: the highest of the trials run in its process. */
export function withPeakRss(startup: readonly Startup[], trials: readonly CellTrial[], processOf: (target: string) => string): Startup[] {
  return startup.map((s) => {
    if (s.state !== 'ok') return s
    const peaks = okTrials(trials.filter((t) => processOf(t.target) === s.target).map((t) => t.trial)).flatMap((t) => (t.target.peakRssBytes === undefined ? [] : [t.target.peakRssBytes]))
    return peaks.length === 0 ? s : { ...s, peakRssBytes: Math.max(...peaks) }
  })
}

/** The cells (every target × each scenario it runs, in plan and scenario order) and targets, summarized. */
export function assembleResults(r: RunRecord): BenchResults {
  const machine = machineFrom(r.trials.map((t) => t.trial))
  const ceiling: Ceiling = r.ceiling ?? { state: 'skipped', reason: `not measured: ${endedFirst(r.outcome)}` }
  const ctx = {
    // Only a ceiling the generator itself hit bounds a cell (wrk outruns the no-op server here).
    ...(ceiling.state === 'ok' && ceiling.saturated && { ceilingRps: ceiling.rps }),
    ...(machine.probeMs !== undefined && { slowProbeMs: machine.slowFactor * machine.probeMs.median }),
    seed: r.settings.seed,
  }
  const cells = r.plans.flatMap((p) =>
    r.scenarios
      .filter((s) => p.scenarios.includes(s.id))
      .map((s) => summarizeCell({ target: p.name, scenario: s.id, trials: r.trials.filter((t) => t.target === p.name && t.scenario === s.id).map((t) => t.trial) }, ctx)),
  )
  const processOf = (name: string): string => r.plans.find((p) => p.name === name)?.variant?.of ?? name
  const targets = r.plans.map((p) => {
    const facts: TargetFacts = {
      name: p.name,
      command: p.command,
      framework: p.framework,
      scenarios: p.scenarios,
      start: r.starts.get(p.name) ?? { state: 'failed-to-start', error: `not started: ${endedFirst(r.outcome)}` },
      verification: r.verifications.get(p.name) ?? { state: 'skipped', reason: `not verified: ${endedFirst(r.outcome)}` },
      processTrials: r.trials.filter((t) => processOf(t.target) === processOf(p.name)).map((t) => t.trial),
    }
    return summarizeTarget(facts)
  })
  const micro: Micro = r.micro ?? { state: 'skipped', reason: r.settings.microTimeMs === 0 ? 'micro-benchmarks off (microTimeMs 0)' : `not run: ${endedFirst(r.outcome)}` }
  const startup = r.startup === undefined ? undefined : withPeakRss(r.startup, r.trials, processOf)
  return {
    schemaVersion: SCHEMA_VERSION,
    createdAt: r.createdAt,
    durationMs: r.durationMs,
    ...r.outcome,
    environment: environmentOf(r.environment, r.loadGenerator),
    settings: settingsOf(r.settings, r.cpus),
    scenarios: r.scenarios.map((s) => scenarioInfo(s, r.settings)),
    targets,
    cells,
    micro,
    ceiling,
    machine,
    latencyCurves: r.latencyCurves,
    ...(startup !== undefined && { startup }),
    ratios: evaluateRequirements({ cells, micro, ...(startup !== undefined && { startup }), seed: r.settings.seed }),
  }
}
