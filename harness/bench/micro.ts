/**
 * Micro-benchmarks (tinybench), each measured in the same run so they compare as ratios: the
 * per-call cost of dispatch paths against their floors, coercion per return type, and extraction
 * of a validated JSON body. Round trips run one at a time (no overlap), so each sample is the
 * latency of one call.
 */
import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import { Piscina } from 'piscina'
import { Bench } from 'tinybench'
import { median } from '../../scenarios/stats.ts'
import { targets } from '../../targets/index.ts'

export interface MicroResult {
  readonly name: string
  readonly group: 'dispatch' | 'floor' | 'coercion' | 'extraction'
  readonly state: 'ok' | 'errored'
  readonly error?: string
  readonly opsPerSec?: number
  /** µs per call. */
  readonly meanUs?: number
  readonly p50Us?: number
  readonly p99Us?: number
  /** Relative margin of error of the mean, %. */
  readonly rme?: number
  readonly samples?: number
}

export interface MicroReport {
  readonly results: readonly MicroResult[]
  /** offload path median / bare piscina.run median: the median over the paired rounds. */
  readonly offloadVsPiscina: number | undefined
  /** The ratio in each round, in order. */
  readonly offloadVsPiscinaRounds: readonly number[]
  /** Each round trip's median µs per call in each round, by name. */
  readonly roundsP50Us: Readonly<Record<string, readonly number[]>>
}

/**
 * In-process calls take well under a microsecond, close to the timer's own cost, and a sample
 * per call meant tens of millions of samples to sort (a 12-task round took 28 s instead of 10).
 * So each sample times a batch of calls and records the batch's mean.
 */
const BATCH = 100

type Returned = { overriddenDuration: number; overriddenIterationCost: number }

/** A task that times `BATCH` calls of `fn` (awaiting them together when `fn` is async). */
function batched(bench: Bench, fn: () => unknown): () => Returned | Promise<Returned> {
  return () => {
    const t0 = bench.now()
    const cost = (): Returned => {
      const d = bench.now() - t0
      return { overriddenDuration: d / BATCH, overriddenIterationCost: d }
    }
    const first = fn()
    if (!(first instanceof Promise)) {
      for (let i = 1; i < BATCH; i++) fn()
      return cost()
    }
    const pending = [first]
    for (let i = 1; i < BATCH; i++) pending.push(fn() as Promise<unknown>)
    return Promise.all(pending).then(cost)
  }
}

function summarize(bench: Bench, groups: Map<string, MicroResult['group']>): MicroResult[] {
  return bench.tasks.map((t) => {
    const r = t.result
    const group = groups.get(t.name) ?? 'dispatch'
    if (r.state === 'completed' || r.state === 'aborted-with-statistics') {
      const us = (ms: number) => Math.round(ms * 1000 * 1000) / 1000
      return { name: t.name, group, state: 'ok', opsPerSec: Math.round(1000 / r.latency.mean), meanUs: us(r.latency.mean), p50Us: us(r.latency.p50), p99Us: us(r.latency.p99), rme: Math.round(r.latency.rme * 100) / 100, samples: t.runs }
    }
    const error = r.state === 'errored' ? r.error.message : `not completed (${r.state})`
    return { name: t.name, group, state: 'errored', error }
  })
}

/** The framework measured: its target's in-process dispatch (`InProcessDispatch`, targets/spec.ts). */
const MICRO_TARGET = 'reference'

const OFFLOAD = 'sync handler through the offload path (WorkerPool.runRoute)'
const PISCINA = 'bare piscina.run round trip'

/**
 * `rounds`: the round trips (offload path and its floors) run in that many short rounds, in a
 * rotating order, and the ratio is the median of the per-round ratios of MEDIANS: round trips are
 * heavy-tailed (a GC pause or a descheduled worker is a sample 100× the rest), and a ratio of means
 * moved with whichever round caught one. The two are measured side by side each time, so drift on
 * a shared machine hits both alike. The first round is a warm-up and is not counted: it always read
 * highest (the worker's code not yet compiled). The table shows the round whose ratio is nearest the
 * median, and every round's median per round trip.
 */
