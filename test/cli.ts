/** The `unblocked` CLI as a user runs it, for end-to-end tests: a child process, bounded in time. */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

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
