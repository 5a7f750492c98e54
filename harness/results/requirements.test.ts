import { describe, expect, it } from 'vitest'
import { okCell, pingOf, trialOk, trialsOf } from '../../test/fixtures/cells.ts'
import { evaluateRequirements, MAX_TRIALS_NEEDED, REQUIREMENTS, type Requirement } from './requirements.ts'
import type { Cell, CellOk, Micro, MicroOk, Ratio, Startup, TrialOk } from './schema.ts'

const skipped: Micro = { state: 'skipped', reason: 'off' }
const own = (comparator: Ratio['comparator'], threshold: number): Requirement => ({ id: 'x', description: 'a over b', kind: 'rps-ratio', numerator: { target: 'a', scenario: 's', input: 'a' }, denominator: { target: 'b', scenario: 's', input: 'b' }, comparator, threshold })
/** Cells a and b of scenario s whose per-trial ratios a/b are `ratios` (b at 1000 req/s). */
const pair = (ratios: readonly number[], a: Partial<CellOk> = {}, b: Partial<CellOk> = {}): Cell[] => [
  okCell('a', 's', trialsOf(ratios.map((r) => r * 1000)), a),
  okCell('b', 's', trialsOf(ratios.map(() => 1000)), b),
]
const judge = (cells: Cell[], r: Requirement, seed = 1): Ratio => evaluateRequirements({ cells, micro: skipped, seed }, [r])[0] as Ratio
const byId = (ratios: readonly Ratio[], id: string): Ratio => ratios.find((x) => x.id === id) as Ratio

/** Ten ratios whose median is `mid`, spread ±`spread` around it. */
const around = (mid: number, spread: number): number[] => [-1, -0.8, -0.6, -0.4, -0.1, 0.1, 0.4, 0.6, 0.8, 1].map((k) => mid + k * spread)

describe('the requirements, as data', () => {
  it('the issue\'s ids, thresholds and comparators', () => {
    expect(REQUIREMENTS.map((r) => [r.id, r.comparator, r.threshold])).toEqual([
      ['json-async-vs-fastify', '>=', 0.8],
      ['json-async-vs-node-http', '>=', 0.95],
      ['json-sync-vs-json-async', '>=', 0.4],
      ['ping-p99-reference', '<=', 20],
      ['ping-stall-vs-control', '<=', 2],
      ['ping-p99-express', '>=', 100],
      ['cpu-sync-vs-express', '>=', 1.5],
      ['offload-vs-piscina', '<=', 1.0],
      ['detection-overhead', '>=', 0.95],
      ['startup-vs-fastify-piscina', '<=', 2],
      ['idle-rss-vs-fastify-piscina', '<=', 1.5],
    ])
  })
})

