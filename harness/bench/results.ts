/** The results.json model (the source of truth every renderer reads), medians and ratios. */
import type { ConformanceReport } from '../../scenarios/types.ts'
import { median } from '../../scenarios/stats.ts'
import type { Environment } from '../environment.ts'
import type { LatencySummary, LoadResult } from './loadgen-protocol.ts'
import type { MicroReport } from './micro.ts'
import type { BenchSettings } from './profiles.ts'

export const SCHEMA_VERSION = 1

export interface TargetRecord {
  readonly name: string
  readonly command: string
  /** Framework and version(s) the target runs. */
  readonly framework: string
  state: 'ok' | 'failed-to-start' | 'died'
  error?: string
  conformance?: ConformanceReport | { error: string }
  /** MUST cases that failed or errored in verification: the target is benched anyway, and marked. */
  mustFailures?: string[]
  /** Scenarios this target runs (all unless restricted, e.g. the detection-off variant). */
  readonly scenarios: readonly string[]
}

export interface Trial extends Partial<LoadResult> {
  readonly trial: number
  readonly state: 'ok' | 'errored'
  readonly error?: string
  readonly target?: { cpuMs?: number; cpuCores?: number; peakRssBytes?: number }
  readonly loadgenSaturated?: boolean
  readonly pinned?: { target: string; loadgen: string } | null
}

export interface CellStats {
  rps: number
  p50: number
  p90: number
  p99: number
  p999: number
  max: number
  errors: number
  timeouts: number
  non2xx: number
  mismatches: number
  targetCpuCores?: number
  targetPeakRssBytes?: number
  ping?: LatencySummary & { sent: number; failed: number }
}

export interface Cell {
  readonly target: string
  readonly scenario: string
  state: 'ok' | 'errored' | 'skipped'
  error?: string
  readonly trials: Trial[]
  median?: CellStats
  /** min–max over the trials. */
  spread?: { rps: [number, number]; p99: [number, number]; pingP99?: [number, number] }
}

export interface Ratio {
  readonly id: string
  readonly description: string
  /** Measured value, or null when a needed cell is missing or errored. */
  readonly value: number | null
  readonly comparator: '>=' | '<='
  readonly threshold: number
  readonly met: boolean | null
  readonly inputs: Record<string, number | null>
  /**
   * For a ratio of two cells: the ratio within each trial number both cells completed. Those
   * trials ran moments apart (see schedule.ts), so each pair saw the same machine; `value` is
   * their median. For the micro-benchmark ratio: the ratio in each paired round. For a single
   * cell's measurement (ping p99): its value in each trial.
   */
  readonly perTrial?: number[]
}

export interface BenchResults {
  readonly schemaVersion: typeof SCHEMA_VERSION
  readonly createdAt: string
  durationMs: number
  state: 'complete' | 'interrupted' | 'failed'
  error?: string
  readonly environment: Environment & { loadGenerator: { tool: string; version: string; process: string } }
  readonly settings: BenchSettings & { pinning: { available: boolean; why?: string; target: string; loadgen: string; note: string } }
  readonly scenarios: readonly { id: string; description: string; method: string; path: string; connections: number; cpus: string }[]
  readonly targets: TargetRecord[]
  readonly cells: Cell[]
  micro?: (MicroReport & { state: 'ok'; rounds: number; offloadVsPiscinaSpread: [number, number] }) | { state: 'errored'; error: string } | { state: 'skipped' }
  ratios: Ratio[]
}

/** The target's conformance report, when its verification completed. */
export function conformanceOf(t: TargetRecord): ConformanceReport | undefined {
  const c = t.conformance
  return typeof c === 'object' && c !== null && 'cases' in c ? c : undefined
}

const okTrials = (c: Cell): Trial[] => c.trials.filter((t) => t.state === 'ok')

/** Medians over the successful trials (with their min–max spread). */
export function summarizeCell(c: Cell): void {
  const ok = okTrials(c)
  if (ok.length === 0) {
    if (c.state !== 'skipped') c.state = 'errored'
    c.error ??= c.trials.find((t) => t.error)?.error ?? 'no trial completed'
    return
  }
  const m = (f: (t: Trial) => number | undefined): number => median(ok.map(f).filter((x): x is number => x !== undefined))
  const range = (f: (t: Trial) => number | undefined): [number, number] => {
    const xs = ok.map(f).filter((x): x is number => x !== undefined)
    return [Math.min(...xs), Math.max(...xs)]
  }
  const stats: CellStats = {
    rps: Math.round(m((t) => t.rps) * 10) / 10,
    p50: m((t) => t.latency?.p50),
    p90: m((t) => t.latency?.p90),
    p99: m((t) => t.latency?.p99),
    p999: m((t) => t.latency?.p999),
    max: m((t) => t.latency?.max),
    errors: m((t) => t.errors),
    timeouts: m((t) => t.timeouts),
    non2xx: m((t) => t.non2xx),
    mismatches: m((t) => t.mismatches),
  }
  const cores = ok.map((t) => t.target?.cpuCores).filter((x): x is number => x !== undefined)
  if (cores.length > 0) stats.targetCpuCores = Math.round(median(cores) * 100) / 100
  const rss = ok.map((t) => t.target?.peakRssBytes).filter((x): x is number => x !== undefined)
  if (rss.length > 0) stats.targetPeakRssBytes = Math.max(...rss)
  if (ok.some((t) => t.ping)) {
    const pings = ok.map((t) => t.ping).filter((p): p is NonNullable<Trial['ping']> => p !== undefined)
    stats.ping = {
      p50: median(pings.map((p) => p.p50)),
      p90: median(pings.map((p) => p.p90)),
      p99: median(pings.map((p) => p.p99)),
      p999: median(pings.map((p) => p.p999)),
      max: Math.max(...pings.map((p) => p.max)),
      mean: median(pings.map((p) => p.mean)),
      sent: pings.reduce((a, p) => a + p.sent, 0),
      failed: pings.reduce((a, p) => a + p.failed, 0),
    }
  }
  c.median = stats
  c.spread = { rps: range((t) => t.rps), p99: range((t) => t.latency?.p99), ...(stats.ping && { pingP99: range((t) => t.ping?.p99) }) }
  if (c.state !== 'skipped') c.state = 'ok'
}

