import { describe, expect, it } from 'vitest'
import type { BenchResults, CaseResult, Cell, Ratio, Startup, Target, TrialOk, Verification } from '../../harness/results/schema.ts'
import { okCell, pingOf, runOf, trialOk } from '../../test/fixtures/cells.ts'
import { headline, type HeadlineCell, type HeadlineRow } from './headline.ts'

/** A target in the run, verified with these cases (or not verified). */
function target(name: string, cases?: readonly CaseResult[]): Target {
  const verification: Verification =
    cases === undefined
      ? { state: 'skipped', reason: 'not verified' }
      : { state: 'ok', mustFailures: [], conformance: { contract: 'v2', target: { url: 'http://127.0.0.1:1' }, startedAt: '', durationMs: 1, environment: {}, settings: {}, cases, counts: { PASS: 0, FAIL: 0, WARN: 0, INFO: 0, UNIMPLEMENTED: 0, ERROR: 0 } } }
  return { name, command: name, framework: name, scenarios: [], state: 'ok', verification }
}

const kase = (id: string, verdict: CaseResult['verdict'], data?: Record<string, unknown>): CaseResult => ({ id, suite: id.startsWith('capacity') ? 'capacity' : 'blocking', level: 'MUST', description: id, verdict, reason: verdict === 'PASS' ? '' : `observed for ${id}`, durationMs: 1, ...(data && { data }) })

const ratio = (id: string, verdict: Ratio['verdict'], value: number, threshold: number): Ratio => ({ id, description: `requirement ${id}`, value, interval: [value * 0.9, value * 1.1], comparator: '>=', threshold, verdict, why: `why ${id}`, inputs: {} })

/** Trials with these requests/s, numbered 1…n, each with `extra`. */
const trials = (rps: readonly number[], extra: (i: number) => Partial<TrialOk> = () => ({})): TrialOk[] => rps.map((x, i) => trialOk(i + 1, x, extra(i)))

/** Trials whose pings wait these ms (each trial 100 pings, two of them that long: its p99). */
const pingTrials = (waits: readonly number[], control = 2, failed = 0): TrialOk[] =>
  trials(waits.map(() => 300), (i) => ({ ping: { target: pingOf(Array.from({ length: 100 }, (_, k) => (k < 2 ? (waits[i] as number) : 1)), failed), control: pingOf(Array.from({ length: 100 }, (_, k) => (k < 2 ? control : 0.5))) } }))

const pingCell = (name: string, waits: readonly number[], control = 2, failed = 0): Cell => okCell(name, 'ping-under-sync-blocking', pingTrials(waits, control, failed))

const cpuCell = (name: string, cores: readonly number[], rps = 100): Cell => okCell(name, 'cpu-sync', trials(cores.map(() => rps), (i) => ({ target: { cpuCores: cores[i] as number } })), { median: { rps, closedLoop: { p50: 1, p90: 1, p99: 1, p999: 1, max: 1, mean: 1 }, targetCpuCores: cores[0] as number } })

function run(cells: readonly Cell[], targets: readonly Target[], extra: Partial<Pick<BenchResults, 'ratios' | 'startup' | 'environment'>> = {}): BenchResults {
  return { ...runOf(cells), targets, ...extra }
}

const rowOf = (r: BenchResults, name: string): HeadlineRow => {
  const row = headline(r).find((x) => x.target === name)
  if (row === undefined) throw new Error(`no row for ${name}`)
  return row
}
const brief = (c: HeadlineCell): [string, string, HeadlineCell['tone']] => [c.word, c.value, c.tone]