describe('a ratio of two cells: the median of per-trial ratios, judged on its 95% interval', () => {
  it('met when the whole interval is above the threshold; the why line states value, interval, trials and bound', () => {
    const r = judge(pair(around(1.1, 0.05)), own('>=', 0.8))
    expect(r).toMatchObject({ verdict: 'met', value: 1.1, inputs: { a: 1100, b: 1000 } })
    expect(r.interval?.[0]).toBeGreaterThan(0.8)
    expect(r.why).toMatch(/^1\.1 \[1\.\d+, 1\.\d+\] over 10 paired trials, all ≥ 0\.8$/)
    expect(r.perTrial).toHaveLength(10)
    expect(r.trialsNeeded).toBeUndefined()
  })

  it('not met when the whole interval is below', () => {
    const r = judge(pair(around(0.6, 0.05)), own('>=', 0.8))
    expect(r.verdict).toBe('not met')
    expect(r.why).toMatch(/over 10 paired trials, all below 0\.8$/)
  })

  it('inconclusive when the interval straddles the threshold, with about how many paired trials would resolve it', () => {
    const r = judge(pair(around(0.97, 0.06)), own('>=', 0.95))
    expect(r.verdict).toBe('inconclusive')
    const [lo] = r.interval as [number, number]
    expect(lo).toBeLessThan(0.95)
    // The lower half-width shrinks as 1/√n: n·(half-width / distance)².
    expect(r.trialsNeeded).toBe(Math.ceil(10 * ((0.97 - lo) / (0.97 - 0.95)) ** 2))
    expect(r.trialsNeeded).toBeGreaterThan(10)
    expect(r.why).toMatch(new RegExp(`^0\\.97 \\[0\\.9\\d*, \\d\\.\\d+\\] over 10 paired trials straddles 0\\.95; about ${r.trialsNeeded} paired trials would resolve it$`))
  })

  it('a median on the threshold, or one that would take more than the cap: "not resolvable here", no count', () => {
    const onIt = judge(pair(around(0.95, 0.05)), own('>=', 0.95))
    expect(onIt).toMatchObject({ verdict: 'inconclusive' })
    expect(onIt.trialsNeeded).toBeUndefined()
    expect(onIt.why).toMatch(/straddles 0\.95: not resolvable here \(the median sits on the threshold\)$/)
    const near = judge(pair(around(0.952, 0.05)), own('>=', 0.95))
    expect(near.trialsNeeded).toBeUndefined()
    expect(near.why).toMatch(new RegExp(`not resolvable here \\(about [\\d,]+ paired trials would be needed\\)$`))
    expect(Number(near.why.match(/about ([\d,]+) paired/)?.[1]?.replaceAll(',', ''))).toBeGreaterThan(MAX_TRIALS_NEEDED)
  })

  it('too few paired trials for an interval: inconclusive, at least 5 needed, and no interval shown', () => {
    const r = judge(pair([1.2, 1.3, 1.25]), own('>=', 0.8))
    expect(r).toMatchObject({ verdict: 'inconclusive', interval: null, trialsNeeded: 5, value: 1.25 })
    expect(r.why).toBe('1.25 from 3 paired trials: too few for a 95% interval (it takes at least 5)')
  })

  it('compared unrounded: an interval just under 0.95 is not met, though it rounds to 0.95', () => {
    const r = judge(pair(around(0.9495, 0.0002)), own('>=', 0.95))
    expect(r.verdict).toBe('not met')
    expect(r.value).toBeCloseTo(0.9495, 10)
  })

  it('pairs by trial number, only trials both cells completed; a pair never crosses trials', () => {
    const a = okCell('a', 's', [trialOk(1, 100), trialOk(3, 300), trialOk(4, 400)])
    const b = okCell('b', 's', [trialOk(1, 200), trialOk(2, 999), trialOk(3, 600), trialOk(5, 1)])
    expect(judge([a, b], own('>=', 0.4)).perTrial).toEqual([0.5, 0.5])
    const none = judge([a, okCell('b', 's', [trialOk(2, 100)])], own('>=', 0.4))
    expect(none).toMatchObject({ verdict: 'not measured', value: null, interval: null, why: 'no trial number completed in both a s and b s' })
  })

  it('the same seed replays the same interval; another seed may differ but judges alike here', () => {
    const cells = pair(around(1.1, 0.05))
    expect(judge(cells, own('>=', 0.8), 7)).toEqual(judge(cells, own('>=', 0.8), 7))
    expect(judge(cells, own('>=', 0.8), 8).verdict).toBe('met')
  })

  it('missing cells: not measured, naming them', () => {
    const r = evaluateRequirements({ cells: [], micro: skipped, seed: 1 })
    expect(r.every((x) => x.verdict === 'not measured' && x.value === null && x.interval === null)).toBe(true)
    expect(byId(r, 'json-async-vs-fastify').why).toBe('no completed cell for reference json-async or fastify json-async')
  })

  it('an input cell with errors or wrong answers makes the ratio invalid, saying which and what', () => {
    const r = judge(pair(around(1.1, 0.05), {}, { invalid: '3 connection error(s) in 12000 requests' }), own('>=', 0.8))
    expect(r).toMatchObject({ verdict: 'invalid', why: 'b s is not valid for ratios: 3 connection error(s) in 12000 requests', value: 1.1 })
  })
})

