/**
 * The load-generator process: a driver (drivers/: autocannon in this process, or wrk as a child of
 * it) for the closed-loop load, and, for the latency curves, constant-rate runs (open-loop/). It
 * runs apart from the bench and from the target, so its own CPU use and run-queue wait are measured
 * (and reported, with whether it was saturated) instead of silently capping the numbers. The /ping
 * prober has a process of its own (prober/): pinging from this busy loop measured the loop's noise.
 */
import { driverByName } from './drivers/registry.ts'
import type { DriverJob } from './drivers/driver.ts'
import type { ChildMessage, Job, LoadJob, LoadResult } from './loadgen-protocol.ts'
import { loadgenUse } from './loadgen-use.ts'
import { runOpenLoopJob } from './open-loop/job.ts'
import { isOpenLoopJob } from './open-loop/protocol.ts'

const send = (m: ChildMessage): void => {
  process.send?.(m)
}

/**
 * A pause between the warm-up and the measured run: the warm-up ends with requests in flight and
 * connections closing, and a measurement started on top of that saw it. In ping-under-sync-blocking,
 * the first pings of trials that followed a warm-up waited 20–40 ms (reference and fastify-piscina
 * alike) while trials without one started clean; with this pause the reference's first pings took
 * 4–6 ms. (fastify-piscina still starts a trial with one slower ping: its own behaviour.)
 */
const SETTLE_MS = 250
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, SETTLE_MS))

async function run(job: LoadJob): Promise<LoadResult> {
  const driver = driverByName(job.driver)
  const missing = driver.unavailable()
  if (missing !== undefined) throw new Error(missing)
  const base = { url: job.url, method: job.method, path: job.path, connections: job.connections, timeoutSec: job.timeoutSec }
  if (job.warmupSec > 0) {
    await driver.run({ ...base, durationSec: job.warmupSec })
    await settle()
  }
  const measured: DriverJob = { ...base, durationSec: job.durationSec, ...(job.body !== undefined && { body: job.body }) }
  const result = await driver.run(measured)
  const { use, ...load } = result
  return { ...load, loadgen: loadgenUse(driver.name, use) }
}

process.on('message', (job: Job) => {
  const fail = (err: unknown) => send({ kind: 'error', message: err instanceof Error ? err.message : String(err) })
  if (isOpenLoopJob(job)) runOpenLoopJob(job).then((result) => send({ kind: 'open-loop-result', result }), fail)
  else run(job).then((result) => send({ kind: 'result', result }), fail)
})
send({ kind: 'ready' })
