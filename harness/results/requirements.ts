/**
 * The performance requirements, as data, and their evaluation over a run's summarized cells (and
 * its start-up entries) into `Ratio`s. Every value is measured side by side in the same run, so a requirement compares like
 * with like on whatever machine ran it. A verdict is read off a 95% interval, never a point:
 * met or not met when the whole interval is on one side of the threshold, inconclusive when it
 * straddles it (with about how many trials would resolve it), invalid when an input cannot be
 * trusted in the direction the requirement needs, not measured when an input is missing.
 */
import { median } from '../../scenarios/stats.ts'
import type { Cell, CellOk, Micro, Ratio, Startup, Trial, TrialOk } from './schema.ts'
import { bootstrapInterval, medianInterval, MIN_INTERVAL_SAMPLES, seededRandom, type Random } from './stats.ts'

/** One cell, and the key its value gets in the ratio's `inputs`. */
export interface CellInput {
  readonly target: string
  readonly scenario: string
  readonly input: string
}

/** One target's start-up entry, and the key its median gets in the ratio's `inputs`. */
export interface StartupInput {
  readonly target: string
  readonly input: string
}

interface Common {
  readonly id: string
  readonly description: string
  readonly comparator: Ratio['comparator']
  readonly threshold: number
}

export type Requirement = Common &
  (
    | /** requests/s of `numerator` over `denominator`: the median of the per-trial ratios, paired by trial number. */
      { readonly kind: 'rps-ratio'; readonly numerator: CellInput; readonly denominator: CellInput }
    /**
     * One cell's ping p99 over every scheduled ping of its trials, ms (failed and unanswered pings
     * count with the time they waited). Under `<=`, a target that answered fewer than
     * MIN_SERVED of its pings does not meet it, whatever the latency.
     */
    | { readonly kind: 'ping-p99'; readonly cell: CellInput }
    /** One cell's ping p99 over the prober's idle control p99 in the same trial: the median of the per-trial ratios. */
    | { readonly kind: 'ping-vs-control'; readonly cell: CellInput }
    /** The micro-benchmarks' offload path / bare piscina.run ratio: the median of the paired rounds. */
    | { readonly kind: 'micro-offload-ratio'; readonly input: string }
    /** A start-up quantity of `numerator` over `denominator`'s (the start-up phase): the median of the per-round ratios, paired by round. */
    | { readonly kind: 'startup-ratio'; readonly quantity: 'healthyMs' | 'idleRssBytes'; readonly numerator: StartupInput; readonly denominator: StartupInput }
  )

