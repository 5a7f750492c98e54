/**
 * The CLI never hangs, never balloons (issue 14): against targets that send an endless body, a
 * body at one byte a second, or a 1 GiB body, it finishes within the cases' timeouts, reports
 * the affected cases as ERROR naming the cap or the deadline, and its peak memory stays bounded;
 * the first SIGINT ends a run at once, with its reports written.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { create } from 'xmlbuilder2'
import { afterEach, describe, expect, it } from 'vitest'
import type { ConformanceReport } from '../scenarios/types.ts'
import { BIN, runCli } from './cli.ts'

const FIXTURE = fileURLToPath(new URL('./fixtures/hostile-target.mjs', import.meta.url))
const out = mkdtempSync(join(tmpdir(), 'unblocked-hostile-'))
const CASES = ['coercion.sync.dict', 'coercion.sync.str', 'coercion.sync.bytes']
const TIMEOUT_MS = 2_000
const LIMIT_MS = CASES.length * TIMEOUT_MS + 20_000
const MAX_RSS_KB = 400 * 1024

interface Run { code: number | null; ms: number; stdout: string; report: ConformanceReport; junit: string }

/** Fixture process groups to kill after each test, in case the CLI died without stopping its target. */
const pidFiles: string[] = []
afterEach(() => {
  for (const file of pidFiles.splice(0)) {
    try {
      process.kill(-Number(readFileSync(file, 'utf8').trim()), 'SIGKILL')
    } catch {
      // already stopped (the normal case) or never started
    }
  }
})

/** Run the CLI against the fixture in `mode`; killed (and the test failed) after LIMIT_MS. */
async function cli(mode: string): Promise<Run> {
  const base = join(out, mode)
  const pidFile = `${base}.pid`
  pidFiles.push(pidFile)
  // --spawn runs the command in a shell that leads its own process group; `exec` keeps that pid.
  const command = `echo $$ > "${pidFile}"; exec "${process.execPath}" "${FIXTURE}" ${mode}`
  const args = ['conformance', '--spawn', command, '--case', CASES.join(','), '--timeout', String(TIMEOUT_MS), '--json', `${base}.json`, '--junit', `${base}.xml`]
  const run = await runCli(args, LIMIT_MS)
  try {
    const report = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as ConformanceReport
    return { ...run, report, junit: readFileSync(`${base}.xml`, 'utf8') }
  } catch (err) {
    throw new Error(`no report (exit ${run.code}): ${String(err)}\n${run.stdout}`)
  }
}

describe.each([
  ['endless', 'an endless chunked body', /^response body exceeded 1048576 bytes \(\d+ bytes received\) for GET \/coerce\/sync\/dict$/, 'too-large'],
  ['dribble', 'a body at one byte a second', /^no complete answer within 2000 ms \(\d+ bytes of body received\): GET http:\/\/127\.0\.0\.1:\d+\/coerce\/sync\/dict$/, 'timeout'],
  ['huge', 'a 1 GiB body', /^response body exceeded 1048576 bytes \(content-length 1073741824\) for GET \/coerce\/sync\/dict$/, 'too-large'],
])('against a target that sends %s (%s)', (mode, _what, reason, kind) => {
  it('finishes in time with ERROR verdicts naming the cap or deadline, valid reports, bounded memory', async () => {
    const run = await cli(mode)
    expect(run.code).toBe(1)
    expect(run.ms).toBeLessThan(LIMIT_MS)
    expect(run.report.cases.map((c) => c.verdict)).toEqual(CASES.map(() => 'ERROR'))
    expect(run.report.cases[0]?.reason).toMatch(reason)
    for (const c of run.report.cases) expect(c.data?.transport).toBe(kind)
    const rssKb = run.report.environment.cliMaxRssKb
    expect(rssKb).toBeTypeOf('number')
    expect(rssKb).toBeLessThan(MAX_RSS_KB)
    const junit = create(run.junit).end({ format: 'object' }) as { testsuites: { '@tests': string; '@failures': string } }
    expect(junit.testsuites['@tests']).toBe(String(CASES.length))
    expect(junit.testsuites['@failures']).toBe(String(CASES.length))
    console.log(`${mode}: ${Math.round(run.ms)} ms, CLI peak RSS ${Math.round((rssKb as number) / 1024)} MB`)
  }, LIMIT_MS + 5_000)
})

it('the first SIGINT aborts the request in flight, writes the reports and exits 130 within seconds', async () => {
  const base = join(out, 'interrupted')
  const pidFile = `${base}.pid`
  pidFiles.push(pidFile)
  const command = `echo $$ > "${pidFile}"; exec "${process.execPath}" "${FIXTURE}" dribble`
  const args = ['conformance', '--spawn', command, '--case', CASES.join(','), '--timeout', '30000', '--json', `${base}.json`, '--junit', `${base}.xml`]
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d
  })
  const exited = new Promise<number | null>((r) => child.once('exit', r))
  // Wait until the first case is in flight (the CLI prints its start line once the target answers /health).
  for (let i = 0; i < 100 && !stdout.includes('127.0.0.1'); i++) await new Promise((r) => setTimeout(r, 100))
  await new Promise((r) => setTimeout(r, 500))
  const t0 = performance.now()
  child.kill('SIGINT')
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  const code = await exited
  clearTimeout(killer)
  expect(performance.now() - t0).toBeLessThan(5_000)
  expect(code).toBe(130)
  const report = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as ConformanceReport
  expect(report.cases.map((c) => c.verdict)).toEqual(CASES.map(() => 'ERROR'))
  expect(report.cases[0]?.reason).toMatch(/^interrupted: GET http:\/\/127\.0\.0\.1:\d+\/coerce\/sync\/dict$/)
  for (const c of report.cases.slice(1)) expect(c.reason).toBe('not run: the run was interrupted')
  expect(readFileSync(`${base}.xml`, 'utf8')).toContain('<testsuites')
}, 30_000)
