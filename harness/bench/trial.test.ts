import { describe, expect, it } from 'vitest'
import type { LoadJob, LoadResult } from './loadgen-protocol.ts'
import { SCENARIOS } from './scenarios.ts'
import { runTrial, type TrialOptions } from './trial.ts'

const result: LoadResult = {
  requests: 2000, durationSec: 2, rps: 1000,
  latency: { p50: 1, p90: 2, p99: 3, p999: 4, max: 5, mean: 1.2 },
  errors: 0, timeouts: 0, non2xx: 0, mismatches: 0, statusCodes: { 200: 2000 },
  loadgen: { driver: 'autocannon', cpuMs: 1900, cpuPct: 95, waitMs: 20, busyPct: 96, saturated: true },
}

function options(run: (job: LoadJob) => Promise<LoadResult>, gone: () => string | undefined = () => undefined, over: Partial<TrialOptions> = {}): TrialOptions {
  return {
    scenario: SCENARIOS.find((s) => s.id === 'json-async') as TrialOptions['scenario'],
    trial: 1,
    // No such process: /proc has nothing to read, and nothing is pinned.
    target: { url: 'http://127.0.0.1:9', pid: 2 ** 22 + 1, gone },
    settings: { durationSec: 2, warmupSec: 1, connections: undefined, driver: 'autocannon' },
    cpus: { available: false, why: 'test', target: '0', loadgen: '0', all: '0' },
    loadgen: { run: (job) => run(job) },
    ...over,
  }
}

describe('one trial', () => {
  it('ok: the load generator\'s result as a trial, warm-up on the first trial only', async () => {
    const jobs: LoadJob[] = []
    const t = await runTrial(options(async (job) => (jobs.push(job), result)))
    expect(t).toMatchObject({ trial: 1, state: 'ok', rps: 1000, latency: { p99: 3 }, loadgen: { saturated: true }, target: {}, pinned: null })
    expect(jobs[0]).toMatchObject({ driver: 'autocannon', warmupSec: 1, durationSec: 2, path: '/coerce/async/dict', body: '^{"kind":"dict","n":1}$' })
    await runTrial(options(async (job) => (jobs.push(job), result), undefined, { trial: 2 }))
    expect(jobs[1]?.warmupSec).toBe(0)
  })

  it('errored when the load generator fails, crashed when the target\'s process exited during it', async () => {
    expect(await runTrial(options(() => Promise.reject(new Error('the load generator exited (SIGKILL)'))))).toEqual({ trial: 1, state: 'errored', error: 'the load generator exited (SIGKILL)', pinned: null })
    expect(await runTrial(options(() => Promise.reject(new Error('ECONNREFUSED')), () => 'the target process exited (code 3)'))).toEqual({ trial: 1, state: 'crashed', error: 'the target process exited (code 3) during json-async trial 1', pinned: null })
    // The load finished, but the target was gone by the end: still a crash, not a measurement.
    expect(await runTrial(options(async () => result, () => 'the target process exited (signal SIGSEGV)'))).toMatchObject({ state: 'crashed', error: 'the target process exited (signal SIGSEGV) during json-async trial 1' })
  })

  it('errored, naming the setup, when the target cannot be put in the state the trial measures', async () => {
    const t = await runTrial(options(async () => result, undefined, { setup: () => Promise.reject(new Error('could not switch host')) }))
    expect(t).toEqual({ trial: 1, state: 'errored', error: 'could not switch host', pinned: null })
  })

  it('a measurement that would not read back from results.json is errored, naming the field', async () => {
    const t = await runTrial(options(async () => ({ ...result, rps: Number.NaN })))
    expect(t).toEqual({ trial: 1, state: 'errored', error: 'the measurement is not valid results.json data: at rps: Invalid input: expected number, received NaN', pinned: null })
  })
})
