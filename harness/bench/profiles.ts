/** Bench profiles and their overrides, validated when the settings are built. */
import { targets as builtInTargets } from '../../targets/index.ts'
import { DRIVER_NAMES, type DriverName } from './drivers/driver.ts'
import { SCENARIOS } from './scenarios.ts'

export interface BenchSettings {
  readonly profile: 'default' | 'quick'
  /** Measured seconds per trial: whole seconds, as autocannon counts them (it rounds 1.5 up to 2). */
  readonly durationSec: number
  /**
   * Warm-up seconds (same endpoint, same connections) before the first trial of each cell; later
   * trials find the target already warm for that scenario. Whole seconds, like the duration.
   */
  readonly warmupSec: number
  readonly trials: number
  /** Overrides every scenario's connection count when set. */
  readonly connections: number | undefined
  readonly scenarios: readonly string[]
  /** Built-in target names and external `name=command` targets, in order. */
  readonly targets: readonly string[]
  /** Conformance suites run before loading ("verify, then load"). */
  readonly verifySuites: readonly string[]
  /** Micro-benchmark time per task, ms; 0 skips them. */
  readonly microTimeMs: number
  /**
   * The load generator's tool (drivers/): wrk where installed is the cheaper one and a cross-check.
   * @default 'autocannon'
   */
  readonly driver: DriverName
}

export class SettingsError extends Error {
  override readonly name = 'SettingsError'
}

/**
 * default: ≈5 minutes on a 2-core machine (29 cells × 3 trials of 2 s, 1 s warm-up per cell, full
 * conformance, micro-benchmarks). quick: ≈90 s for CI (1 trial of 1 s, conformance without the
 * slow thread-safety and blocking suites).
 */
const PROFILES = {
  default: { durationSec: 2, warmupSec: 1, trials: 3, verifySuites: ['coercion', 'extraction', 'errors', 'thread-safety', 'blocking'], microTimeMs: 500 },
  quick: { durationSec: 1, warmupSec: 1, trials: 1, verifySuites: ['coercion', 'extraction', 'errors'], microTimeMs: 300 },
} as const

export interface Overrides {
  quick?: boolean
  duration?: string
  trials?: string
  connections?: string
  targets?: string
  scenarios?: string
  driver?: string
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
  if (bad.length > 0) throw new SettingsError(`unknown target ${bad.join(', ')}; built-in targets: ${known.join(', ')} (add others with --target name=command)`)
  const targets = [...builtIns, ...externalTargets.filter((t) => !builtIns.includes(t))]
  const driver = o.driver ?? 'autocannon'
  if (!(DRIVER_NAMES as readonly string[]).includes(driver)) throw new SettingsError(`--driver must be ${DRIVER_NAMES.join(' or ')}, got "${driver}"`)
  return {
    profile,
    // Whole seconds: autocannon runs whole seconds whatever it is told, and the settings must say what ran.
    durationSec: num('--duration', o.duration, true, 1) ?? p.durationSec,
    warmupSec: p.warmupSec,
    trials: num('--trials', o.trials, true, 1) ?? p.trials,
    connections: num('--connections', o.connections, true, 1),
    scenarios,
    targets,
    verifySuites: p.verifySuites,
    microTimeMs: p.microTimeMs,
    driver: driver as DriverName,
  }
}
