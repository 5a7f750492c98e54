/**
 * The bench run: start every target, verify it with the conformance suites, run the
 * micro-benchmarks, then the load scenarios — trials interleaved across targets, and across the
 * scenarios of one group (trial 1 of every cell, then trial 2, …, rotating the order; see
 * schedule.ts) so slow drift on a shared machine hits every target alike and ratios compare like
 * with like. A target that fails to start or dies is recorded and the run goes on. Emits events;
 * the progress display only listens. Each phase returns what it measured; results.json is
 * assembled from that at the end (assemble.ts), one trial at a time in trial.ts.
 */
import { checkConformance } from '../../scenarios/conformance.ts'
import { selectCases } from '../../scenarios/runner.ts'
import { ALL_CASES } from '../../scenarios/suites/index.ts'
import { environment } from '../environment.ts'
import type { BenchResults, Ceiling, LatencyCurve, Micro, Startup, Trial, Verification } from '../results/schema.ts'
import { deathOf, summarizeCell } from '../results/summarize.ts'
import { drain } from './drain.ts'
import { latencyCurves } from './open-loop/latency-curves.ts'
import { spawnTarget, type SpawnedTarget } from '../spawn-target.ts'
import { assembleResults, microFrom, verificationFrom, type CellTrial, type RunOutcome } from './assemble.ts'
import type { ExternalTarget } from './config.ts'
import { DRIVERS } from './drivers/registry.ts'
import { measureCeiling } from './ceiling.ts'
import { LoadGenerator } from './loadgen.ts'
import { machineBefore, MachineProbe } from './machine.ts'
import { runMicroProcess } from './micro-process.ts'
import { cpuPlan, pin, type CpuPlan } from './pinning.ts'
import { planTargets, processOf as processOfPlan, unitOf as unitOfPlan, type TargetPlan } from './plan.ts'
import { trialsFor, type BenchSettings } from './profiles.ts'
import { SCENARIOS, type Scenario } from './scenarios.ts'
import { scenarioBlocks, trialOrder } from './schedule.ts'
import { describeRound, measureStartup, STARTUP_TIMEOUT_MS } from './startup.ts'
import { runTrial, type Instruments } from './trial.ts'
import { Prober } from './prober/prober.ts'
import { startControlServer, type ControlServer } from './prober/control-server.ts'
import { switchVariant, type Variant } from './variant.ts'

export interface BenchEvents {
  phase?(name: string, detail: string): void
  trialStart?(info: { target: string; scenario: string; trial: number; trials: number; done: number; total: number; etaSec: number }): void
  trialEnd?(info: { target: string; scenario: string; trial: Trial }): void
  targetFailed?(name: string, why: string): void
}

/** Seconds one trial takes beyond its warm-up and measured time (pinning, the drain, the machine probe, connecting). */
const TRIAL_OVERHEAD_SEC = 0.45

export function runBench(settings: BenchSettings, external: readonly ExternalTarget[], events: BenchEvents = {}, signal?: AbortSignal): Promise<BenchResults> {
  return runPlans(settings, planTargets(settings, external), events, signal)
}

/** A planned target's process, once the start phase has run. */
type Started = { readonly state: 'started'; readonly process: SpawnedTarget } | { readonly state: 'failed-to-start'; readonly error: string }

/**
 * The run itself, over targets already planned (tests plan their own). Each phase returns what it
 * measured and the run records it as it comes; results.json is assembled from that record once, at
 * the end, however the run ends (complete, interrupted or failed), so what was measured is kept.
 */
