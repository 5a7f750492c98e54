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
 * 2: state-keyed unions for trials (`crashed` and `skipped` added), cells (`reason` on skipped
 * cells), targets (`verification` replaces `conformance` and `mustFailures`) and micro results;
 * `micro` always present; later, optional `unstable` on a conformance case (additive: files
 * with and without it read the same), and contract `v2` with its suites (additive too: a v1
 * file reads as before). 1: the first format.
 */
export const SCHEMA_VERSION = 2

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

/** ms. */
export const LatencySchema = z.object({ p50: ms, p90: ms, p99: ms, p999: ms, max: ms, mean: ms })
const Pinned = z.object({ target: z.string(), loadgen: z.string() }).nullable()

export const TrialOkSchema = z.object({
  trial: z.int().positive(),
  state: z.literal('ok'),
  requests: count,
  /** Measured seconds, as the load generator counted them. */
  durationSec: z.number().positive(),
  rps: z.number().nonnegative(),
  /** From autocannon's closed-loop clients. */
  latency: LatencySchema,
  errors: count,
  timeouts: count,
  non2xx: count,
  /** Responses that failed the scenario's check during the load. */
  mismatches: count,
  statusCodes: z.record(z.string(), count),
  /** Open-loop ping latency, ms from each ping's scheduled send time; timeline: [at ms, latency ms, ok 1|0]. */
  ping: LatencySchema.extend({ sent: count, failed: count, timeline: list(z.tuple([z.number(), z.number(), z.number()])) }).optional(),
  /** CPU the load generator itself used during the measured run. */
  loadgen: z.object({ cpuMs: ms, cpuPct: z.number().nonnegative() }),
  /** One core fully busy: the load generator, not the target, may be what limited requests/s. */
  loadgenSaturated: z.boolean(),
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

/** Medians over a cell's ok trials (peak RSS: the maximum; ping max: the maximum, sent/failed: sums). */
export const CellStatsSchema = z.object({
  rps: z.number().nonnegative(),
  p50: ms,
  p90: ms,
  p99: ms,
  p999: ms,
  max: ms,
  errors: z.number().nonnegative(),
  timeouts: z.number().nonnegative(),
  non2xx: z.number().nonnegative(),
  mismatches: z.number().nonnegative(),
  targetCpuCores: z.number().nonnegative().optional(),
  targetPeakRssBytes: count.optional(),
  ping: LatencySchema.extend({ sent: count, failed: count }).optional(),
})

const CellBase = z.object({ target: z.string(), scenario: z.string(), trials: list(TrialSchema) })

export const CellSchema = z.discriminatedUnion('state', [
  /** At least one trial ok. `spread`: min–max over the ok trials. */
  CellBase.extend({ state: z.literal('ok'), median: CellStatsSchema, spread: z.object({ rps: range, p99: range, pingP99: range.optional() }) }),
  /** No trial ok, and at least one ran and failed: the first failure. */
  CellBase.extend({ state: z.literal('errored'), error: z.string() }),
  /** No trial ran: the first trial's reason. */
  CellBase.extend({ state: z.literal('skipped'), reason: z.string() }),
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
  }),
  z.object({ name: z.string(), group: MicroGroup, state: z.literal('errored'), error: z.string() }),
])

export const MicroSchema = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('ok'),
    rounds: z.int().positive(),
    results: list(MicroResultSchema),
    /** offload path mean / bare piscina.run mean: the median over the paired rounds (absent when no round measured both). */
    offloadVsPiscina: z.number().positive().optional(),
    /** The ratio in each round that measured both, in order. */
    offloadVsPiscinaRounds: list(z.number().positive()),
    offloadVsPiscinaSpread: range.optional(),
  }),
  z.object({ state: z.literal('errored'), error: z.string() }),
  z.object({ state: z.literal('skipped'), reason: z.string() }),
])

// -- requirements ------------------------------------------------------------------------------

export const RatioSchema = z.object({
  id: z.string(),
  description: z.string(),
  /** Measured value, or null when a needed cell is missing or not ok. */
  value: z.number().nullable(),
  comparator: z.enum(['>=', '<=']),
  threshold: z.number(),
  met: z.boolean().nullable(),
  inputs: z.record(z.string(), z.number().nullable()),
  /**
   * For a ratio of two cells: the ratio within each trial number both cells completed. Those
   * trials ran moments apart, so each pair saw the same machine; `value` is their median. For the
   * micro-benchmark ratio: the ratio in each paired round. For a single cell's measurement (ping
   * p99): its value in each trial.
   */
  perTrial: list(z.number()).optional(),
})

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
  trials: z.int().positive(),
  /** Overrides every scenario's connection count when set. */
  connections: z.int().positive().optional(),
  scenarios: list(z.string()),
  targets: list(z.string()),
  verifySuites: list(z.string()),
  /** Micro-benchmark time per task, ms; 0 skipped them. */
  microTimeMs: z.number().nonnegative(),
  pinning: z.object({ available: z.boolean(), why: z.string().optional(), target: z.string(), loadgen: z.string(), all: z.string().optional(), note: z.string() }),
})

export const ScenarioInfoSchema = z.object({
  id: z.string(),
  description: z.string(),
  method: z.string(),
  path: z.string(),
  connections: z.int().positive(),
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
export type Ratio = z.infer<typeof RatioSchema>
