import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readProcs } from '../process-tree.ts'
import { cpuPlan } from './pinning.ts'
import { sampleStart, type Sample } from './startup-sample.ts'

/** A shell command running `js` in node (no single quotes in `js`). */
const node = (js: string): string => `exec "${process.execPath}" -e '${js}'`
const listen = (handler: string): string => `require("http").createServer(${handler}).listen(+process.env.PORT, "127.0.0.1")`
/** Answers /health after a 300 ms wait before it listens. */
const SLOW_HEALTHY = node(`setTimeout(() => ${listen('(q, s) => { s.statusCode = q.url === "/health" ? 200 : 404; s.end() }')}, 300)`)
/** Starts an idle child node process, then serves. */
const WITH_CHILD = node(`require("child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" }); ${listen('(q, s) => s.end("ok")')}`)
const ALWAYS_404 = node(listen('(q, s) => { s.statusCode = 404; s.end() }'))

/** Processes of `pids` still alive (zombies are dead). */
const stillAlive = (pids: readonly number[]): number[] => readProcs().filter((p) => pids.includes(p.pid) && p.state !== 'Z').map((p) => p.pid)

/** This process's children now: a sample's target is one while it runs. */
const children = (): number[] => readProcs().filter((p) => p.ppid === process.pid && p.state !== 'Z').map((p) => p.pid)

function ok(s: Sample): Extract<Sample, { state: 'ok' }> {
  if (s.state !== 'ok') throw new Error(`expected an ok sample, got ${s.state}${s.state === 'errored' ? `: ${s.error}` : ''}`)
  return s
}

describe('one start of a target', () => {
  it('times spawn to the first 2xx /health, reads memory, threads and CPU at idle, and stops the process', async () => {
    const s = ok(await sampleStart(SLOW_HEALTHY, { timeoutMs: 20_000, idleMs: 200 }))
    // It listened after a 300 ms timer: no poll can have seen it sooner.
    expect(s.healthyMs).toBeGreaterThanOrEqual(300)
    expect(s.healthyMs).toBeLessThan(20_000)
    // A node process: tens of MB resident, several threads (V8's platform, libuv's pool), some CPU to boot.
    expect(s.idleRssBytes).toBeGreaterThan(10 * 2 ** 20)
    expect(s.threads).toBeGreaterThanOrEqual(2)
    expect(s.cpuMs).toBeGreaterThan(0)
    expect(s.pids).toHaveLength(1)
    expect(stillAlive(s.pids)).toEqual([])
  })

  it('measures the whole tree: a child process counts, and is stopped with it', async () => {
    const alone = ok(await sampleStart(SLOW_HEALTHY, { timeoutMs: 20_000, idleMs: 300 }))
    const s = ok(await sampleStart(WITH_CHILD, { timeoutMs: 20_000, idleMs: 300 }))
    expect(s.pids).toHaveLength(2)
    // Two node processes hold more than one does (each well over 10 MB).
    expect(s.idleRssBytes).toBeGreaterThan(alone.idleRssBytes + 10 * 2 ** 20)
    expect(s.threads).toBeGreaterThan(alone.threads)
    expect(stillAlive(s.pids)).toEqual([])
  })

  const cpus = cpuPlan()
  it.skipIf(!cpus.available)('runs on the CPUs it is pinned to from its spawn, before it listens', async () => {
    // The server writes the CPUs it may run on 300 ms after it starts, then listens.
    const file = join(mkdtempSync(join(tmpdir(), 'unblocked-pin-')), 'cpus')
    const js = `setTimeout(() => { const fs = require("fs"); fs.writeFileSync(${JSON.stringify(file)}, /Cpus_allowed_list:\\s*(\\S+)/.exec(fs.readFileSync("/proc/self/status", "utf8"))[1]); ${listen('(q, s) => s.end("ok")')} }, 300)`
    ok(await sampleStart(node(js), { timeoutMs: 20_000, idleMs: 100, pinTo: cpus.target }))
    expect(readFileSync(file, 'utf8')).toBe(cpus.target)
  })

  it('a command that exits is errored at once, saying how it ended', async () => {
    const before = children()
    const t0 = performance.now()
    const s = await sampleStart('echo "bad config" >&2; exit 3', { timeoutMs: 30_000, idleMs: 200 })
    expect(s).toMatchObject({ state: 'errored', error: expect.stringMatching(/^the command exited with code 3 after [\d.,]+ m?s, before GET \/health answered 200; its last output: .*bad config/) })
    expect(performance.now() - t0).toBeLessThan(10_000)
    expect(children()).toEqual(before)
  })

  it('a /health that answers 404 runs into the start-up timeout, and the error names the 404', async () => {
    const before = children()
    const t0 = performance.now()
    const s = await sampleStart(ALWAYS_404, { timeoutMs: 1_500, idleMs: 200 })
    expect(s).toMatchObject({ state: 'errored', error: expect.stringMatching(/^GET \/health answered 404 \(never 2xx\) to \d+ polls until the start-up timeout of 1,500 ms$/) })
    // The timeout, a last request and the stop's grace at most.
    expect(performance.now() - t0).toBeLessThan(10_000)
    expect(children()).toEqual(before)
  })

  it('a target that never listens runs into the start-up timeout, and the error says nothing answered', async () => {
    const s = await sampleStart(node('console.log("warming up"); setInterval(() => {}, 1000)'), { timeoutMs: 1_000, idleMs: 200 })
    expect(s).toMatchObject({ state: 'errored', error: expect.stringMatching(/^GET \/health got no answer to \d+ polls within the start-up timeout of 1,000 ms, the process still running; its last output: warming up$/) })
  })

  it('an abort during the idle wait ends the sample at once, the process stopped', async () => {
    const before = children()
    const abort = new AbortController()
    const t0 = performance.now()
    const sampling = sampleStart(SLOW_HEALTHY, { timeoutMs: 20_000, idleMs: 60_000, signal: abort.signal })
    let during: number[] = []
    setTimeout(() => {
      during = children()
      abort.abort()
    }, 1_500)
    expect(await sampling).toEqual({ state: 'interrupted' })
    expect(performance.now() - t0).toBeLessThan(30_000)
    // The target was this process's child while it idled, and is gone now.
    expect(during).toHaveLength(before.length + 1)
    expect(children()).toEqual(before)
  })
})
