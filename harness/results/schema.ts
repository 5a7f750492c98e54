/**
 * results.json, the contract between a bench run and everything that reads it (the renderers,
 * `unblocked report`, comparisons, CI scripts). This file is its single source: the zod schemas
 * below validate a file read back (parse.ts), and the types are inferred from them. It imports
 * nothing of the harness: the runner maps its internal results onto these shapes.
 *
 * A measurement that failed is data: trials, cells, targets, verifications and the
 * micro-benchmarks are unions keyed on `state`, each state carrying only what it has (an `ok`
 * trial its measurements, an `errored` one its error, a `skipped` one the reason it did not run).
 *
 * Any change to the JSON shape bumps SCHEMA_VERSION.
 */
import { z } from 'zod'

/**
 * 3: every verdict carries its uncertainty (`Ratio.interval`, `Ratio.verdict` with
 * `inconclusive`), closed-loop latency renamed `closedLoop`, the ping prober's own process with a
 * control ping (`Trial.ping.{target,control}`, failed and unanswered pings counted, stall and time
 * blocked), the load generator's driver, CPU + run-queue wait and ceiling, a machine-speed probe
 * per trial, open-loop latency curves, errors summed over trials, cells invalid for ratios when
 * they saw errors. 2: state-keyed unions for trials (`crashed` and `skipped` added), cells (`reason` on skipped
 * cells), targets (`verification` replaces `conformance` and `mustFailures`) and micro results;
 * `micro` always present; later, optional `unstable` on a conformance case (additive: files
 * with and without it read the same), and contract `v2` with its suites (additive too: a v1
 * file reads as before). 1: the first format.
 */
export const SCHEMA_VERSION = 3

const list = <T extends z.ZodType>(item: T) => z.array(item).readonly()
const count = z.int().nonnegative()
const ms = z.number().nonnegative()
/** [min, max] over the trials. */
const range = z.tuple([z.number(), z.number()])

// -- conformance (the verification before loading; mirrors scenarios/types.ts) -------------------

export const VerdictSchema = z.enum(['PASS', 'FAIL', 'WARN', 'INFO', 'UNIMPLEMENTED', 'ERROR'])
const Observed = z.looseObject({ status: z.int().optional(), headers: z.record(z.string(), z.string()).optional(), body: z.string().optional() })

export const CaseResultSchema = z.object({
  id: z.string(),
  suite: z.enum(['coercion', 'extraction', 'errors', 'thread-safety', 'deps', 'context', 'background', 'streaming', 'cancellation', 'capacity', 'blocking', 'invasive']),
  level: z.enum(['MUST', 'SHOULD', 'INFO']),
  description: z.string(),
  verdict: VerdictSchema,
  reason: z.string(),
  expected: Observed.optional(),
  actual: Observed.optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  durationMs: ms,
  unstable: z.literal(true).optional(),
})

export const ConformanceSchema = z.object({
  contract: z.enum(['v1', 'v2']),
  target: z.object({ url: z.string(), name: z.string().optional(), command: z.string().optional(), server: z.string().optional() }),
  startedAt: z.string(),
  durationMs: ms,
  environment: z.record(z.string(), z.unknown()),
  settings: z.record(z.string(), z.unknown()),
  cases: list(CaseResultSchema),
  counts: z.record(VerdictSchema, count),
})

export const VerificationSchema = z.discriminatedUnion('state', [
  /** `mustFailures`: MUST cases that failed or errored; the target is benched anyway, and marked. */
  z.object({ state: z.literal('ok'), conformance: ConformanceSchema, mustFailures: list(z.string()) }),
  z.object({ state: z.literal('errored'), error: z.string() }),
  /** Not verified: the plan does not verify this target (a variant), or the run ended first. */
  z.object({ state: z.literal('skipped'), reason: z.string() }),
])

// -- targets -----------------------------------------------------------------------------------

const TargetBase = z.object({
  name: z.string(),
  command: z.string(),
  /** Framework and version(s) the target runs. */
  framework: z.string(),
  /** Scenarios this target runs (all unless restricted, e.g. the detection-off variant). */
  scenarios: list(z.string()),
})

