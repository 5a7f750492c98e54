/**
 * The conformance CLI end to end: against the reference (everything passes), the baselines (the
 * expected blocking failures, explained) and deliberately broken servers (the right verdict,
 * within the timeout, never a hung CLI).
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { ConformanceReport } from '../scenarios/types.ts'
import { BIN, casesById, runConformance } from './cli.ts'

const FIXTURE = fileURLToPath(new URL('./fixtures/broken-target.mjs', import.meta.url))

const cli = (args: string[], limitMs = 120_000) => runConformance(args, limitMs)

const serveCmd = (target: string) => `"${process.execPath}" "${BIN}" serve ${target} --port {port}`
const verdicts = (r: ConformanceReport) => Object.fromEntries(r.cases.map((c) => [c.id, c.verdict]))

describe('against the reference target', () => {
  // The test runs once: the timing cases get the CLI's attempts (--attempts, default 3), so a
  // machine hiccup during one attempt leaves the case PASS, marked unstable.
  // Every case of v2, the invasive suite included (about 20 s, plus 5 × 10 s of idling before the pool attempts).
  it('every MUST and SHOULD case passes; exit 0', { timeout: 300_000 }, async () => {
    const run = await cli(['--spawn', serveCmd('reference'), '--name', 'reference'], 290_000)
    const bad = run.report.cases.filter((c) => !['PASS', 'INFO', 'UNIMPLEMENTED'].includes(c.verdict))
    expect(bad.map((c) => `${c.id}: ${c.verdict} ${c.reason}`)).toEqual([])
    for (const c of run.report.cases.filter((r) => r.unstable)) expect(`${c.id}: ${c.verdict}`).toBe(`${c.id}: PASS`)
    expect(run.report.settings.attempts).toBe(3)
    expect(run.code).toBe(0)
    expect(run.report.contract).toBe('v2')
    expect(run.report.counts.PASS).toBeGreaterThanOrEqual(87)
    // v2's cases ran and passed, not UNIMPLEMENTED: the reference implements every endpoint.
    const v = verdicts(run.report)
    for (const id of ['deps.sync-dependency-keeps-loop-free', 'streaming.sync.iterator', 'context.parity.dependency-writes', 'background.sync-task', 'capacity.overflow-keeps-loop-free', 'resources.sync-dependency-pool']) expect(`${id}: ${v[id]}`).toBe(`${id}: PASS`)
    expect(v['cancellation.async.client-abort']).toBe('INFO')
    const unsafe = run.report.cases.find((c) => c.id === 'thread-safety.unsafe-counter')
    expect(unsafe?.data?.lostUpdates).toBeGreaterThan(0) // sync handlers really ran in parallel
    expect(run.stdout).toMatch(/\d+ PASS/)
  })
})

describe.each(['express', 'fastify'])('against the %s baseline (handlers on the loop)', (target) => {
  it('fails the sync blocking cases, explained, and passes the async ones', async () => {
    const run = await cli(['--spawn', serveCmd(target), '--suite', 'blocking,thread-safety'])
    const v = verdicts(run.report)
    expect(run.code).toBe(1)
    expect(v['blocking.sync-parallel']).toBe('FAIL')
    expect(v['blocking.sync-keeps-loop-free']).toBe('FAIL')
    expect(v['blocking.cpu-sync']).toBe('FAIL')
    expect(v['blocking.async-wait-keeps-loop-free']).toBe('PASS')
    expect(v['thread-safety.locked-counter']).toBe('PASS')
    const stall = run.report.cases.find((c) => c.id === 'blocking.sync-keeps-loop-free')
    expect(stall?.reason).toMatch(/^pings waited up to \d+(\.\d+)? ms \(bound 100 ms\) while 4 × GET \/block\/sync\?ms=400 ran$/)
    expect(stall?.data?.worstPingMs).toBeGreaterThan(300)
    expect(run.report.cases.find((c) => c.id === 'thread-safety.unsafe-counter')?.data?.lostUpdates).toBe(0)
    expect(run.stdout).toContain('Explained:')
  })
})

// Latency verdicts (a ping within 100 ms while a worker hashes) rely on the CLI's attempts; the test
// runs once: a case FAILs only if all its attempts do, and an unstable one still ended PASS.
it('fastify-piscina passes the blocking cases', async () => {
  const run = await cli(['--spawn', serveCmd('fastify-piscina'), '--suite', 'blocking'])
  const failing = run.report.cases.filter((c) => c.verdict === 'FAIL' || c.verdict === 'ERROR')
  expect(failing.map((c) => `${c.id}: ${c.reason}`)).toEqual([])
  for (const c of run.report.cases.filter((r) => r.unstable)) expect(`${c.id}: ${c.verdict}`).toBe(`${c.id}: PASS`)
})

describe('against broken servers', () => {
  const broken = (mode: string) => `"${process.execPath}" "${FIXTURE}" ${mode}`

  it('a wrong status → FAIL naming expected and actual', async () => {
    const run = await cli(['--spawn', broken('wrong-status'), '--case', 'coercion.sync.dict'])
    const c = run.report.cases[0]
    expect(c?.verdict).toBe('FAIL')
    expect(c?.reason).toBe('status 201, expected 200')
    expect(c?.expected?.status).toBe(200)
    expect(c?.actual?.status).toBe(201)
    expect(run.code).toBe(1)
  })

  it('a wrong media type → FAIL', async () => {
    const run = await cli(['--spawn', broken('wrong-type'), '--case', 'coercion.sync.dict'])
    expect(run.report.cases[0]?.verdict).toBe('FAIL')
    expect(run.report.cases[0]?.reason).toBe('content-type text/html, expected application/json')
  })

  it.each([
    ['hang', 'timeout', /no complete answer within 500 ms/],
    ['reset', 'reset', /connection reset/],
    ['garbage', 'protocol', /unparseable HTTP response/],
  ])('a server that %s → ERROR within its timeout, the rest not run', async (mode, kind, reason) => {
    const run = await cli(['--spawn', broken(mode), '--suite', 'coercion', '--timeout', '500'])
    const [first, ...rest] = run.report.cases
    expect(first?.verdict).toBe('ERROR')
    expect(first?.reason).toMatch(reason)
    expect(first?.data?.transport).toBe(kind)
    expect(rest.length).toBeGreaterThan(10)
    for (const c of rest) expect(c.reason).toMatch(/^not run: the target stopped answering during coercion\.sync\.dict/)
    expect(run.code).toBe(1)
    expect(run.ms).toBeLessThan(20_000)
  })

  it('a server that exits mid-run → PASS before, ERROR after, a finished report', async () => {
    const run = await cli(['--spawn', broken('exit-after-3'), '--case', 'coercion.sync.dict,coercion.async.dict,coercion.sync.model,coercion.sync.str,coercion.sync.int'])
    const v = run.report.cases.map((c) => c.verdict)
    // It answers every path with the dict body: dict passes, model and str fail; then it exits.
    expect(v).toEqual(['PASS', 'FAIL', 'FAIL', 'ERROR', 'ERROR'])
    expect(run.report.cases.map((c) => c.id)).toEqual(['coercion.sync.dict', 'coercion.sync.model', 'coercion.sync.str', 'coercion.sync.int', 'coercion.async.dict'])
    expect(run.report.cases[4]?.reason).toMatch(/^not run: (the target process exited|the target stopped answering)/)
    expect(run.code).toBe(1)
  })
})

describe('usage', () => {
  it('--list --contract v1 prints every case of v1 with its level and exits 0', async () => {
    const child = spawn(process.execPath, [BIN, 'conformance', '--list', '--contract', 'v1'])
    let text = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (text += d))
    const code = await new Promise((r) => child.once('exit', r))
    expect(code).toBe(0)
    expect(text).toMatch(/^coercion\.sync\.dict\s+MUST/m)
    expect(text).toMatch(/^blocking\.diagnostics\s+SHOULD\s+\(optional\)/m)
    expect(text.trim().split('\n')).toHaveLength(77)
  })

  it.each([
    [['--url', 'ftp://x'], '--url must be an http(s) URL'],
    [['--url', 'http://127.0.0.1:1', '--timeout', '0'], '--timeout must be a positive integer'],
    [['--url', 'http://127.0.0.1:1', '--attempts', '0'], '--attempts must be a positive integer, got "0"'],
    [['--url', 'http://127.0.0.1:1', '--deadline', '1.5'], '--deadline must be a positive integer (seconds), got "1.5"'],
    [['--url', 'http://127.0.0.1:1', '--spawn', 'true'], 'give exactly one of --url <url> or --spawn "<command>"'],
    [['--suite', 'nope', '--list'], 'unknown suite nope'],
    [['--case', 'zzz.*', '--list'], 'no case matches'],
  ])('%j → exit 2 with a one-line reason', async (args, message) => {
    const child = spawn(process.execPath, [BIN, 'conformance', ...args])
    let err = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
    const code = await new Promise((r) => child.once('exit', r))
    expect(code).toBe(2)
    expect(err).toContain(message)
  })
})