export const REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'json-async-vs-fastify',
    description: 'json-async: reference ≥ 0.8 × fastify requests/s',
    kind: 'rps-ratio',
    numerator: { target: 'reference', scenario: 'json-async', input: 'reference' },
    denominator: { target: 'fastify', scenario: 'json-async', input: 'fastify' },
    comparator: '>=',
    threshold: 0.8,
  },
  {
    id: 'json-async-vs-node-http',
    description: 'json-async: reference ≥ 0.95 × raw node:http requests/s',
    kind: 'rps-ratio',
    numerator: { target: 'reference', scenario: 'json-async', input: 'reference' },
    denominator: { target: 'node-http', scenario: 'json-async', input: 'nodeHttp' },
    comparator: '>=',
    threshold: 0.95,
  },
  {
    id: 'json-sync-vs-json-async',
    description: 'json-sync: reference ≥ 0.4 × its own json-async requests/s',
    kind: 'rps-ratio',
    numerator: { target: 'reference', scenario: 'json-sync', input: 'jsonSync' },
    denominator: { target: 'reference', scenario: 'json-async', input: 'jsonAsync' },
    comparator: '>=',
    threshold: 0.4,
  },
  {
    id: 'ping-p99-reference',
    description: 'ping-under-sync-blocking: reference ping p99 ≤ 20 ms (every scheduled ping; failed ones count)',
    kind: 'ping-p99',
    cell: { target: 'reference', scenario: 'ping-under-sync-blocking', input: 'referencePingP99Ms' },
    comparator: '<=',
    threshold: 20,
  },
  {
    id: 'ping-stall-vs-control',
    description: "ping-under-sync-blocking: reference ping p99 ≤ 2 × the prober's idle control p99 in the same trials",
    kind: 'ping-vs-control',
    cell: { target: 'reference', scenario: 'ping-under-sync-blocking', input: 'referencePingP99Ms' },
    comparator: '<=',
    threshold: 2,
  },
  {
    id: 'ping-p99-express',
    description: 'ping-under-sync-blocking: express (which blocks) ping p99 ≥ 100 ms',
    kind: 'ping-p99',
    cell: { target: 'express', scenario: 'ping-under-sync-blocking', input: 'expressPingP99Ms' },
    comparator: '>=',
    threshold: 100,
  },
  {
    id: 'cpu-sync-vs-express',
    description: 'cpu-sync: reference ≥ 1.5 × express requests/s (sync CPU work uses both cores)',
    kind: 'rps-ratio',
    numerator: { target: 'reference', scenario: 'cpu-sync', input: 'reference' },
    denominator: { target: 'express', scenario: 'cpu-sync', input: 'express' },
    comparator: '>=',
    threshold: 1.5,
  },
  {
    id: 'offload-vs-piscina',
    description: 'micro: the offload round trip ≤ 1.0 × a bare piscina.run round trip',
    kind: 'micro-offload-ratio',
    input: 'ratio',
    comparator: '<=',
    threshold: 1.0,
  },
  {
    id: 'detection-overhead',
    description: 'json-async with blocking detection on ≥ 0.95 × off',
    kind: 'rps-ratio',
    numerator: { target: 'reference', scenario: 'json-async', input: 'on' },
    denominator: { target: 'reference-nodetect', scenario: 'json-async', input: 'off' },
    comparator: '>=',
    threshold: 0.95,
  },
  {
    id: 'startup-vs-fastify-piscina',
    description: "start-up: reference's spawn to a 2xx /health ≤ 2 × fastify-piscina's",
    kind: 'startup-ratio',
    quantity: 'healthyMs',
    numerator: { target: 'reference', input: 'referenceHealthyMs' },
    denominator: { target: 'fastify-piscina', input: 'fastifyPiscinaHealthyMs' },
    comparator: '<=',
    threshold: 2,
  },
  {
    id: 'idle-rss-vs-fastify-piscina',
    description: "idle memory: reference's RSS after start ≤ 1.5 × fastify-piscina's",
    kind: 'startup-ratio',
    quantity: 'idleRssBytes',
    numerator: { target: 'reference', input: 'referenceIdleRssBytes' },
    denominator: { target: 'fastify-piscina', input: 'fastifyPiscinaIdleRssBytes' },
    comparator: '<=',
    threshold: 1.5,
  },
]

/** A target must answer at least this share of its scheduled pings for a ping bound to be met. */
export const MIN_SERVED = 0.99

/**
 * Beyond this many trials in all, an inconclusive verdict is "not resolvable here": 100 paired
 * 1 s trials take about five minutes for the two cells alone, most of a default run.
 */
export const MAX_TRIALS_NEEDED = 100

const okTrials = (trials: readonly Trial[]): TrialOk[] => trials.filter((t): t is TrialOk => t.state === 'ok')

/** 3 significant digits, thousands grouped: what a `why` line shows (verdicts compare unrounded values). */
export const fmt = (x: number): string => (Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : String(Number(x.toPrecision(3))))

/** requests/s of `a` over `b`, trial by trial: paired by trial number, both must have completed it. */
export function pairedRps(a: CellOk, b: CellOk): number[] {
  const bs = new Map(okTrials(b.trials).map((t) => [t.trial, t.rps]))
  const out: number[] = []
  for (const ta of okTrials(a.trials)) {
    const rb = bs.get(ta.trial)
    if (rb !== undefined && rb > 0) out.push(ta.rps / rb)
  }
  return out
}

/** What a requirement measured, before it is judged. */
interface Measured {
  readonly value: number
  readonly interval: [number, number] | undefined
  /** The samples the interval comes from (paired trials, trials, rounds). */
  readonly n: number
  readonly noun: string
  readonly unit: string
  readonly inputs: Ratio['inputs']
  readonly perTrial: readonly number[]
  /** Appended to the `why` line (the stall behind a ping p99). */
  readonly note?: string
  /** Why there is no interval although there are enough samples. */
  readonly noInterval?: string
}

type Judged = Pick<Ratio, 'verdict' | 'why' | 'trialsNeeded'>