export async function runMicro(timeMs: number, rounds = 1): Promise<MicroReport> {
  const open = targets[MICRO_TARGET]?.inProcess
  if (open === undefined) throw new Error(`the ${MICRO_TARGET} target offers no in-process dispatch`)
  const framework = await open()
  const closing: (() => Promise<unknown>)[] = [() => framework.close()]
  try {
    // The floor has the fast lane's shape (the lane a quick sync handler runs in), so the ratio is
    // what the framework adds on top of piscina, not a difference between two pool configurations.
    const { threads, tasksPerWorker } = framework.lane
    const piscina = new Piscina({ filename: new URL('./micro/echo-worker.mjs', import.meta.url).href, minThreads: threads, maxThreads: threads, concurrentTasksPerWorker: tasksPerWorker, idleTimeout: 60_000 })
    closing.push(() => piscina.destroy())
    const raw = new Worker(new URL('./micro/raw-worker.mjs', import.meta.url))
    closing.push(() => raw.terminate())
    await Promise.all([piscina.run(null), once(raw, 'online')])
    const payload = { kind: 'dict', n: 1 }
    const groups = new Map<string, MicroResult['group']>()

    // -- in-process: dispatch on the loop, coercion, extraction ----------------------------------
    const local = new Bench({ time: timeMs, warmupTime: 100 })
    const add = (name: string, group: MicroResult['group'], fn: () => unknown) => {
      groups.set(name, group)
      local.add(name, batched(local, fn))
    }
    add('direct function call', 'floor', framework.direct)
    add('async handler through the framework (in-process pipeline)', 'dispatch', framework.asyncRoute)
    for (const c of framework.coercions) add(`coerce ${c.name}`, 'coercion', c.call)
    add('extract a validated JSON body', 'extraction', framework.extractJsonBody)
    await local.run()
    const results = summarize(local, groups)

    // -- round trips, paired ------------------------------------------------------------------------
    const trips: [string, MicroResult['group'], () => unknown][] = [
      [OFFLOAD, 'dispatch', framework.syncRoute],
      [PISCINA, 'floor', () => piscina.run(payload)],
      [
        'raw worker_threads postMessage round trip',
        'floor',
        () => {
          const reply = once(raw, 'message')
          raw.postMessage(payload)
          return reply
        },
      ],
    ]
    for (const [name, group] of trips) groups.set(name, group)
    const perRound: { ratio: number; rows: MicroResult[] }[] = []
    // Round 0 warms the workers and is dropped (see above).
    for (let r = 0; r <= rounds; r++) {
      // A long first warm-up: the offload path runs code in the worker that has to be JIT-compiled,
      // and short runs overstate its cost (measured: 1.73× at 150 ms, 1.27× at 1 s per task).
      const bench = new Bench({ time: timeMs, warmupTime: r === 0 ? 300 : 50 })
      for (let i = 0; i < trips.length; i++) {
        const [name, , fn] = trips[(i + r) % trips.length] as (typeof trips)[number]
        bench.add(name, fn)
      }
      await bench.run()
      const rows = summarize(bench, groups).sort((a, b) => trips.findIndex((t) => t[0] === a.name) - trips.findIndex((t) => t[0] === b.name))
      if (r === 0) continue
      const p50 = (name: string) => rows.find((x) => x.name === name)?.p50Us
      const offload = p50(OFFLOAD)
      const floor = p50(PISCINA)
      if (offload !== undefined && floor) perRound.push({ ratio: offload / floor, rows })
      else perRound.push({ ratio: Number.NaN, rows })
    }
    const ratios = perRound.map((p) => p.ratio).filter(Number.isFinite)
    const mid = median(ratios)
    const shown = perRound.reduce((best, p) => (Math.abs(p.ratio - mid) < Math.abs(best.ratio - mid) ? p : best), perRound[0] as (typeof perRound)[number])
    const round3 = (x: number) => Math.round(x * 1000) / 1000
    const roundsP50Us = Object.fromEntries(trips.map(([name]) => [name, perRound.flatMap((p) => p.rows.filter((x) => x.name === name && x.p50Us !== undefined).map((x) => x.p50Us as number))]))
    return {
      results: [...results.slice(0, 2), ...shown.rows, ...results.slice(2)],
      offloadVsPiscina: Number.isFinite(mid) ? round3(mid) : undefined,
      offloadVsPiscinaRounds: ratios.map(round3),
      roundsP50Us,
    }
  } finally {
    await Promise.allSettled(closing.map(async (close) => close()))
  }
}