describe('a cell at the load generator\'s ceiling measured a lower bound', () => {
  const met = around(1.1, 0.05)
  const notMet = around(0.6, 0.05)
  it('≥ with the denominator at the ceiling: the true ratio is lower still — a met is unknowable, a not met stands', () => {
    const r = judge(pair(met, {}, { atCeiling: true }), own('>=', 0.8))
    expect(r.verdict).toBe('invalid')
    expect(r.why).toBe("b s ran at the load generator's ceiling (requests/s a lower bound), so the true ratio is at most what was measured and whether it is ≥ 0.8 cannot be known")
    const n = judge(pair(notMet, {}, { atCeiling: true }), own('>=', 0.8))
    expect(n.verdict).toBe('not met')
    expect(n.why).toMatch(/; b s ran at the load generator's ceiling \(requests\/s a lower bound\), so the true ratio is lower still$/)
  })

  it('≥ with the numerator at the ceiling: the true ratio is higher still — a met stands, a not met is unknowable', () => {
    expect(judge(pair(met, { atCeiling: true }), own('>=', 0.8)).verdict).toBe('met')
    expect(judge(pair(notMet, { atCeiling: true }), own('>=', 0.8)).verdict).toBe('invalid')
  })

  it('≤ mirrors it; both at the ceiling is always invalid', () => {
    expect(judge(pair(notMet, {}, { atCeiling: true }), own('<=', 0.8)).verdict).toBe('met')
    expect(judge(pair(met, {}, { atCeiling: true }), own('<=', 0.8)).verdict).toBe('invalid')
    expect(judge(pair(met, { atCeiling: true }), own('<=', 0.8)).verdict).toBe('not met')
    const both = judge(pair(met, { atCeiling: true }, { atCeiling: true }), own('>=', 0.8))
    expect(both).toMatchObject({ verdict: 'invalid', why: "a s and b s ran at the load generator's ceiling (requests/s a lower bound): a ratio of two lower bounds could be anything" })
  })
})

describe('ping requirements, on the pooled pings of every scheduled ping', () => {
  /** `n` trials of 100 pings each: waits from `base` ms up, one slow ping of `slow` ms per trial, the first `failed` failed. */
  const pingTrials = (n: number, base: number, slow: number, failed = 0, control?: { base: number; slow: number }): TrialOk[] =>
    Array.from({ length: n }, (_, i) => {
      const waits = (b: number, s: number) => Array.from({ length: 100 }, (_, k) => (k === 50 ? s : b + (k % 10) * 0.1 + i * 0.01))
      return trialOk(i + 1, 300, { ping: { target: pingOf(waits(base, slow), failed), ...(control && { control: pingOf(waits(control.base, control.slow)) }) } })
    })
  const cell = (target: string, trials: TrialOk[], extra: Partial<CellOk> = {}) => okCell(target, 'ping-under-sync-blocking', trials, extra)
  const ratios = (cells: Cell[]) => evaluateRequirements({ cells, micro: skipped, seed: 3 })

  it('reference p99 ≤ 20 ms met: the interval comes from resampling whole trials of pings', () => {
    const r = byId(ratios([cell('reference', pingTrials(10, 2, 15))]), 'ping-p99-reference')
    expect(r.verdict).toBe('met')
    expect(r.value).toBeCloseTo(2.99, 5)
    expect(r.interval?.[1]).toBeLessThan(20)
    expect(r.why).toMatch(/^2\.99 \[2\.9\d*, 2\.9\d*\] ms over 10 trials, all ≤ 20 ms$/)
    expect(r.inputs).toMatchObject({ referencePingP99Ms: r.value, pingsServed: 1000, pingsScheduled: 1000 })
    expect(r.perTrial).toHaveLength(10)
  })

  it('a target whose /ping fails cannot pass: fast failures, under 99% served, are not met whatever the latency', () => {
    // 503 on every other ping, answered in 1 ms: a p99 that would read well inside the bound.
    const r = byId(ratios([cell('reference', pingTrials(10, 1, 1, 50))]), 'ping-p99-reference')
    expect(r.verdict).toBe('not met')
    expect(r.why).toBe('pings answered 50.0% (500 of 1,000 scheduled; a ping bound needs 99%): a target whose /ping fails cannot pass')
    const oneShort = byId(ratios([cell('reference', pingTrials(10, 1, 1, 2))]), 'ping-p99-reference')
    expect(oneShort).toMatchObject({ verdict: 'not met' })
    expect(oneShort.why).toMatch(/^pings answered 98\.0% \(980 of 1,000/)
  })

  it('express p99 ≥ 100 ms: judged on p99, and the why line reports the stall', () => {
    const r = byId(ratios([cell('express', pingTrials(10, 2500, 2800))]), 'ping-p99-express')
    expect(r.verdict).toBe('met')
    expect(r.why).toMatch(/^2,501 \[2,501, 2,501\] ms over 10 trials, all ≥ 100 ms; the stall: the longest ping waited 2,800 ms, pings were blocked 2,5\d\d s in all$/)
    expect(r.inputs).toMatchObject({ stallMaxMs: 2800 })
  })

  it('an invalid load cell makes the ping verdict invalid: the blocking load did not all run', () => {
    const r = byId(ratios([cell('reference', pingTrials(10, 2, 15), { invalid: '40 non-2xx answer(s) in 3000 requests' })]), 'ping-p99-reference')
    expect(r).toMatchObject({ verdict: 'invalid', why: 'reference ping-under-sync-blocking is not valid for ratios: 40 non-2xx answer(s) in 3000 requests (the load that should block it did not all run)' })
  })

  it("stall vs control: the pooled p99 of the target's pings over the control's, trials resampled whole; met within 2×, not met beyond", () => {
    const near = byId(ratios([cell('reference', pingTrials(10, 1.5, 2, 0, { base: 1, slow: 2 }))]), 'ping-stall-vs-control')
    expect(near.verdict).toBe('met')
    expect(near.perTrial).toHaveLength(10)
    expect(near.value).toBeCloseTo((near.inputs['referencePingP99Ms'] as number) / (near.inputs['controlPingP99Ms'] as number), 6)
    expect(near.why).toMatch(/over 10 trials, all ≤ 2; reference 2\.\d+ ms, control 1\.\d+ ms over all pings$/)
    const far = byId(ratios([cell('reference', pingTrials(10, 8, 9, 0, { base: 1, slow: 2 }))]), 'ping-stall-vs-control')
    expect(far.verdict).toBe('not met')
  })

  it('stall vs control: a control that failed its pings leaves the noise unmeasured (invalid); no control, not measured', () => {
    const trials = pingTrials(10, 1.5, 2, 0, { base: 1, slow: 2 }).map((t) => ({ ...t, ping: { target: t.ping!.target, control: { ...t.ping!.control!, served: 90 } } }))
    expect(byId(ratios([cell('reference', trials)]), 'ping-stall-vs-control')).toMatchObject({ verdict: 'invalid' })
    expect(byId(ratios([cell('reference', pingTrials(10, 2, 3))]), 'ping-stall-vs-control')).toMatchObject({ verdict: 'not measured', why: 'reference ping-under-sync-blocking has no control pings' })
  })
})

describe('the micro-benchmark ratio: the median of its paired rounds', () => {
  const micro = (rounds: number[]): MicroOk => ({ state: 'ok', rounds: rounds.length, results: [], offloadVsPiscinaRounds: rounds })
  const offload = (m: Micro) => byId(evaluateRequirements({ cells: [], micro: m, seed: 1 }), 'offload-vs-piscina')

  it('≤ 1.0 over the rounds, judged on their interval', () => {
    expect(offload(micro([0.9, 0.95, 0.92, 0.97, 0.93, 0.91, 0.94]))).toMatchObject({ verdict: 'met', value: 0.93, inputs: { ratio: 0.93 } })
    expect(offload(micro([1.2, 1.5, 1.3, 1.4, 1.25]))).toMatchObject({ verdict: 'not met' })
    expect(offload(micro([0.79, 1.41, 1.0, 1.2, 0.9]))).toMatchObject({ verdict: 'inconclusive' })
  })

  it("the micro section's own median and interval when it has them: one interval for one quantity in the report", () => {
    expect(offload({ ...micro([0.9, 0.95, 0.92, 0.97, 0.93]), offloadVsPiscina: 0.93, offloadVsPiscinaInterval: [0.9, 1.02] })).toMatchObject({ verdict: 'inconclusive', value: 0.93, interval: [0.9, 1.02] })
  })

  it('three rounds (--quick): inconclusive; no rounds or no micro run: not measured', () => {
    expect(offload(micro([0.9, 0.95, 0.92]))).toMatchObject({ verdict: 'inconclusive', trialsNeeded: 5 })
    expect(offload(micro([]))).toMatchObject({ verdict: 'not measured' })
    expect(offload(skipped)).toMatchObject({ verdict: 'not measured', why: 'the micro-benchmarks did not run: off' })
  })
})

describe('start-up and idle memory against fastify-piscina: the median of per-round ratios, paired by round', () => {
  const MiB = 2 ** 20
  /** A target's start-up entry: round i took `healthyMs[i]` and held `rssMiB[i]` idle. */
  const entry = (target: string, healthyMs: readonly number[], rssMiB: readonly number[], rounds = healthyMs.map((_, i) => i + 1)): Startup => ({
    state: 'ok',
    target,
    samples: healthyMs.map((h, i) => ({ round: rounds[i] as number, healthyMs: h, idleRssBytes: (rssMiB[i] as number) * MiB })),
    median: { healthyMs: [...healthyMs].sort((a, b) => a - b)[healthyMs.length >> 1] as number, idleRssBytes: ([...rssMiB].sort((a, b) => a - b)[rssMiB.length >> 1] as number) * MiB },
  })
  const piscina = entry('fastify-piscina', [1000, 1100, 1050, 1200, 1000], [260, 262, 258, 261, 259])
  const judged = (startup: readonly Startup[] | undefined) => {
    const all = evaluateRequirements({ cells: [], micro: skipped, seed: 5, ...(startup !== undefined && { startup }) })
    return { startup: byId(all, 'startup-vs-fastify-piscina'), rss: byId(all, 'idle-rss-vs-fastify-piscina') }
  }

  it('met when every resampled median is within the bound; the why line names both medians', () => {
    const { startup, rss } = judged([entry('reference', [1500, 1600, 1550, 1700, 1400], [300, 310, 305, 290, 300]), piscina])
    expect(startup).toMatchObject({ verdict: 'met', inputs: { referenceHealthyMs: 1550, fastifyPiscinaHealthyMs: 1050 } })
    expect(startup.perTrial).toEqual([1.5, 1600 / 1100, 1550 / 1050, 1700 / 1200, 1.4])
    expect(startup.why).toMatch(/^1\.4\d* \[1\.\d+, 1\.\d+\] over 5 paired rounds, all ≤ 2; medians: reference 1,550 ms, fastify-piscina 1,050 ms$/)
    expect(rss).toMatchObject({ verdict: 'met', inputs: { referenceIdleRssBytes: 300 * MiB, fastifyPiscinaIdleRssBytes: 260 * MiB } })
    expect(rss.why).toMatch(/; medians: reference 300 MiB, fastify-piscina 260 MiB$/)
  })

  it('not met: today\'s reference, ten times slower and four times the memory', () => {
    const { startup, rss } = judged([entry('reference', [11000, 11500, 10800, 11200, 11900], [1180, 1200, 1190, 1210, 1185]), piscina])
    expect(startup.verdict).toBe('not met')
    expect(startup.why).toMatch(/all above 2;/)
    expect(rss.verdict).toBe('not met')
  })

  it('inconclusive when the rounds straddle the bound, or are too few for an interval (--quick: 3)', () => {
    const { startup } = judged([entry('reference', [1500, 2600, 1900, 2500, 2100], [300, 300, 300, 300, 300]), piscina])
    expect(startup.verdict).toBe('inconclusive')
    expect(startup.why).toMatch(/over 5 paired rounds straddles 2/)
    const three = judged([entry('reference', [1500, 1600, 1550], [300, 300, 300]), entry('fastify-piscina', [1000, 1100, 1050], [260, 260, 260])])
    expect(three.rss).toMatchObject({ verdict: 'inconclusive', interval: null, trialsNeeded: 5 })
    expect(three.rss.why).toMatch(/^1\.15 from 3 paired rounds: too few for a 95% interval/)
  })

  it('pairs by round: a round only one of them completed is left out', () => {
    const { startup } = judged([entry('reference', [2000, 3000, 4000], [1, 1, 1], [1, 2, 3]), entry('fastify-piscina', [1000, 1000, 1000], [1, 1, 1], [2, 3, 4])])
    expect(startup.perTrial).toEqual([3, 4])
  })

  it('not measured: no start-up phase, a target not in the run, one that did not start, one not measured', () => {
    const reference = entry('reference', [1500, 1600, 1550, 1700, 1400], [300, 310, 305, 290, 300])
    expect(judged(undefined).startup).toMatchObject({ verdict: 'not measured', value: null, why: 'the start-up phase did not run (a run from before it existed, or --startup-rounds 0)' })
    expect(judged([reference]).startup).toMatchObject({ verdict: 'not measured', why: 'fastify-piscina was not in the run', inputs: { referenceHealthyMs: 1550, fastifyPiscinaHealthyMs: null } })
    expect(judged([reference, { state: 'errored', target: 'fastify-piscina', error: 'round 1: the target process exited (code 1) before answering GET /health\nstack' }]).rss.why).toBe('fastify-piscina did not start: round 1: the target process exited (code 1) before answering GET /health')
    expect(judged([{ state: 'skipped', target: 'reference', reason: 'not measured: the run was interrupted first' }, piscina]).startup.why).toBe('reference: not measured: the run was interrupted first')
  })
})
