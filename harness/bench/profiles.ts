/** Bench profiles and their overrides, validated when the settings are built. */
import { targets as builtInTargets } from '../../targets/index.ts'
import { DRIVER_NAMES, type DriverName } from './drivers/driver.ts'
import { PROFILES, type ProfileName } from './profile-presets.ts'
import { SCENARIOS } from './scenarios.ts'

export interface BenchSettings {
  readonly profile: ProfileName
  /** Measured seconds per trial: whole seconds, as autocannon counts them (it rounds 1.5 up to 2). */
  readonly durationSec: number
  /**
   * Warm-up seconds (same endpoint, same connections) before the first trial of each cell; later
   * trials find the target already warm for that scenario. Whole seconds, like the duration.
   */
  readonly warmupSec: number
  /** Trials per cell, for scenarios `trialsByScenario` does not name. */
  readonly trials: number
  /**
   * Trials per cell for the scenarios a requirement reads: a verdict's interval narrows with the
   * number of paired trials, so those get many short ones (see profile-presets.ts).
   */
  readonly trialsByScenario: Readonly<Record<string, number>>
  /** Seeds the shuffled trial order and the bootstrap, so a run's analysis can be replayed. */
  readonly seed: number
  /**
   * Start every target process afresh every this many trials; 0: one process per target for the
   * whole run. Two processes of identical code can differ by 10–15% in requests/s for their whole
   * lifetime (measured on this project's machine), so a comparison of two builds, each in one
   * process, measures the processes' luck as much as the code: `--baseline` restarts them, and
   * judges generations, not trials.
   */
  readonly restartEvery: number
  /** Open-loop latency after the closed-loop trials: these scenarios at these fractions of each target's max; undefined when off. */
  readonly openLoop: { readonly scenarios: readonly string[]; readonly fractions: readonly number[]; readonly durationSec: number } | undefined
  /** Overrides every scenario's connection count when set. */
  readonly connections: number | undefined
  readonly scenarios: readonly string[]
  /** Built-in target names and external `--spawn name=command` targets, in order. */
  readonly targets: readonly string[]
  /** Conformance suites run before loading ("verify, then load"); per profile in profile-presets.ts. */
  readonly verifySuites: readonly string[]
  /** Micro-benchmark time per task, ms; 0 skips them. */
  readonly microTimeMs: number
  /**
   * The load generator's tool (drivers/): wrk where installed is the cheaper one and a cross-check.
   * @default 'autocannon'
   */
  readonly driver: DriverName
  /** The start-up phase (startup.ts): starts of each target, and the idle ms before its memory is read; 0 rounds skips it. */
  readonly startup: { readonly rounds: number; readonly idleMs: number }
}

export class SettingsError extends Error {
  override readonly name = 'SettingsError'
}

/** The scenarios whose cells a requirement reads (harness/results/requirements.ts). */
const RATIO_SCENARIOS = ['json-async', 'json-sync', 'cpu-sync', 'ping-under-sync-blocking'] as const

/**
 * How long a started target sits idle before its memory is read, ms: long enough for what a
 * server does right after it listens (worker pools filling, lazy imports) to have settled.
 */
const STARTUP_IDLE_MS = 1_000

export interface Overrides {
  quick?: boolean
  duration?: string
  trials?: string
  connections?: string
  targets?: string
  scenarios?: string
  seed?: string
  driver?: string
  startupRounds?: string
}

function num(flag: string, raw: string | undefined, integer: boolean, min: number): number | undefined {
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new SettingsError(`${flag} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got "${raw}"`)
  }
  return n
}

const csv = (s: string | undefined): string[] | undefined => (s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter(Boolean))

export function buildSettings(o: Overrides, externalTargets: readonly string[] = []): BenchSettings {
  const profile = o.quick ? 'quick' : 'default'
  const p = PROFILES[profile]
  const scenarios = csv(o.scenarios) ?? SCENARIOS.map((s) => s.id)
  const unknown = scenarios.filter((id) => !SCENARIOS.some((s) => s.id === id))
  if (unknown.length > 0) throw new SettingsError(`unknown scenario ${unknown.join(', ')}; scenarios: ${SCENARIOS.map((s) => s.id).join(', ')}`)
  const known = Object.keys(builtInTargets)
  const builtIns = csv(o.targets) ?? known
  const bad = builtIns.filter((t) => !known.includes(t) && !externalTargets.includes(t))
  if (bad.length > 0) throw new SettingsError(`unknown target ${bad.join(', ')}; built-in targets: ${known.join(', ')} (add others with --spawn name=command)`)
  const targets = [...builtIns, ...externalTargets.filter((t) => !builtIns.includes(t))]
  const trials = num('--trials', o.trials, true, 1)
  // --trials sets every cell's count: the user asked for that many.
  const trialsByScenario = Object.fromEntries(RATIO_SCENARIOS.filter((id) => scenarios.includes(id)).map((id) => [id, trials ?? p.ratioTrials]))
  const openLoop = p.openLoop === undefined ? undefined : { ...p.openLoop, scenarios: p.openLoop.scenarios.filter((id) => scenarios.includes(id)) }
  const driver = o.driver ?? 'autocannon'
  if (!(DRIVER_NAMES as readonly string[]).includes(driver)) throw new SettingsError(`--driver must be ${DRIVER_NAMES.join(' or ')}, got "${driver}"`)
  return {
    profile,
    // Whole seconds: autocannon runs whole seconds whatever it is told, and the settings must say what ran.
    durationSec: num('--duration', o.duration, true, 1) ?? p.durationSec,
    warmupSec: p.warmupSec,
    trials: trials ?? p.trials,
    trialsByScenario,
    seed: num('--seed', o.seed, true, 0) ?? Math.floor(Math.random() * 2 ** 31),
    restartEvery: 0,
    openLoop: openLoop !== undefined && openLoop.scenarios.length > 0 ? openLoop : undefined,
    connections: num('--connections', o.connections, true, 1),
    scenarios,
    targets,
    verifySuites: p.verifySuites,
    microTimeMs: p.microTimeMs,
    driver: driver as DriverName,
    startup: { rounds: num('--startup-rounds', o.startupRounds, true, 0) ?? p.startupRounds, idleMs: STARTUP_IDLE_MS },
  }
}

/** Trials per cell of `scenario` under these settings. */
export function trialsFor(settings: Pick<BenchSettings, 'trials' | 'trialsByScenario'>, scenario: string): number {
  return settings.trialsByScenario[scenario] ?? settings.trials
}
