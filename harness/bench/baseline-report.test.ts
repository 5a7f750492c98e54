import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { okCell, runOf, trialsOf } from '../../test/fixtures/cells.ts'
import { pairedTrialsWarning, writeBaselineComparison } from './baseline-report.ts'
import { planTargets } from './plan.ts'
import { buildSettings } from './profiles.ts'

const baseline = { bin: '/b/bin/unblocked.mjs', label: 'main (0123456789)' }

describe('bench --baseline around the run', () => {
  it('warns before the run about scenarios with fewer trials than the paired test needs over the cells compared', () => {
    // 2 targets × 2 scenarios = 4 cells: 2/2^n ≤ 0.05/4 takes n = 8 pairs.
    const settings = { ...buildSettings({ targets: 'reference,express', scenarios: 'json-async,io-wait-sync', seed: '1' }), trials: 3, trialsByScenario: { 'json-async': 10 } }
    const plans = planTargets(settings, [], undefined, baseline)
    expect(pairedTrialsWarning(settings, plans)).toBe('--baseline compares 4 cells: with Holm\'s correction a cell needs at least 8 paired trials to be judged, and io-wait-sync gets 3 (those will read "not enough trials to judge"; use --trials 8, or fewer --targets or --scenarios)')
    expect(pairedTrialsWarning({ ...settings, trials: 8 }, plans)).toBeUndefined()
    expect(pairedTrialsWarning(settings, planTargets(settings, []))).toBeUndefined()
  })

  it('writes compare.md into every directory given and returns it', async () => {
    const rps = [1000, 1200, 900, 1100, 950, 1300, 800, 1050, 1150, 980, 1020, 870]
    const run = runOf([okCell('reference', 'json-async', trialsOf(rps)), okCell('reference@base', 'json-async', trialsOf(rps))])
    const dirs = [mkdtempSync(join(tmpdir(), 'unblocked-cmp-')), mkdtempSync(join(tmpdir(), 'unblocked-cmp-'))]
    const md = await writeBaselineComparison(run, 'main (0123456789)', dirs)
    expect(md).toContain('base: main (0123456789)')
    try {
      for (const d of dirs) expect(readFileSync(join(d, 'compare.md'), 'utf8')).toBe(md)
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true })
    }
  })
})