const symbol = (c: Ratio['comparator']): string => (c === '>=' ? '≥' : '≤')

/**
 * From an interval to a verdict. For an inconclusive one, the interval's half-width on the side
 * of the threshold shrinks about as 1/√n, so n·(half-width / distance to the threshold)² trials
 * would put that end clear of it.
 */
function judge(r: Requirement, m: Measured): Judged {
  const t = `${fmt(r.threshold)}${m.unit}`
  const point = `${fmt(m.value)}${m.unit}`
  const tail = m.note === undefined ? '' : `; ${m.note}`
  if (m.interval === undefined) {
    if (m.n >= MIN_INTERVAL_SAMPLES) return { verdict: 'inconclusive', why: `${point} from ${m.n} ${m.noun}, without an interval: ${m.noInterval ?? 'it could not be estimated'}${tail}` }
    return { verdict: 'inconclusive', why: `${point} from ${m.n} ${m.noun}: too few for a 95% interval (it takes at least ${MIN_INTERVAL_SAMPLES})${tail}`, trialsNeeded: MIN_INTERVAL_SAMPLES }
  }
  const [lo, hi] = m.interval
  const measured = `${fmt(m.value)} [${fmt(lo)}, ${fmt(hi)}]${m.unit} over ${m.n} ${m.noun}`
  const above = lo > r.threshold || (r.comparator === '>=' && lo === r.threshold)
  const below = hi < r.threshold || (r.comparator === '<=' && hi === r.threshold)
  if (above) return { verdict: r.comparator === '>=' ? 'met' : 'not met', why: `${measured}, all ${r.comparator === '>=' ? '≥' : 'above'} ${t}${tail}` }
  if (below) return { verdict: r.comparator === '<=' ? 'met' : 'not met', why: `${measured}, all ${r.comparator === '<=' ? '≤' : 'below'} ${t}${tail}` }
  const halfWidth = m.value >= r.threshold ? m.value - lo : hi - m.value
  const distance = Math.abs(m.value - r.threshold)
  const needed = distance === 0 ? Number.POSITIVE_INFINITY : Math.ceil(m.n * (halfWidth / distance) ** 2)
  const straddles = `${measured} straddles ${t}`
  if (needed > MAX_TRIALS_NEEDED) {
    const how = Number.isFinite(needed) ? `about ${needed.toLocaleString('en-US')} ${m.noun} would be needed` : 'the median sits on the threshold'
    return { verdict: 'inconclusive', why: `${straddles}: not resolvable here (${how})${tail}` }
  }
  return { verdict: 'inconclusive', why: `${straddles}; about ${needed} ${m.noun} would resolve it${tail}`, trialsNeeded: needed }
}

const cellName = (c: CellInput): string => `${c.target} ${c.scenario}`

/**
 * A cell at the load generator's ceiling measured a lower bound of its requests/s. As the
 * numerator, the true ratio is at least the measured one; as the denominator, at most; both, and
 * it could be anything. A verdict survives only in the direction the bound still decides: `≥` met
 * with a lower-bound numerator (the truth is higher still), `≥` not met with a lower-bound
 * denominator (the truth is lower still), and the mirror images for `≤`. Anything else is invalid.
 */
function ceilingCheck(r: Requirement & { kind: 'rps-ratio' }, a: CellOk, b: CellOk, judged: Judged): Judged {
  if (!a.atCeiling && !b.atCeiling) return judged
  const which = [a.atCeiling && cellName(r.numerator), b.atCeiling && cellName(r.denominator)].filter(Boolean).join(' and ')
  const lead = `${which} ran at the load generator's ceiling (requests/s a lower bound)`
  if (a.atCeiling && b.atCeiling) return { verdict: 'invalid', why: `${lead}: a ratio of two lower bounds could be anything` }
  const truthAtLeast = a.atCeiling
  const survives = r.comparator === '>=' ? (truthAtLeast ? judged.verdict === 'met' : judged.verdict === 'not met') : truthAtLeast ? judged.verdict === 'not met' : judged.verdict === 'met'
  if (survives) return { ...judged, why: `${judged.why}; ${lead}, so the true ratio is ${truthAtLeast ? 'higher' : 'lower'} still` }
  return { verdict: 'invalid', why: `${lead}, so the true ratio is ${truthAtLeast ? 'at least' : 'at most'} what was measured and whether it is ${symbol(r.comparator)} ${fmt(r.threshold)} cannot be known` }
}

