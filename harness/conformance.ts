/** `unblocked conformance`: parse and validate options → run the suites → write the outputs. */
import { mkdir, writeFile } from 'node:fs/promises'
import { CliError } from './cli-error.ts'
import { constants } from 'node:os'
import { dirname } from 'node:path'
import { checkConformance, exitCodeOf, notRunReport } from '../scenarios/conformance.ts'
import { defaultRunDeadlineMs } from '../scenarios/deadlines.ts'
import { selectCases, SelectionError } from '../scenarios/runner.ts'
import { ALL_CASES } from '../scenarios/suites/index.ts'
import { CONTRACT_VERSIONS, type ConformanceReport, type ContractVersion, type TargetInfo } from '../scenarios/types.ts'
import { renderJson } from '../reports/conformance/json.ts'
import { renderJunit } from '../reports/conformance/junit.ts'
import { renderMarkdown } from '../reports/conformance/markdown.ts'
import { TerminalReporter } from '../reports/conformance/terminal.ts'
import { environment } from './environment.ts'
import { nothingAnswers } from './reachable.ts'
import { spawnTarget, SpawnError, type SpawnedTarget } from './spawn-target.ts'
import { UsageError } from './usage-error.ts'

export interface ConformanceFlags {
  url?: string
  /** `--url`'s old name: refused with a line that says so (one meaning per flag: bench's took a command). */
  target?: string | boolean
  spawn?: string
  name?: string
  contract: string
  suite?: string
  excludeSuite?: string[]
  case?: string[]
  list?: boolean
  timeout: string
  /** Seconds; absent: `defaultRunDeadlineMs` of the selected cases. */
  deadline?: string
  startupTimeout: string
  attempts: string
  json?: string
  junit?: string
  markdown?: string
  strict?: boolean
}

