/**
 * `unblocked bench`: settings → run (events → progress) → results.json under
 * reports/out/<timestamp>/ and reports/out/latest/ → a short summary. A failed or interrupted run
 * still writes what it measured. With `--baseline`, the base build's targets run in the same run
 * and compare.md compares the two builds.
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
import type { BenchResults, Ratio } from './results/schema.ts'
import { renderAll } from '../reports/render.ts'
import { UsageError } from './usage-error.ts'

/** Trials per generation of processes in a `--baseline` run. */
const BASELINE_RESTART_EVERY = 1

export interface BenchFlags extends Overrides {
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

const TERMINAL_MARKS: Record<Ratio['verdict'], string> = { met: '✓', 'not met': '✗', inconclusive: '?', invalid: '!', 'not measured': '-' }

function summary(r: BenchResults): string {
  const trials = [...new Set(r.scenarios.map((s) => s.trials))].sort((a, b) => b - a).join(' or ')
  const lines = [`\nbench ${r.state} in ${Math.round(r.durationMs / 1000)} s (${r.settings.profile} profile, ${trials} trials × ${r.settings.durationSec} s per cell, ${r.settings.driver}, seed ${r.settings.seed})`]
  for (const t of r.targets) {
    if (t.state !== 'ok') {
      lines.push(`  ✗ ${t.name}: ${t.state}${t.error ? ` — ${t.error.split('\n')[0]}` : ''}`)
      continue
    }
    const must = t.verification.state === 'ok' ? t.verification.mustFailures : []
    if (must.length > 0) lines.push(`  ! ${t.name} fails ${must.length} MUST case(s): ${must.slice(0, 4).join(', ')}${must.length > 4 ? ', …' : ''}`)
  }
  lines.push('requirements (measured side by side in this run, with 95% intervals):')
  for (const x of r.ratios) lines.push(`  ${TERMINAL_MARKS[x.verdict]} ${x.description}: ${x.verdict} — ${x.why}`)
  const flagged = r.cells.flatMap((c) => (c.state === 'ok' && (c.atCeiling || c.saturatedTrials > 0 || c.invalid !== undefined) ? [c] : []))
  for (const c of flagged) lines.push(`  ! ${c.scenario} · ${c.target}: ${[c.invalid && `invalid (${c.invalid})`, c.atCeiling && `≥ ${Math.round(c.median.rps)} req/s, at the load generator's ceiling`, c.saturatedTrials > 0 && `load generator saturated in ${c.saturatedTrials} trial(s)`].filter(Boolean).join('; ')}`)
  if (r.ceiling.state === 'ok') lines.push(`load generator ceiling: ${Math.round(r.ceiling.rps)} req/s (${r.ceiling.driver}, no-op server)`)
  if (r.machine.probeMs !== undefined) lines.push(`machine probe: ${r.machine.probeMs.median} ms median (${r.machine.probeMs.min}–${r.machine.probeMs.max}), ${r.machine.slowedTrials} trial(s) on a slowed machine`)
  return lines.join('\n')
}

/** Returns the exit code: 0 when the run completed (requirements are reported, not enforced). */
export async function bench(flags: BenchFlags): Promise<number> {
  let settings
  let external
  try {
    external = await loadExternalTargets(flags.target ?? [])
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
  const onSignal = (): void => {
    if (abort.signal.aborted) process.exit(130)
    process.stderr.write('\ninterrupted: finishing the current trial and writing what was measured (Ctrl-C again to quit now)\n')
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
      for (const w of baseline.warnings) process.stderr.write(`warning: ${w}\n`)
    }
    const plans = planTargets(settings, external, undefined, baseline)
    if (baseline !== undefined && !plans.some((p) => p.baselineOf !== undefined)) throw new UsageError('--baseline compares built-in targets: select at least one (--targets)')
    const short = baseline === undefined ? undefined : pairedTrialsWarning(settings, plans)
    if (short !== undefined) process.stderr.write(`warning: ${short}\n`)
    const results = await runPlans(settings, plans, progressDisplay(), abort.signal)
    const outRoot = resolve(flags.out ?? DEFAULT_OUT)
    const { dir, latest } = await writeResults(results, outRoot)
    const rel = (f: string) => relative(process.cwd(), f)
    const compared = baseline === undefined ? '' : `\n${await writeBaselineComparison(results, baseline.label, [dir, latest])}`
    process.stdout.write(`${summary(results)}\n${compared}\nresults: ${rel(join(dir, 'results.json'))}\nreport:  ${rel(join(dir, 'index.html'))} (summary.md, conformance.junit.xml${baseline === undefined ? '' : ', compare.md'} beside it)\nlatest:  ${rel(latest)}/\n`)
    if (results.state === 'failed') process.stderr.write(`the run failed: ${results.error}\n`)
    return results.state === 'complete' ? 0 : 1
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await baseline?.close()
  }
}
