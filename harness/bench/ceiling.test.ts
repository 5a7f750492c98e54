import { afterAll, describe, expect, it } from 'vitest'
import type { Ceiling } from '../results/schema.ts'
import { CeilingSchema } from '../results/schema.ts'
import { measureCeiling, type CeilingOptions } from './ceiling.ts'
import { DRIVERS } from './drivers/registry.ts'
import { LoadGenerator } from './loadgen.ts'
import type { LoadJob, LoadResult } from './loadgen-protocol.ts'

const unpinned = { available: false, why: 'test', target: '0', loadgen: '0', all: '0' } as const

const loadResult = (over: Partial<LoadResult> = {}): LoadResult => ({
  requests: 2000, durationSec: 1, rps: 2000,
  latency: { p50: 1, p90: 2, p99: 3, p999: 4, max: 5, mean: 1.2 },
  errors: 0, timeouts: 0, non2xx: 0, mismatches: 0, statusCodes: { 200: 2000 },
  loadgen: { driver: 'autocannon', cpuMs: 990, cpuPct: 99, waitMs: 5, busyPct: 99.5, saturated: true },
  ...over,
})

const options = (run: (job: LoadJob) => Promise<LoadResult>, over: Partial<CeilingOptions> = {}): CeilingOptions => ({
  loadgen: { run, pid: undefined },
  driver: 'autocannon',
  cpus: unpinned,
  connections: 50,
  durationSec: 1,
  trials: 3,
  ...over,
})

describe('the load generator\'s ceiling', () => {
  it('the best of the sound trials; a trial with errors from the no-op server is left out, and said', async () => {
    const answers = [loadResult({ rps: 9000 }), loadResult({ rps: 11000, non2xx: 3 }), loadResult({ rps: 10000 })]
    const jobs: LoadJob[] = []
    const c = await measureCeiling(options(async (job) => (jobs.push(job), answers[jobs.length - 1] as LoadResult)))
    expect(c).toEqual({ state: 'ok', driver: 'autocannon', connections: 50, rps: 10000, perTrial: [9000, 10000], busyPct: 99.5, saturated: true, failures: ['trial 2: 3 non-2xx from the no-op server'] })
    expect(CeilingSchema.safeParse(c).success).toBe(true)
    // Warm-up once, the no-op body checked like a scenario's, the driver asked for.
    expect(jobs.map((j) => j.warmupSec)).toEqual([1, 0, 0])
    expect(jobs[0]).toMatchObject({ driver: 'autocannon', method: 'GET', path: '/', connections: 50, body: '^{"ok":true}$' })
  })

  it('not saturated when the generator had time to spare: the ceiling is then a lower bound', async () => {
    const idle = loadResult({ loadgen: { driver: 'wrk', cpuMs: 400, cpuPct: 40, waitMs: 10, busyPct: 41, saturated: false } })
    const c = await measureCeiling(options(async () => idle, { driver: 'wrk', trials: 1 }))
    expect(c).toMatchObject({ state: 'ok', driver: 'wrk', busyPct: 41, saturated: false })
  })

  it('errored, with the first failure, when no trial is sound', async () => {
    const c = await measureCeiling(options(() => Promise.reject(new Error('the load generator exited (SIGKILL)')), { trials: 2 }))
    expect(c).toEqual({ state: 'errored', error: 'trial 1: the load generator exited (SIGKILL)' })
  })

  describe('for real: the load generator process against the no-op server process', () => {
    const loadgen = new LoadGenerator()
    afterAll(() => loadgen.close())

    it.each(Object.keys(DRIVERS) as (keyof typeof DRIVERS)[])('%s', async (driver) => {
      const missing = DRIVERS[driver].unavailable()
      if (missing !== undefined) {
        // Not installed here: the generator must say so instead of measuring anything.
        const c: Ceiling = await measureCeiling({ loadgen, driver, cpus: unpinned, connections: 10, durationSec: 1, trials: 1, warmupSec: 0 })
        expect(c).toEqual({ state: 'errored', error: `trial 1: ${missing}` })
        return
      }
      const c = await measureCeiling({ loadgen, driver, cpus: unpinned, connections: 10, durationSec: 1, trials: 1, warmupSec: 0 })
      expect(c).toMatchObject({ state: 'ok', driver, connections: 10 })
      if (c.state !== 'ok') return
      expect(c.perTrial).toHaveLength(1)
      expect(c.rps).toBeGreaterThan(500) // a no-op server on this machine answers thousands per second
      expect(c.busyPct).toBeGreaterThan(0)
      expect(c.failures).toBeUndefined()
    })
  })
})