function ratio(r: Requirement, m: Measured | null, judged: Judged, inputs: Ratio['inputs']): Ratio {
  return {
    id: r.id,
    description: r.description,
    value: m?.value ?? null,
    interval: m?.interval ?? null,
    comparator: r.comparator,
    threshold: r.threshold,
    verdict: judged.verdict,
    why: judged.why,
    ...(judged.trialsNeeded !== undefined && { trialsNeeded: judged.trialsNeeded }),
    inputs: m?.inputs ?? inputs,
    ...(m !== null && m.perTrial.length > 0 && { perTrial: m.perTrial }),
  }
}

const notMeasured = (why: string): Judged => ({ verdict: 'not measured', why })
const invalidCell = (c: CellInput, cell: CellOk): string => `${cellName(c)} is not valid for ratios: ${cell.invalid}`

/** Nearest-rank percentile over every wait of the given trials' ping timelines. */
function pooledPercentile(timelines: readonly Float64Array[], p: number, buf: Float64Array): number {
  let total = 0
  for (const t of timelines) {
    buf.set(t, total)
    total += t.length
  }
  if (total === 0) return Number.NaN
  const pooled = buf.subarray(0, total).sort()
  return pooled[Math.min(total, Math.ceil((p / 100) * total)) - 1] as number
}

/** A start-up quantity as the why line shows it: "11,200 ms", "1,180 MiB". */
const startupText = (quantity: 'healthyMs' | 'idleRssBytes', x: number): string => (quantity === 'healthyMs' ? `${fmt(x)} ms` : `${fmt(x / 2 ** 20)} MiB`)

/** Why a target's start-up cannot enter a ratio, or its ok entry. */
function startupOk(entries: readonly Startup[], target: string): Extract<Startup, { state: 'ok' }> | string {
  const e = entries.find((x) => x.target === target)
  if (e === undefined) return `${target} was not in the run`
  if (e.state === 'errored') return `${target} did not start: ${e.error.split('\n')[0]}`
  if (e.state === 'skipped') return `${target}: ${e.reason}`
  return e
}

function evaluateStartup(r: Requirement & { kind: 'startup-ratio' }, entries: readonly Startup[] | undefined, random: Random): Ratio {
  const q = r.quantity
  const a = entries === undefined ? undefined : startupOk(entries, r.numerator.target)
  const b = entries === undefined ? undefined : startupOk(entries, r.denominator.target)
  const inputs = { [r.numerator.input]: typeof a === 'object' ? a.median[q] : null, [r.denominator.input]: typeof b === 'object' ? b.median[q] : null }
  if (entries === undefined) return ratio(r, null, notMeasured('the start-up phase did not run (a run from before it existed, or --startup-rounds 0)'), inputs)
  if (typeof a !== 'object' || typeof b !== 'object') return ratio(r, null, notMeasured([a, b].filter((x): x is string => typeof x === 'string').join('; ')), inputs)
  // Paired by round: the two starts of a round ran a few seconds apart, on the same machine state.
  const byRound = new Map(b.samples.map((x) => [x.round, x[q]]))
  const perRound = a.samples.flatMap((x) => {
    const other = byRound.get(x.round)
    return other === undefined || other <= 0 ? [] : [x[q] / other]
  })
  if (perRound.length === 0) return ratio(r, null, notMeasured(`no round measured both ${r.numerator.target} and ${r.denominator.target}`), inputs)
  const note = `medians: ${r.numerator.target} ${startupText(q, a.median[q])}, ${r.denominator.target} ${startupText(q, b.median[q])}`
  const m: Measured = { value: median(perRound), interval: medianInterval(perRound, random), n: perRound.length, noun: 'paired rounds', unit: '', inputs, perTrial: perRound, note }
  return ratio(r, m, judge(r, m), inputs)
}

