/**
 * The bench against tiny local targets with known behaviour: a scenario measures what the target
 * does, validation during the load catches wrong bodies, and a target that crashes mid-scenario is
 * recorded while the run goes on. And the command itself on Ctrl-C.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { writeResults } from '../harness/bench-command.ts'
import { buildSettings } from '../harness/bench/profiles.ts'
import { planTargets, type TargetPlan } from '../harness/bench/plan.ts'
import { runBench, runPlans } from '../harness/bench/runner.ts'
import { parseResults } from '../harness/results/parse.ts'
import type { BenchResults, Cell, CellOk, Trial, TrialOk } from '../harness/results/schema.ts'
import { BIN } from './cli.ts'

const TINY = fileURLToPath(new URL('./fixtures/tiny-target.mjs', import.meta.url))
const tiny = (name: string, args: string) => ({ name, command: `exec "${process.execPath}" "${TINY}" ${args}`, framework: 'node:http fixture' })

function ok(c: Cell | undefined): CellOk {
  if (c?.state !== 'ok') throw new Error(`expected an ok cell, got ${c === undefined ? 'none' : `${c.state}: ${c.state === 'errored' ? c.error : c.reason}`}`)
  return c
}
const okTrials = (c: Cell | undefined): TrialOk[] => (c?.trials ?? []).filter((t): t is TrialOk => t.state === 'ok')
const failure = (t: Trial | undefined): string | undefined => (t === undefined || t.state === 'ok' ? undefined : t.state === 'skipped' ? t.reason : t.error)

function settings(targets: string[]) {
  return {
    ...buildSettings({ quick: true, targets: targets.join(','), scenarios: 'json-async', duration: '1', connections: '5' }, targets),
    verifySuites: ['errors'],
    microTimeMs: 0,
    // Two short starts each: enough to see the phase wired in, without the profile's second idle per start.
    startup: { rounds: 2, idleMs: 200 },
  }
}

it('measures a target with known behaviour and validates bodies during the load', async () => {
  const results = await runBench(settings(['ok', 'wrong']), [tiny('ok', 'ok'), tiny('wrong', 'wrong')])
  expect(results.state).toBe('complete')
  const okCell = ok(results.cells.find((c) => c.target === 'ok'))
  // 5 connections, each request waits 20 ms: at most 250 requests/s, whatever the machine's load.
  expect(okCell.median.rps).toBeLessThanOrEqual(260)
  expect(okCell.median.closedLoop.p50).toBeGreaterThanOrEqual(19)
  // How far below 250 it lands depends on how busy the two cores are (parallel test files once
  // brought it to 87), so the lower side is checked by Little's law instead of a fixed floor: a
  // closed loop of 5 connections completes 5 requests per mean latency. A counting bug (requests
  // lost, wrong duration) breaks that identity on a fast machine and on a starved one alike.
  const trial = okTrials(okCell)[0]
  const littles = 5 / ((trial?.closedLoop.mean ?? Infinity) / 1000)
  expect(trial?.rps).toBeGreaterThan(0.75 * littles)
  expect(trial?.rps).toBeLessThan(1.25 * littles)
  expect(okCell.median.rps).toBeGreaterThan(20)
  expect(okCell.totals.mismatches).toBe(0)
  expect(okCell.invalid).toBeUndefined()
  expect(trial?.loadgen.cpuPct).toBeGreaterThan(0)
  expect(trial?.drain.quiet).toBe(true)
  const wrong = ok(results.cells.find((c) => c.target === 'wrong'))
  expect(wrong.totals.mismatches).toBeGreaterThan(50) // every response failed validation
  expect(wrong.invalid).toMatch(/wrong answer\(s\) in \d+ requests/)
  // verified first, and marked: the fixture implements almost nothing of the contract
  const verified = results.targets.find((t) => t.name === 'ok')
  expect(verified?.state === 'ok' && verified.verification.state === 'ok' ? verified.verification.mustFailures.length : 0).toBeGreaterThan(0)
  // Started alone twice before loading, each start measured; its peak RSS under load from its trials.
  const started = results.startup?.find((x) => x.target === 'ok')
  expect(started).toMatchObject({ state: 'ok', samples: [{ round: 1 }, { round: 2 }] })
  expect(started?.state === 'ok' ? started.peakRssBytes : undefined).toBeGreaterThan(0)
  expect(results.environment).toMatchObject({ cores: expect.any(Number), node: process.version })
  expect(results.settings.pinning.note).toMatch(/pinned|not pinned/)
})

it('a target that crashes mid-scenario is recorded and the run goes on; what was measured is written', async () => {
  const s = { ...settings(['crashes', 'ok']), trials: 2, trialsByScenario: { 'json-async': 2 } }
  const results: BenchResults = await runBench(s, [tiny('crashes', 'crash-after 40'), tiny('ok', 'ok')])
  expect(results.state).toBe('complete')
  const crashed = results.targets.find((t) => t.name === 'crashes')
  expect(crashed).toMatchObject({ state: 'died', error: expect.stringMatching(/the target process exited \(code 3\) during json-async trial 1/) })
  const cell = results.cells.find((c) => c.target === 'crashes')
  expect(cell?.state).toBe('errored')
  // The crash is recorded once, on the trial it happened in; the target's later trials are not run.
  expect(cell?.trials.map((t) => t.state)).toEqual(['crashed', 'skipped'])
  expect(failure(cell?.trials[1])).toMatch(/^not run: the target died earlier \(the target process exited \(code 3\) during json-async trial 1\)/)
  expect(results.cells.find((c) => c.target === 'ok')?.state).toBe('ok')

  // What was written reads back through the schema, as `unblocked report` reads it.
  const out = mkdtempSync(join(tmpdir(), 'unblocked-bench-'))
  const { latest } = await writeResults(results, out)
  const written = parseResults(JSON.parse(readFileSync(join(latest, 'results.json'), 'utf8')))
  expect(written.schemaVersion).toBe(3)
  expect(written.cells).toHaveLength(2)
  expect(written).toEqual(results)
})

it('a target that fails to start is recorded and skipped', async () => {
  const results = await runBench(settings(['nostart', 'ok']), [{ name: 'nostart', command: 'exit 7', framework: 'none' }, tiny('ok', 'ok')])
  expect(results.targets.find((t) => t.name === 'nostart')).toMatchObject({ state: 'failed-to-start' })
  expect(results.startup?.find((x) => x.target === 'nostart')).toMatchObject({ state: 'errored', error: expect.stringMatching(/^round 1: the command exited with code 7 after [\d.,]+ m?s, before GET \/health answered 200/) })
  expect(results.cells.find((c) => c.target === 'nostart')?.state).toBe('skipped')
  expect(results.cells.find((c) => c.target === 'ok')?.state).toBe('ok')
})

it('a variant runs in its host\'s process, switched before each of its trials and back before each of the host\'s', async () => {
  const host: TargetPlan = { ...tiny('host', 'ok'), scenarios: ['json-async'], verify: false }
  const variant: TargetPlan = {
    name: 'host-wrong', command: '(the host process)', framework: 'node:http fixture', scenarios: ['json-async'], verify: false,
    variant: { of: 'host', switch: { path: '/mode', variant: { mode: 'wrong' }, host: { mode: 'ok' } } },
  }
  const broken: TargetPlan = { ...variant, name: 'host-broken', variant: { of: 'host', switch: { path: '/mode', variant: { mode: 'nope' }, host: { mode: 'ok' } } } }
  const results = await runPlans({ ...settings(['host', 'host-wrong', 'host-broken']), trials: 2, trialsByScenario: { 'json-async': 2 } }, [host, variant, broken])
  const cell = (t: string) => results.cells.find((c) => c.target === t)
  // Interleaved host, variant, host, variant: each trial measured the state it asked for.
  expect(okTrials(cell('host')).map((t) => t.mismatches)).toEqual([0, 0])
  for (const t of okTrials(cell('host-wrong'))) expect(t.mismatches).toBeGreaterThan(20)
  expect(okTrials(cell('host-wrong'))).toHaveLength(2)
  // A variant that cannot be switched is errored, named; its host is not.
  expect(cell('host-broken')?.state).toBe('errored')
  expect(failure(cell('host-broken')?.trials[0])).toMatch(/^could not switch host \(before the trial: PUT \/mode answered 400: .*mode must be ok or wrong/)
  expect(results.targets.map((t) => t.state)).toEqual(['ok', 'ok', 'ok'])
})

it('the reference\'s detection-off variant is planned in the reference\'s own process, switchable', () => {
  const s = buildSettings({ quick: true, targets: 'reference,express', scenarios: 'json-async' }, ['reference', 'express'])
  const plans = planTargets(s, [])
  expect(plans.map((p) => p.name)).toEqual(['reference', 'reference-nodetect', 'express'])
  expect(plans[0]?.command).toMatch(/^UNBLOCKED_BLOCKING=switchable exec /)
  expect(plans[1]?.variant).toEqual({ of: 'reference', switch: { path: '/diagnostics/blocking', variant: { enabled: false }, host: { enabled: true } } })
  expect(planTargets({ ...s, scenarios: ['cpu-sync'] }, []).map((p) => p.name)).toEqual(['reference', 'express'])
})

it('a target whose /ping answers 503 at once cannot pass the ping requirements: failed pings count with their wait', async () => {
  // Named `reference`, so the reference's requirements read it; the load is served without blocking.
  const s = { ...buildSettings({ quick: true, targets: 'reference', scenarios: 'ping-under-sync-blocking', duration: '1', trials: '5', connections: '4' }, ['reference']), verifySuites: ['errors'], microTimeMs: 0 }
  const results = await runBench(s, [tiny('reference', 'ping-503')])
  const cell = ok(results.cells.find((c) => c.target === 'reference'))
  expect(cell.ping?.target.served).toBe(0)
  expect(cell.ping?.target.failed).toBe(cell.ping?.target.scheduled)
  expect(cell.ping?.control?.served).toBe(cell.ping?.control?.scheduled)
  const ratio = (id: string) => results.ratios.find((r) => r.id === id)
  expect(ratio('ping-p99-reference')).toMatchObject({ verdict: 'not met' })
  expect(ratio('ping-p99-reference')?.why).toMatch(/^pings answered 0\.0% \(0 of 500 scheduled.*a target whose \/ping fails cannot pass/)
  expect(ratio('ping-stall-vs-control')?.verdict).not.toBe('met')
})

/** Process groups of targets a CLI run started, killed after each test in case the CLI did not stop them. */
const pidFiles: string[] = []
afterEach(() => {
  for (const file of pidFiles.splice(0)) {
    try {
      const pid = Number(readFileSync(file, 'utf8').trim())
      if (pid > 1) process.kill(-pid, 'SIGKILL')
    } catch {
      // already stopped (the normal case) or never started
    }
  }
})

