/**
 * The load-generator process: autocannon, and only the load. It runs apart from the bench and
 * from the target, so its own CPU use is measured (and reported) instead of silently capping the
 * numbers; and, for the latency curves, constant-rate runs (open-loop/). The /ping prober has a process of its own (prober/): pinging from this busy loop
 * measured the loop's own noise.
 */
import autocannon from 'autocannon'
import type { ChildMessage, Job, LoadJob, LoadResult } from './loadgen-protocol.ts'
import { runOpenLoopJob } from './open-loop/job.ts'
import { isOpenLoopJob } from './open-loop/protocol.ts'
import { scenarioById } from './scenarios.ts'

const send = (m: ChildMessage): void => {
  process.send?.(m)
}

function cannon(job: LoadJob, durationSec: number, check?: (body: string) => boolean): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${job.url}${job.path}`,
        method: job.method,
        connections: job.connections,
        duration: durationSec,
        timeout: job.timeoutSec,
        ...(check && { verifyBody: (body: string | Buffer | undefined) => check(body === undefined ? '' : body.toString()) }),
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    )
    instance.on('error', reject)
  })
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
  const scenario = scenarioById(job.scenario)
  if (scenario === undefined) throw new Error(`unknown scenario ${job.scenario}`)
  if (job.warmupSec > 0) {
    await cannon(job, job.warmupSec)
    await settle()
  }
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const result = await cannon(job, job.durationSec, scenario.check)
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const cpuMs = (cpu.user + cpu.system) / 1000
  const statusCodes: Record<string, number> = {}
  for (const [code, v] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number((v as { count: number | string }).count)
  const requests = Object.values(statusCodes).reduce((a, b) => a + b, 0) || result.requests.total
  const l = result.latency
  return {
    requests,
    durationSec: result.duration,
    rps: requests / result.duration,
    latency: { p50: l.p50, p90: l.p90, p99: l.p99, p999: l.p99_9, max: l.max, mean: l.average },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    mismatches: result.mismatches,
    statusCodes,
    loadgen: { cpuMs, cpuPct: Math.round((cpuMs / wallMs) * 1000) / 10 },
  }
}

process.on('message', (job: Job) => {
  const fail = (err: unknown) => send({ kind: 'error', message: err instanceof Error ? err.message : String(err) })
  if (isOpenLoopJob(job)) runOpenLoopJob(job).then((result) => send({ kind: 'open-loop-result', result }), fail)
  else run(job).then((result) => send({ kind: 'result', result }), fail)
})
send({ kind: 'ready' })