export async function runPlans(settings: BenchSettings, plans: readonly TargetPlan[], events: BenchEvents = {}, signal?: AbortSignal): Promise<BenchResults> {
  const t0 = performance.now()
  const createdAt = new Date().toISOString()
  const cpus = cpuPlan()
  const scenarios = settings.scenarios.map((id) => SCENARIOS.find((s) => s.id === id) as Scenario)
  const processes = new Set<SpawnedTarget>()
  const starts = new Map<string, Started>()
  let verifications = new Map<string, Verification>()
  let micro: Micro | undefined
  const trials: CellTrial[] = []
  let latencyCurves: LatencyCurve[] = []
  let ceiling: Ceiling | undefined
  let startup: Startup[] | undefined
  let outcome: RunOutcome = { state: 'complete' }
  const loadgen = new LoadGenerator()
  const needsPings = scenarios.some((s) => s.ping !== undefined)
  // The prober and the idle control server it pings: processes of their own. Where there are
  // more CPUs than the plan uses they would get their own; on 2 cores they share the load
  // generator's, and the control pings measure what that costs.
  const prober = needsPings ? new Prober() : undefined
  let control: ControlServer | undefined
  let probe: MachineProbe | undefined
  try {
    await loadgen.ready()
    if (cpus.available && loadgen.pid !== undefined) pin({ pid: loadgen.pid }, cpus.loadgen)
    if (prober !== undefined) {
      await prober.ready()
      control = await startControlServer()
      if (cpus.available) for (const pid of [prober.pid, control.pid]) if (pid !== undefined) pin({ pid }, cpus.loadgen)
    }
    // Start-up and memory first, each target alone: nothing else runs yet (the instruments above sit idle).
    if (settings.startup.rounds > 0 && !signal?.aborted) {
      events.phase?.('startup', `each target started alone ${settings.startup.rounds} times: spawn to a 2xx GET /health, then its memory after ${settings.startup.idleMs} ms idle`)
      startup = await measureStartup(plans, { ...settings.startup, timeoutMs: STARTUP_TIMEOUT_MS, seed: settings.seed, ...(cpus.available && { pinTo: cpus.target }) }, { round: (d) => events.phase?.('startup', describeRound(d)) }, signal)
    }
    for (const [name, st] of await startTargets(plans, cpus, events, processes)) starts.set(name, st)
    verifications = await verifyTargets(plans, starts, settings.verifySuites, events, signal)
    micro = await microBenchmarks(settings, cpus, events, signal)
    // The generator against a no-op server, with the targets idle: the most this run can measure.
    if (!signal?.aborted) {
      events.phase?.('ceiling', `${settings.driver} against a no-op server (the load generator's ceiling)`)
      ceiling = await measureCeiling({ loadgen, driver: settings.driver, cpus, connections: 50, durationSec: settings.durationSec, trials: 3 })
    }
    probe = await MachineProbe.start(cpus.available ? cpus.target : undefined).catch(() => undefined)
    const machine = { before: () => machineBefore(probe) }
    const instruments = { loadgen, machine, ...(prober && { prober }), ...(control && { controlUrl: control.url }) }
    // A fresh generation of every target process (--baseline: a process's own luck, 10–15% for
    // its lifetime, is then one more thing the comparison's units vary by, not a bias of one side).
    const restart = async (): Promise<void> => {
      const old = [...processes]
      await Promise.allSettled(old.map((t) => t.stop()))
      for (const t of old) processes.delete(t)
      const fresh = await startTargets(plans, cpus, {}, processes)
      starts.clear()
      for (const [name, st] of fresh) starts.set(name, st)
    }
    const load: LoadContext = { settings, plans, scenarios, starts, cpus, instruments, events, ...(settings.restartEvery > 0 && { restart }), ...(signal && { signal }) }
    await runLoad(load, (t) => trials.push(t))
    latencyCurves = await runCurves(load, trials)
    if (signal?.aborted) outcome = { state: 'interrupted' }
  } catch (err) {
    outcome = { state: 'failed', error: (err as Error).stack ?? String(err) }
  } finally {
    loadgen.close()
    await Promise.allSettled([...processes].map((t) => t.stop()))
    await Promise.allSettled([prober?.close(), control?.stop(), probe?.close()])
  }
  return assembleResults({
    createdAt,
    durationMs: Math.round(performance.now() - t0),
    outcome,
    environment: environment(),
    loadGenerator: {
      tool: settings.driver,
      version: DRIVERS[settings.driver].version(),
      process: settings.driver === 'wrk' ? 'wrk, started by a separate child process (harness/bench/loadgen-child.ts)' : 'a separate child process (harness/bench/loadgen-child.ts)',
    },
    settings,
    cpus,
    scenarios,
    plans,
    starts,
    verifications,
    micro,
    trials,
    ceiling,
    latencyCurves,
    ...(startup !== undefined && { startup }),
  })
}

/** Start every target at once (nothing is measured yet, and each takes seconds); a variant gets its host's process. */
async function startTargets(plans: readonly TargetPlan[], cpus: CpuPlan, events: BenchEvents, processes: Set<SpawnedTarget>): Promise<Map<string, Started>> {
  events.phase?.('start', plans.map((p) => p.name).join(', '))
  const own = await Promise.all(
    plans.map(async (p): Promise<Started | undefined> => {
      if (p.variant !== undefined) return undefined // runs in its host's process
      try {
        const t = await spawnTarget(p.command, { startupTimeoutMs: 60_000 })
        processes.add(t) // stopped when the run ends, whatever happens next
        if (cpus.available) pin({ pgid: t.pid }, cpus.target)
        return { state: 'started', process: t }
      } catch (err) {
        events.targetFailed?.(p.name, (err as Error).message)
        return { state: 'failed-to-start', error: (err as Error).message }
      }
    }),
  )
  const started = new Map<string, Started>()
  for (const [i, p] of plans.entries()) if (p.variant === undefined) started.set(p.name, own[i] as Started)
  for (const p of plans) {
    if (p.variant === undefined) continue
    const host = started.get(p.variant.of)
    started.set(p.name, host?.state === 'started' ? host : { state: 'failed-to-start', error: `its host target ${p.variant.of} did not start` })
  }
  return started
}

