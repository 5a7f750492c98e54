/**
 * The load-generator process: a driver (drivers/: autocannon in this process, or wrk as a child of
 * it) for the load, plus the open-loop /ping prober when the scenario asks for one. It runs apart
 * from the bench and from the target, so its own CPU use and run-queue wait are measured (and
 * reported, with whether it was saturated) instead of silently capping the numbers.
 */
import { TargetClient } from '../../scenarios/client.ts'
import { probeDuring } from '../../scenarios/prober.ts'
import { driverByName } from './drivers/registry.ts'
import type { DriverJob, DriverResult } from './drivers/driver.ts'
import { summarizeMs } from './latency.ts'
import type { ChildMessage, LoadJob, LoadResult } from './loadgen-protocol.ts'
import { loadgenUse } from './loadgen-use.ts'

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
  let ping: LoadResult['ping']
  let result: DriverResult
  if (job.ping) {
    const client = new TargetClient(job.url, job.timeoutSec * 1000)
    try {
      const { probe, result: load } = await probeDuring(client, () => driver.run(measured), { intervalMs: job.ping.intervalMs })
      if (load.status === 'rejected') throw load.reason
      result = load.value
      const ok = probe.samples.filter((s) => s.ok).map((s) => s.ms)
      ping = { ...summarizeMs(ok.length > 0 ? ok : [0]), sent: probe.sent, failed: probe.failed, timeline: probe.samples.map((s) => [s.at, s.ms, s.ok ? 1 : 0]) }
    } finally {
      await client.close()
    }
  } else {
    result = await driver.run(measured)
  }
  const { use, ...load } = result
  return { ...load, ...(ping && { ping }), loadgen: loadgenUse(driver.name, use) }
}

process.on('message', (job: LoadJob) => {
  run(job).then(
    (result) => send({ kind: 'result', result }),
    (err: unknown) => send({ kind: 'error', message: err instanceof Error ? err.message : String(err) }),
  )
})
send({ kind: 'ready' })
