/**
 * `unblocked bench`: settings → run (events → progress) → results.json under
 * reports/out/<timestamp>/ and reports/out/latest/ → the results table and the requirements
 * (end-of-run.ts) → an exit code (exit-codes.ts: 99 when a requirement is not met, as k6 does for
 * thresholds). A failed or interrupted run still writes what it measured. With `--baseline`, the
 * base build's targets run in the same run and compare.md compares the two builds.
 */
import { cp, mkdir, rm, writeFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { loadExternalTargets } from './bench/config.ts'
import { progressDisplay } from './bench/progress.ts'
import { buildSettings, SettingsError, type Overrides } from './bench/profiles.ts'
import { runPlans } from './bench/runner.ts'
import { BaselineError, prepareBaseline, type Baseline } from './bench/baseline.ts'
import { pairedTrialsWarning, writeBaselineComparison } from './bench/baseline-report.ts'
import { planTargets } from './bench/plan.ts'
import { endOfRun } from './bench/end-of-run.ts'
import { benchExitCode, EXIT } from './bench/exit-codes.ts'
import type { BenchResults } from './results/schema.ts'
import { renderAll } from '../reports/render.ts'
import { UsageError } from './usage-error.ts'

/** Trials per generation of processes in a `--baseline` run. */
const BASELINE_RESTART_EVERY = 1

export interface BenchFlags extends Overrides {
  /** External targets, `name=<command with {port}>` ($PORT is set too), as `conformance --spawn` starts one. */
  spawn?: string[]
  /** The old name of `--spawn`: refused with a usage error that names the new one. */
  target?: string[]
  out?: string
  /** A git ref or a directory: that build's targets run beside the head's, compared in compare.md. */
  baseline?: string
}

/** Relative to where the command runs: the package may be installed read-only in node_modules. */
const DEFAULT_OUT = 'reports/out'

export async function writeResults(results: BenchResults, outRoot: string): Promise<{ dir: string; latest: string }> {
  const stamp = results.createdAt.replace(/[:.]/g, '-')
  const dir = join(outRoot, stamp)
  const latest = join(outRoot, 'latest')
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
  try {
    await renderAll(results, dir)
  } catch (err) {
    // The measurements are safe in results.json; `unblocked report` can render them again.
    process.stderr.write(`rendering the report failed: ${(err as Error).message}\n`)
  }
  await rm(latest, { recursive: true, force: true })
  await cp(dir, latest, { recursive: true })
  return { dir, latest }
}

/** What the command uses that a test may replace: the run itself, and where it prints. */
export interface BenchIo {
  readonly run?: typeof runPlans
  readonly stdout?: NodeJS.WritableStream
  readonly stderr?: NodeJS.WritableStream
}

/** `--target` meant an external target here and a URL in `conformance`: one meaning per flag. */
export const RENAMED_TARGET = 'bench --target is now --spawn name=<command> (--targets <list> still selects targets)'

/** Returns the exit code (exit-codes.ts): the run's state, then its requirements. */
export async function bench(flags: BenchFlags, io: BenchIo = {}): Promise<number> {
  const { run = runPlans, stdout = process.stdout, stderr = process.stderr } = io
  if (flags.target !== undefined) throw new UsageError(RENAMED_TARGET)
  let settings
  let external
  try {
    external = await loadExternalTargets(flags.spawn ?? [])
    settings = buildSettings(flags, external.map((e) => e.name))
    // Two builds, each in its own processes: fresh processes for every trial, so the comparison's
    // units are generations of processes, not one lucky process a side (compare/baseline.ts). With
    // a restart every 2 trials, 12 trials gave 6 units: a real −16.5% read p 0.094, unflagged.
    if (flags.baseline !== undefined) settings = { ...settings, restartEvery: BASELINE_RESTART_EVERY }
    // Before anything starts: a missing tool is a usage error, not a run full of errored trials.
    const missing = (await import('./bench/drivers/registry.ts')).driverByName(settings.driver).unavailable()
    if (missing !== undefined) throw new SettingsError(missing)
  } catch (err) {
    if (err instanceof SettingsError) throw new UsageError(err.message)
    throw err
  }
  const abort = new AbortController()
  let stoppedBy: 'SIGINT' | 'SIGTERM' | undefined
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (abort.signal.aborted) process.exit(signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted)
    stoppedBy = signal
    stderr.write('\ninterrupted: finishing the current trial and writing what was measured (Ctrl-C again to quit now)\n')
    abort.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  let baseline: Baseline | undefined
  try {
    if (flags.baseline !== undefined) {
      try {
        baseline = await prepareBaseline(flags.baseline)
      } catch (err) {
        if (err instanceof BaselineError) throw new UsageError(err.message)
        throw err
      }
      for (const w of baseline.warnings) stderr.write(`warning: ${w}\n`)
    }
    const plans = planTargets(settings, external, undefined, baseline)
    if (baseline !== undefined && !plans.some((p) => p.baselineOf !== undefined)) throw new UsageError('--baseline compares built-in targets: select at least one (--targets)')
    const short = baseline === undefined ? undefined : pairedTrialsWarning(settings, plans)
    if (short !== undefined) stderr.write(`warning: ${short}\n`)
    const results = await run(settings, plans, progressDisplay(), abort.signal)
    const outRoot = resolve(flags.out ?? DEFAULT_OUT)
    const { dir, latest } = await writeResults(results, outRoot)
    const rel = (f: string) => relative(process.cwd(), f)
    const compared = baseline === undefined ? '' : `\n${await writeBaselineComparison(results, baseline.label, [dir, latest])}`
    stdout.write(`\n${endOfRun(results)}\n${compared}\nresults: ${rel(join(dir, 'results.json'))}\nreport:  ${rel(join(dir, 'index.html'))} (summary.md, conformance.junit.xml${baseline === undefined ? '' : ', compare.md'} beside it)\nlatest:  ${rel(latest)}/\n`)
    if (results.state === 'failed') stderr.write(`the run failed: ${results.error}\n`)
    const code = benchExitCode(results, stoppedBy)
    if (code === EXIT.requirementNotMet) {
      const notMet = results.ratios.filter((x) => x.verdict === 'not met').map((x) => x.id)
      stderr.write(`exit ${code}: ${notMet.length} requirement${notMet.length === 1 ? '' : 's'} not met (${notMet.join(', ')}); exit codes: unblocked bench --help\n`)
    }
    return code
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await baseline?.close()
  }
}
