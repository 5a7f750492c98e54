import { describe, expect, it } from 'vitest'
import { okTrial } from '../../test/fixtures/trials.ts'
import { parseResults } from '../results/parse.ts'
import { assembleResults, microFrom, verificationFrom, type RunRecord } from './assemble.ts'
import type { MicroReport } from './micro.ts'
import { buildSettings } from './profiles.ts'
import { SCENARIOS } from './scenarios.ts'

const settings = { ...buildSettings({ quick: true, targets: 'a,b', scenarios: 'json-async,json-sync' }, ['a', 'b']), trials: 2 }
const record = (over: Partial<RunRecord> = {}): RunRecord => ({
  createdAt: '2026-11-21T06:00:00.000Z',
  durationMs: 1000,
  outcome: { state: 'complete' },
  environment: { node: 'v20', platform: 'linux', arch: 'x64', osRelease: '6', cpuModel: 'cpu', cores: 2, memoryBytes: 1, unblocked: '0.1.0', gitCommit: null, hostname: 'h' },
  loadGenerator: { tool: 'autocannon', version: '8', process: 'child' },
  settings,
  cpus: { available: false, why: 'not Linux', target: '0-1', loadgen: '0-1', all: '0-1' },
  scenarios: SCENARIOS.filter((s) => settings.scenarios.includes(s.id)),
  plans: [
    { name: 'a', command: 'run a', framework: 'fa', scenarios: ['json-async', 'json-sync'] },
    { name: 'a-off', command: 'a, switched', framework: 'fa off', scenarios: ['json-async'], variant: { of: 'a' } },
    { name: 'b', command: 'run b', framework: 'fb', scenarios: ['json-async', 'json-sync'] },
  ],
  starts: new Map([['a', { state: 'started' }], ['a-off', { state: 'started' }], ['b', { state: 'failed-to-start', error: 'exit 7' }]] as const),
  verifications: new Map(),
  micro: undefined,
  trials: [],
  ceiling: undefined,
  latencyCurves: [],
  ...over,
})

describe('assembling results.json from what a run recorded', () => {
  it('every planned cell, in plan and scenario order, summarized from its trials; the result reads back', () => {
    const r = assembleResults(record({
      trials: [
        { target: 'a', scenario: 'json-async', trial: okTrial(1, 1000, 5) },
        { target: 'a', scenario: 'json-sync', trial: okTrial(1, 500, 5) },
        { target: 'a-off', scenario: 'json-async', trial: okTrial(1, 1100, 5) },
        { target: 'b', scenario: 'json-async', trial: { trial: 1, state: 'skipped', reason: 'not run: the target did not start (exit 7)' } },
      ],
    }))
    expect(r.cells.map((c) => `${c.target}/${c.scenario}:${c.state}`)).toEqual(['a/json-async:ok', 'a/json-sync:ok', 'a-off/json-async:ok', 'b/json-async:skipped', 'b/json-sync:skipped'])
    expect(r.targets.map((t) => t.state)).toEqual(['ok', 'ok', 'failed-to-start'])
    expect(r.ratios.find((x) => x.id === 'json-sync-vs-json-async')?.value).toBe(null) // target names differ: the built-in requirements need 'reference'
    expect(r.micro).toEqual({ state: 'skipped', reason: 'not run: the run ended first' })
    expect(parseResults(JSON.parse(JSON.stringify(r)))).toEqual(r)
  })

  it('a crash in a variant\'s trial kills its host too: they share a process', () => {
    const r = assembleResults(record({ trials: [{ target: 'a-off', scenario: 'json-async', trial: { trial: 1, state: 'crashed', error: 'exited (code 3) during json-async trial 1' } }] }))
    expect(r.targets.slice(0, 2).map((t) => [t.state, t.state === 'died' ? t.error : ''])).toEqual([
      ['died', 'exited (code 3) during json-async trial 1'],
      ['died', 'exited (code 3) during json-async trial 1'],
    ])
  })

  it('an interrupted or failed run keeps what it measured and says what it never reached', () => {
    const interrupted = assembleResults(record({ outcome: { state: 'interrupted' }, trials: [{ target: 'a', scenario: 'json-async', trial: okTrial(1, 1000, 5) }] }))
    expect(interrupted.state).toBe('interrupted')
    expect(interrupted.cells[0]?.state).toBe('ok')
    expect(interrupted.targets[0]).toMatchObject({ state: 'ok', verification: { state: 'skipped', reason: 'not verified: the run was interrupted first' } })
    const failed = assembleResults(record({ outcome: { state: 'failed', error: 'Error: the load generator exited' }, starts: new Map() }))
    expect(failed).toMatchObject({ state: 'failed', error: 'Error: the load generator exited', micro: { state: 'skipped', reason: 'not run: the run failed first' } })
    expect(failed.targets[0]).toMatchObject({ state: 'failed-to-start', error: 'not started: the run failed first' })
    expect(parseResults(JSON.parse(JSON.stringify(failed))).state).toBe('failed')
  })

  it('start-up entries with each target\'s peak RSS under load: the highest of its process\'s trials, a variant\'s included', () => {
    const sample = { round: 1, healthyMs: 500, idleRssBytes: 100 }
    const r = assembleResults(record({
      startup: [
        { state: 'ok', target: 'a', samples: [sample], median: { healthyMs: 500, idleRssBytes: 100 } },
        { state: 'skipped', target: 'a-off', reason: "runs in a's process" },
        { state: 'ok', target: 'b', samples: [sample], median: { healthyMs: 500, idleRssBytes: 100 } },
      ],
      trials: [
        { target: 'a', scenario: 'json-async', trial: okTrial(1, 1000, 5, { target: { peakRssBytes: 300 } }) },
        { target: 'a-off', scenario: 'json-async', trial: okTrial(1, 1000, 5, { target: { peakRssBytes: 700 } }) },
        { target: 'a', scenario: 'json-sync', trial: okTrial(1, 500, 5, { target: { peakRssBytes: 400 } }) },
        { target: 'b', scenario: 'json-async', trial: { trial: 1, state: 'skipped', reason: 'not run' } },
      ],
    }))
    expect(r.startup?.map((x) => (x.state === 'ok' ? x.peakRssBytes : x.state))).toEqual([700, 'skipped', undefined])
    expect(r.settings.startup).toEqual({ rounds: 3, idleMs: 1000 })
    expect(r.ratios.find((x) => x.id === 'startup-vs-fastify-piscina')).toMatchObject({ verdict: 'not measured', why: 'reference was not in the run; fastify-piscina was not in the run' })
    expect(parseResults(JSON.parse(JSON.stringify(r)))).toEqual(r)
    // A run without the phase has no entries, and reads back without them.
    const without = assembleResults(record())
    expect(without).not.toHaveProperty('startup')
    expect(parseResults(JSON.parse(JSON.stringify(without)))).toEqual(without)
  })

  it('settings and pinning as run; the micro-benchmarks off when their time is 0', () => {
    const r = assembleResults(record({ settings: { ...settings, microTimeMs: 0 } }))
    expect(r.settings).toMatchObject({ profile: 'quick', trials: 2, pinning: { available: false, note: 'not pinned (not Linux)' } })
    expect(r.settings).not.toHaveProperty('connections')
    expect(r.micro).toEqual({ state: 'skipped', reason: 'micro-benchmarks off (microTimeMs 0)' })
  })
})