const round3 = (x: number) => Math.round(x * 1000) / 1000

function ratio(id: string, description: string, value: number | null, comparator: Ratio['comparator'], threshold: number, inputs: Ratio['inputs'], perTrial?: readonly number[]): Ratio {
  const rounded = value === null || !Number.isFinite(value) ? null : round3(value)
  const met = rounded === null ? null : comparator === '>=' ? rounded >= threshold : rounded <= threshold
  return { id, description, value: rounded, comparator, threshold, met, inputs, ...(perTrial && perTrial.length > 0 && { perTrial: perTrial.map(round3) }) }
}

/** requests/s of `a` over `b`, trial by trial (paired by trial number; both must have completed it). */
function pairedRps(a: Cell | undefined, b: Cell | undefined): number[] {
  if (a === undefined || b === undefined) return []
  const out: number[] = []
  for (const ta of okTrials(a)) {
    const tb = okTrials(b).find((t) => t.trial === ta.trial)
    if (ta.rps !== undefined && tb?.rps !== undefined && tb.rps > 0) out.push(ta.rps / tb.rps)
  }
  return out
}

/** The performance requirements, as ratios measured side by side in this run. */
export function computeRatios(r: Pick<BenchResults, 'cells' | 'micro'>): Ratio[] {
  const okCell = (target: string, scenario: string) => r.cells.find((c) => c.target === target && c.scenario === scenario && c.state === 'ok')
  const cell = (target: string, scenario: string) => okCell(target, scenario)?.median
  const rps = (t: string, s: string) => cell(t, s)?.rps ?? null
  // A requests/s ratio: the median of its per-trial ratios (each pair measured moments apart), or
  // the ratio of the medians when no trial number completed on both sides.
  const rpsRatio = (id: string, description: string, threshold: number, [ta, sa, ka]: [string, string, string], [tb, sb, kb]: [string, string, string]): Ratio => {
    const perTrial = pairedRps(okCell(ta, sa), okCell(tb, sb))
    const a = rps(ta, sa)
    const b = rps(tb, sb)
    const value = perTrial.length > 0 ? median(perTrial) : a === null || b === null || b === 0 ? null : a / b
    return ratio(id, description, value, '>=', threshold, { [ka]: a, [kb]: b }, perTrial)
  }
  const out: Ratio[] = []
  out.push(rpsRatio('json-async-vs-fastify', 'json-async: reference ≥ 0.8 × fastify requests/s', 0.8, ['reference', 'json-async', 'reference'], ['fastify', 'json-async', 'fastify']))
  out.push(rpsRatio('json-sync-vs-json-async', 'json-sync: reference ≥ 0.4 × its own json-async requests/s', 0.4, ['reference', 'json-sync', 'jsonSync'], ['reference', 'json-async', 'jsonAsync']))
  const refPing = cell('reference', 'ping-under-sync-blocking')?.ping?.p99 ?? null
  const expPing = cell('express', 'ping-under-sync-blocking')?.ping?.p99 ?? null
  const pingTrials = (t: string) => {
    const c = okCell(t, 'ping-under-sync-blocking')
    return c === undefined ? undefined : okTrials(c).flatMap((x) => (x.ping === undefined ? [] : [x.ping.p99]))
  }
  out.push(ratio('ping-p99-reference', 'ping-under-sync-blocking: reference ping p99 ≤ 20 ms', refPing, '<=', 20, { referencePingP99Ms: refPing }, pingTrials('reference')))
  out.push(ratio('ping-p99-express', 'ping-under-sync-blocking: express (which blocks) ping p99 ≥ 100 ms', expPing, '>=', 100, { expressPingP99Ms: expPing }, pingTrials('express')))
  out.push(rpsRatio('cpu-sync-vs-express', 'cpu-sync: reference ≥ 1.5 × express requests/s (sync CPU work uses both cores)', 1.5, ['reference', 'cpu-sync', 'reference'], ['express', 'cpu-sync', 'express']))
  const micro = r.micro?.state === 'ok' ? r.micro.offloadVsPiscina ?? null : null
  out.push(ratio('offload-vs-piscina', 'micro: the offload path costs ≤ 1.5 × a bare piscina.run round trip', micro, '<=', 1.5, { ratio: micro }, r.micro?.state === 'ok' ? r.micro.offloadVsPiscinaRounds : undefined))
  out.push(rpsRatio('detection-overhead', 'json-async with blocking detection on ≥ 0.95 × off', 0.95, ['reference', 'json-async', 'on'], ['reference-nodetect', 'json-async', 'off']))
  return out
}