describe('keeps the loop free?', () => {
  it('another target is judged on every trial against the reference’s 20 ms bound: all under yes, all over no, both unclear', () => {
    const r = run([pingCell('calm', [5, 8, 19]), pingCell('blocked', [700, 1500, 40]), pingCell('torn', [5, 30, 6])], [target('calm'), target('blocked'), target('torn')])
    expect(brief(rowOf(r, 'calm').cells.loop)).toEqual(['yes', 'p99 8 ms · control 2 ms', 'good'])
    expect(brief(rowOf(r, 'blocked').cells.loop)).toEqual(['no', 'p99 700 ms · control 2 ms', 'bad'])
    expect(rowOf(r, 'torn').cells.loop).toMatchObject({ word: 'unclear', tone: 'unclear', anchor: 'pings' })
    expect(rowOf(r, 'torn').cells.loop.why).toContain('on both sides of 20 ms (5, 30, 6 ms)')
  })

  it('pings that fail are no free loop, whatever they waited; a cell whose load saw errors is unclear', () => {
    const r = run([pingCell('failing', [1, 1, 1], 2, 5), okCell('erring', 'ping-under-sync-blocking', pingTrials([1, 1, 1]), { invalid: '3 timeout(s) in 900 requests' })], [target('failing'), target('erring')])
    expect(rowOf(r, 'failing').cells.loop).toMatchObject({ word: 'no', tone: 'bad' })
    expect(rowOf(r, 'failing').cells.loop.why).toMatch(/^pings answered 95% of 300/)
    expect(rowOf(r, 'erring').cells.loop).toMatchObject({ word: 'unclear', why: 'the blocking load did not all run: 3 timeout(s) in 900 requests' })
  })

  it('the reference reads its requirements and links to them; far above the control it is unclear, not yes', () => {
    const cells = [pingCell('reference', [5, 6, 7])]
    const met = run(cells, [target('reference')], { ratios: [ratio('ping-p99-reference', 'met', 6, 20), ratio('ping-stall-vs-control', 'inconclusive', 1.6, 2)] })
    expect(rowOf(met, 'reference').cells.loop).toMatchObject({ word: 'yes', tone: 'good', anchor: 'req-ping-p99-reference' })
    const noisy = run(cells, [target('reference')], { ratios: [ratio('ping-p99-reference', 'met', 6, 20), ratio('ping-stall-vs-control', 'not met', 3.1, 2)] })
    expect(rowOf(noisy, 'reference').cells.loop).toMatchObject({ word: 'unclear', tone: 'unclear' })
    expect(rowOf(noisy, 'reference').cells.loop.why).toContain('requirement ping-stall-vs-control: not met')
  })

  it('a scenario the target never ran is —, an errored cell an error, a skipped one not measured', () => {
    const r = run([{ target: 'broken', scenario: 'ping-under-sync-blocking', trials: [], state: 'errored', error: 'the prober failed' }, { target: 'late', scenario: 'ping-under-sync-blocking', trials: [], state: 'skipped', reason: 'not run: the run ended first' }], [target('absent'), target('broken'), target('late')])
    expect(brief(rowOf(r, 'absent').cells.loop)).toEqual(['—', '', 'none'])
    expect(rowOf(r, 'broken').cells.loop).toMatchObject({ word: 'error', tone: 'unclear', why: 'ping-under-sync-blocking: the prober failed' })
    expect(rowOf(r, 'late').cells.loop).toMatchObject({ word: 'not measured', tone: 'none' })
  })
})