export const TargetSchema = z.discriminatedUnion('state', [
  TargetBase.extend({ state: z.literal('ok'), verification: VerificationSchema }),
  /** Its process exited during a trial (`error` names which); its later trials were not run. */
  TargetBase.extend({ state: z.literal('died'), error: z.string(), verification: VerificationSchema }),
  TargetBase.extend({ state: z.literal('failed-to-start'), error: z.string() }),
])

// -- trials ------------------------------------------------------------------------------------

/** ms (microsecond resolution). */
export const LatencySchema = z.object({ p50: ms, p90: ms, p99: ms, p999: ms, max: ms, mean: ms })
const Pinned = z.object({ target: z.string(), loadgen: z.string() }).nullable()

/**
 * One probed server during one trial (the target, or the idle control server the prober pings
 * at the same moments to measure its own noise). Every scheduled ping counts: a ping answered
 * with an error or not at all is in `latency` with the time it waited (to its failure, or to its
 * deadline, counted from its scheduled send time), never dropped.
 */
export const PingSchema = z.object({
  intervalMs: z.number().positive(),
  /** Pings whose send time fell inside the measured run. */
  scheduled: count,
  /** Answered 200. */
  served: count,
  /** Answered otherwise, or the connection failed. */
  failed: count,
  /** No answer within the deadline (`deadlineMs` of the prober's job, 2 s by default) of its scheduled send time. */
  unanswered: count,
  /** From each ping's scheduled send time, over every scheduled ping. */
  latency: LatencySchema,
  /** The longest any ping waited, ms. */
  stallMaxMs: ms,
  /** How long at least one ping had been waiting more than `blockThresholdMs`, ms in total. */
  blockedMs: ms,
  blockThresholdMs: ms,
  /** [scheduled at ms, waited ms, 1 served | 0 failed or unanswered]. */
  timeline: list(z.tuple([z.number(), z.number(), z.number()])),
})

/** The load generator during one measured run. */
export const LoadgenUseSchema = z.object({
  driver: z.enum(['autocannon', 'wrk']),
  cpuMs: ms,
  cpuPct: z.number().nonnegative(),
  /** Time its threads were runnable but waiting for a CPU (/proc/<pid>/schedstat), ms; absent where unreadable. */
  waitMs: ms.optional(),
  /**
   * Time the hypervisor stole from the CPU(s) it was pinned to (/proc/stat), ms; absent where
   * unreadable. Shown, not counted in busyPct: on a VM it mostly comes from waking an idle vCPU
   * (loadgen-use.ts).
   */
  stealMs: ms.optional(),
  /** (CPU + run-queue wait) / wall time, %: 100 means it never had spare time. */
  busyPct: z.number().nonnegative(),
  /** busyPct ≥ the saturation bound: the generator, not the target, may be what limited requests/s. */
  saturated: z.boolean(),
})

/** The machine around one trial. */
export const MachineSampleSchema = z.object({
  /** A fixed unit of work (machine.ts) timed on the target's CPU just before the trial, ms. */
  probeMs: ms.optional(),
  /** /proc/loadavg, 1 minute. */
  loadavg1: z.number().nonnegative().optional(),
  /** Share of CPU time stolen by the hypervisor during the trial, %. */
  stealPct: z.number().nonnegative().optional(),
})

export const TrialOkSchema = z.object({
  trial: z.int().positive(),
  state: z.literal('ok'),
  /** Which generation of target processes ran it, when the run restarts them (settings.restartEvery). */
  generation: z.int().positive().optional(),
  requests: count,
  /** Measured seconds, as the load generator counted them. */
  durationSec: z.number().positive(),
  rps: z.number().nonnegative(),
  /**
   * From the load generator's closed-loop connections (each waits for its reply before sending
   * the next): these restate throughput and hide stalls; see `ping` and the open-loop curves
   * for latency. Never judged by `compare`.
   */
  closedLoop: LatencySchema,
  /** Connection errors, not counting timeouts. */
  errors: count,
  timeouts: count,
  non2xx: count,
  /** Responses that failed the scenario's check during the load. */
  mismatches: count,
  statusCodes: z.record(z.string(), count),
  /** The prober (its own process) on the target and on an idle control server, same schedule. */
  ping: z.object({ target: PingSchema, control: PingSchema.optional() }).optional(),
  loadgen: LoadgenUseSchema,
  machine: MachineSampleSchema,
  /**
   * Before the trial, the bench waited for the target to be idle (harness/bench/drain.ts): ms it
   * took, and false when it never turned quiet within the bound and was measured anyway.
   */
  drain: z.object({ ms, quiet: z.boolean() }),
  /** The target process group over warm-up and measurement, from /proc (absent where unreadable). */
  target: z.object({ cpuMs: ms.optional(), cpuCores: z.number().nonnegative().optional(), peakRssBytes: count.optional() }),
  /** CPU lists the target and the load generator were pinned to; null when not pinned. */
  pinned: Pinned,
})

