/**
 * wrk (https://github.com/wg/wrk), a separate program: C, epoll, one thread here (the load
 * generator has one CPU). Where it is installed it is the cheaper driver (measured here: 13 CPU-µs
 * per request against the no-op server vs autocannon's 21; 25 vs 39 at 14k requests/s) and a
 * cross-check of autocannon's numbers. Its Lua script (wrk-script.ts) counts statuses and checks
 * every body — at no measurable cost: 9.9–10.1 CPU-µs per request at ~95k requests/s with no
 * script, a status-counting one, and the body check — and its result line is parsed by
 * wrk-output.ts.
 *
 * Its own use is the wrk process's: CPU from /proc/<pid>/stat read after the run but before the
 * process exits (the script waits for us; the stat includes its exited worker thread), run-queue
 * wait from its threads' schedstat sampled during the run (a thread's wait leaves /proc when it
 * exits, so up to one sampling interval of the worker's wait can be missed).
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { oneLine } from '../../../scenarios/one-line.ts'
import { allowedCpus, cpuStealMeter } from '../proc-machine.ts'
import { processCpuMs } from '../proc-stats.ts'
import { SchedMeter, type SchedUse } from '../schedstat.ts'
import type { DriverJob, DriverResult, DriverUse, LoadDriver } from './driver.ts'
import { parseWrkOutput, wrkResult } from './wrk-output.ts'
import { DONE_MARKER, wrkScript } from './wrk-script.ts'

export const WRK_MISSING = '--driver wrk needs wrk on PATH (https://github.com/wg/wrk; on Debian and Ubuntu: apt-get install wrk)'
/** How often the wrk process's threads are read for their run-queue wait, ms. */
const SAMPLE_MS = 50
/** Seconds wrk may run beyond its duration and timeout before it is killed. */
const GRACE_SEC = 15

let version: string | null | undefined
/** wrk's version, e.g. "debian/4.1.0-3+b2"; null when there is no wrk to run. */
function wrkVersion(): string | null {
  if (version === undefined) {
    // `wrk --version` prints its banner and usage and exits 1: the banner is what tells.
    const r = spawnSync('wrk', ['--version'], { encoding: 'utf8', timeout: 5_000 })
    const m = /^wrk\s+(\S+)/m.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`)
    version = r.error !== undefined || m === null ? null : (m[1] as string)
  }
  return version
}

export const wrkDriver: LoadDriver = {
  name: 'wrk',
  closedLoopLatency:
    "answers within the timeout, as wrk reports them: corrected for coordinated omission (an answer slower than the mean interval per connection also stands for those that would have come meanwhile), so higher than autocannon's for the same stalls",
  timeouts: 'an answer that comes after the timeout is counted when it comes; a request never answered is not counted (its connection just stops)',
  unavailable: () => (wrkVersion() === null ? WRK_MISSING : undefined),
  version: () => wrkVersion() ?? 'unknown',
  run: runWrk,
}

async function runWrk(job: DriverJob): Promise<DriverResult> {
  if (!Number.isInteger(job.durationSec) || job.durationSec < 1) throw new Error(`wrk runs whole seconds: durationSec must be an integer ≥ 1, got ${job.durationSec}`)
  const dir = await mkdtemp(join(tmpdir(), 'unblocked-wrk-'))
  try {
    const script = join(dir, 'job.lua')
    await writeFile(script, wrkScript({ method: job.method, ...(job.body !== undefined && { body: job.body }) }))
    const args = ['--latency', '-t', '1', '-c', String(job.connections), '-d', `${job.durationSec}s`, '--timeout', `${job.timeoutSec}s`, '-s', script, `${job.url}${job.path}`]
    const { stdout, stderr, use } = await spawnWrk(args, (job.durationSec + job.timeoutSec + GRACE_SEC) * 1000)
    return { ...wrkResult(parseWrkOutput(stdout, stderr)), use }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Run wrk; its use is read the moment its run is done, while the process still exists (the script waits). */
function spawnWrk(args: string[], limitMs: number): Promise<{ stdout: string; stderr: string; use: DriverUse }> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['pipe', 'pipe', 'pipe'] })
    const t0 = performance.now()
    const pid = child.pid
    const meter = pid === undefined ? undefined : new SchedMeter(pid, SAMPLE_MS)
    // wrk inherits this process's CPU affinity.
    const steal = cpuStealMeter(allowedCpus() ?? [])
    let stdout = ''
    let stderr = ''
    let use: DriverUse | undefined
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs)
    child.stdin.on('error', () => {
      // wrk exited without reading its stdin: its exit says why
    })
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      if (use !== undefined || !stdout.includes(`${DONE_MARKER}\n`)) return
      const wallMs = performance.now() - t0
      const sched: SchedUse | undefined = meter?.stop()
      const cpuMs = (pid === undefined ? undefined : processCpuMs(pid)) ?? sched?.cpuMs ?? 0
      const stealMs = steal.stop()
      use = { cpuMs, ...(sched && { waitMs: sched.waitMs }), ...(stealMs !== undefined && { stealMs }), wallMs }
      child.stdin.end() // the script's done() waits for this, then prints its result and exits
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.once('error', (err) => {
      clearTimeout(timer)
      meter?.stop()
      reject((err as NodeJS.ErrnoException).code === 'ENOENT' ? new Error(WRK_MISSING) : err)
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      meter?.stop()
      if (use !== undefined) resolve({ stdout, stderr, use })
      else reject(new Error(`wrk exited (${signal ?? `code ${code}`}) before its result: ${oneLine((stderr || stdout).trim().slice(-180)) || '(no output)'}`))
    })
  })
}
