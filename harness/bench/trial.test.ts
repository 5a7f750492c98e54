import { describe, expect, it } from 'vitest'
import type { Ping } from '../results/schema.ts'
import type { LoadJob, LoadResult } from './loadgen-protocol.ts'
import type { ProbeJob } from './prober/protocol.ts'
import { SCENARIOS } from './scenarios.ts'
import { runTrial, type Instruments, type TrialOptions } from './trial.ts'

const result: LoadResult = {
  requests: 2000, durationSec: 2, rps: 1000,
  latency: { p50: 1, p90: 2, p99: 3, p999: 4, max: 5, mean: 1.2 },
  errors: 0, timeouts: 0, non2xx: 0, mismatches: 0, statusCodes: { 200: 2000 },
  loadgen: { driver: 'autocannon', cpuMs: 1900, cpuPct: 95, waitMs: 40, busyPct: 97, saturated: true },
}

const ping: Ping = {
  intervalMs: 10, scheduled: 200, served: 200, failed: 0, unanswered: 0, latency: { p50: 1, p90: 1, p99: 2, p999: 2, max: 2, mean: 1 },
  stallMaxMs: 2, blockedMs: 0, blockThresholdMs: 20, timeline: [[0, 1, 1]],
}

const scenario = (id: string) => SCENARIOS.find((s) => s.id === id) as TrialOptions['scenario']

function options(run: (job: LoadJob) => Promise<LoadResult>, gone: () => string | undefined = () => undefined, over: Partial<TrialOptions> = {}, io: Partial<Instruments> = {}): TrialOptions {
  return {
    scenario: scenario('json-async'),
    trial: 1,
    // No such process: /proc has nothing to read, and nothing is pinned.
    target: { url: 'http://127.0.0.1:9', pid: 2 ** 22 + 1, gone },
    settings: { durationSec: 2, warmupSec: 1, connections: undefined, driver: 'autocannon' },
    cpus: { available: false, why: 'test', target: '0', loadgen: '0', all: '0' },
    instruments: { loadgen: { run: (job) => run(job) }, drain: async () => ({ ms: 12, quiet: true }), ...io },
    ...over,
  }
}

describe('one trial', () => {
  it("ok: the load generator's result as a trial; the first trial warms up in a run of its own, then drains", async () => {
    const jobs: LoadJob[] = []
    const t = await runTrial(options(async (job) => (jobs.push(job), result)))
    expect(t).toMatchObject({ trial: 1, state: 'ok', rps: 1000, closedLoop: { p99: 3 }, loadgen: { saturated: true, busyPct: 97 }, drain: { ms: 12, quiet: true }, machine: {}, target: {}, pinned: null })
    expect(jobs.map((j) => j.durationSec)).toEqual([1, 2]) // the warm-up, then the measured run
    expect(jobs[1]).toMatchObject({ warmupSec: 0, path: '/coerce/async/dict' })
    await runTrial(options(async (job) => (jobs.push(job), result), undefined, { trial: 2 }))
    expect(jobs).toHaveLength(3) // no warm-up after the first trial
  })

  it('errored when the load generator fails, crashed when the target\'s process exited during it', async () => {
    expect(await runTrial(options(() => Promise.reject(new Error('the load generator exited (SIGKILL)'))))).toEqual({ trial: 1, state: 'errored', error: 'the load generator exited (SIGKILL)', pinned: null })
    expect(await runTrial(options(() => Promise.reject(new Error('ECONNREFUSED')), () => 'the target process exited (code 3)'))).toEqual({ trial: 1, state: 'crashed', error: 'the target process exited (code 3) during json-async trial 1', pinned: null })
    // The load finished, but the target was gone by the end: still a crash, not a measurement.
    expect(await runTrial(options(async () => result, () => 'the target process exited (signal SIGSEGV)', { trial: 2 }))).toMatchObject({ state: 'crashed', error: 'the target process exited (signal SIGSEGV) during json-async trial 2' })
  })

  it('errored, naming the setup, when the target cannot be put in the state the trial measures', async () => {
    const t = await runTrial(options(async () => result, undefined, { setup: () => Promise.reject(new Error('could not switch host')) }))
    expect(t).toEqual({ trial: 1, state: 'errored', error: 'could not switch host', pinned: null })
  })

  it('a measurement that would not read back from results.json is errored, naming the field', async () => {
    const t = await runTrial(options(async () => ({ ...result, rps: Number.NaN }), undefined, { trial: 2 }))
    expect(t).toEqual({ trial: 2, state: 'errored', error: 'the measurement is not valid results.json data: at rps: Invalid input: expected number, received NaN', pinned: null })
  })

  it('a ping scenario connects the prober first, then pings during the load, target and control on one schedule', async () => {
    const calls: string[] = []
    const prober = {
      connect: async (job: ProbeJob) => (calls.push(`connect ${job.targetUrl} ${job.controlUrl}`), { target: 1, control: 1 }),
      probe: async (job: ProbeJob) => (calls.push(`probe ${job.durationMs} ms every ${job.intervalMs} ms, blocked over ${job.blockThresholdMs} ms`), { target: ping, control: ping }),
    }
    const machine = { before: async () => ({ after: () => ({ probeMs: 7.5, loadavg1: 0.4, stealPct: 0.5 }) }) }
    const t = await runTrial(options(async () => (calls.push('load'), result), undefined, { scenario: scenario('ping-under-sync-blocking'), trial: 2 }, { prober, controlUrl: 'http://127.0.0.1:7', machine }))
    expect(calls).toEqual(['connect http://127.0.0.1:9 http://127.0.0.1:7', 'load', 'probe 2000 ms every 10 ms, blocked over 20 ms'])
    expect(t).toMatchObject({ state: 'ok', ping: { target: ping, control: ping }, machine: { probeMs: 7.5, loadavg1: 0.4, stealPct: 0.5 } })
  })

  it('a ping scenario whose prober fails is errored: its cell cannot be judged without pings', async () => {
    const prober = { connect: async () => ({ target: 1 }), probe: () => Promise.reject(new Error('child exited')) }
    const t = await runTrial(options(async () => result, undefined, { scenario: scenario('ping-under-sync-blocking'), trial: 2 }, { prober }))
    expect(t).toEqual({ trial: 2, state: 'errored', error: 'the prober failed: child exited', pinned: null })
  })
})