function positiveInt(flag: string, raw: string, unit = ' (milliseconds)'): number {
  const n = Number(raw)
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive integer${unit}, got "${raw}"`)
  return n
}

function listCsv(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean)
}

function contractVersion(raw: string): ContractVersion {
  const version = CONTRACT_VERSIONS.find((v) => v === raw)
  if (version === undefined) throw new UsageError(`--contract must be one of ${CONTRACT_VERSIONS.join(', ')}, got "${raw}"`)
  return version
}

/** Why a report could not be written, in words (the errno code otherwise). */
const WRITE_FAILURES: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of its path is a file',
  EEXIST: 'a part of its path is a file', // mkdir's answer when a folder to make is a file
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
}

async function writeOut(path: string, text: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, text)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === undefined) throw err
    throw new CliError('UNB_ERR_CLI_CANNOT_WRITE', [path, WRITE_FAILURES[code] ?? code], { cause: err })
  }
}

export async function writeOutputs(report: ConformanceReport, flags: Pick<ConformanceFlags, 'json' | 'junit' | 'markdown' | 'strict'>): Promise<void> {
  if (flags.json) await writeOut(flags.json, renderJson(report))
  if (flags.junit) await writeOut(flags.junit, renderJunit(report, { strict: flags.strict ?? false }))
  if (flags.markdown) await writeOut(flags.markdown, renderMarkdown(report))
}

/** A connect to a target that does not answer gives up after this long, ms (or the request timeout, if shorter). */
const CONNECT_CHECK_MS = 5_000

/** The shell's convention for a process ended by a signal: 130 for SIGINT, 143 for SIGTERM. */
export const exitCodeOfSignal = (signal: NodeJS.Signals): number => 128 + (constants.signals[signal] ?? 0)

/** The report as written: with the CLI's own peak memory, evidence that a hostile target cannot balloon it (issue 14). */
const withCliMemory = (report: ConformanceReport): ConformanceReport => ({ ...report, environment: { ...report.environment, cliMaxRssKb: process.resourceUsage().maxRSS } })

/**
 * Returns the exit code: 0 no FAIL/ERROR, 1 otherwise (a target that does not start or that
 * nothing answers for included: every case is ERROR, and the reports are written), 130 / 143 when
 * a SIGINT / SIGTERM interrupted the run (2 is thrown as a UsageError). `out` gets the run's
 * lines, `err` the one line that says why no case could be sent.
 */
export async function conformance(flags: ConformanceFlags, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  if (flags.target !== undefined) throw new UsageError('conformance --target was renamed to --url: unblocked conformance --url <url> (or --spawn "<command>")')
  const contract = contractVersion(flags.contract)
  let cases
  try {
    cases = selectCases(ALL_CASES, {
      contract,
      suites: listCsv(flags.suite),
      excludeSuites: (flags.excludeSuite ?? []).flatMap((s) => listCsv(s)),
      cases: (flags.case ?? []).flatMap((c) => listCsv(c)),
    })
  } catch (err) {
    if (err instanceof SelectionError) throw new UsageError(err.message)
    throw err
  }
  if (flags.list) {
    for (const c of cases) out.write(`${c.id.padEnd(44)} ${c.level.padEnd(6)} ${c.optional ? '(optional) ' : ''}${c.description}\n`)
    return 0
  }
  if ((flags.url === undefined) === (flags.spawn === undefined)) throw new UsageError('give exactly one of --url <url> or --spawn "<command>"')
  if (flags.url !== undefined && !/^https?:\/\/[^/]+/.test(flags.url)) throw new UsageError(`--url must be an http(s) URL, got "${flags.url}"`)
  const timeoutMs = positiveInt('--timeout', flags.timeout)
  const startupTimeoutMs = positiveInt('--startup-timeout', flags.startupTimeout)
  const attempts = positiveInt('--attempts', flags.attempts, '')
  const deadlineMs = flags.deadline === undefined ? defaultRunDeadlineMs(cases, timeoutMs) : 1_000 * positiveInt('--deadline', flags.deadline, ' (seconds)')

  const startedAt = new Date().toISOString()
  const t0 = performance.now()
  let spawned: SpawnedTarget | undefined
  const abort = new AbortController()
  let interruptedBy: NodeJS.Signals | undefined
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interruptedBy !== undefined) process.exit(exitCodeOfSignal(signal))
    interruptedBy = signal
    out.write('\ninterrupted: stopping the target and writing what was measured (Ctrl-C again to quit now)\n')
    abort.abort()
    void spawned?.stop(1_000)
  }
  const run = { contract, cases, timeoutMs, attempts, deadlineMs, environment: { ...environment() } }
  const named = flags.name !== undefined && { name: flags.name }
  /** No case could be sent: one line says why, every case is ERROR with it, and the reports are written. */
  const notRun = async (target: TargetInfo, why: string, output: readonly string[] = []): Promise<number> => {
    err.write(`unblocked: ${why}; the ${cases.length} selected case${cases.length === 1 ? ' is' : 's are'} ERROR, not run\n`)
    // The target's own last words, capped and with its control characters shown (spawn-target.ts).
    if (output.length > 0) err.write(`its last output:\n${output.map((l) => `  | ${l}\n`).join('')}`)
    await writeOutputs(withCliMemory(notRunReport({ ...run, target }, why, startedAt, performance.now() - t0)), flags)
    return interruptedBy === undefined ? 1 : exitCodeOfSignal(interruptedBy)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    if (flags.spawn !== undefined) {
      try {
        spawned = await spawnTarget(flags.spawn, { startupTimeoutMs, signal: abort.signal })
      } catch (error) {
        if (!(error instanceof SpawnError)) throw error
        const target = { url: error.url, ...named, command: error.command }
        if (interruptedBy !== undefined) return await notRun(target, `the run was ${error.reason}`)
        return await notRun(target, `the target did not start: ${error.reason}`, error.output)
      }
    }
    const url = spawned?.url ?? (flags.url as string).replace(/\/$/, '')
    const target: TargetInfo = { url, ...named, ...(spawned && { command: spawned.command }) }
    const silent = await nothingAnswers(url, Math.min(timeoutMs, CONNECT_CHECK_MS), abort.signal)
    if (interruptedBy !== undefined) return await notRun(target, 'the run was interrupted')
    if (silent !== undefined) return await notRun(target, `nothing answers at ${url} (${silent})`)
    const terminal = new TerminalReporter(out)
    terminal.onStart(url, cases.length, contract, deadlineMs)
    const report = await checkConformance({
      ...run,
      target,
      onCaseEnd: (r, i, n) => terminal.onCaseEnd(r, i, n),
      signal: abort.signal,
      ...(spawned && { targetGone: () => spawned?.gone() }),
    })
    const measured = withCliMemory(report)
    terminal.onFinish(measured)
    await writeOutputs(measured, flags)
    return interruptedBy === undefined ? exitCodeOf(measured, flags.strict ?? false) : exitCodeOfSignal(interruptedBy)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await spawned?.stop()
  }
}