describe('runs sync handlers in parallel?', () => {
  it('from the CPU cores of every cpu-sync trial: all ≥ 1.5 yes, all below no, both unclear; with req/s against express', () => {
    const r = run([cpuCell('express', [0.99, 1, 0.98], 60), cpuCell('pool', [1.9, 1.93, 1.88], 110), cpuCell('half', [1.2, 1.7, 1.6])], [target('express'), target('pool'), target('half')])
    expect(brief(rowOf(r, 'pool').cells.parallel)).toEqual(['yes', '1.9 cores · 1.83× express', 'good'])
    expect(brief(rowOf(r, 'express').cells.parallel)).toEqual(['no', '0.99 cores', 'bad'])
    expect(rowOf(r, 'half').cells.parallel).toMatchObject({ word: 'unclear', anchor: 'cpu-scaling' })
  })

  it('a trial that completed 0 requests is not evidence: its 0 cores are left out', () => {
    const cell = okCell('pool', 'cpu-sync', [...trials([110, 110], () => ({ target: { cpuCores: 1.9 } })), trialOk(3, 0, { requests: 0, target: { cpuCores: 0 } })])
    expect(rowOf(run([cell], [target('pool')]), 'pool').cells.parallel.word).toBe('yes')
  })

  it('the verification’s parallelism cases answer too; when they disagree with the cores, unclear; on one CPU nothing can be parallel', () => {
    const failing = [kase('blocking.sync-parallel', 'FAIL', { lastFinishMs: 1205 })]
    const onlyCases = run([], [target('t', failing)])
    expect(rowOf(onlyCases, 't').cells.parallel).toMatchObject({ word: 'no', value: '4 × 300 ms in 1,205 ms', tone: 'bad', anchor: 'conformance' })
    const disagree = run([cpuCell('t', [1.9, 1.9, 1.9])], [target('t', failing)])
    expect(rowOf(disagree, 't').cells.parallel).toMatchObject({ word: 'unclear', tone: 'unclear' })
    expect(rowOf(disagree, 't').cells.parallel.why).toContain('verification: blocking.sync-parallel: FAIL (observed for blocking.sync-parallel)')
    const agree = run([cpuCell('t', [1.9, 1.9, 1.9])], [target('t', [kase('capacity.sync-parallelism', 'PASS', { parallelism: 16 })])])
    expect(rowOf(agree, 't').cells.parallel.word).toBe('yes')
    const single = run([cpuCell('t', [1, 1, 1])], [target('t')], { environment: { ...runOf([]).environment, cores: 1 } })
    expect(rowOf(single, 't').cells.parallel).toMatchObject({ word: 'unclear', why: 'the machine has 1 CPU: nothing can run in parallel on it' })
  })
})

describe('at what capacity?', () => {
  const base = okCell('node-http', 'json-async', trials([1000, 1000, 1000]))
  it('json-async req/s against raw node:http in the same trials: every one ≥ 0.95 full, every one below reduced', () => {
    const r = run([base, okCell('fast', 'json-async', trials([990, 1010, 960])), okCell('slow', 'json-async', trials([500, 700, 600]))], [target('fast'), target('slow'), target('node-http')])
    expect(brief(rowOf(r, 'fast').cells.capacity)).toEqual(['full', '990 req/s · 0.99× node:http', 'good'])
    expect(brief(rowOf(r, 'slow').cells.capacity)).toEqual(['reduced', '600 req/s · 0.6× node:http', 'bad'])
    expect(brief(rowOf(r, 'node-http').cells.capacity)).toEqual(['baseline', '1,000 req/s', 'info'])
  })

  it('at the load generator’s ceiling the number is “≥ N”, and only the answer the lower bound still decides stands', () => {
    const capped = okCell('capped', 'json-async', trials([990, 1010, 960]), { atCeiling: true })
    const r = run([base, capped], [target('capped')])
    expect(brief(rowOf(r, 'capped').cells.capacity)).toEqual(['full', '≥ 990 req/s · 0.99× node:http', 'good'])
    const baseCapped = run([{ ...base, atCeiling: true }, okCell('t', 'json-async', trials([990, 1010, 960]))], [target('t')])
    expect(rowOf(baseCapped, 't').cells.capacity).toMatchObject({ word: 'unclear' })
    expect(rowOf(baseCapped, 't').cells.capacity.why).toContain('so the answer cannot be known')
  })

  it('without node:http in the run the req/s stands alone; the reference reads its requirement', () => {
    const alone = run([okCell('t', 'json-async', trials([1234, 1234, 1234]))], [target('t')])
    expect(brief(rowOf(alone, 't').cells.capacity)).toEqual(['1,234 req/s', 'no node:http baseline', 'info'])
    const ref = run([base, okCell('reference', 'json-async', trials([700, 750, 740]))], [target('reference')], { ratios: [ratio('json-async-vs-node-http', 'not met', 0.733, 0.95)] })
    expect(rowOf(ref, 'reference').cells.capacity).toMatchObject({ word: 'reduced', value: '740 req/s · 0.73× node:http', anchor: 'req-json-async-vs-node-http' })
  })
})