/** The conformance suites against each started target the plan verifies, one at a time. */
async function verifyTargets(plans: readonly TargetPlan[], starts: ReadonlyMap<string, Started>, suites: readonly string[], events: BenchEvents, signal?: AbortSignal): Promise<Map<string, Verification>> {
  const out = new Map<string, Verification>()
  for (const p of plans) {
    const start = starts.get(p.name)
    if (start?.state !== 'started') continue
    if (!p.verify) {
      out.set(p.name, { state: 'skipped', reason: p.variant === undefined ? 'not verified: the plan does not verify this target' : `not verified: a variant of ${p.variant.of}, in its process` })
      continue
    }
    if (signal?.aborted) break
    events.phase?.('verify', `${p.name} (conformance: ${suites.join(', ')})`)
    const t = start.process
    try {
      const report = await checkConformance({
        target: { url: t.url, name: p.name, command: p.command },
        cases: selectCases(ALL_CASES, { suites }),
        targetGone: () => t.gone(),
        ...(signal && { signal }),
      })
      out.set(p.name, verificationFrom(report))
    } catch (err) {
      out.set(p.name, { state: 'errored', error: (err as Error).message })
    }
  }
  return out
}

/** The micro-benchmarks, with the targets idle; undefined when they were not run. */
async function microBenchmarks(settings: BenchSettings, cpus: CpuPlan, events: BenchEvents, signal?: AbortSignal): Promise<Micro | undefined> {
  if (settings.microTimeMs === 0 || signal?.aborted) return undefined
  events.phase?.('micro', 'dispatch, coercion and extraction micro-benchmarks (tinybench), pinned, with the targets\' flags')
  // Many short rounds: the ratio's interval comes from the spread between rounds.
  const rounds = settings.profile === 'quick' ? 4 : 10
  try {
    const run = await runMicroProcess(settings.microTimeMs, rounds, cpus.available ? cpus.target : undefined, 300_000)
    return microFrom(run, rounds, settings.seed)
  } catch (err) {
    return { state: 'errored', error: (err as Error).message }
  }
}

/**
 * How trials reach a planned target: the unit of targets sharing a process, the switch into the
 * state a trial measures, and the process to use (or why there is none), from what has `ran`.
 */
function targetAccess(plans: readonly TargetPlan[], starts: ReadonlyMap<string, Started>, ran: readonly CellTrial[]) {
  // A variant's trials run next to its host's, and a base build's twin's next to its head
  // target's, so their ratio compares moments seconds apart.
  const unitOf = (target: string): string => unitOfPlan(plans, target)
  const processOf = (target: string): string => processOfPlan(plans, target)
  // Every trial in a process that hosts a variant first sets the state it measures: the
  // variant's, or the host's own. No trial depends on the previous one having switched back.
  const switchFor = (target: string): ((url: string) => Promise<void>) | undefined => {
    const own = plans.find((p) => p.name === target)?.variant
    if (own !== undefined) return (url) => switchVariant(url, own, 'before')
    const hosted = plans.find((p) => p.variant?.of === target)?.variant
    return hosted === undefined ? undefined : (url) => switchVariant(url, hosted, 'after')
  }
  /** The process a trial of `target` runs against, or why it cannot run. */
  const readiness = (target: string): { readonly process: SpawnedTarget } | { readonly reason: string } => {
    const start = starts.get(target)
    if (start?.state !== 'started') return { reason: `not run: the target did not start${start?.error ? ` (${start.error.split('\n')[0]})` : ''}` }
    const died = deathOf(ran.filter((t) => processOf(t.target) === processOf(target)).map((t) => t.trial)) ?? start.process.gone()
    return died === undefined ? { process: start.process } : { reason: `not run: the target died earlier (${died.split('\n')[0]})` }
  }
  return { unitOf, switchFor, readiness }
}

/**
 * Open-loop latency at fractions of each cell's measured maximum (open-loop/), after the
 * closed-loop trials; each run on a drained target, pinned and switched as its trials were.
 */
