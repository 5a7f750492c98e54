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
import type { BenchResults, Micro, Trial, Verification } from '../results/schema.ts'
import { deathOf } from '../results/summarize.ts'
import { spawnTarget, type SpawnedTarget } from '../spawn-target.ts'
import { assembleResults, microFrom, verificationFrom, type CellTrial, type RunOutcome } from './assemble.ts'
import type { ExternalTarget } from './config.ts'
import { DRIVERS } from './drivers/registry.ts'
import { LoadGenerator } from './loadgen.ts'
import { runMicro } from './micro.ts'
import { cpuPlan, pin, type CpuPlan } from './pinning.ts'
import { planTargets, type TargetPlan } from './plan.ts'
import type { BenchSettings } from './profiles.ts'
import { SCENARIOS, type Scenario } from './scenarios.ts'
import { scenarioBlocks, trialOrder } from './schedule.ts'
import { runTrial } from './trial.ts'
import { switchVariant, type Variant } from './variant.ts'

export interface BenchEvents {
  phase?(name: string, detail: string): void
  trialStart?(info: { target: string; scenario: string; trial: number; trials: number; done: number; total: number; etaSec: number }): void
  trialEnd?(info: { target: string; scenario: string; trial: Trial }): void
  targetFailed?(name: string, why: string): void
}

/** Seconds one trial takes beyond its warm-up and measured time (pinning, connecting, reading /proc). */
const TRIAL_OVERHEAD_SEC = 0.2

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
  let starts = new Map<string, Started>()
  let verifications = new Map<string, Verification>()
  let micro: Micro | undefined
  const trials: CellTrial[] = []
  let outcome: RunOutcome = { state: 'complete' }
  const loadgen = new LoadGenerator()
  try {
    await loadgen.ready()
    if (cpus.available && loadgen.pid !== undefined) pin({ pid: loadgen.pid }, cpus.loadgen)
    starts = await startTargets(plans, cpus, events, processes)
    verifications = await verifyTargets(plans, starts, settings.verifySuites, events, signal)
    micro = await microBenchmarks(settings, events, signal)
    await runLoad({ settings, plans, scenarios, starts, cpus, loadgen, events, ...(signal && { signal }) }, (t) => trials.push(t))
    if (signal?.aborted) outcome = { state: 'interrupted' }
  } catch (err) {
    outcome = { state: 'failed', error: (err as Error).stack ?? String(err) }
  } finally {
    loadgen.close()
    await Promise.allSettled([...processes].map((t) => t.stop()))
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
async function microBenchmarks(settings: BenchSettings, events: BenchEvents, signal?: AbortSignal): Promise<Micro | undefined> {
  if (settings.microTimeMs === 0 || signal?.aborted) return undefined
  events.phase?.('micro', 'dispatch, coercion and extraction micro-benchmarks (tinybench)')
  const rounds = settings.profile === 'quick' ? 3 : 5
  try {
    return microFrom(await runMicro(settings.microTimeMs, rounds), rounds)
  } catch (err) {
    return { state: 'errored', error: (err as Error).message }
  }
}

interface LoadContext {
  readonly settings: BenchSettings
  readonly plans: readonly TargetPlan[]
  readonly scenarios: readonly Scenario[]
  readonly starts: ReadonlyMap<string, Started>
  readonly cpus: CpuPlan
  readonly loadgen: LoadGenerator
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
  const total = cells.length * settings.trials
  const perTrial = settings.durationSec + TRIAL_OVERHEAD_SEC
  const ran: CellTrial[] = []
  let done = 0
  // A variant's trials run next to its host's, so their ratio compares moments seconds apart.
  const unitOf = (target: string) => plans.find((p) => p.name === target)?.variant?.of ?? target
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
    const start = ctx.starts.get(target)
    if (start?.state !== 'started') return { reason: `not run: the target did not start${start?.error ? ` (${start.error.split('\n')[0]})` : ''}` }
    const died = deathOf(ran.filter((t) => unitOf(t.target) === unitOf(target)).map((t) => t.trial))
    return died === undefined ? { process: start.process } : { reason: `not run: the target died earlier (${died.split('\n')[0]})` }
  }
  for (const block of scenarioBlocks(ctx.scenarios)) {
    const inBlock = cells.filter((c) => block.some((s) => s.id === c.scenario))
    for (let trial = 1; trial <= settings.trials; trial++) {
      for (const cell of trialOrder(inBlock, trial, unitOf)) {
        if (signal?.aborted) return
        const s = block.find((x) => x.id === cell.scenario) as Scenario
        const warmupsLeft = cells.filter((c) => !ran.some((t) => t.target === c.target && t.scenario === c.scenario)).length
        events.trialStart?.({ target: cell.target, scenario: s.id, trial, trials: settings.trials, done, total, etaSec: Math.round((total - done) * perTrial + warmupsLeft * settings.warmupSec) })
        const ready = readiness(cell.target)
        const setup = switchFor(cell.target)
        const t: Trial =
          'reason' in ready
            ? { trial, state: 'skipped', reason: ready.reason }
            : await runTrial({ scenario: s, trial, target: ready.process, settings, cpus: ctx.cpus, loadgen: ctx.loadgen, ...(setup && { setup }) })
        const entry: CellTrial = { target: cell.target, scenario: s.id, trial: t }
        ran.push(entry)
        record(entry)
        done++
        events.trialEnd?.({ target: cell.target, scenario: s.id, trial: t })
      }
    }
  }
}
