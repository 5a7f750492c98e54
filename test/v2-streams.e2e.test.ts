/**
 * Contract v2's deps, streaming, capacity and resources cases end to end, against a fixture
 * (fixtures/v2-streams-target.mjs) that implements their endpoints correctly, or breaks one of them
 * on purpose (BROKEN=dep|stream|capacity|pool): the right verdict, a reason that states what was
 * observed, and a CLI that finishes. The resources case idles 10 s before each of up to 5 attempts
 * by contract, and the CLI has no flag to shorten that: it runs here through its factory, with
 * short durations, against the same fixture.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { spawnTarget } from '../harness/spawn-target.ts'
import { TargetClient } from '../scenarios/client.ts'
import { runCases } from '../scenarios/runner.ts'
import { resourcesPoolCase, type PoolCaseOptions } from '../scenarios/suites/resources.ts'
import type { CaseResult } from '../scenarios/types.ts'
import { BIN, casesById, runConformance } from './cli.ts'

const FIXTURE = fileURLToPath(new URL('./fixtures/v2-streams-target.mjs', import.meta.url))

/** The fixture as a --spawn command, broken in the given ways. */
const fixture = (broken?: string): string => `${broken === undefined ? '' : `BROKEN=${broken} `}"${process.execPath}" "${FIXTURE}"`

const cli = (args: string[], limitMs: number) => runConformance(args, limitMs)

const byId = casesById

describe('against the fixture implemented correctly', () => {
  // Default attempts (3): a machine hiccup during one attempt leaves a timing case PASS, marked unstable.
  it('every deps, streaming and capacity case passes; exit 0', async () => {
    const run = await cli(['--spawn', fixture(), '--suite', 'deps,streaming,capacity'], 120_000)
    expect(run.report.cases.map((c) => `${c.id}: ${c.verdict}`)).toEqual([
      'deps.sync-dependency-keeps-loop-free: PASS',
      'streaming.sync.iterator: PASS',
      'streaming.async.iterator: PASS',
      'streaming.parity: PASS',
      'capacity.sync-parallelism: PASS',
      'capacity.overflow-keeps-loop-free: PASS',
    ])
    // A PASS has no reason, but for the parallelism number, which is the point of that case.
    expect(run.report.cases.filter((c) => c.reason !== '').map((c) => c.id)).toEqual(['capacity.sync-parallelism'])
    expect(byId(run.report)['capacity.sync-parallelism']?.reason).toMatch(/^effective parallelism ≥ 64: 64 of the 64 GET \/block\/sync\?ms=500 sent at once answered within 250 ms of the first answer; all 64 took \d+(\.\d+)? ms$/)
    expect(run.code).toBe(0)
    const c = byId(run.report)
    // The fixture runs any number of /block/sync at once: the whole burst in the first window.
    expect(c['capacity.sync-parallelism']?.data).toMatchObject({ parallelism: 64, parallelismShown: '≥ 64', answered: 64 })
    expect(c['capacity.overflow-keeps-loop-free']?.data).toMatchObject({ headOfLineStatus: 200, offloadStatus: 200, pingFailures: 0 })
    const stream = c['streaming.sync.iterator']?.data
    expect(stream?.firstByteMs).toBeLessThan((stream?.totalMs as number) / 2)
  }, 130_000)
})