async function runCurves(ctx: LoadContext, trials: readonly CellTrial[]): Promise<LatencyCurve[]> {
  const { settings, cpus, events, signal } = ctx
  const open = settings.openLoop
  if (open === undefined || signal?.aborted) return []
  const { switchFor, readiness } = targetAccess(ctx.plans, ctx.starts, trials)
  const cells = ctx.plans.flatMap((p) =>
    open.scenarios.filter((id) => p.scenarios.includes(id)).map((id) => summarizeCell({ target: p.name, scenario: id, trials: trials.filter((t) => t.target === p.name && t.scenario === id).map((t) => t.trial) })),
  )
  events.phase?.('latency', `open-loop latency at ${open.fractions.map((f) => `${Math.round(f * 100)}%`).join(', ')} of each target's maximum (${open.scenarios.join(', ')})`)
  return latencyCurves({
    loadgen: ctx.instruments.loadgen,
    cells,
    scenarios: open.scenarios.flatMap((id) => ctx.scenarios.filter((s) => s.id === id)),
    fractions: open.fractions,
    durationSec: open.durationSec,
    ...(settings.connections !== undefined && { connections: settings.connections }),
    prepare: async (target, s) => {
      const ready = readiness(target)
      if ('reason' in ready) return ready
      if (cpus.available) pin({ pgid: ready.process.pid }, s.cpus === 'target-all' ? cpus.all : cpus.target)
      await switchFor(target)?.(ready.process.url)
      await drain(ready.process.url, ready.process.pid)
      return { url: ready.process.url }
    },
    ...(signal && { signal }),
  })
}

interface LoadContext {
  readonly settings: BenchSettings
  readonly plans: readonly TargetPlan[]
  readonly scenarios: readonly Scenario[]
  readonly starts: ReadonlyMap<string, Started>
  /** Stops every target process and starts it afresh (settings.restartEvery); undefined: never. */
  readonly restart?: () => Promise<void>
  readonly cpus: CpuPlan
  readonly instruments: Instruments & { readonly loadgen: LoadGenerator }
  readonly events: BenchEvents
  readonly signal?: AbortSignal
}

/**
 * Every cell's trials in schedule order (schedule.ts), each handed to `record` as it ends. A trial
 * of a target that did not start, or whose process died in an earlier trial, is recorded as
 * skipped, with the reason.
 */
async function runLoad(ctx: LoadContext, record: (t: CellTrial) => void): Promise<void> {
  const { settings, plans, events, signal } = ctx
  const cells = plans.flatMap((p) => ctx.scenarios.filter((s) => p.scenarios.includes(s.id)).map((s) => ({ target: p.name, scenario: s.id })))
  const trialsOf = (scenario: string): number => trialsFor(settings, scenario)
  const total = cells.reduce((n, c) => n + trialsOf(c.scenario), 0)
  const perTrial = settings.durationSec + TRIAL_OVERHEAD_SEC
  const ran: CellTrial[] = []
  let done = 0
  const { unitOf, switchFor, readiness } = targetAccess(plans, ctx.starts, ran)
  for (const block of scenarioBlocks(ctx.scenarios)) {
    const inBlock = cells.filter((c) => block.some((s) => s.id === c.scenario))
    const trials = Math.max(0, ...inBlock.map((c) => trialsOf(c.scenario)))
    for (let trial = 1; trial <= trials; trial++) {
      // A new generation of processes every `restartEvery` trials (see BenchSettings.restartEvery).
      const every = settings.restartEvery
      const generation = every > 0 ? Math.floor((trial - 1) / every) + 1 : 1
      if (every > 0 && trial > 1 && (trial - 1) % every === 0 && ctx.restart !== undefined && !signal?.aborted) {
        events.phase?.('restart', `every target process started afresh for trials ${trial}–${Math.min(trials, trial + every - 1)} (generation ${generation})`)
        await ctx.restart()
      }
      const firstOfGeneration = every > 0 ? (trial - 1) % every === 0 : trial === 1
      for (const cell of trialOrder(inBlock.filter((c) => trialsOf(c.scenario) >= trial), trial, settings.seed, unitOf)) {
        if (signal?.aborted) return
        const s = block.find((x) => x.id === cell.scenario) as Scenario
        const warmupsLeft = cells.filter((c) => !ran.some((t) => t.target === c.target && t.scenario === c.scenario)).length
        events.trialStart?.({ target: cell.target, scenario: s.id, trial, trials: trialsOf(s.id), done, total, etaSec: Math.round((total - done) * perTrial + warmupsLeft * settings.warmupSec) })
        const ready = readiness(cell.target)
        const setup = switchFor(cell.target)
        const t: Trial =
          'reason' in ready
            ? { trial, state: 'skipped', reason: ready.reason }
            : await runTrial({ scenario: s, trial, warmUp: firstOfGeneration, ...(every > 0 && { generation }), target: ready.process, settings, cpus: ctx.cpus, instruments: ctx.instruments, ...(setup && { setup }) })
        const entry: CellTrial = { target: cell.target, scenario: s.id, trial: t }
        ran.push(entry)
        record(entry)
        done++
        events.trialEnd?.({ target: cell.target, scenario: s.id, trial: t })
      }
    }
  }
}