describe('mapping internal results onto the schema', () => {
  const row = { name: 'x', group: 'dispatch' as const, state: 'ok' as const, opsPerSec: 10, meanUs: 100, p50Us: 90, p99Us: 200, rme: 1, samples: 5 }

  const run = (report: MicroReport) => ({ report, pinned: '1', flags: '--single-threaded-gc' })

  it('micro: rows as a union, per-round medians, the spread and interval of the rounds; none when no round measured both', () => {
    const ratios = [1.2, 1.4, 1.3, 1.25, 1.35, 1.3]
    const report: MicroReport = { results: [row, { name: 'y', group: 'floor', state: 'errored', error: 'boom' }], offloadVsPiscina: 1.3, offloadVsPiscinaRounds: ratios, roundsP50Us: { x: [90, 91, 89] } }
    const micro = microFrom(run(report), 6, 1)
    expect(micro).toMatchObject({ state: 'ok', rounds: 6, offloadVsPiscinaSpread: [1.2, 1.4], results: [{ ...row, roundsP50Us: [90, 91, 89] }, { name: 'y', state: 'errored', error: 'boom' }], process: { pinned: '1', flags: '--single-threaded-gc' } })
    if (micro.state !== 'ok') throw new Error(micro.state)
    expect(micro.offloadVsPiscinaInterval?.[0]).toBeGreaterThanOrEqual(1.2)
    expect(micro.offloadVsPiscinaInterval?.[1]).toBeLessThanOrEqual(1.4)
    const none = microFrom(run({ results: [row], offloadVsPiscina: undefined, offloadVsPiscinaRounds: [], roundsP50Us: {} }), 3, 1)
    expect(none).not.toHaveProperty('offloadVsPiscinaSpread')
    expect(none).not.toHaveProperty('offloadVsPiscina')
    expect(none).not.toHaveProperty('offloadVsPiscinaInterval')
  })

  it('micro: a measurement that would not read back (Infinity is written as null) is errored, naming where', () => {
    expect(microFrom(run({ results: [{ ...row, opsPerSec: Infinity }], offloadVsPiscina: 1, offloadVsPiscinaRounds: [1], roundsP50Us: {} }), 1, 1)).toEqual({
      state: 'errored',
      error: 'the micro-benchmark results are not valid results.json data: at results[0].opsPerSec: Invalid input: expected number, received Infinity',
    })
  })

  it('verification: MUST cases that failed or errored are marked; SHOULD failures are not', () => {
    const c = (id: string, level: 'MUST' | 'SHOULD', verdict: 'PASS' | 'FAIL' | 'WARN' | 'ERROR') => ({ id, suite: 'errors' as const, level, description: id, verdict, reason: '', durationMs: 1 })
    const v = verificationFrom({ contract: 'v1', target: { url: 'u' }, startedAt: 's', durationMs: 1, environment: {}, settings: {}, cases: [c('a', 'MUST', 'PASS'), c('b', 'MUST', 'FAIL'), c('c', 'MUST', 'ERROR'), c('d', 'SHOULD', 'WARN')], counts: { PASS: 1, FAIL: 1, WARN: 1, INFO: 0, UNIMPLEMENTED: 0, ERROR: 1 } })
    expect(v).toMatchObject({ state: 'ok', mustFailures: ['b', 'c'] })
  })
})