function evaluate(r: Requirement, okCell: (c: CellInput) => CellOk | undefined, micro: Micro, startup: readonly Startup[] | undefined, random: Random): Ratio {
  switch (r.kind) {
    case 'rps-ratio': {
      const a = okCell(r.numerator)
      const b = okCell(r.denominator)
      const inputs = { [r.numerator.input]: a?.median.rps ?? null, [r.denominator.input]: b?.median.rps ?? null }
      if (a === undefined || b === undefined) return ratio(r, null, notMeasured(`no completed cell for ${[a === undefined && cellName(r.numerator), b === undefined && cellName(r.denominator)].filter(Boolean).join(' or ')}`), inputs)
      const perTrial = pairedRps(a, b)
      if (perTrial.length === 0) return ratio(r, null, notMeasured(`no trial number completed in both ${cellName(r.numerator)} and ${cellName(r.denominator)}`), inputs)
      const m: Measured = { value: median(perTrial), interval: medianInterval(perTrial, random), n: perTrial.length, noun: 'paired trials', unit: '', inputs, perTrial }
      const bad = [a.invalid !== undefined && invalidCell(r.numerator, a), b.invalid !== undefined && invalidCell(r.denominator, b)].filter((x): x is string => typeof x === 'string')
      if (bad.length > 0) return ratio(r, m, { verdict: 'invalid', why: bad.join('; ') }, inputs)
      return ratio(r, m, ceilingCheck(r, a, b, judge(r, m)), inputs)
    }
    case 'ping-p99': {
      const c = okCell(r.cell)
      const ping = c?.ping?.target
      if (c === undefined || ping === undefined || ping.scheduled === 0) return ratio(r, null, notMeasured(c === undefined ? `no completed cell for ${cellName(r.cell)}` : `${cellName(r.cell)} has no pings`), { [r.cell.input]: null })
      const trials = okTrials(c.trials).flatMap((t) => (t.ping === undefined ? [] : [t.ping.target]))
      const timelines = trials.map((p) => Float64Array.from(p.timeline, (e) => e[1]))
      const buf = new Float64Array(timelines.reduce((n, t) => n + t.length, 0))
      const interval = timelines.every((t) => t.length > 0) ? bootstrapInterval(timelines, (res) => pooledPercentile(res, 99, buf), random) : undefined
      const inputs = { [r.cell.input]: ping.latency.p99, pingsServed: ping.served, pingsScheduled: ping.scheduled, stallMaxMs: ping.stallMaxMs, blockedMs: ping.blockedMs }
      const served = ping.served / ping.scheduled
      const note = r.comparator === '>=' ? `the stall: the longest ping waited ${fmt(ping.stallMaxMs)} ms, pings were blocked ${fmt(ping.blockedMs / 1000)} s in all` : undefined
      const m: Measured = { value: ping.latency.p99, interval, n: trials.length, noun: 'trials', unit: ' ms', inputs, perTrial: trials.map((p) => p.latency.p99), ...(note !== undefined && { note }), noInterval: 'a trial has no ping timeline to resample' }
      if (c.invalid !== undefined) return ratio(r, m, { verdict: 'invalid', why: `${invalidCell(r.cell, c)} (the load that should block it did not all run)` }, inputs)
      if (r.comparator === '<=' && served < MIN_SERVED) return ratio(r, m, { verdict: 'not met', why: servedWhy(ping.served, ping.scheduled) }, inputs)
      return ratio(r, m, judge(r, m), inputs)
    }
    case 'ping-vs-control': {
      const c = okCell(r.cell)
      const target = c?.ping?.target
      const control = c?.ping?.control
      const inputs = { [r.cell.input]: target?.latency.p99 ?? null, controlPingP99Ms: control?.latency.p99 ?? null }
      if (c === undefined || target === undefined || control === undefined || target.scheduled === 0 || control.scheduled === 0) {
        return ratio(r, null, notMeasured(c === undefined ? `no completed cell for ${cellName(r.cell)}` : `${cellName(r.cell)} has no ${target === undefined ? 'pings' : 'control pings'}`), inputs)
      }
      // The pooled p99s over every ping of the cell's trials, target over control: a trial's own
      // p99 of 100 pings is its worst ping or so, and their ratio swung 0.8–2.7 between trials.
      // The interval resamples whole trials (pings within a trial share its stalls), each
      // carrying its target and control pings together, so the pairing by moment is kept.
      const pairs = okTrials(c.trials).flatMap((t) => (t.ping?.control === undefined ? [] : [{ target: Float64Array.from(t.ping.target.timeline, (e) => e[1]), control: Float64Array.from(t.ping.control.timeline, (e) => e[1]) }]))
      if (pairs.length === 0 || !(control.latency.p99 > 0)) return ratio(r, null, notMeasured(`no trial of ${cellName(r.cell)} pinged both the target and the control`), inputs)
      const tbuf = new Float64Array(pairs.reduce((n, x) => n + x.target.length, 0))
      const cbuf = new Float64Array(pairs.reduce((n, x) => n + x.control.length, 0))
      const pooledRatio = (xs: readonly (typeof pairs)[number][]): number =>
        pooledPercentile(xs.map((x) => x.target), 99, tbuf) / pooledPercentile(xs.map((x) => x.control), 99, cbuf)
      const usable = pairs.every((x) => x.target.length > 0 && x.control.length > 0)
      const perTrial = okTrials(c.trials).flatMap((t) => (t.ping?.control === undefined || t.ping.control.latency.p99 <= 0 ? [] : [t.ping.target.latency.p99 / t.ping.control.latency.p99]))
      const m: Measured = { value: target.latency.p99 / control.latency.p99, interval: usable ? bootstrapInterval(pairs, pooledRatio, random) : undefined, n: pairs.length, noun: 'trials', unit: '', inputs, perTrial, note: `reference ${fmt(target.latency.p99)} ms, control ${fmt(control.latency.p99)} ms over all pings`, noInterval: 'a trial has no ping timeline to resample' }
      if (c.invalid !== undefined) return ratio(r, m, { verdict: 'invalid', why: `${invalidCell(r.cell, c)} (the load that should block it did not all run)` }, inputs)
      if (control.served / control.scheduled < MIN_SERVED) return ratio(r, m, { verdict: 'invalid', why: `the idle control server answered ${pct(control.served, control.scheduled)} of its ${control.scheduled.toLocaleString('en-US')} pings: the prober's own noise was not measured` }, inputs)
      if (target.served / target.scheduled < MIN_SERVED) return ratio(r, m, { verdict: 'not met', why: servedWhy(target.served, target.scheduled) }, inputs)
      return ratio(r, m, judge(r, m), inputs)
    }
    case 'micro-offload-ratio': {
      if (micro.state !== 'ok') return ratio(r, null, notMeasured(`the micro-benchmarks ${micro.state === 'errored' ? `failed: ${micro.error.split('\n')[0]}` : `did not run: ${micro.reason}`}`), { [r.input]: null })
      const rounds = micro.offloadVsPiscinaRounds
      if (rounds.length === 0) return ratio(r, null, notMeasured('no micro-benchmark round measured both round trips'), { [r.input]: null })
      // The micro section's own median and interval when it has them, so the report shows one interval for one quantity.
      const value = micro.offloadVsPiscina ?? median(rounds)
      const interval = micro.offloadVsPiscinaInterval ?? medianInterval(rounds, random)
      const m: Measured = { value, interval, n: rounds.length, noun: 'rounds', unit: '', inputs: { [r.input]: value }, perTrial: rounds }
      return ratio(r, m, judge(r, m), m.inputs)
    }
    case 'startup-ratio':
      return evaluateStartup(r, startup, random)
  }
}