describe('what does offloading cost?', () => {
  it('json-sync over json-async trial by trial against 0.4; inline for a target whose loop blocked', () => {
    const cells = [okCell('pool', 'json-async', trials([1000, 1000, 1000])), okCell('pool', 'json-sync', trials([200, 250, 220])), okCell('inline', 'json-async', trials([500, 500, 500])), okCell('inline', 'json-sync', trials([490, 510, 500])), pingCell('inline', [800, 900, 1000])]
    const r = run(cells, [target('pool'), target('inline')])
    expect(brief(rowOf(r, 'pool').cells.offload)).toEqual(['high', 'json-sync 0.22× json-async', 'bad'])
    expect(rowOf(r, 'inline').cells.offload).toMatchObject({ word: 'inline', value: 'json-sync 1× json-async', tone: 'info', anchor: 'pings' })
  })

  it('the reference shows its requirement and the micro ratio beside it, each with its own colour', () => {
    const cells = [okCell('reference', 'json-async', trials([1000, 1000, 1000])), okCell('reference', 'json-sync', trials([640, 640, 640]))]
    const r = run(cells, [target('reference')], { ratios: [ratio('json-sync-vs-json-async', 'met', 0.64, 0.4), { ...ratio('offload-vs-piscina', 'not met', 1.467, 1), comparator: '<=' }] })
    expect(rowOf(r, 'reference').cells.offload).toMatchObject({ word: 'low', tone: 'good', value: 'json-sync 0.64× json-async', note: { text: 'micro 1.47× piscina.run', tone: 'bad' } })
  })
})

describe('start-up and memory', () => {
  const cells = [okCell('reference', 'json-async', trials([1000, 1000, 1000], () => ({ target: { peakRssBytes: 900 * 2 ** 20 } })), { median: { rps: 1000, closedLoop: { p50: 1, p90: 1, p99: 1, p999: 1, max: 1, mean: 1 }, targetPeakRssBytes: 900 * 2 ** 20 } })]
  const sample = (round: number, healthyMs: number, idleMiB: number) => ({ round, healthyMs, idleRssBytes: idleMiB * 2 ** 20, cpuMs: 900, threads: 30 })
  const started: Startup = { state: 'ok', target: 'reference', samples: [sample(1, 1150, 300), sample(2, 1250, 310), sample(3, 1200, 305)], median: { healthyMs: 1200, idleRssBytes: 305 * 2 ** 20, cpuMs: 900 }, peakRssBytes: 1000 * 2 ** 20 }

  it('a run without a start-up phase says not measured, with the peak it did measure under load', () => {
    expect(brief(rowOf(run(cells, [target('reference')]), 'reference').cells.startup)).toEqual(['not measured', 'peak 900 MiB under load', 'none'])
  })

  it('a start-up entry: the time to a healthy /health, idle and peak memory, linked to its section', () => {
    const c = rowOf(run(cells, [target('reference')], { startup: [started] }), 'reference').cells.startup
    expect(c).toMatchObject({ word: '1.2 s', value: '305 MiB idle · 1,000 MiB peak', tone: 'info', anchor: 'startup-memory' })
    expect(c.why).toBe('median of 3 start(s): healthy 1,200 ms after spawn, idle RSS 305 MiB, peak RSS under load 1,000 MiB')
  })

  it('coloured by the run’s start-up requirements when it has them; an errored start is an error', () => {
    const withReq = run(cells, [target('reference')], { startup: [started], ratios: [{ ...ratio('startup-idle-rss-vs-fastify-piscina', 'not met', 3, 1.5), comparator: '<=' }] })
    expect(rowOf(withReq, 'reference').cells.startup).toMatchObject({ word: '1.2 s', tone: 'bad' })
    const failed = run(cells, [target('reference')], { startup: [{ state: 'errored', target: 'reference', error: '/health answered 404 for 30 s' }] })
    expect(rowOf(failed, 'reference').cells.startup).toMatchObject({ word: 'error', tone: 'unclear', why: 'start-up: /health answered 404 for 30 s' })
  })
})
