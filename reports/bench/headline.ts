/**
 * The report's headline: per target, five questions a reader comes with, each answered by a word
 * and a number, coloured, and linked to the section that holds the evidence. Every word follows
 * from measured data in results.json by a rule stated in its `why`; absent data reads "not
 * measured", a scenario the target never ran "—". Pure: html.ts renders what this returns.
 *
 * A requirement of the run (`ratios`, computed by the harness with 95% intervals) answers for the
 * target it is about — the reference — so the headline never contradicts the Requirements table.
 * Other targets are held to the same bound, judged trial by trial: the word is given only when
 * every measured trial is on the same side of it, "unclear" otherwise. (The report reads only
 * results.json, so it applies no bootstrap of its own; this rule is the stricter one.)
 */
import type { BenchResults, Cell, CellOk, CaseResult, Ratio, TrialOk } from '../../harness/results/schema.ts'
import { bytes, fmt } from './format.ts'
import { conformanceOf } from './verification.ts'

/** good / bad / unclear: how the measurement stands; info: measured, nothing to hold it to; none: no measurement. */
export type Tone = 'good' | 'bad' | 'unclear' | 'info' | 'none'

export interface HeadlineCell {
  /** The answer: yes, no, unclear, not measured, … */
  readonly word: string
  /** The measurement behind it, formatted. */
  readonly value: string
  readonly tone: Tone
  /** Id of the element on the page that holds the evidence. */
  readonly anchor: string
  /** How the word follows from the data, one line. */
  readonly why: string
  /** A second measurement with its own tone (the reference's micro offload ratio). */
  readonly note?: { readonly text: string; readonly tone: Tone }
}

export const COLUMNS = [
  { key: 'loop', question: 'keeps the loop free?' },
  { key: 'parallel', question: 'runs sync handlers in parallel?' },
  { key: 'capacity', question: 'at what capacity?' },
  { key: 'offload', question: 'what does offloading cost?' },
  { key: 'startup', question: 'start-up and memory' },
] as const

export type ColumnKey = (typeof COLUMNS)[number]['key']

export interface HeadlineRow {
  readonly target: string
  readonly cells: Readonly<Record<ColumnKey, HeadlineCell>>
}

/** Ids of the page's evidence; html.ts gives its sections these ids. */
export const ANCHORS = {
  pings: 'pings',
  conformance: 'conformance',
  rps: 'rps',
  cpu: 'cpu-scaling',
  startup: 'startup-memory',
  requirement: (id: string): string => `req-${id}`,
} as const

/** The reference, the target the run's requirements are about (harness/results/requirements.ts). */
const REFERENCE = 'reference'
/** Raw node:http: the baseline json-async throughput is held against. */
const BASELINE = 'node-http'
/** Requirement ids of harness/results/requirements.ts the headline reads. */
const REQ = { pingP99: 'ping-p99-reference', pingVsControl: 'ping-stall-vs-control', capacity: 'json-async-vs-node-http', offload: 'json-sync-vs-json-async', micro: 'offload-vs-piscina', cpu: 'cpu-sync-vs-express' } as const
/** Start-up and memory requirements (issue 13): matched by id, since their ids are the start-up phase's. */
const STARTUP_REQ = /start-?up|rss|memory/i

/** Bounds used when the run has no requirement to read them from (the same values as requirements.ts). */
const DEFAULT_PING_P99_MS = 20
const DEFAULT_CAPACITY_SHARE = 0.95
const DEFAULT_OFFLOAD_SHARE = 0.4
/** requirements.ts' MIN_SERVED: a target that answers fewer of its pings does not keep its loop free. */
const MIN_SERVED = 0.99
/** More than one core, clearly: a target whose cpu-sync trials all used at least this ran handlers in parallel. */
export const PARALLEL_CORES = 1.5

const cell = (word: string, value: string, tone: Tone, anchor: string, why: string): HeadlineCell => ({ word, value, tone, anchor, why })
const notRun = (anchor: string, scenario: string): HeadlineCell => cell('—', '', 'none', anchor, `${scenario} was not run for this target`)

/** A cell that is not ok: "error" when its trials failed, "not measured" when none ran. */
function unusable(c: Exclude<Cell, CellOk>, anchor: string): HeadlineCell {
  return c.state === 'errored' ? cell('error', '', 'unclear', anchor, `${c.scenario}: ${c.error}`) : cell('not measured', '', 'none', anchor, `${c.scenario}: ${c.reason}`)
}