export const TrialSchema = z.discriminatedUnion('state', [
  TrialOkSchema,
  /** The trial ran and failed (the load generator failed, the target could not be switched, …). */
  z.object({ trial: z.int().positive(), state: z.literal('errored'), error: z.string(), pinned: Pinned.optional() }),
  /** The target's process exited during this trial: the one place a target's death is recorded. */
  z.object({ trial: z.int().positive(), state: z.literal('crashed'), error: z.string(), pinned: Pinned.optional() }),
  /** Not run: the target did not start, or died earlier. */
  z.object({ trial: z.int().positive(), state: z.literal('skipped'), reason: z.string() }),
])

// -- cells (a target × a scenario) -------------------------------------------------------------

/** [low, high] of a 95% confidence interval. */
const interval = z.tuple([z.number(), z.number()])

/** Pings pooled over a cell's ok trials (all samples together, so p99 is the 99th of them all). */
export const PooledPingSchema = PingSchema.omit({ timeline: true })

export const CellStatsSchema = z.object({
  /** Median over the ok trials. */
  rps: z.number().nonnegative(),
  /** 95% interval of the median requests/s (bootstrap over the trials); absent with fewer than 3. */
  rpsInterval: interval.optional(),
  /** Closed-loop latency, medians over the trials (see TrialOk.closedLoop). */
  closedLoop: LatencySchema,
  targetCpuCores: z.number().nonnegative().optional(),
  targetPeakRssBytes: count.optional(),
})

/** Sums over every trial that ran (one bad trial is not hidden by a median). */
export const CellTotalsSchema = z.object({ requests: count, errors: count, timeouts: count, non2xx: count, mismatches: count })

const CellBase = z.object({ target: z.string(), scenario: z.string(), trials: list(TrialSchema) })

export const CellSchema = z.discriminatedUnion('state', [
  /** At least one trial ok. `spread`: min–max over the ok trials. */
  CellBase.extend({
    state: z.literal('ok'),
    median: CellStatsSchema,
    totals: CellTotalsSchema,
    spread: z.object({ rps: range }),
    ping: z.object({ target: PooledPingSchema, control: PooledPingSchema.optional() }).optional(),
    /** Median requests/s within reach (≥ 90%) of the load generator's ceiling: shown "≥ N", a lower bound. */
    atCeiling: z.boolean(),
    /** Ok trials whose load generator was saturated. */
    saturatedTrials: count,
    /** Ok trials that ran on a visibly slowed machine (probe ≥ 1.5 × the run's median). */
    slowedTrials: count,
    /** Why no ratio may use this cell (errors, mismatches, non-2xx answers); absent when it is sound. */
    invalid: z.string().optional(),
  }),
  /** No trial ok, and at least one ran and failed: the first failure. */
  CellBase.extend({ state: z.literal('errored'), error: z.string() }),
  /** No trial ran: the first trial's reason. */
  CellBase.extend({ state: z.literal('skipped'), reason: z.string() }),
])

// -- the load generator's ceiling and the machine ------------------------------------------------

