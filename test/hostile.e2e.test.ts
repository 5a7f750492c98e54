/**
 * The CLI never hangs, never balloons, is never held hostage (issue 14): against targets that send
 * an endless body, a body at one byte a second, or a 1 GiB body, it finishes within the cases'
 * timeouts, reports the affected cases as ERROR naming the cap or the deadline, and its peak memory
 * stays bounded; against a target that hangs, the run's deadline ends it; text forged to fool a
 * terminal or a report is shown, never obeyed, and capped; the first SIGINT ends a run at once, with
 * its reports written; a spawned target that leaves processes outside its group and session does
 * not keep the CLI from exiting, and they are killed.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { create } from 'xmlbuilder2'
import { afterEach, describe, expect, it } from 'vitest'
import { parseStat } from '../harness/process-tree.ts'
import type { ConformanceReport } from '../scenarios/types.ts'
import { BIN, runCli } from './cli.ts'

const FIXTURE = fileURLToPath(new URL('./fixtures/hostile-target.mjs', import.meta.url))
const ESCAPING = fileURLToPath(new URL('./fixtures/escaping-target.mjs', import.meta.url))
const out = mkdtempSync(join(tmpdir(), 'unblocked-hostile-'))
const CASES = ['coercion.sync.dict', 'coercion.sync.str', 'coercion.sync.bytes']
const TIMEOUT_MS = 2_000
const LIMIT_MS = CASES.length * TIMEOUT_MS + 20_000
const MAX_RSS_KB = 400 * 1024

interface Run { code: number | null; ms: number; stdout: string; report: ConformanceReport; junit: string; markdown: string; junitBytes: number }

/** Process groups (the fixtures') and single processes (what they left behind) to kill after each test, in case the CLI did not. */
const pidFiles: { file: string; group: boolean }[] = []
afterEach(() => {
  for (const { file, group } of pidFiles.splice(0)) {
    try {
      const pid = Number(readFileSync(file, 'utf8').trim())
      if (pid > 1) process.kill(group ? -pid : pid, 'SIGKILL')
    } catch {
      // already stopped (the normal case) or never started
    }
  }
})

/** Whether `pid` runs (a zombie has exited: it only waits to be reaped). */
function running(pid: number): boolean {
  try {
    const p = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))
    return p !== undefined && p.state !== 'Z'
  } catch {
    return false
  }
}

/** Run the CLI against the fixture in `mode` with `args` (a case selection…); killed (and the test failed) after `limitMs`. */
async function cli(mode: string, args: readonly string[] = ['--case', CASES.join(','), '--timeout', String(TIMEOUT_MS)], limitMs = LIMIT_MS): Promise<Run> {
  const base = join(out, mode)
  const pidFile = `${base}.pid`
  pidFiles.push({ file: pidFile, group: true })
  // --spawn runs the command in a shell that leads its own process group; `exec` keeps that pid.
  const command = `echo $$ > "${pidFile}"; exec "${process.execPath}" "${FIXTURE}" ${mode}`
  const run = await runCli(['conformance', '--spawn', command, ...args, '--json', `${base}.json`, '--junit', `${base}.xml`, '--markdown', `${base}.md`], limitMs)
  try {
    const report = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as ConformanceReport
    return { ...run, report, junit: readFileSync(`${base}.xml`, 'utf8'), markdown: readFileSync(`${base}.md`, 'utf8'), junitBytes: statSync(`${base}.xml`).size }
  } catch (err) {
    throw new Error(`no report (exit ${run.code}): ${String(err)}\n${run.stdout}`)
  }
}

type JunitRoot = { testsuites: { '@tests': string; '@failures': string } }
const junitOf = (xml: string): JunitRoot['testsuites'] => (create(xml).end({ format: 'object' }) as JunitRoot).testsuites

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
    const junit = junitOf(run.junit)
    expect(junit['@tests']).toBe(String(CASES.length))
    expect(junit['@failures']).toBe(String(CASES.length))
    console.log(`${mode}: ${Math.round(run.ms)} ms, CLI peak RSS ${Math.round((rssKb as number) / 1024)} MB`)
  }, LIMIT_MS + 5_000)
})

