/**
 * The heavy K of the cpu cases, calibrated on the target: K must be ~300 ms of work *there*, not on
 * the CLI's machine. Sized in Node, K was ~70 ms of Python's hashlib — under the 100 ms ping bound,
 * so a Python target hashing on its event loop could pass while the machine was quiet. Calls of
 * `/cpu/{mode}?n=K`, one at a time, doubling K from the contract's floor until one takes
 * `targetMs`, bounded by the contract's largest n and a time budget.
 */
import type { TargetClient } from '../client.ts'
import { round } from '../stats.ts'

/** The heavy K's floor (contract-v1.md, `blocking.cpu-sync`). */
export const MIN_HEAVY_K = 50_000
/** The largest `n` the contract accepts (contract-v1.md §2). */
export const MAX_N = 10_000_000

export interface CalibrationStep {
  readonly k: number
  /** Send → end of the body, ms. */
  readonly ms: number
}

export interface Calibration {
  /** The K chosen: the first that took `targetMs`, else the last tried. */
  readonly k: number
  readonly steps: readonly CalibrationStep[]
  /** Why the search stopped short of `targetMs` (the contract's largest n, the budget, a status); absent when it got there. */
  readonly short?: string
}

export interface CalibrationOptions {
  /** @default 300 */
  targetMs?: number
  /** Stop before a call that would take the calibration's calls past this many ms in all. @default 5000 */
  budgetMs?: number
  /** Per-request timeout, ms. */
  timeoutMs: number
}

/** Double K from `MIN_HEAVY_K` until one `GET {path}?n=K` takes `targetMs` on the target. */
export async function calibrateCpu(client: TargetClient, path: string, opts: CalibrationOptions): Promise<Calibration> {
  const targetMs = opts.targetMs ?? 300
  const budgetMs = opts.budgetMs ?? 5_000
  const steps: CalibrationStep[] = []
  let spentMs = 0
  let k = MIN_HEAVY_K
  for (;;) {
    const r = await client.request(`${path}?n=${k}`, { timeoutMs: opts.timeoutMs })
    steps.push({ k, ms: round(r.ms) })
    spentMs += r.ms
    if (r.status !== 200) return { k, steps, short: `GET ${path}?n=${k} answered ${r.status}` }
    if (r.ms >= targetMs) return { k, steps }
    if (k >= MAX_N) return { k, steps, short: `n=${MAX_N}, the contract's largest, took ${round(r.ms)} ms` }
    // The next call does twice the work: about twice as long.
    if (spentMs + 2 * r.ms > budgetMs) return { k, steps, short: `the next step would pass the ${budgetMs} ms budget` }
    k = Math.min(2 * k, MAX_N)
  }
}