/** The load generator against a no-op server in the same run: the most it can measure. */
export const CeilingSchema = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('ok'),
    driver: z.string(),
    connections: z.int().positive(),
    /** The best of the sound trials (a slower one shows a busier machine, not a lower reach). */
    rps: z.number().nonnegative(),
    perTrial: list(z.number().nonnegative()),
    /** The generator's busyPct (LoadgenUse), median over the same trials. */
    busyPct: z.number().nonnegative(),
    /**
     * The generator was saturated (busyPct ≥ the bound): `rps` is its ceiling. Otherwise the no-op
     * server (node:http, one CPU) set the pace and `rps` is a lower bound of the generator's reach.
     */
    saturated: z.boolean(),
    /** Trials left out (errors, non-2xx or mismatches from the no-op server, or a failed run), and why. */
    failures: list(z.string()).optional(),
  }),
  z.object({ state: z.literal('errored'), error: z.string() }),
  z.object({ state: z.literal('skipped'), reason: z.string() }),
])

export const MachineSchema = z.object({
  /** What the probe times. */
  probe: z.string(),
  /** The probe over the run's trials, ms (absent where it could not run). */
  probeMs: z.object({ median: ms, min: ms, max: ms }).optional(),
  /** A trial whose probe took ≥ this × the median ran on a visibly slowed machine. */
  slowFactor: z.number().positive(),
  slowedTrials: count,
  loadavg1: range.optional(),
  stealPctMax: z.number().nonnegative().optional(),
})

// -- open-loop latency ---------------------------------------------------------------------------

/** One constant arrival rate: every request scheduled, latency counted from its scheduled time. */
export const CurvePointSchema = z.object({
  /** Share of the cell's measured maximum requests/s. */
  fraction: z.number().positive(),
  rateRps: z.number().positive(),
  achievedRps: z.number().nonnegative(),
  scheduled: count,
  completed: count,
  /** Failed, non-2xx or unanswered by the end. */
  failed: count,
  latency: LatencySchema,
  /** The generator could not send on schedule (it fell behind by more than its slack): the point measures it too. */
  generatorBehind: z.boolean(),
  /** The generator's own lag, ms from each request's scheduled send to when it was handed to a connection: the part of `latency` that is the generator's. */
  sendLag: z.object({ p50: ms, p99: ms, max: ms }).optional(),
})

export const LatencyCurveSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('ok'), target: z.string(), scenario: z.string(), maxRps: z.number().positive(), points: list(CurvePointSchema) }),
  z.object({ state: z.literal('errored'), target: z.string(), scenario: z.string(), error: z.string() }),
  z.object({ state: z.literal('skipped'), target: z.string(), scenario: z.string(), reason: z.string() }),
])

// -- micro-benchmarks --------------------------------------------------------------------------

const MicroGroup = z.enum(['dispatch', 'floor', 'coercion', 'extraction'])

export const MicroResultSchema = z.discriminatedUnion('state', [
  z.object({
    name: z.string(),
    group: MicroGroup,
    state: z.literal('ok'),
    opsPerSec: z.number().nonnegative(),
    /** µs per call. */
    meanUs: z.number().nonnegative(),
    p50Us: z.number().nonnegative(),
    p99Us: z.number().nonnegative(),
    /** Relative margin of error of the mean, %. */
    rme: z.number().nonnegative(),
    samples: count,
    /** Median µs per call in each round (round trips), in order: the spread between rounds. */
    roundsP50Us: list(z.number().nonnegative()).optional(),
  }),
  z.object({ name: z.string(), group: MicroGroup, state: z.literal('errored'), error: z.string() }),
])

export const MicroSchema = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('ok'),
    rounds: z.int().positive(),
    results: list(MicroResultSchema),
    /** offload path median / bare piscina.run median: the median over the paired rounds (absent when no round measured both). */
    offloadVsPiscina: z.number().positive().optional(),
    /** 95% interval of that median (bootstrap over the rounds). */
    offloadVsPiscinaInterval: interval.optional(),
    /** The ratio in each round that measured both, in order. */
    offloadVsPiscinaRounds: list(z.number().positive()),
    offloadVsPiscinaSpread: range.optional(),
    /** How the micro-benchmark process ran: its CPU list and V8 flags. */
    process: z.object({ pinned: z.string().nullable(), flags: z.string() }).optional(),
  }),
  z.object({ state: z.literal('errored'), error: z.string() }),
  z.object({ state: z.literal('skipped'), reason: z.string() }),
])

