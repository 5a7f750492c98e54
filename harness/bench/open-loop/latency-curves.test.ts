import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LatencyCurveSchema, type Cell } from '../../results/schema.ts'
import { LoadGenerator } from '../loadgen.ts'
import { scenarioById, type Scenario } from '../scenarios.ts'
import { runOpenLoopJob } from './job.ts'
import { latencyCurves } from './latency-curves.ts'

// A server that answers like a contract target's /coerce/async/dict: json-async's check passes.
let server: Server
let url: string
beforeEach(async () => {
  server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end('{"kind":"dict","n":1}')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterEach(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

const jsonAsync = scenarioById('json-async') as Scenario
const cpuSync = scenarioById('cpu-sync') as Scenario

/** A summarized ok cell whose median closed-loop rate was `rps`. */
const okCell = (target: string, scenario: string, rps: number): Cell => {
  const closedLoop = { p50: 1, p90: 1, p99: 1, p999: 1, max: 1, mean: 1 }
  return {
    target, scenario, state: 'ok', trials: [], median: { rps, closedLoop }, totals: { requests: 1, errors: 0, timeouts: 0, non2xx: 0, mismatches: 0 },
    spread: { rps: [rps, rps] }, atCeiling: false, saturatedTrials: 0, slowedTrials: 0,
  }
}

/** The generator in this process, as the child would run a job (its scenario check included). */
const inProcess = { runOpenLoop: runOpenLoopJob }

describe('latency curves: each measured cell at fractions of its closed-loop maximum', () => {
  it('one constant-rate run per fraction, rate = fraction × the cell`s median requests/s, interleaved across cells', async () => {
    const runs: string[] = []
    const curves = await latencyCurves({
      loadgen: inProcess,
      cells: [okCell('a', 'json-async', 400), okCell('b', 'json-async', 200), okCell('a', 'cpu-sync', 50)],
      scenarios: [jsonAsync],
      fractions: [0.5, 0.25],
      durationSec: 0.5,
      connections: 4,
      prepare: async () => ({ url }),
      onRun: (r) => runs.push(`${r.target}@${r.fraction}=${r.rateRps}`),
    })
    expect(runs).toEqual(['a@0.25=100', 'b@0.25=50', 'a@0.5=200', 'b@0.5=100']) // cpu-sync was not chosen
    expect(curves.map((c) => `${c.target}/${c.scenario}/${c.state}`)).toEqual(['a/json-async/ok', 'b/json-async/ok'])
    const a = curves[0]
    if (a?.state !== 'ok') throw new Error('expected an ok curve')
    expect(a.maxRps).toBe(400)
    expect(a.points.map((p) => [p.fraction, p.rateRps, p.scheduled, p.completed, p.failed])).toEqual([
      [0.25, 100, 50, 50, 0],
      [0.5, 200, 100, 100, 0],
    ])
    for (const p of a.points) {
      expect(p.achievedRps).toBeGreaterThan(p.rateRps * 0.8)
      expect(p.latency.p50).toBeGreaterThan(0)
      expect(p.latency.max).toBeGreaterThanOrEqual(p.latency.p99)
    }
    for (const c of curves) expect(LatencyCurveSchema.safeParse(c).success).toBe(true)
  })

  it('a cell that was not measured, or whose target cannot run, gets a skipped curve with the reason; a failing run an errored one', async () => {
    const cells: Cell[] = [
      { target: 'gone', scenario: 'json-async', state: 'errored', trials: [], error: 'the target process exited (code 1)\nstack' },
      { target: 'never', scenario: 'json-async', state: 'skipped', trials: [], reason: 'not run: the target did not start' },
      okCell('zero', 'json-async', 0),
      okCell('dead', 'json-async', 100),
      okCell('broken', 'json-async', 100),
    ]
    const curves = await latencyCurves({
      loadgen: inProcess,
      cells,
      scenarios: [jsonAsync, cpuSync],
      fractions: [0.5],
      durationSec: 0.2,
      prepare: async (target) => (target === 'dead' ? { reason: 'not run: the target died earlier (code 1)' } : { url: 'not a url' }),
    })
    expect(curves).toEqual([
      { target: 'gone', scenario: 'json-async', state: 'skipped', reason: "not measured: the cell's trials failed (the target process exited (code 1))" },
      { target: 'never', scenario: 'json-async', state: 'skipped', reason: 'not measured: the cell was not run (not run: the target did not start)' },
      { target: 'zero', scenario: 'json-async', state: 'skipped', reason: 'not measured: the cell served 0 requests/s' },
      { target: 'dead', scenario: 'json-async', state: 'skipped', reason: 'not run: the target died earlier (code 1)' },
      { target: 'broken', scenario: 'json-async', state: 'errored', error: expect.stringMatching(/^at 0\.5 × max: /) },
    ])
  })

  it('through the load-generator child process: the job crosses, the scenario`s check runs there', async () => {
    const loadgen = new LoadGenerator()
    try {
      const curves = await latencyCurves({ loadgen, cells: [okCell('a', 'json-async', 200)], scenarios: [jsonAsync], fractions: [0.5], durationSec: 0.5, connections: 2, prepare: async () => ({ url }) })
      expect(curves[0]).toMatchObject({ state: 'ok', maxRps: 200, points: [{ fraction: 0.5, rateRps: 100, scheduled: 50, completed: 50, failed: 0 }] })
    } finally {
      loadgen.close()
    }
  })

  it('rejects fractions and durations that make no run', async () => {
    const base = { loadgen: inProcess, cells: [], scenarios: [jsonAsync], durationSec: 1, prepare: async () => ({ url }) }
    await expect(latencyCurves({ ...base, fractions: [0] })).rejects.toThrow('fractions must be positive numbers (got 0)')
    await expect(latencyCurves({ ...base, fractions: [0.5], durationSec: 0 })).rejects.toThrow('durationSec must be positive (got 0)')
  })
})
