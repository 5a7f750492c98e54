/**
 * What `unblocked bench` prints when a run ends, however it ended (a failed or interrupted run
 * shows what it measured): the run in one line, the load table, start-up and memory, what the
 * verification found per target, the instruments' limits, and the requirements last, nearest the
 * prompt and the exit code they decide. Within 100 columns. Pure: returns text; the progress
 * during the run is progress.ts's.
 */
import { oneLine } from '../../scenarios/one-line.ts'
import type { BenchResults, Target } from '../results/schema.ts'
import { requirementsTable } from './requirements-table.ts'
import { loadTable, startupTable } from './results-table.ts'
import { sig } from './round.ts'
import { wrapText } from './terminal-table.ts'

/** MUST failures named in a target's line before "…". */
const MUST_SHOWN = 4

function runLine(r: BenchResults): string {
  const trials = [...new Set(r.scenarios.map((s) => s.trials))].sort((a, b) => b - a).join(' or ')
  const cells = trials === '' ? '' : `${trials} trials × ${r.settings.durationSec} s per cell, `
  return `bench ${r.state} in ${Math.round(r.durationMs / 1000)} s: ${r.settings.profile} profile, ${cells}${r.settings.driver}, seed ${r.settings.seed}`
}

/** One line per target the run could not measure or verified: what happened to it. */
function targetLine(t: Target): string | undefined {
  if (t.state !== 'ok') return wrapText(`${t.name}: ${t.state} — ${oneLine(t.error)}`, '  ✗ ')
  const v = t.verification
  if (v.state === 'errored') return wrapText(`${t.name}: the verification errored — ${oneLine(v.error)}`, '  ! ')
  if (v.state !== 'ok') return undefined // a variant, a floor, or the run ended first: nothing to say
  const must = v.mustFailures
  if (must.length === 0) return `  ✓ ${t.name}: every MUST case passed`
  const shown = `${must.slice(0, MUST_SHOWN).join(', ')}${must.length > MUST_SHOWN ? ', …' : ''}`
  return wrapText(`${t.name}: ${must.length} MUST case${must.length === 1 ? '' : 's'} failed: ${shown}`, '  ✗ ')
}

function conditions(r: BenchResults): string[] {
  const c = r.ceiling
  const lines = [
    c.state === 'ok'
      ? `load generator ceiling: ${sig(c.rps)} req/s (${c.driver} against a no-op server${c.saturated ? '' : '; a lower bound: the no-op server set the pace'})`
      : wrapText(`load generator ceiling: ${c.state} — ${oneLine(c.state === 'errored' ? c.error : c.reason)}`, ''),
  ]
  const p = r.machine.probeMs
  if (p !== undefined) lines.push(`machine probe: ${sig(p.median)} ms median (${sig(p.min)}–${sig(p.max)}), ${r.machine.slowedTrials} trial(s) on a slowed machine`)
  return lines
}

export function endOfRun(r: BenchResults): string {
  const targets = r.targets.flatMap((t) => targetLine(t) ?? [])
  const suites = r.settings.verifySuites.join(', ')
  const sections = [
    runLine(r),
    loadTable(r),
    startupTable(r),
    targets.length > 0 ? [`Verification before the load (${suites === '' ? 'no suites' : suites}):`, ...targets].join('\n') : undefined,
    conditions(r).join('\n'),
    requirementsTable(r.ratios),
  ]
  return sections.filter((s): s is string => s !== undefined).join('\n\n')
}
