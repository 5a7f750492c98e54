/** The `unblocked` CLI as a user runs it, for end-to-end tests: a child process, bounded in time. */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CaseResult, ConformanceReport } from '../scenarios/types.ts'

export const BIN = fileURLToPath(new URL('../bin/unblocked.mjs', import.meta.url))

export interface CliRun {
  readonly code: number | null
  /** stdout and stderr, interleaved as they came. */
  readonly stdout: string
  readonly ms: number
}

/** Run the CLI to completion; after `limitMs` it is killed and the promise rejects with its output. */
export function runCli(args: readonly string[], limitMs: number): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the CLI did not finish within ${limitMs} ms:\n${stdout}`))
    }, limitMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, ms: performance.now() - t0 })
    })
  })
}

export interface ConformanceRun extends CliRun {
  readonly report: ConformanceReport
}

const reportsDir = mkdtempSync(join(tmpdir(), 'unblocked-e2e-'))

/** Run `conformance` to completion (killed, and the promise rejected, after `limitMs`) and read its JSON report. */
export async function runConformance(args: readonly string[], limitMs = 120_000): Promise<ConformanceRun> {
  const json = join(reportsDir, `${Math.random().toString(36).slice(2)}.json`)
  const run = await runCli(['conformance', ...args, '--json', json], limitMs)
  try {
    return { ...run, report: JSON.parse(readFileSync(json, 'utf8')) as ConformanceReport }
  } catch (err) {
    throw new Error(`no JSON report (exit ${run.code}): ${String(err)}\n${run.stdout}`)
  }
}

/** A report's cases by id. */
export const casesById = (r: ConformanceReport): Record<string, CaseResult> => Object.fromEntries(r.cases.map((c) => [c.id, c]))
