/**
 * What the bench runs: each selected target's command and framework, and the variants its
 * registry entry declares (targets/spec.ts), each planned in its host's process; with a baseline
 * (`bench --baseline`), each built-in framework target's twin from the base build.
 */
import { join } from 'node:path'
import { targets } from '../../targets/index.ts'
import { PACKAGE_ROOT } from '../../targets/shared/package-root.ts'
import type { TargetSpec, TargetVariant } from '../../targets/spec.ts'
import type { ExternalTarget } from './config.ts'
import type { BenchSettings } from './profiles.ts'
import type { Variant } from './variant.ts'

export interface TargetPlan {
  readonly name: string
  readonly command: string
  readonly framework: string
  readonly scenarios: readonly string[]
  readonly verify: boolean
  /** Runs in another target's process, switched for its trials (see variant.ts). */
  readonly variant?: Variant
  /** The base build's twin of this head target (`bench --baseline`): its trials run next to the head's. */
  readonly baselineOf?: string
}

/** `reference@base`: the base build's twin of a head target. */
export const BASELINE_SUFFIX = '@base'

/** The base build a `bench --baseline` run measures beside the head (harness/bench/baseline.ts). */
export interface BaselineBuild {
  /** Its CLI entry, `<checkout>/bin/unblocked.mjs`. */
  readonly bin: string
  /** What it is, for reports: the ref and commit, or the directory. */
  readonly label: string
}

const BIN = join(PACKAGE_ROOT, 'bin', 'unblocked.mjs')

/**
 * The same V8 flags for every built-in Node target, so the runtime is identical and only the
 * framework differs. `--single-threaded-gc`: by default every isolate's garbage collector hands
 * work to one process-wide pool of helper threads; with several busy worker isolates on two cores,
 * those helpers and the isolates' own threads wait on each other. Measured on this project's
 * machine with two worker threads hashing (allocation-heavy, like `/cpu/sync`): throughput over
 * one thread 1.12–1.82× (median 1.24) with the default, 1.55–1.84× (median 1.62) with the flag.
 */
export const NODE_FLAGS = '--single-threaded-gc'

const shellWord = (v: string): string => (/^[\w.,:/@%+=-]*$/.test(v) ? v : `'${v.replaceAll("'", "'\\''")}'`)

/** `unblocked serve <name>` as the bench starts it, with `env` set for the target process; `bin` another build's CLI. */
export function builtInCommand(name: string, env: Readonly<Record<string, string>> = {}, bin: string = BIN): string {
  const prefix = Object.entries(env).map(([k, v]) => `${k}=${shellWord(v)} `).join('')
  // `exec` replaces the shell, so the target's pid is the process group we measure and signal.
  return `${prefix}exec "${process.execPath}" ${NODE_FLAGS} "${bin}" serve ${name} --port {port}`
}

/** The environment a host needs for all its planned variants; two variants wanting different values is a registry bug. */
function hostEnv(host: string, variants: readonly TargetVariant[]): Record<string, string> {
  const env: Record<string, string> = {}
  for (const v of variants) {
    for (const [k, value] of Object.entries(v.env)) {
      if (env[k] !== undefined && env[k] !== value) throw new Error(`variants of ${host} need ${k}=${env[k]} and ${k}=${value}`)
      env[k] = value
    }
  }
  return env
}

/**
 * Targets in the order selected, external ones as configured. A built-in target's variants
 * follow it when the run selects one of their scenarios (measured in those) — and not when an
 * external target has taken the host's name.
 */
export function planTargets(settings: BenchSettings, external: readonly ExternalTarget[], registry: Readonly<Record<string, TargetSpec>> = targets, baseline?: BaselineBuild): TargetPlan[] {
  const plans: TargetPlan[] = []
  for (const name of settings.targets) {
    const ext = external.find((e) => e.name === name)
    if (ext) {
      plans.push({ name, command: ext.command, framework: ext.framework, scenarios: settings.scenarios, verify: true })
      continue
    }
    const spec = registry[name]
    const variants = (spec?.variants ?? [])
      .map((v) => ({ v, scenarios: settings.scenarios.filter((s) => v.scenarios.includes(s)) }))
      .filter((x) => x.scenarios.length > 0)
    const command = builtInCommand(name, hostEnv(name, variants.map((x) => x.v)))
    const framework = spec?.framework() ?? name
    // A floor serves only its own scenarios' endpoints: run in those, and not verified.
    const floor = spec?.floor
    const scenarios = floor === undefined ? settings.scenarios : settings.scenarios.filter((s) => floor.scenarios.includes(s))
    if (floor !== undefined && scenarios.length === 0) continue
    plans.push({ name, command, framework, scenarios, verify: floor === undefined })
    // The base build's twin, started the same way (same environment, so it is in the same
    // state the head's process is switched back to), unverified: it is there to be compared.
    // Floors and variants get none: they are not the build under comparison.
    if (baseline !== undefined && floor === undefined) {
      plans.push({
        name: `${name}${BASELINE_SUFFIX}`,
        command: builtInCommand(name, hostEnv(name, variants.map((x) => x.v)), baseline.bin),
        framework: `${framework}, base build ${baseline.label}`,
        scenarios,
        verify: false,
        baselineOf: name,
      })
    }
    for (const { v, scenarios } of variants) {
      plans.push({
        name: v.name,
        command: `${command} (the same process, ${v.describe} for these trials)`,
        framework: `${framework}, ${v.describe}`,
        scenarios,
        verify: false,
        variant: { of: name, switch: v.switch },
      })
    }
  }
  return plans
}

/** The process a planned target's trials run in: a variant's host's, else its own. */
export function processOf(plans: readonly TargetPlan[], target: string): string {
  return plans.find((p) => p.name === target)?.variant?.of ?? target
}

/**
 * The unit whose trials run back to back (schedule.ts), so a ratio between them compares moments
 * seconds apart: a variant with its host, a base build's twin with its head target.
 */
export function unitOf(plans: readonly TargetPlan[], target: string): string {
  return plans.find((p) => p.name === target)?.baselineOf ?? processOf(plans, target)
}