it('the first SIGINT aborts the request in flight, writes the reports and exits 130 within seconds', async () => {
  const base = join(out, 'interrupted')
  const pidFile = `${base}.pid`
  pidFiles.push({ file: pidFile, group: true })
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

it("against a target that answers /health and hangs otherwise, the run's deadline ends the run: the case in flight stopped, the rest not run, every report written, exit 1", async () => {
  const DEADLINE_S = 8
  // Every coercion case: 39 of them at 2 s each would take 78 s; the deadline cuts the run after 8 s.
  const run = await cli('hang', ['--suite', 'coercion', '--timeout', String(TIMEOUT_MS), '--deadline', String(DEADLINE_S)], DEADLINE_S * 1_000 + 20_000)
  expect(run.code).toBe(1)
  expect(run.ms).toBeLessThan(DEADLINE_S * 1_000 + 15_000)
  const cases = run.report.cases
  expect(cases).toHaveLength(39)
  expect(cases.every((c) => c.verdict === 'ERROR')).toBe(true)
  const timedOut = cases.filter((c) => c.data?.transport === 'timeout')
  const cut = cases.filter((c) => c.reason.startsWith("the run's deadline (8 s) passed while the case ran: "))
  const notRun = cases.filter((c) => c.reason === "not run: the run's deadline (8 s) passed")
  expect(timedOut.length).toBeGreaterThanOrEqual(1)
  expect(cut).toHaveLength(1)
  expect(cut[0]?.reason).toMatch(/it had sent \d+ requests?: 0 answered, \d+ in flight \(GET \/coerce\/\w+\/\w+ for \d/)
  expect(timedOut.length + cut.length + notRun.length).toBe(39)
  expect(cases.indexOf(cut[0] as (typeof cases)[number])).toBe(timedOut.length) // in run order: timed out, cut, not run
  expect(run.report.settings.deadlineMs).toBe(DEADLINE_S * 1_000)
  expect(junitOf(run.junit)['@failures']).toBe('39')
  expect(run.markdown).toContain('not run: the run&#39;s deadline \\(8 s\\) passed')
  expect(run.report.environment.cliMaxRssKb).toBeLessThan(MAX_RSS_KB)
  console.log(`hang, --deadline ${DEADLINE_S}: ${Math.round(run.ms)} ms, ${timedOut.length} timed out, 1 cut, ${notRun.length} not run, CLI peak RSS ${Math.round((run.report.environment.cliMaxRssKb as number) / 1024)} MB`)
}, 40_000)

describe('against a target that forges terminal lines and sends a 12 KiB header (CR, LF, ANSI, C1)', () => {
  // Everything but LF (the reporters' own line breaks): C0, DEL, C1, the separators, the bidi controls.
  const RAW = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/
  let run: Run
  it('the terminal shows the forged text as escapes, one line per case', async () => {
    run = await cli('forge', ['--suite', 'coercion'])
    expect(run.code).toBe(1)
    expect(run.stdout).not.toMatch(RAW)
    // The body's CR-drawn PASS line stays inside the FAIL line of its case: one line per case.
    expect(run.stdout.split('\n').filter((l) => /^\[\s*\d+\/39\]/.test(l))).toHaveLength(39)
    expect(run.stdout).toMatch(/^\[ 1\/39\] FAIL {10}coercion\.sync\.dict /m)
    expect(run.stdout).toContain('\\u009b1A\\u009b2K') // the C1 CSI in a header value, shown
  }, LIMIT_MS + 5_000)

  it('Markdown has no CR and no control character; JSON and JUnit are capped and small', () => {
    expect(run.markdown).not.toMatch(RAW)
    expect(run.markdown).toContain('\\\\u009b2K') // the C1 CSI of the header value, shown (its backslash escaped for Markdown)
    const failures = run.report.cases.filter((c) => c.verdict !== 'PASS')
    expect(failures.length).toBeGreaterThanOrEqual(26)
    // The 12 KiB header value: its head and how much was left out, in the report and the JUnit file.
    const contentType = String(run.report.cases[0]?.actual?.headers?.['content-type'])
    expect(contentType).toMatch(/^application\/json; forged="\u009b2K\u009b1A<&A+… 12,0\d\d bytes more$/)
    expect(contentType.length).toBeLessThan(400)
    // The server header's C1 bytes arrive as U+009B with or without a U+00C2 before it (its UTF-8 lead byte read as Latin-1).
    expect(run.report.target.server).toMatch(/^forged\u00c2?\u009b1A\u00c2?\u009b2K<&A+… 12,0\d\d bytes more$/)
    const longest = Math.max(...JSON.stringify(run.report).match(/"(?:[^"\\]|\\.)*"/g)!.map((s) => s.length))
    expect(longest).toBeLessThan(2_000)
    expect(junitOf(run.junit)['@tests']).toBe('39')
    expect(run.junit).toContain('bytes more')
    // Before: 683 KB for these 39 cases (906 KB for 26 in the probe).
    expect(run.junitBytes).toBeLessThan(100 * 1024)
    console.log(`forge: ${Math.round(run.ms)} ms, JUnit ${Math.round(run.junitBytes / 1024)} KB for 39 cases, JSON ${Math.round(JSON.stringify(run.report).length / 1024)} KB, CLI peak RSS ${Math.round((run.report.environment.cliMaxRssKb as number) / 1024)} MB`)
  })
})

it('--spawn: processes that escape the group and the session do not keep the CLI from exiting, and are killed', async () => {
  const base = join(out, 'escaping')
  const files = { shell: `${base}.shell.pid`, setsid: `${base}.setsid.pid`, detached: `${base}.detached.pid` }
  pidFiles.push({ file: files.shell, group: true }, { file: files.setsid, group: false }, { file: files.detached, group: false })
  // `setsid sleep 60 &` from the shell, and a detached grandchild (setsid too) from the node target: both hold the CLI's pipes.
  const command = `echo $$ > "${files.shell}"; setsid sleep 60 & echo $! > "${files.setsid}"; exec "${process.execPath}" "${ESCAPING}" "${files.detached}"`
  const run = await runCli(['conformance', '--spawn', command, '--case', 'coercion.sync.dict', '--json', `${base}.json`], 30_000)
  expect(run.code).toBe(0)
  expect(run.ms).toBeLessThan(15_000)
  expect(existsSync(`${base}.json`)).toBe(true)
  const escaped = [files.setsid, files.detached].map((f) => Number(readFileSync(f, 'utf8').trim()))
  expect(escaped.every((pid) => pid > 1)).toBe(true)
  // SIGKILL was sent before the CLI exited; give the kernel a moment to carry it out (bounded).
  for (let i = 0; i < 20 && escaped.some(running); i++) await new Promise((r) => setTimeout(r, 100))
  expect(escaped.filter(running)).toEqual([])
  console.log(`escaping: exited after ${Math.round(run.ms)} ms, the 2 escaped processes killed`)
}, 40_000)
