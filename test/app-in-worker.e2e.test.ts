/**
 * Regression (issue 13): an app module that calls `createApp` and `listen` itself made every pool
 * worker start a pool of its own — threads grew from 44 to 80 in 20 s with a 1-worker pool, and
 * the server never listened, without a word. Run as a user runs it, in its own process: the
 * process must end with the coded start-up error, soon, with its thread count flat.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const APP = fileURLToPath(new URL('./fixtures/self-listening-app.mjs', import.meta.url))
/** Generous: the process normally ends within seconds; the bug never ended it. */
const LIMIT_MS = 60_000
const SAMPLE_MS = 50

interface Ended {
  code: number | null
  output: string
  /** The most threads the process had at once, sampled every SAMPLE_MS. */
  peakThreads: number
  ms: number
}

/** The process's live thread count (Linux), or undefined once it is gone. */
function threadsOf(pid: number): number | undefined {
  try {
    const m = /^Threads:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m === null ? undefined : Number(m[1])
  } catch {
    return undefined
  }
}

function run(file: string): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    // tsx is the loader the fixture's import of the framework's TypeScript source needs.
    const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (b: Buffer) => (output += b.toString()))
    child.stderr.on('data', (b: Buffer) => (output += b.toString()))
    let peakThreads = 0
    const sampler = setInterval(() => {
      const n = child.pid === undefined ? undefined : threadsOf(child.pid)
      if (n !== undefined) peakThreads = Math.max(peakThreads, n)
    }, SAMPLE_MS)
    const limit = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the process did not end within ${LIMIT_MS} ms (at most ${peakThreads} threads); output:\n${output}`))
    }, LIMIT_MS)
    child.once('error', reject)
    child.once('close', (code) => {
      clearInterval(sampler)
      clearTimeout(limit)
      resolve({ code, output, peakThreads, ms: performance.now() - t0 })
    })
  })
}

it.runIf(process.platform === 'linux')('an app module that starts its own server fails at start-up with UNB_ERR_APP_IN_WORKER, promptly, without multiplying threads', async () => {
  const ended = await run(APP)
  expect(ended.code).toBe(1)
  expect(ended.output).toContain('UNB_ERR_APP_IN_WORKER')
  expect(ended.output).toMatch(/createApp was called inside a worker of the pool \(while it loaded file:\/\/\S*self-listening-app\.mjs\): .* must only define the app \(export default defineApp\(\.\.\.\)\); start the server \(createApp, listen\) from a separate entry file/)
  expect(ended.output).not.toContain('serving on port')
  // node, its platform and libuv threads, one pool worker and piscina's: about 15. Pools inside
  // workers would add threads for as long as the process lives (80 within 20 s before the guard).
  expect(ended.peakThreads).toBeLessThan(30)
})
