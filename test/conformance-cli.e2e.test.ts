/**
 * The conformance CLI's conventions (issue 13): a renamed flag says so; a target that nothing
 * answers for, or that does not start, is one line, every case ERROR in every report asked for,
 * exit 1; Ctrl-C stops the target, writes the reports and exits 130 (SIGTERM 143).
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import getPort from 'get-port'
import { convert } from 'xmlbuilder2'
import { describe, expect, it } from 'vitest'
import type { ConformanceReport } from '../scenarios/types.ts'
import { BIN, runCli } from './cli.ts'

const FIXTURE = fileURLToPath(new URL('./fixtures/broken-target.mjs', import.meta.url))

/** A fresh folder for one test's reports, and the flags that ask for all three. */
function reports(): { dir: string; flags: string[]; json: () => ConformanceReport } {
  const dir = mkdtempSync(join(tmpdir(), 'unblocked-conf-cli-'))
  return {
    dir,
    flags: ['--json', join(dir, 'r.json'), '--junit', join(dir, 'r.xml'), '--markdown', join(dir, 'r.md')],
    json: () => JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as ConformanceReport,
  }
}

type JunitCase = { '@classname': string; failure?: unknown }
const junitCases = (xml: string): JunitCase[] => {
  const doc = convert(xml, { format: 'object' }) as unknown as { testsuites: { testsuite: { testcase: JunitCase | JunitCase[] } | { testcase: JunitCase | JunitCase[] }[] } }
  const suites = [doc.testsuites.testsuite].flat()
  return suites.flatMap((s) => [s.testcase].flat())
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('a report that cannot be written', () => {
  it('is one catalogued line naming the file and why, no stack (exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unblocked-unwritable-'))
    try {
      const file = join(dir, 'a-file')
      writeFileSync(file, '')
      const run = await runCli(['conformance', '--url', `http://127.0.0.1:${await getPort({ host: '127.0.0.1' })}`, '--suite', 'coercion', '--json', join(file, 'r.json')], 60_000)
      expect(run.code).toBe(1)
      expect(run.stdout).toContain(`unblocked: cannot write ${join(file, 'r.json')}: a part of its path is a file\n`)
      expect(run.stdout).not.toMatch(/^\s+at /m)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('--target is --url now', () => {
  it.each([[['--target', 'http://127.0.0.1:8000']], [['--target']], [['--list', '--target', 'http://x']]])('%j → exit 2, one line naming --url', async (args) => {
    const run = await runCli(['conformance', ...args], 30_000)
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('unblocked: conformance --target was renamed to --url: unblocked conformance --url <url> (or --spawn "<command>")\n')
  })
})

describe('no case can be sent: one line, every case ERROR in every report, exit 1', () => {
  it('nothing answers at --url', async () => {
    const port = await getPort({ host: '127.0.0.1' })
    const r = reports()
    const run = await runCli(['conformance', '--url', `http://127.0.0.1:${port}`, '--suite', 'coercion,errors', ...r.flags], 30_000)
    expect(run.code).toBe(1)
    const report = r.json()
    const n = report.cases.length
    expect(n).toBeGreaterThan(40)
    expect(run.stdout).toBe(`unblocked: nothing answers at http://127.0.0.1:${port} (connection refused); the ${n} selected cases are ERROR, not run\n`)
    for (const c of report.cases) expect(`${c.id}: ${c.verdict} ${c.reason}`).toBe(`${c.id}: ERROR not run: nothing answers at http://127.0.0.1:${port} (connection refused)`)
    expect(report.counts.ERROR).toBe(n)
    const xml = readFileSync(join(r.dir, 'r.xml'), 'utf8')
    const cases = junitCases(xml)
    expect(cases).toHaveLength(n)
    expect(cases.every((c) => c.failure !== undefined)).toBe(true)
    expect([...new Set(cases.map((c) => c['@classname']))]).toEqual(['unblocked.coercion', 'unblocked.errors'])
    // Markdown escapes the parentheses.
    const md = readFileSync(join(r.dir, 'r.md'), 'utf8')
    expect(md.split('\n').filter((l) => l.includes(`| not run: nothing answers at http://127.0.0.1:${port} \\(connection refused\\) |`))).toHaveLength(n)
  })

  it('the --spawn command exits: its code, and its last output', async () => {
    const r = reports()
    const run = await runCli(['conformance', '--spawn', 'echo "starting"; echo "boom: no config file" >&2; exit 3', '--name', 'broken', '--suite', 'coercion', ...r.flags], 30_000)
    expect(run.code).toBe(1)
    const report = r.json()
    const reason = /^not run: the target did not start: the command exited with code 3 after \d+(\.\d)? m?s, before GET \/health answered 200; its last output: "starting ⏎ boom: no config file"$/
    for (const c of report.cases) expect(c.verdict).toBe('ERROR')
    expect(report.cases[0]?.reason).toMatch(reason)
    expect(new Set(report.cases.map((c) => c.reason)).size).toBe(1)
    expect(report.target).toMatchObject({ name: 'broken', command: 'echo "starting"; echo "boom: no config file" >&2; exit 3' })
    const [first, ...rest] = run.stdout.trimEnd().split('\n')
    expect(first).toMatch(/^unblocked: the target did not start: the command exited with code 3 /)
    expect(rest).toEqual(['its last output:', '  | starting', '  | boom: no config file'])
    const cases = junitCases(readFileSync(join(r.dir, 'r.xml'), 'utf8'))
    expect(cases.filter((c) => c.failure !== undefined)).toHaveLength(report.cases.length)
    expect(cases[0]?.['@classname']).toBe('unblocked.broken.coercion')
  })

  it('GET /health never answers 200 within --startup-timeout: what it answered, for how long', async () => {
    const r = reports()
    const server = `"${process.execPath}" -e "require('node:http').createServer((q, r) => { r.statusCode = 404; r.end() }).listen(process.env.PORT, '127.0.0.1')"`
    const run = await runCli(['conformance', '--spawn', server, '--startup-timeout', '2000', '--case', 'coercion.sync.*', ...r.flags], 60_000)
    expect(run.code).toBe(1)
    const report = r.json()
    expect(report.counts.ERROR).toBe(report.cases.length)
    expect(report.cases[0]?.reason).toMatch(/^not run: the target did not start: GET \/health answered 404 for (2 s|the last \d+(\.\d)? m?s of 2 s \(before that: connection refused\))$/)
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1)
  })
})

/** The CLI as a child, its output collected; `until` resolves once `ready()` holds (checked every 50 ms, at most `limitMs`). */
function startCli(args: readonly string[]) {
  const child = spawn(process.execPath, [BIN, 'conformance', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const until = async (ready: () => boolean, limitMs: number): Promise<void> => {
    for (const t0 = performance.now(); !ready(); await new Promise((r) => setTimeout(r, 50))) {
      if (performance.now() - t0 > limitMs || child.exitCode !== null) throw new Error(`not ready within ${limitMs} ms (exit ${child.exitCode}):\n${output}`)
    }
  }
  return { child, exited, until, output: () => output }
}

describe('an interrupt stops the target, writes the reports, and exits 128 + the signal', () => {
  it('SIGINT while a case waits for a target that does not answer → 130', { timeout: 90_000 }, async () => {
    const r = reports()
    const pidFile = join(r.dir, 'target.pid')
    const cli = startCli(['--spawn', `echo $$ > "${pidFile}"; exec "${process.execPath}" "${FIXTURE}" hang`, '--suite', 'coercion', '--timeout', '30000', ...r.flags])
    let pid: number | undefined
    try {
      await cli.until(() => cli.output().includes('unblocked conformance v2 →'), 60_000)
      pid = Number(readFileSync(pidFile, 'utf8'))
      await new Promise((resolve) => setTimeout(resolve, 300))
      cli.child.kill('SIGINT')
      expect(await cli.exited).toBe(130)
      expect(alive(pid)).toBe(false)
      expect(cli.output()).toContain('interrupted: stopping the target')
      const report = r.json()
      for (const c of report.cases) expect(`${c.id}: ${c.verdict} ${c.reason}`).toMatch(/: ERROR (interrupted: GET |not run: the run was interrupted$)/)
      expect(existsSync(join(r.dir, 'r.xml'))).toBe(true)
    } finally {
      cli.child.kill('SIGKILL')
      if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL')
    }
  })

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s while the target starts → %i, every case "not run"', { timeout: 60_000 }, async (signal, code) => {
    const r = reports()
    const pidFile = join(r.dir, 'target.pid')
    const cli = startCli(['--spawn', `echo $$ > "${pidFile}"; exec sleep 60`, '--suite', 'coercion', ...r.flags])
    let pid: number | undefined
    try {
      await cli.until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'), 30_000)
      pid = Number(readFileSync(pidFile, 'utf8'))
      const t0 = performance.now()
      cli.child.kill(signal)
      expect(await cli.exited).toBe(code)
      expect(performance.now() - t0).toBeLessThan(20_000) // not sleep's 60 s, nor the start-up timeout
      expect(alive(pid)).toBe(false)
      const report = r.json()
      expect(report.counts.ERROR).toBe(report.cases.length)
      expect(report.cases[0]?.reason).toMatch(/^not run: the run was interrupted after \d+(\.\d)? m?s, before GET \/health answered 200$/)
    } finally {
      cli.child.kill('SIGKILL')
      if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL')
    }
  })
})
