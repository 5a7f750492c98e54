/**
 * The load generator's ceiling, measured in the same run: the generator (same driver, same CPU,
 * same process) against the no-op server (noop-server.ts, pinned where targets go). A target's
 * requests/s near it may be the generator's limit rather than the target's.
 *
 * When the generator was not saturated against the no-op server, it was node:http (one CPU) that
 * set the pace, and the ceiling is a lower bound of what the generator can measure: `saturated`
 * says which. Measured here (50 connections, 2 s, pinned): autocannon saturated at ~47–55k
 * requests/s; wrk reached ~52–53k at 72–74% busy, node:http's own limit (its CPU at 97%). An
 * unsaturated ceiling does not cap anything: the generator had spare time at that rate, so a
 * target near it was not held back by the generator (each trial's own LoadgenUse.saturated is
 * the direct evidence).
 */
import { median } from '../../scenarios/stats.ts'
import type { Ceiling } from '../results/schema.ts'
import { exactBody } from './body-pattern.ts'
import type { DriverName } from './drivers/driver.ts'
import type { LoadGenerator } from './loadgen.ts'
import type { LoadJob } from './loadgen-protocol.ts'
import { SATURATED_BUSY_PCT } from './loadgen-use.ts'
import { NOOP_BODY, NoopServer } from './noop-server.ts'
import { pin, type CpuPlan } from './pinning.ts'

export interface CeilingOptions {
  readonly loadgen: Pick<LoadGenerator, 'run' | 'pid'>
  readonly driver: DriverName
  readonly cpus: CpuPlan
  /** As the scenarios' closed-loop load (50 for the dispatch scenarios). */
  readonly connections: number
  /** Measured seconds per trial (whole seconds). */
  readonly durationSec: number
  readonly trials: number
  /**
   * Warm-up before the first trial, s (node:http and the generator both JIT-compile their hot
   * paths in the first second).
   * @default 1
   */
  readonly warmupSec?: number
}

/** Seconds a trial may take beyond its warm-up and measurement before it counts as hung. */
const GRACE_SEC = 30

const round1 = (x: number): number => Math.round(x * 10) / 10

/** The ceiling as results.json holds it: ok with the best trial and each trial, or errored. Never throws. */
export async function measureCeiling(o: CeilingOptions): Promise<Ceiling> {
  let server: NoopServer | undefined
  try {
    server = await NoopServer.start()
    if (o.cpus.available) {
      pin({ pid: server.pid }, o.cpus.target)
      if (o.loadgen.pid !== undefined) pin({ pid: o.loadgen.pid }, o.cpus.loadgen)
    }
    const rps: number[] = []
    const busy: number[] = []
    const failures: string[] = []
    for (let trial = 1; trial <= o.trials; trial++) {
      const warmupSec = trial === 1 ? (o.warmupSec ?? 1) : 0
      const job: LoadJob = {
        driver: o.driver,
        url: server.url,
        method: 'GET',
        path: '/',
        connections: o.connections,
        durationSec: o.durationSec,
        warmupSec,
        // Checked as the scenarios' bodies are, so the generator does the work it does in a trial.
        body: exactBody(NOOP_BODY),
        timeoutSec: 10,
      }
      try {
        const r = await o.loadgen.run(job, (warmupSec + o.durationSec + GRACE_SEC) * 1000)
        // A no-op server answers everything 200 with its body: anything else means this trial
        // measured something other than the generator's reach.
        const wrong = { errors: r.errors, timeouts: r.timeouts, 'non-2xx': r.non2xx, mismatches: r.mismatches }
        const seen = Object.entries(wrong).filter(([, n]) => n > 0)
        if (seen.length > 0) failures.push(`trial ${trial}: ${seen.map(([k, n]) => `${n} ${k}`).join(', ')} from the no-op server`)
        else {
          rps.push(round1(r.rps))
          busy.push(r.loadgen.busyPct)
        }
      } catch (err) {
        failures.push(`trial ${trial}: ${(err as Error).message}`)
      }
    }
    if (rps.length === 0) return { state: 'errored', error: failures[0] ?? 'no trial ran' }
    const busyPct = round1(median(busy))
    return {
      state: 'ok',
      driver: o.driver,
      connections: o.connections,
      // The most the generator reached: a slower trial shows a machine busy with something else
      // (a quick run's single trial once read 28.9k while targets later in the run got 37k), not
      // a lower reach, and a low ceiling would mark sound cells as lower bounds.
      rps: Math.max(...rps),
      perTrial: rps,
      busyPct,
      saturated: busyPct >= SATURATED_BUSY_PCT,
      ...(failures.length > 0 && { failures }),
    }
  } catch (err) {
    return { state: 'errored', error: (err as Error).message }
  } finally {
    await server?.stop()
  }
}
