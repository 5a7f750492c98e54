/**
 * The open-loop schedule: a ping every `intervalMs` for `durationMs`, to the target and the control
 * at the same scheduled instants, each latency counted from its scheduled send time (as
 * scenarios/prober.ts does for the conformance suites): when the prober itself falls behind, or
 * the server stalls and pings pile up, the delay still counts (no coordinated omission). The
 * control's pings are affected by the prober's own lateness exactly as the target's are, which is
 * what makes the control the measure of the prober's noise.
 */
import { PingConnections } from './connections.ts'
import { pingOf, type PingSample } from './ping-stats.ts'
import { DEFAULT_DEADLINE_MS, type ProbeJob, type ProbeResult } from './protocol.ts'

export interface ProbeServers {
  readonly target: PingConnections
  readonly control?: PingConnections
}

/** Slots per server: every ping that can be waiting at once (each ends by its deadline), and two to spare. */
export const slotsFor = (job: Pick<ProbeJob, 'intervalMs' | 'deadlineMs'>): number => Math.ceil((job.deadlineMs ?? DEFAULT_DEADLINE_MS) / job.intervalMs) + 2

/** Open the job's connections, target and control alike, before its schedule. */
export async function openServers(job: ProbeJob): Promise<ProbeServers> {
  const deadline = job.deadlineMs ?? DEFAULT_DEADLINE_MS
  const [target, control] = await Promise.all([
    PingConnections.open(job.targetUrl, slotsFor(job), deadline),
    job.controlUrl === undefined ? undefined : PingConnections.open(job.controlUrl, slotsFor(job), deadline),
  ])
  return { target, ...(control && { control }) }
}

/** Whether `servers` were opened for this job's servers and schedule. */
export const serversFit = (servers: ProbeServers, job: ProbeJob): boolean =>
  servers.target.url === job.targetUrl && servers.control?.url === job.controlUrl && servers.target.size === slotsFor(job) && (servers.control === undefined || servers.control.size === slotsFor(job))

/**
 * Run the schedule on `servers`. Resolves once every ping is answered, failed or given up: at most
 * the deadline after the last scheduled ping.
 */
export async function runSchedule(servers: ProbeServers, job: ProbeJob): Promise<ProbeResult> {
  const { intervalMs, durationMs } = job
  const path = job.path ?? '/ping'
  const deadline = job.deadlineMs ?? DEFAULT_DEADLINE_MS
  const ends: Promise<void>[] = []
  const samples: { target: PingSample[]; control: PingSample[] } = { target: [], control: [] }
  const t0 = performance.now()
  let k = 0

  const send = (which: 'target' | 'control', conns: PingConnections, at: number): void => {
    const scheduled = t0 + at
    ends.push(
      conns.ping(path, scheduled + deadline).then(({ outcome, endedAt }) => {
        const waited = endedAt - scheduled
        // A timer firing a hair early must not make a given-up ping look shorter than the deadline.
        samples[which].push({ at, waitedMs: outcome === 'unanswered' ? Math.max(waited, deadline) : waited, outcome })
      }),
    )
  }
  await new Promise<void>((scheduleDone) => {
    const tick = (): void => {
      const now = performance.now()
      // Send every ping whose time has come, several at once if this timer fired late.
      while (k * intervalMs < durationMs && t0 + k * intervalMs <= now) {
        const at = k * intervalMs
        // Alternate which server goes first, so neither always pays for the other's send.
        const order = k % 2 === 0 ? (['target', 'control'] as const) : (['control', 'target'] as const)
        for (const which of order) {
          const conns = servers[which]
          if (conns !== undefined) send(which, conns, at)
        }
        k++
      }
      if (k * intervalMs < durationMs) setTimeout(tick, Math.max(0, t0 + k * intervalMs - performance.now()))
      else scheduleDone()
    }
    tick()
  })
  // Each ping settles by its own deadline, so this wait is bounded by the deadline after the last one.
  await Promise.all(ends)
  const settings = { intervalMs, blockThresholdMs: job.blockThresholdMs }
  return {
    target: pingOf(samples.target, settings),
    ...(servers.control && { control: pingOf(samples.control, settings) }),
  }
}
