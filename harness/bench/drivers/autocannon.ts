/**
 * autocannon, in this process (the load generator's child process). Its own latency histogram
 * keeps whole milliseconds and only 2xx answers; the driver records every answer's time into its
 * own HDR histogram at microsecond resolution instead, as wrk does. autocannon counts a timeout
 * as an error too (`errors` = connection errors + timeouts): the driver subtracts them, so each
 * failure is counted once.
 */
import autocannon from 'autocannon'
import { packageVersion } from '../../../targets/shared/package-version.ts'
import { bodyMatches, bodyRegExp } from '../body-pattern.ts'
import { newHistogram, summarizeHistogram } from '../latency.ts'
import { allowedCpus, cpuStealMeter } from '../proc-machine.ts'
import { SchedMeter } from '../schedstat.ts'
import type { DriverJob, DriverResult, LoadDriver } from './driver.ts'

function cannon(job: DriverJob, onAnswer: (ms: number) => void): Promise<autocannon.Result> {
  const re = job.body === undefined ? undefined : bodyRegExp(job.body)
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${job.url}${job.path}`,
        method: job.method,
        connections: job.connections,
        duration: job.durationSec,
        timeout: job.timeoutSec,
        ...(re && { verifyBody: (body: string | Buffer | undefined) => bodyMatches(re, body === undefined ? '' : body.toString()) }),
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    )
    instance.on('response', (_client, _status, _bytes, ms) => onAnswer(ms))
    instance.on('error', reject)
  })
}

export const autocannonDriver: LoadDriver = {
  name: 'autocannon',
  closedLoopLatency: 'every answer, timed from its send to its end as the connections saw it (no correction for coordinated omission)',
  timeouts: 'a request unanswered within the timeout is counted when the timeout passes, and its connection replaced',
  unavailable: () => undefined, // a dependency of this package
  version: () => packageVersion('autocannon'),
  async run(job) {
    const latency = newHistogram()
    const meter = new SchedMeter(process.pid) // node's threads live as long as the process: no sampling needed
    const steal = cpuStealMeter(allowedCpus() ?? [])
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    const result = await cannon(job, (ms) => latency.recordValue(Math.max(1, Math.round(ms * 1000))))
    const wallMs = performance.now() - t0
    const cpu = process.cpuUsage(cpu0)
    const sched = meter.stop()
    const stealMs = steal.stop()
    const statusCodes: Record<string, number> = {}
    for (const [code, v] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number((v as { count: number | string }).count)
    const requests = Object.values(statusCodes).reduce((a, b) => a + b, 0) || result.requests.total
    const out: DriverResult = {
      requests,
      durationSec: result.duration,
      rps: requests / result.duration,
      latency: summarizeHistogram(latency),
      errors: result.errors - result.timeouts,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      mismatches: result.mismatches,
      statusCodes,
      use: { cpuMs: (cpu.user + cpu.system) / 1000, ...(sched && { waitMs: sched.waitMs }), ...(stealMs !== undefined && { stealMs }), wallMs },
    }
    latency.destroy()
    return out
  },
}