// -- requirements ------------------------------------------------------------------------------

export const RequirementVerdictSchema = z.enum(['met', 'not met', 'inconclusive', 'invalid', 'not measured'])

export const RatioSchema = z.object({
  id: z.string(),
  description: z.string(),
  /** Point estimate, unrounded; null when not measured. */
  value: z.number().nullable(),
  /** 95% confidence interval of `value`; null when it could not be estimated. */
  interval: interval.nullable(),
  comparator: z.enum(['>=', '<=']),
  threshold: z.number(),
  /**
   * met / not met: the whole interval is on one side of the threshold. inconclusive: it
   * straddles it. invalid: an input cell saw errors or mismatches, or is a lower bound (at the
   * load generator's ceiling). not measured: an input is missing.
   */
  verdict: RequirementVerdictSchema,
  /** One line on how the verdict follows from the measurement. */
  why: z.string(),
  /** For an inconclusive verdict: about how many paired trials in all would resolve it. */
  trialsNeeded: z.int().positive().optional(),
  inputs: z.record(z.string(), z.number().nullable()),
  /**
   * The samples the interval comes from: for a ratio of two cells, the ratio within each trial
   * number both completed (moments apart, same machine); for the micro ratio, each round's; for
   * a ping requirement, each trial's value; for a start-up ratio, each round's (both targets started that round).
   */
  perTrial: list(z.number()).optional(),
})

// -- start-up and memory ------------------------------------------------------------------------

/** One start of a target in the start-up phase: spawned, polled until `/health` answers 2xx, left idle, stopped. */
export const StartupSampleSchema = z.object({
  /** Round of the start-up phase (every target starts once per round, in a seeded order). */
  round: z.int().positive(),
  /** Spawn to the first 2xx `/health`, ms. */
  healthyMs: ms,
  /** RSS of the target's whole process tree after it answered `/health` and then sat idle (settings.startup.idleMs). */
  idleRssBytes: count,
  /** CPU time of the process tree from spawn to idle RSS, ms (user + system). */
  cpuMs: ms.optional(),
  /** Threads in the process tree at idle. */
  threads: count.optional(),
})

export const StartupSchema = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('ok'),
    target: z.string(),
    samples: list(StartupSampleSchema),
    median: z.object({ healthyMs: ms, idleRssBytes: count, cpuMs: ms.optional() }),
    /** Highest RSS of the process tree seen in any load trial of the run (from the trials' peakRssBytes). */
    peakRssBytes: count.optional(),
  }),
  z.object({ state: z.literal('errored'), target: z.string(), error: z.string() }),
  z.object({ state: z.literal('skipped'), target: z.string(), reason: z.string() }),
])

// -- the run -----------------------------------------------------------------------------------

export const EnvironmentSchema = z.object({
  node: z.string(),
  platform: z.string(),
  arch: z.string(),
  osRelease: z.string(),
  cpuModel: z.string(),
  cores: z.int().positive(),
  memoryBytes: count,
  unblocked: z.string(),
  gitCommit: z.string().nullable(),
  hostname: z.string(),
  loadGenerator: z.object({ tool: z.string(), version: z.string(), process: z.string() }),
})

export const SettingsSchema = z.object({
  profile: z.string(),
  /** Measured seconds per trial. */
  durationSec: z.number().positive(),
  /** Warm-up seconds before each cell's first trial. */
  warmupSec: z.number().nonnegative(),
  /** Trials per cell, unless the scenario's own count (ScenarioInfo.trials) says otherwise. */
  trials: z.int().positive(),
  /** Overrides every scenario's connection count when set. */
  connections: z.int().positive().optional(),
  scenarios: list(z.string()),
  /** Which load generator drove the closed-loop trials. */
  driver: z.enum(['autocannon', 'wrk']),
  /** Seeds the trial order's shuffle and the bootstrap, so a run can be replayed. */
  seed: z.int().nonnegative(),
  /** Every target process is started afresh every this many trials (0 or absent: once per run). */
  restartEvery: z.int().nonnegative().optional(),
  /** Open-loop latency: scenarios measured at these fractions of each target's maximum requests/s; absent when off. */
  openLoop: z.object({ scenarios: list(z.string()), fractions: list(z.number().positive()), durationSec: z.number().positive() }).optional(),
  targets: list(z.string()),
  verifySuites: list(z.string()),
  /** Micro-benchmark time per task, ms; 0 skipped them. */
  microTimeMs: z.number().nonnegative(),
  /** The start-up phase: starts of each target (0: skipped), and the idle ms before its memory was read; absent in runs made before it existed. */
  startup: z.object({ rounds: count, idleMs: ms }).optional(),
  pinning: z.object({ available: z.boolean(), why: z.string().optional(), target: z.string(), loadgen: z.string(), all: z.string().optional(), note: z.string() }),
})

