/**
 * The bench run: start every target, verify it with the conformance suites, run the
 * micro-benchmarks, then the load scenarios — trials interleaved across targets, and across the
 * scenarios of one group (trial 1 of every cell, then trial 2, …, rotating the order; see
 * schedule.ts) so slow drift on a shared machine hits every target alike and ratios compare like
 * with like. A target that fails to start or dies is recorded and the run goes on. Emits events;
 * the progress display only listens.
 */
import { checkConformance } from '../../scenarios/conformance.ts'
import { selectCases } from '../../scenarios/runner.ts'
import { ALL_CASES } from '../../scenarios/suites/index.ts'
import { environment, packageVersion as versionOf } from '../environment.ts'
import { spawnTarget, type SpawnedTarget } from '../spawn-target.ts'
import type { ExternalTarget } from './config.ts'
import { LoadGenerator } from './loadgen.ts'
import type { LoadJob } from './loadgen-protocol.ts'
import { runMicro } from './micro.ts'
import { cpuPlan, pin } from './pinning.ts'
import { planTargets, type TargetPlan } from './plan.ts'
import type { BenchSettings } from './profiles.ts'
import { groupCpuMs, rssSampler } from './proc-stats.ts'
import { computeRatios, SCHEMA_VERSION, summarizeCell, type BenchResults, type Cell, type TargetRecord, type Trial } from './results.ts'
import { SCENARIOS, type Scenario } from './scenarios.ts'
import { scenarioBlocks, trialOrder } from './schedule.ts'
import { switchVariant } from './variant.ts'

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

/** The run itself, over targets already planned (tests plan their own). */
export async function runPlans(settings: BenchSettings, plans: readonly TargetPlan[], events: BenchEvents = {}, signal?: AbortSignal): Promise<BenchResults> {
  const t0 = performance.now()
  const plan = cpuPlan()
  const scenarios = settings.scenarios.map((id) => SCENARIOS.find((s) => s.id === id) as Scenario)
  const results: BenchResults = {
    schemaVersion: SCHEMA_VERSION,
    createdAt: new Date().toISOString(),
    durationMs: 0,
    state: 'complete',
    environment: { ...environment(), loadGenerator: { tool: 'autocannon', version: versionOf('autocannon'), process: 'a separate child process (harness/bench/loadgen-child.ts)' } },
    settings: {
      ...settings,
      pinning: {
        ...plan,
        note: plan.available
          ? `target pinned to CPU ${plan.target}, load generator to CPU ${plan.loadgen}; for cpu-sync the target gets every CPU (${plan.all}) and shares CPU ${plan.loadgen} with the load generator`
          : `not pinned (${plan.why})`,
      },
    },
    scenarios: scenarios.map((s) => ({ id: s.id, description: s.description, method: s.method, path: s.path, connections: settings.connections ?? s.connections, cpus: s.cpus })),
    targets: [],
    cells: [],
    ratios: [],
  }
  const running = new Map<string, SpawnedTarget>()
  const loadgen = new LoadGenerator()
  try {
    await loadgen.ready()
    if (plan.available && loadgen.pid !== undefined) pin({ pid: loadgen.pid }, plan.loadgen)

    // -- start (all at once: nothing is measured yet, and each takes seconds), then verify ---------
    const records = plans.map((p): TargetRecord => ({ name: p.name, command: p.command, framework: p.framework, state: 'ok', scenarios: p.scenarios }))
    results.targets.push(...records)
    events.phase?.('start', plans.map((p) => p.name).join(', '))
    await Promise.all(
      plans.map(async (p, i) => {
        const record = records[i] as TargetRecord
        if (p.variant !== undefined) return // runs in its host's process, below
        try {
          const t = await spawnTarget(p.command, { startupTimeoutMs: 60_000 })
          running.set(p.name, t)
          if (plan.available) pin({ pgid: t.pid }, plan.target)
        } catch (err) {
          record.state = 'failed-to-start'
          record.error = (err as Error).message
          events.targetFailed?.(p.name, record.error)
        }
      }),
    )
    for (const [i, p] of plans.entries()) {
      if (p.variant === undefined) continue
      const host = running.get(p.variant.of)
      if (host !== undefined) running.set(p.name, host)
      else Object.assign(records[i] as TargetRecord, { state: 'failed-to-start', error: `its host target ${p.variant.of} did not start` })
    }
    for (const [i, p] of plans.entries()) {
      if (signal?.aborted) break
      const record = records[i] as TargetRecord
      if (record.state !== 'ok') continue
      if (!p.verify) continue
      events.phase?.('verify', `${p.name} (conformance: ${settings.verifySuites.join(', ')})`)
      try {
        const t = running.get(p.name) as SpawnedTarget
        const report = await checkConformance({
          target: { url: t.url, name: p.name, command: p.command },
          cases: selectCases(ALL_CASES, { suites: settings.verifySuites }),
          targetGone: () => t.gone(),
          ...(signal && { signal }),
        })
        record.conformance = report
        record.mustFailures = report.cases.filter((c) => c.level === 'MUST' && (c.verdict === 'FAIL' || c.verdict === 'ERROR')).map((c) => c.id)
      } catch (err) {
        record.conformance = { error: (err as Error).message }
      }
    }

    // -- micro-benchmarks (targets idle) ----------------------------------------------------
    if (settings.microTimeMs === 0) results.micro = { state: 'skipped' }
    else if (!signal?.aborted) {
      events.phase?.('micro', 'dispatch, coercion and extraction micro-benchmarks (tinybench)')
      try {
        const rounds = settings.profile === 'quick' ? 3 : 5
        const report = await runMicro(settings.microTimeMs, rounds)
        const ratios = report.offloadVsPiscinaRounds
        results.micro = {
          state: 'ok',
          rounds,
          ...report,
          offloadVsPiscinaSpread: [Math.min(...ratios), Math.max(...ratios)],
        }
      } catch (err) {
        results.micro = { state: 'errored', error: (err as Error).message }
      }
    }

    // -- load -------------------------------------------------------------------------------
    for (const p of plans) for (const s of scenarios) {
      if (p.scenarios.includes(s.id)) results.cells.push({ target: p.name, scenario: s.id, state: 'ok', trials: [] })
    }
    const total = results.cells.length * settings.trials
    let done = 0
    const perTrial = settings.durationSec + TRIAL_OVERHEAD_SEC
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
    for (const block of scenarioBlocks(scenarios)) {
      const cells = results.cells.filter((c) => block.some((s) => s.id === c.scenario))
      for (let trial = 1; trial <= settings.trials; trial++) {
        for (const cell of trialOrder(cells, trial, unitOf)) {
          if (signal?.aborted) break
          const s = block.find((x) => x.id === cell.scenario) as Scenario
          const warmupsLeft = results.cells.filter((c) => c.trials.length === 0).length
          events.trialStart?.({ target: cell.target, scenario: s.id, trial, trials: settings.trials, done, total, etaSec: Math.round((total - done) * perTrial + warmupsLeft * settings.warmupSec) })
          const t = await runTrial(cell, s, trial, running.get(cell.target), results.targets, settings, plan, loadgen, switchFor(cell.target))
          cell.trials.push(t)
          done++
          events.trialEnd?.({ target: cell.target, scenario: s.id, trial: t })
        }
      }
    }
    if (signal?.aborted) results.state = 'interrupted'
  } catch (err) {
    results.state = 'failed'
    results.error = (err as Error).stack ?? String(err)
  } finally {
    loadgen.close()
    await Promise.allSettled([...new Set(running.values())].map((t) => t.stop())) // a variant shares its host's process
    for (const c of results.cells) summarizeCell(c)
    results.ratios = computeRatios(results)
    results.durationMs = Math.round(performance.now() - t0)
  }
  return results
}

