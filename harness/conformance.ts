/** `unblocked conformance`: parse and validate options → run the suites → write the outputs. */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { checkConformance, exitCodeOf } from '../scenarios/conformance.ts'
import { defaultRunDeadlineMs } from '../scenarios/deadlines.ts'
import { selectCases, SelectionError } from '../scenarios/runner.ts'
import { ALL_CASES } from '../scenarios/suites/index.ts'
import { CONTRACT_VERSIONS, type ConformanceReport, type ContractVersion } from '../scenarios/types.ts'
import { renderJson } from '../reports/conformance/json.ts'
import { renderJunit } from '../reports/conformance/junit.ts'
import { renderMarkdown } from '../reports/conformance/markdown.ts'
import { TerminalReporter } from '../reports/conformance/terminal.ts'
import { environment } from './environment.ts'
import { spawnTarget, SpawnError, type SpawnedTarget } from './spawn-target.ts'
import { UsageError } from './usage-error.ts'

export interface ConformanceFlags {
  target?: string
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

async function writeOut(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, text)
}

export async function writeOutputs(report: ConformanceReport, flags: Pick<ConformanceFlags, 'json' | 'junit' | 'markdown' | 'strict'>): Promise<void> {
  if (flags.json) await writeOut(flags.json, renderJson(report))
  if (flags.junit) await writeOut(flags.junit, renderJunit(report, { strict: flags.strict ?? false }))
  if (flags.markdown) await writeOut(flags.markdown, renderMarkdown(report))
}

/** Returns the exit code: 0 no FAIL/ERROR, 1 otherwise, 130 when interrupted (2 is thrown as a UsageError). */
export async function conformance(flags: ConformanceFlags, out: NodeJS.WritableStream = process.stdout): Promise<number> {
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
  if ((flags.target === undefined) === (flags.spawn === undefined)) throw new UsageError('give exactly one of --target <url> or --spawn "<command>"')
  if (flags.target !== undefined && !/^https?:\/\/[^/]+/.test(flags.target)) throw new UsageError(`--target must be an http(s) URL, got "${flags.target}"`)
  const timeoutMs = positiveInt('--timeout', flags.timeout)
  const startupTimeoutMs = positiveInt('--startup-timeout', flags.startupTimeout)
  const attempts = positiveInt('--attempts', flags.attempts, '')
  const deadlineMs = flags.deadline === undefined ? defaultRunDeadlineMs(cases, timeoutMs) : 1_000 * positiveInt('--deadline', flags.deadline, ' (seconds)')

  let spawned: SpawnedTarget | undefined
  const abort = new AbortController()
  const onSignal = (): void => {
    if (abort.signal.aborted) process.exit(130)
    out.write('\ninterrupted: stopping the target and writing what was measured (Ctrl-C again to quit now)\n')
    abort.abort()
    void spawned?.stop(1_000)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    if (flags.spawn !== undefined) {
      try {
        spawned = await spawnTarget(flags.spawn, { startupTimeoutMs })
      } catch (err) {
        if (err instanceof SpawnError) throw new UsageError(err.message)
        throw err
      }
    }
    const url = spawned?.url ?? (flags.target as string).replace(/\/$/, '')
    const terminal = new TerminalReporter(out)
    terminal.onStart(url, cases.length, contract, deadlineMs)
    const report = await checkConformance({
      target: { url, ...(flags.name !== undefined && { name: flags.name }), ...(spawned && { command: spawned.command }) },
      contract,
      cases,
      timeoutMs,
      attempts,
      deadlineMs,
      environment: { ...environment() },
      onCaseEnd: (r, i, n) => terminal.onCaseEnd(r, i, n),
      signal: abort.signal,
      ...(spawned && { targetGone: () => spawned?.gone() }),
    })
    // The CLI's own peak memory: evidence that a hostile target cannot balloon it (issue 14).
    const measured = { ...report, environment: { ...report.environment, cliMaxRssKb: process.resourceUsage().maxRSS } }
    terminal.onFinish(measured)
    await writeOutputs(measured, flags)
    return abort.signal.aborted ? 130 : exitCodeOf(measured, flags.strict ?? false)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await spawned?.stop()
  }
}