const pct = (a: number, b: number): string => `${(Math.floor((a / b) * 1000) / 10).toFixed(1)}%`
const servedWhy = (served: number, scheduled: number): string =>
  `pings answered ${pct(served, scheduled)} (${served.toLocaleString('en-US')} of ${scheduled.toLocaleString('en-US')} scheduled; a ping bound needs ${MIN_SERVED * 100}%): a target whose /ping fails cannot pass`

/** What evaluateRequirements reads from a run. */
export interface RequirementInputs {
  readonly cells: readonly Cell[]
  readonly micro: Micro
  /** The start-up phase's entries; undefined when it did not run. */
  readonly startup?: readonly Startup[]
  /** The run's `settings.seed`: each requirement's bootstrap draws its own seeded stream, so the verdicts replay exactly. */
  readonly seed: number
}

/** Each requirement, judged over the run's ok cells (and its start-up entries). */
export function evaluateRequirements(run: RequirementInputs, requirements: readonly Requirement[] = REQUIREMENTS): Ratio[] {
  const okCell = (c: CellInput): CellOk | undefined => run.cells.find((x): x is CellOk => x.target === c.target && x.scenario === c.scenario && x.state === 'ok')
  return requirements.map((r) => evaluate(r, okCell, run.micro, run.startup, seededRandom(run.seed, r.id)))
}
