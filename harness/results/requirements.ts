/**
 * The performance requirements, as data, and their evaluation over a run's summarized cells into
 * `Ratio`s. Every value is measured side by side in the same run, so a requirement compares like
 * with like on whatever machine ran it.
 */
import { median } from '../../scenarios/stats.ts'
import type { Cell, CellOk, Micro, Ratio } from './schema.ts'
import { okTrials } from './summarize.ts'

/** One cell, and the key its value gets in the ratio's `inputs`. */
export interface CellInput {
  readonly target: string
  readonly scenario: string
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
    | /**
       * requests/s of `numerator` over `denominator`: the median of the per-trial ratios (trials with
       * the same number ran moments apart), or the ratio of the medians when no trial number
       * completed on both sides.
       */
      { readonly kind: 'rps-ratio'; readonly numerator: CellInput; readonly denominator: CellInput }
    /** One cell's ping p99 (the median over its trials), ms. */
    | { readonly kind: 'ping-p99'; readonly cell: CellInput }
    /** The micro-benchmarks' offload path / bare piscina.run ratio (the median of the paired rounds). */
    | { readonly kind: 'micro-offload-ratio'; readonly input: string }
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
    description: 'ping-under-sync-blocking: reference ping p99 ≤ 20 ms',
    kind: 'ping-p99',
    cell: { target: 'reference', scenario: 'ping-under-sync-blocking', input: 'referencePingP99Ms' },
    comparator: '<=',
    threshold: 20,
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
    description: 'micro: the offload path costs ≤ 1.5 × a bare piscina.run round trip',
    kind: 'micro-offload-ratio',
    input: 'ratio',
    comparator: '<=',
    threshold: 1.5,
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
]

const round3 = (x: number): number => Math.round(x * 1000) / 1000

function ratio(r: Requirement, value: number | null, inputs: Ratio['inputs'], perTrial: readonly number[] | undefined): Ratio {
  const rounded = value === null || !Number.isFinite(value) ? null : round3(value)
  const met = rounded === null ? null : r.comparator === '>=' ? rounded >= r.threshold : rounded <= r.threshold
  return {
    id: r.id,
    description: r.description,
    value: rounded,
    comparator: r.comparator,
    threshold: r.threshold,
    met,
    inputs,
    ...(perTrial !== undefined && perTrial.length > 0 && { perTrial: perTrial.map(round3) }),
  }
}

/** requests/s of `a` over `b`, trial by trial (paired by trial number; both must have completed it). */
export function pairedRps(a: CellOk | undefined, b: CellOk | undefined): number[] {
  if (a === undefined || b === undefined) return []
  const bs = okTrials(b.trials)
  const out: number[] = []
  for (const ta of okTrials(a.trials)) {
    const tb = bs.find((t) => t.trial === ta.trial)
    if (tb !== undefined && tb.rps > 0) out.push(ta.rps / tb.rps)
  }
  return out
}

function evaluate(r: Requirement, okCell: (c: CellInput) => CellOk | undefined, micro: Micro): Ratio {
  switch (r.kind) {
    case 'rps-ratio': {
      const a = okCell(r.numerator)
      const b = okCell(r.denominator)
      const perTrial = pairedRps(a, b)
      const ra = a?.median.rps ?? null
      const rb = b?.median.rps ?? null
      const value = perTrial.length > 0 ? median(perTrial) : ra === null || rb === null || rb === 0 ? null : ra / rb
      return ratio(r, value, { [r.numerator.input]: ra, [r.denominator.input]: rb }, perTrial)
    }
    case 'ping-p99': {
      const c = okCell(r.cell)
      const value = c?.median.ping?.p99 ?? null
      const perTrial = c === undefined ? undefined : okTrials(c.trials).flatMap((t) => (t.ping === undefined ? [] : [t.ping.p99]))
      return ratio(r, value, { [r.cell.input]: value }, perTrial)
    }
    case 'micro-offload-ratio': {
      const value = micro.state === 'ok' ? (micro.offloadVsPiscina ?? null) : null
      return ratio(r, value, { [r.input]: value }, micro.state === 'ok' ? micro.offloadVsPiscinaRounds : undefined)
    }
  }
}

/** Each requirement, measured: null (and `met` null) when a cell it needs is missing or not ok. */
export function evaluateRequirements(run: { readonly cells: readonly Cell[]; readonly micro: Micro }, requirements: readonly Requirement[] = REQUIREMENTS): Ratio[] {
  const okCell = (c: CellInput): CellOk | undefined => run.cells.find((x): x is CellOk => x.target === c.target && x.scenario === c.scenario && x.state === 'ok')
  return requirements.map((r) => evaluate(r, okCell, run.micro))
}