async function runTrial(
  cell: Cell,
  s: Scenario,
  trial: number,
  target: SpawnedTarget | undefined,
  records: TargetRecord[],
  settings: BenchSettings,
  plan: ReturnType<typeof cpuPlan>,
  loadgen: LoadGenerator,
  /** Puts the target in the state this trial measures (a variant's, or the host's own). */
  setup?: (url: string) => Promise<void>,
): Promise<Trial> {
  const record = records.find((r) => r.name === cell.target)
  if (target === undefined || record?.state !== 'ok') {
    // Never started: skipped. Started and died: its cells errored.
    if (record?.state !== 'died') cell.state = 'skipped'
    return { trial, state: 'errored', error: `not run: the target ${record?.state === 'died' ? 'died earlier' : 'did not start'}${record?.error ? ` (${record.error.split('\n')[0]})` : ''}` }
  }
  const cpus = s.cpus === 'target-all' ? plan.all : plan.target
  const pinned = plan.available && pin({ pgid: target.pid }, cpus) ? { target: cpus, loadgen: plan.loadgen } : null
  if (setup !== undefined) {
    try {
      await setup(target.url)
    } catch (err) {
      return { trial, state: 'errored', error: (err as Error).message, pinned }
    }
  }
  const job: LoadJob = {
    url: target.url,
    method: s.method,
    path: s.path,
    connections: settings.connections ?? s.connections,
    durationSec: settings.durationSec,
    warmupSec: trial === 1 ? settings.warmupSec : 0,
    scenario: s.id,
    ...(s.ping && { ping: s.ping }),
    timeoutSec: 10,
  }
  const cpuBefore = groupCpuMs(target.pid)
  const rss = rssSampler(target.pid)
  const wall0 = performance.now()
  try {
    const r = await loadgen.run(job, (job.warmupSec + settings.durationSec + 30) * 1000)
    const measuredMs = performance.now() - wall0
    const cpuAfter = groupCpuMs(target.pid)
    const peakRssBytes = rss.stop()
    const gone = target.gone()
    if (gone !== undefined) throw new Error(`${gone} during ${s.id}`)
    // CPU over warm-up + measurement: the target's average cores in use while loaded.
    const cpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined
    return {
      trial,
      state: 'ok',
      ...r,
      target: { ...(cpuMs !== undefined && { cpuMs: Math.round(cpuMs), cpuCores: Math.round((cpuMs / measuredMs) * 100) / 100 }), ...(peakRssBytes !== undefined && { peakRssBytes }) },
      // One core fully busy means the load generator, not the target, may be what limits requests/s.
      loadgenSaturated: r.loadgen.cpuPct >= 90,
      pinned,
    }
  } catch (err) {
    rss.stop()
    const message = (err as Error).message
    const gone = target.gone()
    if (gone !== undefined && record) {
      record.state = 'died'
      record.error = `${gone} during ${s.id} trial ${trial}`
    }
    return { trial, state: 'errored', error: gone !== undefined ? `${gone} during ${s.id} trial ${trial}` : message, pinned }
  }
}