export const ScenarioInfoSchema = z.object({
  id: z.string(),
  description: z.string(),
  method: z.string(),
  path: z.string(),
  connections: z.int().positive(),
  /** Trials per cell of this scenario. */
  trials: z.int().positive(),
  /** split: target and load generator on separate CPUs; target-all: the target gets every CPU. */
  cpus: z.enum(['split', 'target-all']),
})

const RunBase = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  createdAt: z.iso.datetime(),
  durationMs: ms,
  environment: EnvironmentSchema,
  settings: SettingsSchema,
  scenarios: list(ScenarioInfoSchema),
  targets: list(TargetSchema),
  cells: list(CellSchema),
  micro: MicroSchema,
  ceiling: CeilingSchema,
  machine: MachineSchema,
  latencyCurves: list(LatencyCurveSchema),
  /** Start-up time and memory per target (issue 13); absent in runs made before it existed. */
  startup: list(StartupSchema).optional(),
  ratios: list(RatioSchema),
})

/** A whole run. An interrupted or failed run still holds everything measured before it ended. */
export const ResultsSchema = z.discriminatedUnion('state', [
  RunBase.extend({ state: z.literal('complete') }),
  RunBase.extend({ state: z.literal('interrupted') }),
  /** Something outside a single measurement failed (the load generator would not start, …). */
  RunBase.extend({ state: z.literal('failed'), error: z.string() }),
])

export type BenchResults = z.infer<typeof ResultsSchema>
export type RunState = BenchResults['state']
export type Environment = z.infer<typeof EnvironmentSchema>
export type Settings = z.infer<typeof SettingsSchema>
export type ScenarioInfo = z.infer<typeof ScenarioInfoSchema>
export type Target = z.infer<typeof TargetSchema>
export type Verification = z.infer<typeof VerificationSchema>
export type Conformance = z.infer<typeof ConformanceSchema>
export type CaseResult = z.infer<typeof CaseResultSchema>
export type Trial = z.infer<typeof TrialSchema>
export type TrialOk = z.infer<typeof TrialOkSchema>
export type Latency = z.infer<typeof LatencySchema>
export type Cell = z.infer<typeof CellSchema>
export type CellOk = Extract<Cell, { state: 'ok' }>
export type CellStats = z.infer<typeof CellStatsSchema>
export type Micro = z.infer<typeof MicroSchema>
export type MicroOk = Extract<Micro, { state: 'ok' }>
export type MicroResult = z.infer<typeof MicroResultSchema>
export type Ping = z.infer<typeof PingSchema>
export type PooledPing = z.infer<typeof PooledPingSchema>
export type LoadgenUse = z.infer<typeof LoadgenUseSchema>
export type MachineSample = z.infer<typeof MachineSampleSchema>
export type CellTotals = z.infer<typeof CellTotalsSchema>
export type Ceiling = z.infer<typeof CeilingSchema>
export type Machine = z.infer<typeof MachineSchema>
export type LatencyCurve = z.infer<typeof LatencyCurveSchema>
export type CurvePoint = z.infer<typeof CurvePointSchema>
export type RequirementVerdict = z.infer<typeof RequirementVerdictSchema>
export type Ratio = z.infer<typeof RatioSchema>
export type StartupSample = z.infer<typeof StartupSampleSchema>
export type Startup = z.infer<typeof StartupSchema>