/** Trials that measured something: ok, and completed requests (an empty trial is an error). */
export const measuredTrials = (c: CellOk): TrialOk[] => c.trials.filter((t): t is TrialOk => t.state === 'ok' && t.requests > 0)

type Side = 'met' | 'not met' | 'unclear'

/** Every value on one side of the bound, or unclear (none at all is unclear too). */
function everyTrial(values: readonly number[], bound: number, comparator: '>=' | '<='): Side {
  if (values.length === 0) return 'unclear'
  const ok = (v: number): boolean => (comparator === '>=' ? v >= bound : v <= bound)
  if (values.every(ok)) return 'met'
  if (values.every((v) => !ok(v))) return 'not met'
  return 'unclear'
}

/** A requirement's verdict as a side of its bound (inconclusive and invalid are unclear). */
const sideOf = (x: Ratio): Side | undefined => (x.verdict === 'met' ? 'met' : x.verdict === 'not met' ? 'not met' : x.verdict === 'not measured' ? undefined : 'unclear')

const toneOf = (side: Side): Tone => (side === 'met' ? 'good' : side === 'not met' ? 'bad' : 'unclear')

/** requests/s of `a` over `b`, trial by trial (paired by trial number), measured trials only. */
function pairedRatios(a: CellOk, b: CellOk): number[] {
  const bs = new Map(measuredTrials(b).map((t) => [t.trial, t.rps]))
  return measuredTrials(a).flatMap((t) => {
    const rb = bs.get(t.trial)
    return rb !== undefined && rb > 0 ? [t.rps / rb] : []
  })
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((x, y) => x - y)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

/**
 * `a` / `b` ≥ `bound`, trial by trial, with what a cell at the generator's ceiling (a lower bound)
 * still allows: the numerator's truth is higher, so only "met" survives; the denominator's lower,
 * so only "not met" does (as requirements.ts' ceilingCheck).
 */
function pairedSide(a: CellOk, b: CellOk, bound: number): { side: Side; ratio: number | undefined; why: string } {
  const ratios = pairedRatios(a, b)
  const ratio = ratios.length > 0 ? median(ratios) : undefined
  const bad = [a, b].filter((c) => c.invalid !== undefined).map((c) => `${c.target} ${c.scenario}: ${c.invalid}`)
  if (bad.length > 0) return { side: 'unclear', ratio, why: `not valid for a ratio: ${bad.join('; ')}` }
  if (ratios.length === 0) return { side: 'unclear', ratio, why: `no trial number completed in both ${a.target} ${a.scenario} and ${b.target} ${b.scenario}` }
  const trials = everyTrial(ratios, bound, '>=')
  const range = `${ratios.length} paired trials, ${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)}`
  const how = trials === 'unclear' ? `trials on both sides of ${fmt(bound, 2)}` : trials === 'met' ? `every one ≥ ${fmt(bound, 2)}` : `every one < ${fmt(bound, 2)}`
  const lowerBound = [a.atCeiling && a, b.atCeiling && b].filter((x): x is CellOk => x !== false)
  const survives = (!a.atCeiling || trials === 'met') && (!b.atCeiling || trials === 'not met')
  const ceiling = lowerBound.length === 0 ? '' : `; ${lowerBound.map((x) => `${x.target} ${x.scenario}`).join(' and ')} ran at the load generator’s ceiling (a lower bound)${survives ? ', which does not change the answer' : ', so the answer cannot be known'}`
  return { side: survives ? trials : 'unclear', ratio, why: `${a.scenario} ${a.target} / ${b.scenario} ${b.target}: ${range}, ${how}${ceiling}` }
}

interface Run {
  readonly r: BenchResults
  readonly cellOf: (target: string, scenario: string) => Cell | undefined
  readonly ratio: (id: string) => Ratio | undefined
}

// -- the columns -----------------------------------------------------------------------------------

function loop(run: Run, target: string): HeadlineCell {
  const c = run.cellOf(target, 'ping-under-sync-blocking')
  if (c === undefined) return notRun(ANCHORS.pings, 'ping-under-sync-blocking')
  if (c.state !== 'ok') return unusable(c, ANCHORS.pings)
  const ping = c.ping
  if (ping === undefined || ping.target.scheduled === 0) return cell('not measured', '', 'none', ANCHORS.pings, 'ping-under-sync-blocking has no pings')
  const value = `p99 ${fmt(ping.target.latency.p99)} ms${ping.control ? ` · control ${fmt(ping.control.latency.p99)} ms` : ''}`
  const req = target === REFERENCE ? run.ratio(REQ.pingP99) : undefined
  const reqSide = req === undefined ? undefined : sideOf(req)
  if (req !== undefined && reqSide !== undefined) {
    const vs = run.ratio(REQ.pingVsControl)
    // Far above the prober's own noise is not a free loop, whatever the absolute bound says.
    const word = reqSide === 'met' && vs?.verdict === 'not met' ? 'unclear' : reqSide
    const why = `${req.description}: ${req.verdict} (${req.why})${vs ? `; ${vs.description}: ${vs.verdict}` : ''}`
    return loopCell(word, value, ANCHORS.requirement(req.id), why)
  }
  const bound = run.ratio(REQ.pingP99)?.threshold ?? DEFAULT_PING_P99_MS
  if (c.invalid !== undefined) return loopCell('unclear', value, ANCHORS.pings, `the blocking load did not all run: ${c.invalid}`)
  const served = ping.target.served / ping.target.scheduled
  if (served < MIN_SERVED) return loopCell('not met', value, ANCHORS.pings, `pings answered ${fmt(served * 100)}% of ${ping.target.scheduled} (a free loop answers ≥ ${MIN_SERVED * 100}%)`)
  const p99s = measuredTrials(c).flatMap((t) => (t.ping === undefined ? [] : [t.ping.target.latency.p99]))
  const side = everyTrial(p99s, bound, '<=')
  const how = side === 'met' ? `every trial’s ping p99 ≤ ${fmt(bound)} ms` : side === 'not met' ? `every trial’s ping p99 > ${fmt(bound)} ms` : `trials’ ping p99 on both sides of ${fmt(bound)} ms`
  return loopCell(side, value, ANCHORS.pings, `${how} (${p99s.map((x) => fmt(x)).join(', ')} ms); stall ${fmt(ping.target.stallMaxMs)} ms`)
}

const loopCell = (side: Side, value: string, anchor: string, why: string): HeadlineCell => cell(side === 'met' ? 'yes' : side === 'not met' ? 'no' : 'unclear', value, toneOf(side), anchor, why)

/** The conformance cases that test parallelism directly, when the verification ran them. */
const PARALLEL_CASES = ['blocking.sync-parallel', 'capacity.sync-parallelism']

function parallelFromConformance(run: Run, target: string): { side: Side; value: string; why: string } | undefined {
  const t = run.r.targets.find((x) => x.name === target)
  const cases = (t === undefined ? undefined : conformanceOf(t))?.cases.filter((c) => PARALLEL_CASES.includes(c.id)) ?? []
  if (cases.length === 0) return undefined
  // FAIL (a MUST) or WARN (a SHOULD) is the parallelism check failing; ERROR, UNIMPLEMENTED: no answer.
  const failed = (c: CaseResult): boolean => c.verdict === 'FAIL' || c.verdict === 'WARN'
  const side: Side = cases.some(failed) ? 'not met' : cases.every((c) => c.verdict === 'PASS') ? 'met' : 'unclear'
  const values = cases.flatMap((c) => {
    const d = c.data ?? {}
    if (typeof d.parallelism === 'number') return [`parallelism ${fmt(d.parallelism)}`]
    if (typeof d.lastFinishMs === 'number') return [`4 × 300 ms in ${fmt(d.lastFinishMs)} ms`]
    return []
  })
  return { side, value: values.join(' · '), why: cases.map((c) => `${c.id}: ${c.verdict}${c.reason ? ` (${c.reason})` : ''}`).join('; ') }
}

function parallel(run: Run, target: string): HeadlineCell {
  const fromCases = parallelFromConformance(run, target)
  const c = run.cellOf(target, 'cpu-sync')
  const ok = c?.state === 'ok' ? c : undefined
  let fromCpu: { side: Side; value: string; why: string } | undefined
  if (ok !== undefined) {
    const cores = measuredTrials(ok).flatMap((t) => (t.target.cpuCores === undefined ? [] : [t.target.cpuCores]))
    const express = target === 'express' ? undefined : run.cellOf('express', 'cpu-sync')
    const req = target === REFERENCE ? run.ratio(REQ.cpu) : undefined
    const vsExpress = req?.value ?? (express?.state === 'ok' && express.median.rps > 0 ? ok.median.rps / express.median.rps : null)
    const value = [ok.median.targetCpuCores !== undefined && `${fmt(ok.median.targetCpuCores, 2)} cores`, vsExpress !== null && `${fmt(vsExpress, 2)}× express`].filter(Boolean).join(' · ')
    if (run.r.environment.cores < 2) fromCpu = { side: 'unclear', value, why: `the machine has ${run.r.environment.cores} CPU: nothing can run in parallel on it` }
    else if (cores.length > 0) {
      const side = everyTrial(cores, PARALLEL_CORES, '>=')
      const how = side === 'met' ? `every trial used ≥ ${PARALLEL_CORES}` : side === 'not met' ? `every trial used < ${PARALLEL_CORES}` : `trials on both sides of ${PARALLEL_CORES}`
      fromCpu = { side, value, why: `cpu-sync CPU cores of the target (${cores.map((x) => fmt(x, 2)).join(', ')}): ${how} of the ${run.r.environment.cores}${req ? `; ${req.description}: ${req.verdict}` : ''}` }
    }
  }
  if (fromCases === undefined && fromCpu === undefined) {
    if (c === undefined) return notRun(ANCHORS.cpu, 'cpu-sync')
    if (c.state !== 'ok') return unusable(c, ANCHORS.cpu)
    return cell('not measured', '', 'none', ANCHORS.cpu, 'cpu-sync recorded no CPU use and the verification ran no parallelism case')
  }
  // Two measurements that disagree answer nothing.
  const side = fromCases !== undefined && fromCpu !== undefined && fromCases.side !== fromCpu.side ? 'unclear' : (fromCpu ?? fromCases)?.side ?? 'unclear'
  const value = fromCpu?.value || fromCases?.value || ''
  const why = [fromCpu?.why, fromCases && `verification: ${fromCases.why}`].filter(Boolean).join('; ')
  return cell(side === 'met' ? 'yes' : side === 'not met' ? 'no' : 'unclear', value, toneOf(side), fromCpu !== undefined ? ANCHORS.cpu : ANCHORS.conformance, why)
}

const CAPACITY_WORD: Record<Side, string> = { met: 'full', 'not met': 'reduced', unclear: 'unclear' }

function capacity(run: Run, target: string): HeadlineCell {
  const c = run.cellOf(target, 'json-async')
  if (c === undefined) return notRun(ANCHORS.rps, 'json-async')
  if (c.state !== 'ok') return unusable(c, ANCHORS.rps)
  const rps = `${c.atCeiling ? '≥ ' : ''}${fmt(c.median.rps)} req/s`
  if (target === BASELINE) return cell('baseline', rps, 'info', ANCHORS.rps, 'raw node:http: the other targets’ json-async requests/s are held against it')
  const base = run.cellOf(BASELINE, 'json-async')
  if (base?.state !== 'ok') return cell(rps, 'no node:http baseline', 'info', ANCHORS.rps, `json-async median requests/s${c.atCeiling ? ', at the load generator’s ceiling (a lower bound)' : ''}; no raw node:http cell in this run to hold it against`)
  const req = target === REFERENCE ? run.ratio(REQ.capacity) : undefined
  const bound = run.ratio(REQ.capacity)?.threshold ?? DEFAULT_CAPACITY_SHARE
  const judged = req !== undefined && sideOf(req) !== undefined ? { side: sideOf(req) as Side, ratio: req.value ?? undefined, why: `${req.description}: ${req.verdict} (${req.why})` } : pairedSide(c, base, bound)
  const value = `${rps}${judged.ratio !== undefined ? ` · ${fmt(judged.ratio, 2)}× node:http` : ''}`
  const why = req !== undefined ? judged.why : `held to ≥ ${fmt(bound, 2)} × raw node:http (the reference’s requirement): ${judged.why}`
  return cell(CAPACITY_WORD[judged.side], value, toneOf(judged.side), req !== undefined ? ANCHORS.requirement(req.id) : ANCHORS.rps, why)
}

const OFFLOAD_WORD: Record<Side, string> = { met: 'low', 'not met': 'high', unclear: 'unclear' }

function offload(run: Run, target: string, loopWord: string): HeadlineCell {
  const sync = run.cellOf(target, 'json-sync')
  const async = run.cellOf(target, 'json-async')
  if (sync === undefined || async === undefined) return notRun(ANCHORS.rps, sync === undefined ? 'json-sync' : 'json-async')
  if (sync.state !== 'ok') return unusable(sync, ANCHORS.rps)
  if (async.state !== 'ok') return unusable(async, ANCHORS.rps)
  const req = target === REFERENCE ? run.ratio(REQ.offload) : undefined
  const bound = run.ratio(REQ.offload)?.threshold ?? DEFAULT_OFFLOAD_SHARE
  const judged = req !== undefined && sideOf(req) !== undefined ? { side: sideOf(req) as Side, ratio: req.value ?? undefined, why: `${req.description}: ${req.verdict} (${req.why})` } : pairedSide(sync, async, bound)
  const value = judged.ratio === undefined ? '' : `json-sync ${fmt(judged.ratio, 2)}× json-async`
  const micro = target === REFERENCE ? run.ratio(REQ.micro) : undefined
  const microSide = micro === undefined ? undefined : sideOf(micro)
  const note = micro !== undefined && micro.value !== null && microSide !== undefined ? { text: `micro ${fmt(micro.value, 2)}× piscina.run`, tone: toneOf(microSide) } : undefined
  const microWhy = micro === undefined ? '' : `; ${micro.description}: ${micro.verdict} (${micro.why})`
  // A target whose sync handlers block its loop offloads nothing: json-sync costs what json-async does, and the price is the blocked loop.
  if (loopWord === 'no') return cell('inline', value, 'info', ANCHORS.pings, `sync handlers ran on the event loop (its pings were blocked): nothing is offloaded; ${judged.why}`)
  const why = req !== undefined ? `${judged.why}${microWhy}` : `held to json-sync ≥ ${fmt(bound, 2)} × json-async (the reference’s requirement): ${judged.why}`
  return { ...cell(OFFLOAD_WORD[judged.side], value, toneOf(judged.side), req !== undefined ? ANCHORS.requirement(req.id) : ANCHORS.rps, why), ...(note && { note }) }
}

const duration = (ms: number): string => (ms >= 1000 ? `${fmt(ms / 1000, 1)} s` : `${fmt(ms, 0)} ms`)

function startup(run: Run, target: string): HeadlineCell {
  const s = run.r.startup?.find((x) => x.target === target)
  const peaks = run.r.cells.flatMap((c) => (c.target === target && c.state === 'ok' && c.median.targetPeakRssBytes !== undefined ? [c.median.targetPeakRssBytes] : []))
  const peakUnderLoad = peaks.length > 0 ? Math.max(...peaks) : undefined
  if (s === undefined) {
    const why = run.r.startup === undefined ? 'this run has no start-up phase' : 'the start-up phase did not start this target'
    return cell('not measured', peakUnderLoad === undefined ? '' : `peak ${bytes(peakUnderLoad)} under load`, 'none', ANCHORS.startup, why)
  }
  if (s.state === 'errored') return cell('error', '', 'unclear', ANCHORS.startup, `start-up: ${s.error}`)
  if (s.state === 'skipped') return cell('not measured', '', 'none', ANCHORS.startup, `start-up: ${s.reason}`)
  const peak = s.peakRssBytes ?? peakUnderLoad
  const value = `${bytes(s.median.idleRssBytes)} idle${peak === undefined ? '' : ` · ${bytes(peak)} peak`}`
  const why = `median of ${s.samples.length} start(s): healthy ${fmt(s.median.healthyMs)} ms after spawn, idle RSS ${bytes(s.median.idleRssBytes)}${peak === undefined ? '' : `, peak RSS under load ${bytes(peak)}`}`
  const reqs = target === REFERENCE ? run.r.ratios.filter((x) => STARTUP_REQ.test(x.id) && sideOf(x) !== undefined) : []
  if (reqs.length === 0) return cell(duration(s.median.healthyMs), value, 'info', ANCHORS.startup, why)
  const sides = reqs.map((x) => sideOf(x) as Side)
  const side: Side = sides.includes('not met') ? 'not met' : sides.every((x) => x === 'met') ? 'met' : 'unclear'
  return cell(duration(s.median.healthyMs), value, toneOf(side), ANCHORS.startup, `${why}; ${reqs.map((x) => `${x.description}: ${x.verdict}`).join('; ')}`)
}

/** One row per target of the run, in the run's order. */
export function headline(r: BenchResults): HeadlineRow[] {
  const run: Run = {
    r,
    cellOf: (target, scenario) => r.cells.find((c) => c.target === target && c.scenario === scenario),
    ratio: (id) => r.ratios.find((x) => x.id === id),
  }
  return r.targets.map((t) => {
    const l = loop(run, t.name)
    return { target: t.name, cells: { loop: l, parallel: parallel(run, t.name), capacity: capacity(run, t.name), offload: offload(run, t.name, l.word), startup: startup(run, t.name) } }
  })
}