it('Ctrl-C: the first SIGINT ends the run, writes what was measured (an interrupted results.json) and exits 130', async () => {
  const out = mkdtempSync(join(tmpdir(), 'unblocked-bench-sigint-'))
  const pidFile = join(out, 'tiny.pid')
  pidFiles.push(pidFile)
  // The target's shell leads its own process group; `exec` keeps that pid.
  const command = `echo $$ > "${pidFile}"; exec "${process.execPath}" "${TINY}" ok`
  const child = spawn(process.execPath, [BIN, 'bench', '--quick', '--targets', 'tiny', '--spawn', `tiny=${command}`, '--scenarios', 'json-async', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d))
  const exited = new Promise<number | null>((r) => child.once('exit', r))
  const killer = setTimeout(() => child.kill('SIGKILL'), 50_000)
  try {
    // Interrupted while it verifies the target: started, nothing loaded yet.
    for (let i = 0; i < 300 && !output.includes('· verify: tiny'); i++) await new Promise((r) => setTimeout(r, 100))
    expect(output).toContain('· verify: tiny')
    child.kill('SIGINT')
    const code = await exited
    expect(code, output).toBe(130)
  } finally {
    clearTimeout(killer)
    child.kill('SIGKILL')
  }
  expect(output).toMatch(/^interrupted: finishing the current trial and writing what was measured/m)
  expect(output).toMatch(/^bench interrupted in \d+ s/m)
  const written = parseResults(JSON.parse(readFileSync(join(out, 'latest', 'results.json'), 'utf8')))
  expect(written.state).toBe('interrupted')
  expect(written.targets.map((t) => [t.name, t.state])).toEqual([['tiny', 'ok']])
  expect(written.cells.map((c) => c.state)).toEqual(['skipped'])
}, 60_000)
