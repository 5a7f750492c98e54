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
import type { BenchResults } from './bench/results.ts'
import { runBench } from './bench/runner.ts'
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
  await rm(latest, { recursive: true, force: true })
  await cp(dir, latest, { recursive: true })
  return { dir, latest }
}

function summary(r: BenchResults): string {
  const lines = [`\nbench ${r.state} in ${Math.round(r.durationMs / 1000)} s (${r.settings.profile} profile, ${r.settings.trials} trial(s) × ${r.settings.durationSec} s)`]
  for (const t of r.targets) {
    if (t.state !== 'ok') lines.push(`  ✗ ${t.name}: ${t.state}${t.error ? ` — ${t.error.split('\n')[0]}` : ''}`)
    else if (t.mustFailures && t.mustFailures.length > 0) lines.push(`  ! ${t.name} fails ${t.mustFailures.length} MUST case(s): ${t.mustFailures.slice(0, 4).join(', ')}${t.mustFailures.length > 4 ? ', …' : ''}`)
  }
  lines.push('requirements (ratios measured in this run):')
  for (const x of r.ratios) {
    const mark = x.met === null ? '?' : x.met ? '✓' : '✗'
    lines.push(`  ${mark} ${x.description}: ${x.value ?? 'n/a'}`)
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
    process.stdout.write(`${summary(results)}\n\nresults: ${relative(process.cwd(), join(dir, 'results.json'))}\nlatest:  ${relative(process.cwd(), join(latest, 'results.json'))}\n`)
    if (results.state === 'failed') process.stderr.write(`the run failed: ${results.error}\n`)
    return results.state === 'complete' ? 0 : 1
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
