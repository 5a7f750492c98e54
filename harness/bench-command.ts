/**
 * `unblocked bench`: settings → run (events → progress) → results.json under
 * reports/out/<timestamp>/ and reports/out/latest/ → a short summary. A failed or interrupted run
 * still writes what it measured.
 */
import { cp, mkdir, rm, writeFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadExternalTargets } from './bench/config.ts'
import { progressDisplay } from './bench/progress.ts'
import { buildSettings, SettingsError, type Overrides } from './bench/profiles.ts'
import { runBench } from './bench/runner.ts'
import type { BenchResults } from './results/schema.ts'
import { renderAll } from '../reports/render.ts'
import { UsageError } from './usage-error.ts'

export interface BenchFlags extends Overrides {
  target?: string[]
  out?: string
}

const DEFAULT_OUT = fileURLToPath(new URL('../reports/out', import.meta.url))

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

function summary(r: BenchResults): string {
  const lines = [`\nbench ${r.state} in ${Math.round(r.durationMs / 1000)} s (${r.settings.profile} profile, ${r.settings.trials} trial(s) × ${r.settings.durationSec} s)`]
  for (const t of r.targets) {
    if (t.state !== 'ok') {
      lines.push(`  ✗ ${t.name}: ${t.state}${t.error ? ` — ${t.error.split('\n')[0]}` : ''}`)
      continue
    }
    const must = t.verification.state === 'ok' ? t.verification.mustFailures : []
    if (must.length > 0) lines.push(`  ! ${t.name} fails ${must.length} MUST case(s): ${must.slice(0, 4).join(', ')}${must.length > 4 ? ', …' : ''}`)
  }
  lines.push('requirements (ratios measured in this run):')
  for (const x of r.ratios) {
    const mark = x.met === null ? '?' : x.met ? '✓' : '✗'
    lines.push(`  ${mark} ${x.description}: ${x.value ?? 'n/a'}${x.perTrial && x.perTrial.length > 1 ? ` (per trial: ${x.perTrial.join(', ')})` : ''}`)
  }
  return lines.join('\n')
}

/** Returns the exit code: 0 when the run completed (requirements are reported, not enforced). */
export async function bench(flags: BenchFlags): Promise<number> {
  let settings
  let external
  try {
    external = await loadExternalTargets(flags.target ?? [])
    settings = buildSettings(flags, external.map((e) => e.name))
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
  try {
    const results = await runBench(settings, external, progressDisplay(), abort.signal)
    const outRoot = resolve(flags.out ?? DEFAULT_OUT)
    const { dir, latest } = await writeResults(results, outRoot)
    const rel = (f: string) => relative(process.cwd(), f)
    process.stdout.write(`${summary(results)}\n\nresults: ${rel(join(dir, 'results.json'))}\nreport:  ${rel(join(dir, 'index.html'))} (summary.md, conformance.junit.xml beside it)\nlatest:  ${rel(latest)}/\n`)
    if (results.state === 'failed') process.stderr.write(`the run failed: ${results.error}\n`)
    return results.state === 'complete' ? 0 : 1
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