describe('against the fixture broken on purpose', () => {
  it('BROKEN=dep: a sync dependency that blocks the loop → FAIL stating the pings\' wait', async () => {
    const run = await cli(['--spawn', fixture('dep'), '--case', 'deps.*', '--attempts', '1'], 60_000)
    const [r] = run.report.cases
    expect(r?.verdict).toBe('FAIL')
    expect(r?.reason).toMatch(/^pings waited up to \d+(\.\d)? ms \(bound 100 ms\) while 4 × GET \/deps\/async\/blocking-dep\?ms=300 ran$/)
    // Four 300 ms sleeps one after another on the loop: pings wait far longer than any noise.
    expect(r?.data?.worstPingMs).toBeGreaterThan(300)
    expect(run.code).toBe(1)
  }, 70_000)

  it('BROKEN=stream: a chunked body cut after 3 chunks → FAIL saying so (not ERROR); async passes; parity warns', async () => {
    const run = await cli(['--spawn', fixture('stream'), '--suite', 'streaming', '--attempts', '1'], 60_000)
    const c = byId(run.report)
    expect(c['streaming.sync.iterator']).toMatchObject({
      verdict: 'FAIL',
      reason: 'GET /stream/sync?chunks=5&ms=100: the body ended after 3 of 5 chunks: connection closed before the last chunk',
      actual: { status: 200, body: '0\n1\n2\n' },
    })
    expect(c['streaming.async.iterator']?.verdict).toBe('PASS')
    expect(c['streaming.parity']).toMatchObject({
      verdict: 'WARN',
      reason: 'GET /stream/async?chunks=5&ms=10 differs from GET /stream/sync?chunks=5&ms=10: the async body is "0\\n1\\n2\\n3\\n4\\n", the sync one "0\\n1\\n2\\n" (the body ended: connection closed before the last chunk)',
    })
    expect(run.code).toBe(1)
  }, 70_000)

  it('BROKEN=capacity: 2 sync handlers at once → WARN stating the estimate, the number in data', async () => {
    // 64 × 500 ms two at a time: about 16 s.
    const run = await cli(['--spawn', fixture('capacity'), '--case', 'capacity.sync-parallelism', '--attempts', '1'], 90_000)
    const [r] = run.report.cases
    expect(r?.verdict).toBe('WARN')
    expect(r?.reason).toMatch(/^effective parallelism \d \(bound ≥ 8\): \d of the 64 GET \/block\/sync\?ms=500 sent at once answered within 250 ms of the first answer; all 64 took \d+(\.\d)? ms$/)
    expect(r?.data?.parallelism).toBeLessThan(8)
    expect(r?.data?.wallMs).toBeGreaterThan(8_000) // 32 waves of 500 ms: serialised, whatever the estimate
    expect(run.code).toBe(0) // a WARN alone does not fail the run
  }, 100_000)
})

describe('resources.sync-dependency-pool through its factory, with short durations', () => {
  const SHORT: PoolCaseOptions = { idleMs: 200, attempts: 2, deadlineMs: 3_000, recoveryMs: 10_000 }

  async function runAgainst(broken: string | undefined): Promise<CaseResult> {
    const target = await spawnTarget(fixture(broken), { startupTimeoutMs: 15_000 })
    const client = new TargetClient(target.url, 5_000)
    try {
      const [r] = await runCases(client, [resourcesPoolCase(SHORT)], { timeoutMs: 5_000 })
      return r as CaseResult
    } finally {
      await client.close()
      await target.stop()
    }
  }

  it('a pool of 4 that queues → PASS, every attempt all 2xx', async () => {
    const r = await runAgainst(undefined)
    expect([r.verdict, r.reason]).toEqual(['PASS', ''])
    expect(r.data?.tries).toHaveLength(2)
  }, 30_000)

  it('BROKEN=pool: a pool that deadlocks → FAIL (not ERROR) naming the requests without an answer, and the target\'s recovery', async () => {
    const r = await runAgainst('pool')
    expect(r.verdict).toBe('FAIL')
    expect(r.reason).toMatch(/^attempt 1 of 2, after 0\.2 s idle: \d+ of 64 GET \/resources\/sync\/pool\?ms=50 got no answer within 3 s; GET \/health answered 200 \d+(\.\d)? s later$/)
    expect(r.data?.recovery).toMatchObject({ healthy: true })
    expect(r.data?.tries).toHaveLength(1)
  }, 30_000)
})

it('--list: the invasive case is listed, and last', async () => {
  const child = spawn(process.execPath, [BIN, 'conformance', '--list'])
  let text = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (text += d))
  const code = await new Promise((r) => child.once('exit', r))
  expect(code).toBe(0)
  const lines = text.trim().split('\n')
  expect(lines.at(-1)).toMatch(/^resources\.sync-dependency-pool\s+MUST\s+\(optional\)/)
  for (const id of ['deps.sync-dependency-keeps-loop-free', 'streaming.sync.iterator', 'streaming.async.iterator', 'streaming.parity', 'capacity.sync-parallelism', 'capacity.overflow-keeps-loop-free']) {
    expect(text).toMatch(new RegExp(`^${id.replaceAll('.', '\\.')}\\s`, 'm'))
  }
})
