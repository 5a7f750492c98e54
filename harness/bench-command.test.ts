/**
 * The bench command around its run: what it prints at the end, the exit code it returns, and the
 * flags it refuses. The run is a real default run frozen as a fixture (test/fixtures/bench-run.json),
 * handed back in place of measuring: nothing here starts a target or generates load.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { bench, RENAMED_TARGET, type BenchFlags } from './bench-command.ts'
import type { TargetPlan } from './bench/plan.ts'
import { parseResults } from './results/parse.ts'
import type { BenchResults } from './results/schema.ts'
import { UsageError } from './usage-error.ts'

const committed: BenchResults = parseResults(JSON.parse(readFileSync(new URL('../test/fixtures/bench-run.json', import.meta.url), 'utf8')))

const outs: string[] = []
afterAll(() => {
  for (const dir of outs) rmSync(dir, { recursive: true, force: true })
})

/** Runs the command with `results` as its run's outcome; returns its code, its output, and the plans it ran. */
async function command(flags: BenchFlags, results: BenchResults) {
  let stdout = ''
  let stderr = ''
  const sink = (add: (s: string) => void) => new Writable({ write: (chunk: Buffer, _enc, done) => (add(chunk.toString()), done()) })
  const plans: TargetPlan[][] = []
  const out = mkdtempSync(join(tmpdir(), 'unblocked-bench-command-'))
  outs.push(out)
  const code = await bench(
    { out, ...flags },
    {
      run: async (_settings, p) => (plans.push([...p]), results),
      stdout: sink((s) => (stdout += s)),
      stderr: sink((s) => (stderr += s)),
    },
  )
  return { code, stdout, stderr, plans, out }
}

describe('unblocked bench, the command', () => {
  it('a complete run with requirements not met: results written, the table printed once, exit 99 naming them', async () => {
    const run = await command({ quick: true, targets: 'reference,express' }, committed)
    expect(run.code).toBe(99)
    expect(run.stdout.match(/^Load: /gm)).toHaveLength(1)
    expect(run.stdout.match(/^Requirements /gm)).toHaveLength(1)
    expect(run.stdout).toMatch(/^results: .*results\.json$/m)
    expect(run.stderr).toMatch(/^exit 99: 2 requirements not met \(json-async-vs-node-http, offload-vs-piscina\); exit codes: unblocked bench --help$/m)
    expect(parseResults(JSON.parse(readFileSync(join(run.out, 'latest', 'results.json'), 'utf8')))).toEqual(committed)
  })

  it('exits 0 when no requirement is not met: inconclusive ones do not fail a run', async () => {
    const ratios = committed.ratios.filter((x) => x.verdict !== 'not met')
    expect(ratios.some((x) => x.verdict === 'inconclusive')).toBe(true)
    const run = await command({ quick: true, targets: 'reference' }, { ...committed, ratios })
    expect(run.code).toBe(0)
    expect(run.stderr).not.toMatch(/exit \d+/)
  })

  it('a failed run exits 1, whatever its verdicts, and says why', async () => {
    const run = await command({ quick: true, targets: 'reference' }, { ...committed, state: 'failed', error: 'the load generator would not start' })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/^bench failed in 384 s/m)
    expect(run.stderr).toMatch(/^the run failed: the load generator would not start$/m)
  })

  it('--spawn name=command adds an external target, started by that command', async () => {
    const run = await command({ quick: true, targets: 'mine', spawn: ['mine=./server --port {port}'] }, committed)
    expect(run.plans[0]?.map((p) => [p.name, p.command])).toEqual([['mine', './server --port {port}']])
  })

  it('the old --target is refused in one line that names --spawn, before anything runs', async () => {
    const run = command({ quick: true, target: ['mine=./server --port {port}'] }, committed)
    await expect(run).rejects.toThrow(UsageError)
    await expect(run).rejects.toThrow(RENAMED_TARGET)
    expect(RENAMED_TARGET).toMatch(/--spawn name=<command>/)
    expect(RENAMED_TARGET).not.toMatch(/\n/)
  })
})
